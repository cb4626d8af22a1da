"""Trap closed: "1 year" means one thing. Exposures are explicit statements with units.

A beam-year differs between facilities and papers (the built-in detector files use
1.4 MW for 5000 h, a calendar year is 8766 h), so a bare time is refused for a beam, and
every output prints the POT and the proton energy assumed in the conversion.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cevns import units as u
from cevns.cli.main import app
from cevns.detectors import load_detector, parse_detector
from cevns.detectors.catalogue import builtin_text
from cevns.sources.exposure import parse_exposure

runner = CliRunner()


@pytest.fixture(scope="module")
def sns() -> object:
    return load_detector("csi-2021").source


def test_three_beam_forms(sns: object) -> None:
    """Exact conversions: POT = P t / E_p = E_beam / E_p (proton energy 0.984 GeV)."""
    ep_joule = 0.984e9 * 1.602176634e-19
    pot, label = parse_exposure("1.4 MW for 5000 h", sns)
    assert pot == pytest.approx(1.4e6 * 5000 * 3600 / ep_joule, rel=1e-12)
    assert label == f"1.4 MW for 5000 h at 0.984 GeV = {pot:.4g} POT"
    pot, label = parse_exposure("13.99 GWh", sns)
    assert pot == pytest.approx(13.99e9 * 3600 / ep_joule, rel=1e-12)
    assert "0.984 GeV" in label and label.endswith("POT")
    assert parse_exposure("3.2e23 POT", sns) == (3.2e23, "3.2e+23 POT")


@pytest.mark.parametrize("text", ["1 year", "1 yr", "5000 h"])
def test_bare_time_is_refused_for_a_beam(sns: object, text: str) -> None:
    with pytest.raises(ValueError, match=r"^exposure: a bare time .*1\.4 MW for 5000 h"):
        parse_exposure(text, sns)


def test_wrong_count_unit_is_refused(sns: object) -> None:
    with pytest.raises(ValueError, match=r"^exposure: .*normalised per proton on target"):
        parse_exposure("1e27 fission", sns)


def test_reactor_year_is_a_visible_live_time() -> None:
    """For a reactor a live time is unambiguous; 'year' is the Julian year, printed in hours."""
    conus = load_detector("conus")
    n, label = parse_exposure("1 year", conus.source)
    assert n == pytest.approx(parse_exposure("8766 h", conus.source)[0], rel=1e-12)
    assert "8766 h" in label and label.endswith("fission")


def test_detector_file_refuses_a_beam_live_time_without_power() -> None:
    toml = builtin_text("csi-2021").replace('beam_energy = "13.99 GWh"', 'live_time = "1 year"')
    with pytest.raises(ValueError, match=r"^exposure\.live_time: a beam exposure needs "):
        parse_detector(toml)


def test_every_prediction_output_prints_pot_and_assumption() -> None:
    ok = runner.invoke(app, ["predict", "coh-ar-750", "--json"])
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.output)
    assert payload["exposure"] == "1.4 MW for 5000 h at 1 GeV = 1.573e+23 POT"
    assert payload["protons_on_target"] == pytest.approx(1.4e6 * 5000 * 3600 / 1.602176634e-10)
    assert payload["proton_energy_GeV"] == 1.0
    table = runner.invoke(app, ["predict", "csi-2021", "--exposure", "13.99 GWh"])
    assert "0.984 GeV" in table.output and "POT" in table.output
    bad = runner.invoke(app, ["predict", "csi-2021", "--exposure", "1 year"])
    assert bad.exit_code == 2 and "bare time" in bad.output
    listing = runner.invoke(app, ["detectors"])
    assert "POT" in listing.output
    assert u.year == 8766 * u.hour  # the one definition of 'year' (Julian)
