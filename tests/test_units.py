"""Trap closed: keVnr, keVee and PE are different quantities at every user boundary.

Inside the library energies are plain floats in MeV; at the boundary (``parse_quantity``,
detector TOML files, CSV headers, the CLI) a nuclear-recoil energy, an electron-equivalent
(visible) energy and a photoelectron count never stand in for one another.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cevns import units as u
from cevns.cli.main import app
from cevns.detectors import DetectorFileError, list_detectors, load_detector, parse_detector
from cevns.stats.data import BinnedDataError, read_binned_csv


def test_each_kind_accepts_its_own_suffix() -> None:
    assert u.parse_quantity("5 keVnr", "recoil_energy") == pytest.approx(5e-3)
    assert u.parse_quantity("5 keVee", "visible_energy") == pytest.approx(5e-3)
    assert u.parse_quantity("300 eVee", "visible_energy") == pytest.approx(3e-4)
    assert u.parse_quantity("8 PE", "photoelectrons") == 8.0
    assert u.parse_quantity("1 GeV", "energy") == pytest.approx(1e3)


@pytest.mark.parametrize(
    ("text", "kind", "needle"),
    [
        ("5 keVee", "recoil_energy", "nuclear-recoil"),
        ("5 keVnr", "visible_energy", "electron-equivalent"),
        ("5 keV", "recoil_energy", "'5 keVnr'"),
        ("5 keV", "visible_energy", "'5 keVee'"),
        ("5 PE", "visible_energy", "photoelectrons"),
        ("5 keVee", "photoelectrons", "'PE'"),
        ("5 keVnr", "energy", "nuclear-recoil"),
    ],
)
def test_scales_never_mix(text: str, kind: str, needle: str) -> None:
    """The error names the parameter, what it got and what is allowed."""
    with pytest.raises(ValueError, match=r"^threshold: ") as err:
        u.parse_quantity(text, kind, name="threshold")
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


GOOD = """\
[detector]
name = "toy"
target = "Ar"
mass = "10 kg"
distance = "20 m"
recoil_energy_min = "1 keVnr"

[quenching]
kind = "linear"
intercept = 0.25
slope = "0.0008 /keVnr"

[smearing]
kind = "gaussian"
observable = "energy"
stochastic = "0.58 sqrt(keVee)"

[efficiency]
kind = "step"
variable = "observable"
unit = "keVee"
threshold = 5.0

[binning]
observable = "energy"
energy_unit = "keVee"
energy_edges = [0, 10, 20, 40]
"""


def test_detector_file_with_explicit_scales_loads() -> None:
    det = parse_detector(GOOD)
    assert det.observable_unit == ("keVee", u.keVee)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('energy_unit = "keVee"', 'energy_unit = "keVnr"', "binning.energy_unit"),
        ('energy_unit = "keVee"', 'energy_unit = "keV"', "binning.energy_unit"),
        ('unit = "keVee"\nthreshold', 'unit = "keVnr"\nthreshold', "efficiency.unit"),
        ('variable = "observable"\nunit = "keVee"', 'variable = "recoil_energy"\nunit = "keVee"',
         "efficiency.unit"),
        ('"1 keVnr"', '"1 keVee"', "detector.recoil_energy_min"),
        ('"1 keVnr"', '"1 keV"', "detector.recoil_energy_min"),
        ('"0.0008 /keVnr"', '"0.0008 /keVee"', "quenching.slope"),
        ('sqrt(keVee)', 'sqrt(keVnr)', "smearing.stochastic"),
    ],
)
def test_detector_file_rejects_the_wrong_scale(old: str, new: str, field: str) -> None:
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(DetectorFileError, match=rf"^{field}: "):
        parse_detector(text)


def test_recoil_axis_only_for_an_identity_response() -> None:
    """keVnr binning is allowed only where the observable is the recoil energy itself."""
    text = (GOOD.replace('kind = "linear"\nintercept = 0.25\nslope = "0.0008 /keVnr"',
                         'kind = "constant"\nfactor = 1.0')
            .replace('kind = "gaussian"\nobservable = "energy"\nstochastic = "0.58 sqrt(keVee)"',
                     'kind = "none"\nobservable = "energy"')
            .replace('unit = "keVee"\nthreshold', 'unit = "keVnr"\nthreshold')
            .replace('energy_unit = "keVee"', 'energy_unit = "keVnr"'))
    assert parse_detector(text).observable_unit == ("keVnr", u.keVnr)


def test_builtin_detectors_name_their_scale() -> None:
    for name in list_detectors():
        unit, _ = load_detector(name).observable_unit
        assert unit in ("PE", "keVee", "keVnr"), name


def test_csv_header_needs_the_scale(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("E_low [keV], E_high [keV], observed, sig\n0, 1, 3, 1\n")
    with pytest.raises(BinnedDataError, match=r"d\.csv:1: .*\[keVee\].*\[keVnr\]"):
        read_binned_csv(f)
    f.write_text("E_low [keVee], E_high [keVee], observed, sig\n0, 1, 3, 1\n")
    assert read_binned_csv(f).units == ("keVee",)


runner = CliRunner()


def test_cli_roi_refuses_the_other_scale() -> None:
    bad = runner.invoke(app, ["predict", "cenns10-2020", "--roi", "20 keVnr:60 keVnr"])
    assert bad.exit_code == 2 and "roi:" in bad.output and "keVee" in bad.output
    bad = runner.invoke(app, ["predict", "csi-2021", "--roi", "8 keVee:60 keVee"])
    assert bad.exit_code == 2 and "PE" in bad.output


def test_outputs_label_the_scale() -> None:
    ok = runner.invoke(app, ["predict", "cenns10-2020", "--json"])
    assert ok.exit_code == 0, ok.output
    payload = json.loads(ok.output)
    assert "energy_edges_keVee" in payload
    assert "T_edges_keVnr" in payload["recoil_spectrum"]
    table = runner.invoke(app, ["predict", "cenns10-2020"])
    assert "[keVee]" in table.output
