"""Kinematics against the T_max table of A. Konovalov (COHERENT talk 2021) and exact inverse
relations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns import units as u
from cevns.constants import ROUNDED_NUCLEON_MASS
from cevns.physics.kinematics import max_recoil_energy, min_neutrino_energy, momentum_transfer
from cevns.physics.targets import Isotope

# A. Konovalov, "Results and future of COHERENT" (COHERENT talk 2021): T_max in keV at E = 5 and 30
# MeV.
KONOVALOV_TMAX_KEV = {
    "C12": (4.44, 159.0),
    "Na23": (2.32, 83.2),
    "Ar40": (1.33, 47.9),
    "Ge74": (0.72, 25.9),
    "Cs133": (0.40, 14.4),
}


@pytest.mark.parametrize("symbol", KONOVALOV_TMAX_KEV)
def test_konovalov_tmax_table_with_rounded_nucleon_mass(symbol: str) -> None:
    """With M = A x 938.3 MeV, as the talk's table used: agreement to 0.5 % (plus the table's
    rounding)."""
    iso = Isotope.parse(symbol)
    mass = iso.A * float(ROUNDED_NUCLEON_MASS)
    for energy, expected in zip((5.0, 30.0), KONOVALOV_TMAX_KEV[symbol], strict=True):
        value = max_recoil_energy(energy * u.MeV, mass) / u.keV
        assert value == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize("symbol", KONOVALOV_TMAX_KEV)
def test_tmax_with_true_nuclear_masses_moves_less_than_one_percent(symbol: str) -> None:
    """With true nuclear masses the values of Konovalov's table move by < 1 %."""
    iso = Isotope.parse(symbol)
    for energy, expected in zip((5.0, 30.0), KONOVALOV_TMAX_KEV[symbol], strict=True):
        value = max_recoil_energy(energy, iso.nuclear_mass) / u.keV
        assert value == pytest.approx(expected, rel=0.01, abs=0.006)


def test_c12_at_30_mev_needs_the_rounded_mass() -> None:
    """159.0 keV for C12 at 30 MeV comes out only with M = A x 938.3 MeV."""
    rounded = max_recoil_energy(30.0, 12 * float(ROUNDED_NUCLEON_MASS)) / u.keV
    true = max_recoil_energy(30.0, Isotope.parse("C12").nuclear_mass) / u.keV
    assert round(rounded, 1) == 159.0
    assert round(true, 1) != 159.0


@given(
    energy=st.floats(min_value=1e-3, max_value=300.0),
    mass=st.floats(min_value=900.0, max_value=250_000.0),
)
def test_min_neutrino_energy_inverts_max_recoil(energy: float, mass: float) -> None:
    t_max = max_recoil_energy(energy, mass)
    assert min_neutrino_energy(t_max, mass) == pytest.approx(energy, rel=1e-9)


def test_momentum_transfer_conventions() -> None:
    m, t = 123_000.0, 0.02
    assert momentum_transfer(t, m) == pytest.approx(np.sqrt(2 * m * t))
    assert momentum_transfer(t, m, "2MT+T2") == pytest.approx(np.sqrt(2 * m * t + t * t))
    with pytest.raises(ValueError, match="convention"):
        momentum_transfer(t, m, "Q2")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_energies_name_the_argument(bad: float) -> None:
    with pytest.raises(ValueError, match="neutrino_energy"):
        max_recoil_energy(bad, 1000.0)
    with pytest.raises(ValueError, match="recoil_energy"):
        min_neutrino_energy([0.1, bad], 1000.0)


def test_bad_mass_names_the_argument() -> None:
    with pytest.raises(ValueError, match="nuclear_mass"):
        max_recoil_energy(10.0, 0.0)
