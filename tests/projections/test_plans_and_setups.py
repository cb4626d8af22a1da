"""Run plans, projection set-ups, background models and the future detector files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cevns import units as u
from cevns.detectors import list_detectors, load_detector
from cevns.detectors.catalogue import builtin_text
from cevns.projections import (
    RunPeriod,
    list_plans,
    list_setups,
    load_plan,
    load_setup,
    parse_plan,
    parse_setup,
)
from cevns.projections.setup import parse_rate_density
from cevns.sources.stopped_pion import efremenko_total_yield

FUTURE = ["naivete-na", "csi-cryo", "ess-csi", "ess-ge", "ess-xe", "sts-ar"]


def test_plan_catalogue_and_pot() -> None:
    """POT = P t / E_p exactly; Jeong, K-Neutrino Symposium 2024: ~7000 MWh a year at 1.7 MW."""
    assert {"sns-year", "sns-ppu-year", "sns-ppu-3yr", "sns-sts-year", "ess-3yr"} <= set(
        list_plans())
    plan = load_plan("sns-year")
    assert plan.beam_energy / u.MWh == pytest.approx(7000.6, rel=1e-12)  # 1.7 MW × 4118 h
    assert plan.protons_on_target == pytest.approx(1.7 * u.MW * 4118 * u.hour / u.GeV,
                                                   rel=1e-12)


def test_power_upgrade_follows_the_proton_energy_parametrisation() -> None:
    """After the power upgrade the yield is the Efremenko (NuINT 2024) fit at 1.3 GeV / 3."""
    period = load_plan("sns-ppu-year").periods[0]
    src = period.source()
    assert src.proton_energy == pytest.approx(1.3 * u.GeV)
    assert src.neutrino_yield.per_flavour == pytest.approx(
        efremenko_total_yield(1300.0) / 3, rel=1e-12)
    # a changed energy without a named yield re-evaluates the fit ...
    lower = RunPeriod("sns", 100 * u.hour, proton_energy=0.9 * u.GeV).source()
    assert lower.neutrino_yield.per_flavour == pytest.approx(efremenko_total_yield(900.0) / 3)
    # ... and outside its range asks for a yield instead of extrapolating
    with pytest.raises(ValueError, match=r"^proton_energy: .*give an explicit yield"):
        RunPeriod("sns", 100 * u.hour, proton_energy=2.0 * u.GeV)


def test_second_target_station_pulses() -> None:
    """Efremenko, SNvD 2023: STS 15 Hz, FTS 45 Hz; pulses = hours × rate."""
    sts = load_plan("sns-sts-year").periods[0]
    fts = load_plan("sns-fts-sts-year").periods[0]
    assert sts.pulses == pytest.approx(4118 * 3600 * 15, rel=1e-12)
    assert fts.pulses == pytest.approx(3 * sts.pulses, rel=1e-12)


def test_scaled_plan_is_linear() -> None:
    plan = load_plan("sns-ppu-3yr")
    assert plan.scaled(2.5).protons_on_target == pytest.approx(2.5 * plan.protons_on_target)
    with pytest.raises(ValueError, match=r"^factor:"):
        plan.scaled(0.0)


@pytest.mark.parametrize(("text", "match"), [
    ("[plan]\nname='x'\n", r"^period: "),
    ("[plan]\nname='x'\n[[period]]\nfacility='sns'\n", r"^period\[0\]\.duration: missing"),
    ("[plan]\nname='x'\n[[period]]\nfacility='nowhere'\nduration='1 h'\n",
     r"^period\[0\]\.facility: unknown facility"),
    ("[plan]\nname='x'\n[[period]]\nfacility='sns'\nduration='1 h'\nspeed=3\n",
     r"^period\[0\]: .*unknown keys \['speed'\]"),
    ("[plan]\nname='x'\n[[period]]\nfacility='sns'\nduration='-1 h'\n", r"^period\[0\]\."),
    ("[plan]\nname='x'\n[[period]]\nfacility='ess'\nduration='1 h'\n",
     r"^period\[0\]\.neutrino_yield: facility 'ess' has no published yield"),
    ("not toml [", r"^plan: .* is not valid TOML"),
])
def test_bad_plans_are_one_line_errors(text: str, match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        parse_plan(text, "p.toml")
    assert "\n" not in str(info.value)


def test_unknown_plan_and_setup_names() -> None:
    with pytest.raises(ValueError, match=r"^plan: unknown plan 'mars'"):
        load_plan("mars")
    with pytest.raises(ValueError, match=r"^detector: no projection set-up 'mars'"):
        load_setup("mars")


def test_every_setup_loads_with_its_plan() -> None:
    names = list_setups()
    assert {"coh-ar-750", "naivete-3t3", "naivete-2t5", "ge-mini", "csi-cryo", "sts-ar",
            "ess-csi", "ess-ge", "ess-xe", "cenns10-like"} <= set(names)
    for name in names:
        setup = load_setup(name)
        load_plan(setup.plan)
        assert setup.systematics["flux"] == pytest.approx(0.10)


def test_rate_density_units() -> None:
    """1 count / (keVee kg day) = 1.157e-11 / (kg keVee µs)."""
    per_day = parse_rate_density("1 /kg/keVee/day")
    assert per_day == pytest.approx(parse_rate_density("1.1574074e-11 /kg/keVee/us"), rel=1e-7)
    for bad in ("3 /keVee/us", "x /kg/keVee/us", "1 /kg/keVee/m", "-1 /kg/keVee/us"):
        with pytest.raises(ValueError, match=r"^steady_state\.rate:"):
            parse_rate_density(bad)


def test_bad_setup_fields() -> None:
    base = ("[projection]\nname='x'\ndetector='coh-ar-750'\nplan='sns-year'\n")
    with pytest.raises(ValueError, match=r"^systematics\.flux: .*\(0, 1\)"):
        parse_setup(base + "[systematics]\nflux = 2.0\n")
    with pytest.raises(ValueError, match=r"^steady_state: .*unknown keys \['rat'\]"):
        parse_setup(base + "[steady_state]\nrat = 1\n")
    with pytest.raises(ValueError, match=r"^projection\.plan: missing"):
        parse_setup("[projection]\nname='x'\ndetector='coh-ar-750'\n")


def test_steady_state_counts_are_rate_times_exposure() -> None:
    """N = rate × mass × ΔE × Δt × pulses, per bin (the COH-Ar-750 grid: 12 × 10 bins of
    10 keVee × 0.5 µs)."""
    setup = load_setup("coh-ar-750")
    plan = load_plan("sns-year")
    assert setup.steady_state is not None
    counts = setup.steady_state.counts(setup.detector, plan)
    expected = (2.28e-10 / (u.kg * u.keVee * u.us) * 610 * 10 * u.keVee * 0.5 * u.us
                * 4118 * 3600 * 60)
    np.testing.assert_allclose(counts, expected, rtol=1e-9)


def test_beam_neutrons_scale_with_pot_mass_and_distance() -> None:
    """CENNS-10 described as a future detector gets back its own 497 × (POT / 1.38e23)
    beam-related neutrons (LAr 2020 release), and the scaling laws are exact."""
    setup = load_setup("cenns10-like")
    plan = load_plan(setup.plan)
    brn = setup.beam_neutrons
    assert brn is not None
    total = brn.counts(setup.detector, plan).sum()
    pulse_in_window = 1.0  # the Gaussian pulse lies inside -0.1 … 4.9 µs
    assert total == pytest.approx(497.0 * plan.protons_on_target / 1.38e23 * pulse_in_window,
                                  rel=1e-3)
    far = setup.detector.with_distance(2 * setup.detector.distance).with_mass(
        8 * setup.detector.mass)
    assert brn.counts(far, plan).sum() == pytest.approx(total * 4 / 4, rel=1e-3)


@pytest.mark.parametrize("name", FUTURE)
def test_future_detector_files_cite_every_value(name: str) -> None:
    """Every `key = value` line carries a `#` comment (a source, or "assumed")."""
    assert name in list_detectors()
    in_list = False
    for number, line in enumerate(builtin_text(name).splitlines(), 1):
        stripped = line.strip()
        if in_list:
            in_list = not stripped.startswith("]")
            continue
        if not stripped or stripped.startswith(("#", "[")) or "=" not in stripped:
            continue
        key = stripped.split("=", 1)[0].strip()
        if key in ("name", "description", "kind", "references", "assumptions"):
            in_list = stripped.endswith("[")
            continue
        if stripped.endswith("[") and "#" not in stripped:
            in_list = True
            continue
        assert "#" in stripped, f"{name}.toml line {number}: {stripped!r} has no source"
    load_detector(name)


@pytest.mark.parametrize("name", ["coh-ar-750", "naivete-3t3", "ge-mini", "ess-xe", "sts-ar"])
def test_setup_files_cite_every_value(name: str) -> None:
    from importlib import resources

    text = (resources.files("cevns.data") / "projections" / f"{name}.toml").read_text("utf-8")
    in_list = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if in_list:
            in_list = not stripped.startswith("]")
            continue
        if not stripped or stripped.startswith(("#", "[")) or "=" not in stripped:
            continue
        key = stripped.split("=", 1)[0].strip()
        if key in ("name", "references", "assumptions"):
            in_list = stripped.endswith("[")
            continue
        assert "#" in stripped, f"{name}.toml line {number}: {stripped!r} has no source"


def test_user_plan_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("[plan]\nname = 'mine'\n[[period]]\nfacility = 'sns_ppu'\n"
                    "duration = '1000 h'\nbeam_power = '1.8 MW'\n", encoding="utf-8")
    plan = load_plan(path)
    assert plan.periods[0].source().beam_power == pytest.approx(1.8 * u.MW)
    assert math.isclose(plan.duration, 1000 * u.hour)
