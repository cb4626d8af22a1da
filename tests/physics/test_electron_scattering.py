"""Neutrino–electron elastic scattering (Bahcall, Kamionkowski & Sirlin, PRD 51 (1995) 6146)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns.constants import ELECTRON_MASS, FERMI_CONSTANT, FINE_STRUCTURE, HBAR_C
from cevns.flavours import ALL_FLAVOURS, Flavour
from cevns.physics.electron_scattering import (
    ATOMIC_SHELLS,
    NeutrinoElectronScattering,
    atomic_shells,
    max_recoil,
)

ME = float(ELECTRON_MASS)
SIGMA0 = 2 * float(FERMI_CONSTANT) ** 2 * ME * float(HBAR_C) ** 2 / math.pi


def _tree_total(E: float, flavour: Flavour, s2: float) -> float:
    """Closed-form ∫₀^{T_max} of the tree-level dσ/dT ('t Hooft, PLB 37 (1971) 195)."""
    gl, gr = (0.5 + s2, s2) if flavour.lepton == "e" else (-0.5 + s2, s2)
    if flavour.is_antineutrino:
        gl, gr = gr, gl
    tm = 2 * E**2 / (ME + 2 * E)
    return SIGMA0 * (gl**2 * tm + gr**2 * E / 3 * (1 - (1 - tm / E) ** 3)
                     - gl * gr * ME * tm**2 / (2 * E**2))


@pytest.mark.parametrize("flavour", ALL_FLAVOURS)
@pytest.mark.parametrize("energy", [0.3, 5.0, 52.8])
def test_tree_level_total_matches_closed_form(flavour: Flavour, energy: float) -> None:
    """Quadrature of dσ/dT vs the analytic integral of the tree-level formula, 1e-8."""
    tree = NeutrinoElectronScattering(radiative=False, sin2_theta_w=0.2387)
    assert tree.cross_section(energy, flavour) == pytest.approx(
        _tree_total(energy, flavour, 0.2387), rel=1e-8)


def test_radiative_corrections_are_percent_level_and_flavour_dependent() -> None:
    """BKS (PRD 51 (1995) 6146, Sec. V): the corrections are a few per cent; ν_e e goes down
    (κ_e < 1 and the QED terms), ν_μ e goes up (ρ > 1). Tolerance: the sign and |δ| < 4 %."""
    E = np.array([0.862, 10.0, 30.0, 52.8])
    rc, tree = NeutrinoElectronScattering(), NeutrinoElectronScattering(radiative=False)
    for flavour, sign in ((Flavour.NU_E, -1), (Flavour.NU_E_BAR, -1), (Flavour.NU_MU, 1),
                          (Flavour.NU_MU_BAR, 1)):
        delta = rc.cross_section(E, flavour) / tree.cross_section(E, flavour) - 1
        assert np.all(sign * delta > 0) and np.all(abs(delta) < 0.04)


def test_bks_couplings_at_zero_recoil() -> None:
    """BKS Eq. (A3) with I(T→0) = 0: ν_μ g_L = ρ(½ − 0.9970 s²), g_R = −ρ 0.9970 s², ρ = 1.0126;
    the axial coupling g_L − g_R = ρ/2 = 0.5063 (PDG: g_A^{νe} = −0.5064 in its sign
    convention). Tolerance 1e-6 (exact transcription)."""
    model = NeutrinoElectronScattering()
    gl, gr = model.couplings(np.array([1e-9]), "nu_mu")
    assert gl[0] == pytest.approx(1.0126 * (0.5 - 0.9970 * 0.2317), rel=1e-5)
    assert gr[0] == pytest.approx(-1.0126 * 0.9970 * 0.2317, rel=1e-5)
    assert gl[0] - gr[0] == pytest.approx(0.5063, abs=1e-4)
    gle, _ = model.couplings(np.array([1e-9]), "nu_e")
    assert gle[0] == pytest.approx(1.0126 * (0.5 - 0.9791 * 0.2317) - 1.0, rel=1e-5)


def test_beryllium_line_cross_sections() -> None:
    """⁷Be 862 keV line: σ(ν_e e) ≈ 5.8e-45 cm², σ(ν_μ e) ≈ 1.3e-45 cm² — the values solar
    ν–e analyses (e.g. Borexino) quote; not verified against a table, hence 3 %."""
    model = NeutrinoElectronScattering()
    assert model.cross_section(0.862, "nu_e") == pytest.approx(5.8e-45, rel=0.03)
    assert model.cross_section(0.862, "nu_mu") == pytest.approx(1.28e-45, rel=0.03)


def test_magnetic_moment_term_integrates_to_log() -> None:
    """π α² μ²/m_e² (1/T − 1/E) integrates to π α² μ²/m_e² [ln(T_max/T_th) − (T_max − T_th)/E]
    (Vogel & Engel, PRD 39 (1989) 3378). Tolerance 1e-4 (quadrature)."""
    E, th, mu = 10.0, 1e-3, 1e-10
    with_mu = NeutrinoElectronScattering(magnetic_moment=mu)
    sm = NeutrinoElectronScattering()
    tm = float(max_recoil(E))
    expected = (math.pi * float(FINE_STRUCTURE) ** 2 * float(HBAR_C) ** 2 / ME**2 * mu**2
                * (math.log(tm / th) - (tm - th) / E))
    got = with_mu.cross_section(E, "nu_e", threshold=th) - sm.cross_section(E, "nu_e", threshold=th)
    assert got == pytest.approx(expected, rel=1e-3)


def test_stepping_approximation_for_xenon() -> None:
    """Above the K shell (34.56 keV) all 54 xenon electrons scatter; below 12.1 eV none; between,
    the count of electrons whose binding is below T (X-ray Data Booklet Table 1-1)."""
    xe = atomic_shells("Xe")
    assert xe.Z == 54
    assert xe.active_electrons(np.array([5e-6, 1e-3, 0.05])).tolist() == [0.0, 40.0, 54.0]
    model = NeutrinoElectronScattering()
    T = np.array([1e-3, 0.05])
    ratio = model.atomic_dsigma_dT(1.0, T, "nu_e", "Xe") / model.dsigma_dT(1.0, T, "nu_e")
    assert ratio.tolist() == [40.0, 54.0]
    # pp-like energies: the per-atom total is below 54 free electrons, but only slightly
    total = model.atomic_cross_section(0.3, "nu_e", "Xe")
    free = 54 * model.cross_section(0.3, "nu_e")
    assert 0.9 < total / free < 1.0
    for shells in ATOMIC_SHELLS.values():
        assert {"Xe": 54, "Ar": 18, "Ge": 32, "I": 53, "Na": 11}[shells.symbol] == shells.Z


def test_zero_outside_kinematics_and_finite() -> None:
    model = NeutrinoElectronScattering()
    E = np.array([1.0, 1.0, 1.0])
    T = np.array([0.0, float(max_recoil(1.0)) * 1.0001, 0.5])
    out = model.dsigma_dT(E, T, "nu_e_bar")
    assert out[0] == 0 and out[1] == 0 and out[2] > 0
    assert model.cross_section(0.0, "nu_e") == 0.0


@given(st.floats(0.01, 999.0), st.sampled_from(ALL_FLAVOURS), st.floats(0.0, 1.0))
def test_spectrum_positive_and_finite(energy: float, flavour: Flavour, frac: float) -> None:
    model = NeutrinoElectronScattering()
    value = model.dsigma_dT(energy, frac * float(max_recoil(energy)), flavour)
    assert np.isfinite(value) and value >= 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m: m.cross_section(2000.0, "nu_e"), r"energy: .*0 to 1000 MeV"),
        (lambda m: m.cross_section(-1.0, "nu_e"), r"energy: .*>= 0"),
        (lambda m: m.cross_section(float("nan"), "nu_e"), r"energy: .*finite"),
        (lambda m: m.cross_section(1.0, "nu_x"), r"flavour: unknown"),
        (lambda m: m.atomic_cross_section(1.0, "nu_e", "Kr"), r"element 'Kr'.*available: Ar"),
        (lambda m: NeutrinoElectronScattering(magnetic_moment=1e-11).cross_section(1.0, "nu_e"),
         r"threshold: .*magnetic moment"),
        (lambda m: NeutrinoElectronScattering(sin2_theta_w=1.5), r"sin2_theta_w"),
    ],
)
def test_bad_input_is_one_line(call: object, match: str) -> None:
    model = NeutrinoElectronScattering()
    with pytest.raises(ValueError, match=match) as info:
        call(model)  # type: ignore[operator]
    assert "\n" not in str(info.value)
