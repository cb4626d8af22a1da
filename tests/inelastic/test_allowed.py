"""Allowed-approximation engine: Coulomb corrections, cross-section shapes, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns.constants import ELECTRON_MASS, FINE_STRUCTURE
from cevns.inelastic.allowed import (
    allowed_cc_cross_sections,
    allowed_nc_cross_sections,
    check_axial_coupling,
    coulomb_factor,
    fermi_function,
    mema_factor,
)


def test_fermi_function_matches_nonrelativistic_limit_for_light_nucleus() -> None:
    """For αZ ≪ 1 the Fermi function tends to 2πη/(1 − e^{−2πη}) (e.g. Konopinski, The
    Theory of Beta Radioactivity (1966)); Z = 1, slow electron, agreement to 2 %."""
    m = float(ELECTRON_MASS)
    e = m + 0.01
    p = math.sqrt(e * e - m * m)
    eta = float(FINE_STRUCTURE) * e / p
    expected = 2 * math.pi * eta / (1 - math.exp(-2 * math.pi * eta))
    assert fermi_function(1, 1, e) == pytest.approx(expected, rel=0.02)


def test_coulomb_factors_enhance_electrons_and_suppress_positrons() -> None:
    e = np.array([5.0, 20.0, 50.0])
    assert np.all(fermi_function(83, 208, e) > 1)
    assert np.all(fermi_function(83, 208, e, positron=True) < 1)
    mema, valid = mema_factor(83, 208, e)
    assert np.all(valid) and np.all(mema > 1)


def test_fermi_mema_takes_the_factor_closer_to_one() -> None:
    """Engel, Phys. Rev. C 57 (1998) 2004: the Fermi function near threshold, the MEMA
    for fast electrons in heavy nuclei, whichever correction is smaller."""
    e = np.linspace(1.0, 55.0, 50)
    fermi = fermi_function(83, 208, e)
    mema, _ = mema_factor(83, 208, e)
    chosen = coulomb_factor(83, 208, e, "fermi-mema")
    assert np.allclose(chosen, np.where(np.abs(mema - 1) < np.abs(fermi - 1), mema, fermi))
    assert np.all(coulomb_factor(83, 208, e, "none") == 1.0)


def test_cc_cross_section_zero_below_threshold_and_broadcasts() -> None:
    energy = np.array([[1.0, 5.0], [10.0, 30.0]])
    sigma = allowed_cc_cross_sections(energy, [2.0, 8.0], [1.0, 0.0], [0.0, 1.0], 19, 40)
    assert sigma.shape == (2, 2, 2)
    assert sigma[0, 0, 0] == 0.0 and sigma[0, 0, 1] == 0.0  # 1 MeV < both thresholds
    assert sigma[0, 1, 1] == 0.0 and sigma[0, 1, 0] > 0
    assert np.all(np.isfinite(sigma)) and np.all(sigma >= 0)


def test_cc_cross_section_scales_with_ga_squared_for_pure_gamow_teller() -> None:
    s1 = allowed_cc_cross_sections(30.0, [5.0], [0.0], [1.0], 19, 40, g_a=1.0)
    s2 = allowed_cc_cross_sections(30.0, [5.0], [0.0], [1.0], 19, 40, g_a=1.5)
    assert s2[0] == pytest.approx(2.25 * s1[0], rel=1e-12)


@given(st.floats(0.0, 60.0))
def test_nc_cross_section_is_finite_nonnegative(energy: float) -> None:
    sigma = allowed_nc_cross_sections(energy, [15.11], [0.5])
    assert np.all(np.isfinite(sigma)) and np.all(sigma >= 0)
    assert (sigma[0] > 0) == (energy > 15.11)


@pytest.mark.parametrize("bad", [0.0, -1.26, float("nan"), float("inf"), 3.0])
def test_bad_axial_coupling_is_one_line_error(bad: float) -> None:
    with pytest.raises(ValueError, match=r"^g_a: axial coupling must be finite") as info:
        check_axial_coupling(bad)
    assert "\n" not in str(info.value)


def test_unknown_coulomb_mode_is_one_line_error() -> None:
    with pytest.raises(ValueError, match=r"coulomb: unknown mode 'exact'"):
        coulomb_factor(7, 12, 10.0, "exact")


@pytest.mark.parametrize(("z", "a"), [(7, 12), (19, 40), (54, 127), (83, 208)])
def test_fast_fermi_function_matches_the_exact_one(z: int, a: int) -> None:
    """The interpolated Fermi function (log F linear in log p on a 2048-point grid) agrees with
    the exact relativistic one to 1e-5 from threshold to 400 MeV; positrons use the exact one."""
    from cevns.inelastic.allowed import fermi_function, fermi_function_fast

    e = np.geomspace(0.511, 400.0, 4001)
    assert np.allclose(fermi_function_fast(z, a, e), fermi_function(z, a, e), rtol=1e-5, atol=0)
    assert np.array_equal(fermi_function_fast(z, a, e, positron=True),
                          fermi_function(z, a, e, positron=True))
