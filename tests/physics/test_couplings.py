"""Coupling schemes (Barranco, Miranda, Rashba, JHEP 0512 (2005) 021; COHERENT reference code)."""

from __future__ import annotations

import pytest

from cevns.flavours import Flavour
from cevns.physics.couplings import (
    BARRANCO_2005,
    ERLER_SU_2013,
    ChargeRadiusCorrected,
    NucleonCouplings,
    TreeLevel,
)


def test_tree_level_from_weak_mixing_angle() -> None:
    g = TreeLevel().for_flavour(Flavour.NU_E)
    assert g.g_V_p == pytest.approx(0.5 - 2 * 0.23857)
    assert (g.g_V_n, g.g_A_p, g.g_A_n) == (-0.5, 0.5, -0.5)
    assert TreeLevel(0.231).for_flavour(Flavour.NU_MU).g_V_p == pytest.approx(0.038)


def test_default_scheme_reproduces_the_quoted_muon_coupling() -> None:
    """Scholberg, MPA Summer School 2021 quotes g_V^p = 0.0298: Erler–Su base 0.01836 plus the ν_μ
    radius term 0.0114381."""
    assert ERLER_SU_2013.for_flavour(Flavour.NU_MU).g_V_p == pytest.approx(0.0298, abs=1e-4)
    assert ERLER_SU_2013.for_flavour(Flavour.NU_MU_BAR) == ERLER_SU_2013.for_flavour(Flavour.NU_MU)
    assert ERLER_SU_2013.for_flavour(Flavour.NU_E).g_V_p == pytest.approx(0.01836 + 0.0196964)
    assert BARRANCO_2005.for_flavour(Flavour.NU_TAU).g_V_n == -0.5117


def test_giunti_shifts_and_custom_couplings() -> None:
    giunti = ChargeRadiusCorrected(shift="giunti")
    assert giunti.for_flavour(Flavour.NU_E).g_V_p == pytest.approx(0.01836 + 0.0212196)
    custom = NucleonCouplings(0.03, -0.5, 0.5, -0.5)
    assert custom.weak_charge(55, 78) == pytest.approx(0.03 * 55 - 0.5 * 78)


def test_bad_couplings() -> None:
    with pytest.raises(ValueError, match="sin2_theta_w"):
        TreeLevel(1.2)
    with pytest.raises(ValueError, match="shift"):
        ChargeRadiusCorrected(shift="made-up")
    with pytest.raises(ValueError, match="g_V_p"):
        NucleonCouplings(float("nan"), -0.5, 0.5, -0.5)
