"""Exposure conversions (exact): POT = E_beam / E_p, E_beam = P t."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns import units as u
from cevns.sources.exposure import beam_energy_from_pot, protons_on_target, protons_per_second


def test_csi_2021_exposure() -> None:
    """13.99 GWh at 0.984 GeV ≈ 3.20 × 10²³ POT (CsI 2021, shared/data/README.md); 0.2 %."""
    pot = protons_on_target(beam_energy=13.99 * u.GWh, proton_energy=0.984 * u.GeV)
    assert pot == pytest.approx(3.20e23, rel=2e-3)
    # exact arithmetic: 13.99e9 W h × 3600 s/h / (0.984e9 eV × 1.602176634e-19 J/eV)
    assert pot == pytest.approx(13.99e9 * 3600 / (0.984e9 * 1.602176634e-19), rel=1e-12)


def test_sns_daily_protons() -> None:
    """Efremenko, NuINT 2024: 1.7 MW at 1 GeV 'delivers 9.2e20 POT daily' (2 significant digits)."""
    pot = protons_on_target(beam_power=1.7 * u.MW, duration=1 * u.day, proton_energy=1 * u.GeV)
    assert pot == pytest.approx(9.2e20, rel=0.01)


def test_rate() -> None:
    """1 MW of 1 GeV protons = 1e6 / (1e9 × 1.602176634e-19) = 6.2415e15 /s (exact)."""
    assert protons_per_second(1 * u.MW, 1 * u.GeV) == pytest.approx(6.241509074e15, rel=1e-9)


@given(
    power=st.floats(1e-3, 10.0),
    hours=st.floats(1e-3, 1e5),
    energy=st.floats(0.1, 10.0),
)
def test_power_time_equals_beam_energy(power: float, hours: float, energy: float) -> None:
    """Invariant: P × t route equals the integrated-energy route, and the inverse round-trips."""
    via_power = protons_on_target(
        beam_power=power * u.MW, duration=hours * u.hour, proton_energy=energy * u.GeV
    )
    via_energy = protons_on_target(
        beam_energy=power * hours * u.MWh, proton_energy=energy * u.GeV
    )
    assert via_power == pytest.approx(via_energy, rel=1e-12)
    assert beam_energy_from_pot(via_power, energy * u.GeV) == pytest.approx(
        power * hours * u.MWh, rel=1e-12
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"beam_energy": -1.0, "proton_energy": 1000.0}, "beam_energy"),
        ({"beam_energy": 1.0, "proton_energy": 0.0}, "proton_energy"),
        ({"beam_power": -1.0, "duration": 1.0, "proton_energy": 1000.0}, "beam_power"),
        ({"beam_power": 1.0, "duration": -1.0, "proton_energy": 1000.0}, "duration"),
        ({"proton_energy": 1000.0}, "beam_energy"),
        ({"beam_energy": 1.0, "beam_power": 1.0, "proton_energy": 1000.0}, "beam_energy"),
    ],
)
def test_bad_input(kwargs: dict[str, float], field: str) -> None:
    """Negative or missing inputs raise ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        protons_on_target(**kwargs)
