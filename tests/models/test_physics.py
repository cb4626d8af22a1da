"""Physics of the new-physics models: limits, spectra and cross-checks between models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns import units as u
from cevns.constants import FERMI_CONSTANT
from cevns.engine.cross_section import differential_cross_section
from cevns.flavours import Flavour
from cevns.models import (
    ChargeRadius,
    MagneticMoment,
    NeutronRadius,
    StandardModel,
    Sterile3p1,
    VectorMediator,
    VectorNSI,
    WeakMixingAngle,
    compose,
)
from cevns.models.electromagnetic import charge_radius_coefficient
from cevns.physics.couplings import CHARGE_RADIUS_SCHEMES
from cevns.physics.kinematics import momentum_transfer
from cevns.physics.targets import Isotope

CS = Isotope.parse("Cs133")


def test_magnetic_moment_spectrum_rises_as_one_over_t() -> None:
    """Vogel & Engel (1989): dσ_μ/dT → (πα²μ²Z²/m_e²)/T for T ≪ E (1/T rise), ∝ μ²."""
    e = np.array([30.0])
    t = np.array([1e-6, 1e-5])
    mm = MagneticMoment(mu_nue=50.0)
    extra = mm.extra_differential_cross_section(e, t, CS, Flavour.NU_E)
    assert extra is not None
    f = StandardModel().form_factors(CS, momentum_transfer(t, CS.nuclear_mass))[0]
    ratio = (extra[0] / f[0] ** 2) / (extra[1] / f[1] ** 2)
    assert abs(ratio / 10.0 - 1.0) < 1e-3
    double = MagneticMoment(mu_nue=100.0).extra_differential_cross_section(e, t, CS, Flavour.NU_E)
    np.testing.assert_allclose(double, 4.0 * extra, rtol=1e-12)
    assert mm.extra_differential_cross_section(e, t, CS, Flavour.NU_MU) is None


def test_sterile_large_dm2_averages_to_one_minus_half_sin2_2theta() -> None:
    """P_ee → 1 − ½ sin²2θ for Δm² → ∞ (sin²2θ = 4|U_e4|²(1 − |U_e4|²)), 1e-4."""
    ue = 0.1
    model = Sterile3p1(dm2_41=1e5, ue4_sq=ue)
    e = np.linspace(5.0, 50.0, 20)
    p = model.survival_probability(e, 19.3 * u.m, Flavour.NU_E)
    np.testing.assert_allclose(p, 1.0 - 0.5 * 4 * ue * (1 - ue), atol=1e-4)
    assert np.all(model.survival_probability(e, 19.3 * u.m, Flavour.NU_MU) == 1.0)
    both = Sterile3p1(dm2_41=1.0, ue4_sq=0.05, umu4_sq=0.02)
    no_avg = Sterile3p1(dm2_41=1.0, ue4_sq=0.05, umu4_sq=0.02, baseline_width=0.0)
    phase = 1.267 * 1.0 * 19.3 / e
    expected = 1 - 4 * 0.02 * (1 - 0.07) * np.sin(phase) ** 2
    np.testing.assert_allclose(no_avg.survival_probability(e, 19.3 * u.m, Flavour.NU_MU),
                               expected, rtol=1e-12)
    assert np.all(both.survival_probability(e, 19.3 * u.m, Flavour.NU_MU) <= 1.0)


def test_heavy_universal_zprime_equals_the_nsi_it_maps_onto() -> None:
    """M_Z′ ≫ q: δg_V^{p,n} = 3g²/(√2 G_F M²), i.e. ε^{uV} = ε^{dV} = g²/(√2 G_F M²) (NSI
    normalisation of Barranco et al., JHEP 0512 (2005) 021); the cross sections agree to the
    q²/M² ≈ 1e-4 of the propagator (test 1e-3)."""
    mass, g = 2.0e4, 3.0e-2
    eps = g**2 / (math.sqrt(2.0) * float(FERMI_CONSTANT) * mass**2)
    e = np.linspace(10.0, 50.0, 9)[:, None]
    t = np.geomspace(1e-4, 2e-2, 7)[None, :]
    zp = differential_cross_section(e, t, CS, "nu_mu", VectorMediator(g_zp=g, mass_zp=mass))
    nsi = differential_cross_section(e, t, CS, "nu_mu",
                                     VectorNSI(eps_uV_mumu=eps, eps_dV_mumu=eps))
    sm = differential_cross_section(e, t, CS, "nu_mu")
    inside = sm > 0
    assert np.max(np.abs(zp[inside] / sm[inside] - 1)) > 0.05  # a visible effect
    np.testing.assert_allclose(zp, nsi, rtol=1e-3)


def test_charge_radius_coefficient_reproduces_the_standard_model_shift() -> None:
    """(√2πα/3G_F)·0.48e-32 cm² equals the Erler–Su ν_μ shift of g_V^p, 0.01144 (the sign
    convention of Cadeddu et al., arXiv:1810.05606: SM radii negative, g_V^p − K⟨r²⟩), 1 %."""
    k = charge_radius_coefficient()
    assert abs(k * 0.48e-32 / CHARGE_RADIUS_SCHEMES["erler_su"].muon - 1) < 0.01
    model = ChargeRadius(r2_numu=-0.48 - 10.0)
    shift = model.vector_shifts(Flavour.NU_MU, np.array([1.0]))
    assert shift is not None and shift[0] > 0  # a more negative radius raises g_V^p


def test_weak_angle_and_nsi_move_the_weak_charge_as_stated() -> None:
    q = np.array([10.0])
    sm_gv, _ = StandardModel().weak_charges(CS, Flavour.NU_E, q)
    f_p, f_n = StandardModel().form_factors(CS, q)
    gv, _ = WeakMixingAngle(sin2_theta_w=0.23857 + 0.01).weak_charges(CS, Flavour.NU_E, q)
    np.testing.assert_allclose(gv - sm_gv, -0.02 * CS.Z * f_p, rtol=1e-10)
    gv, _ = VectorNSI(eps_uV_ee=0.1, eps_dV_ee=0.2).weak_charges(CS, Flavour.NU_E, q)
    np.testing.assert_allclose(gv - sm_gv, 0.4 * CS.Z * f_p + 0.5 * CS.N * f_n, rtol=1e-10)


def test_models_compose() -> None:
    """NSI plus a free neutron radius: both act (radius through the form factor)."""
    e, t = np.array([40.0]), np.array([0.02])
    both = compose(VectorNSI(eps_uV_mumu=0.1), NeutronRadius(radii=(5.5,)))
    alone = differential_cross_section(e, t, CS, "nu_mu", VectorNSI(eps_uV_mumu=0.1))
    radius = NeutronRadius(radii=(5.5,))
    assert differential_cross_section(e, t, CS, "nu_mu", both)[0] != alone[0]
    sm = StandardModel(neutron_radii={"Cs133": 5.5 * u.fm})
    np.testing.assert_allclose(differential_cross_section(e, t, CS, "nu_mu", radius),
                               differential_cross_section(e, t, CS, "nu_mu", sm), rtol=1e-12)
    assert set(both.values()) == {p.name for p in both.parameters}


def test_sterile_acts_on_the_prediction_through_the_survival_hook() -> None:
    """predict(model=Sterile3p1) applies P(E, L) per flavour at the detector: at Δm² → ∞
    only ν_e is reduced, by 1 − ½ sin²2θ (1e-3: the baseline average of sin² is ½ to
    1/(k w) ≈ 1e-5 at Δm² = 1e4 eV²)."""
    from cevns.detectors.coherent import csi_2021_prediction

    sm = csi_2021_prediction()
    ue = 0.05
    st = csi_2021_prediction(model=Sterile3p1(dm2_41=1e4, ue4_sq=ue))
    sm_by, st_by = sm.by_flavour(), st.by_flavour()
    expected = 1.0 - 0.5 * 4 * ue * (1 - ue)
    np.testing.assert_allclose(st_by[Flavour.NU_E].sum() / sm_by[Flavour.NU_E].sum(),
                               expected, rtol=1e-3)
    np.testing.assert_allclose(st_by[Flavour.NU_MU], sm_by[Flavour.NU_MU], rtol=1e-12)


def test_scalar_nucleon_charges_match_the_published_weak_charge() -> None:
    """Cerdeño et al., JHEP 05 (2016) 118, as public implementations write it:
    ``Q_φ = g (15.1 Z + 14 N)``. Ours from the Ellis–Olive–Savage f_Tq and PDG quark masses:
    15.16 (proton) and 14.58 (neutron). Tolerance 1 % (proton) and 5 % (neutron, the f_Tq sets
    differ slightly); the proton charge is the larger one."""
    from cevns.models.mediators import SCALAR_NUCLEON_CHARGES

    q_p, q_n = SCALAR_NUCLEON_CHARGES
    assert q_p == pytest.approx(15.1, rel=0.01)
    assert q_n == pytest.approx(14.0, rel=0.05)
    assert q_p > q_n


def test_lmu_ltau_proton_coupling_sign_size_and_momentum_dependence() -> None:
    """L_μ−L_τ: ``δg_V^p(ν_μ) = +(α/3π) L(q) g²/(√2 G_F (q² + M²))``, ``δg_V^p(ν_τ)`` the
    opposite, ν_e and the neutron untouched; ``L(0) = ln(m_τ²/m_μ²) = 5.645`` (exact to 1e-9),
    ``L`` decreasing with q (the loop's own form factor; −2.9 % at 100 MeV)."""
    from cevns.constants import FINE_STRUCTURE, MUON_MASS
    from cevns.models.mediators import TAU_MASS, loop_log

    log0 = math.log(TAU_MASS**2 / float(MUON_MASS) ** 2)
    assert float(loop_log(0.0)) == pytest.approx(log0, rel=1e-9)
    q = np.array([0.0, 30.0, 60.0, 100.0])
    values = loop_log(q)
    assert np.all(np.diff(values) < 0)
    assert values[-1] / log0 == pytest.approx(0.971, abs=0.003)
    zp = VectorMediator(g_zp=1e-3, mass_zp=20.0, coupling="Lmu-Ltau")
    shift_mu = zp.vector_shifts(Flavour.NU_MU, q)
    shift_tau = zp.vector_shifts(Flavour.NU_TAU, q)
    assert zp.vector_shifts(Flavour.NU_E, q) is None
    assert shift_mu is not None and shift_tau is not None
    expected = (float(FINE_STRUCTURE) / (3 * math.pi) * values * 1e-6
                / (math.sqrt(2) * float(FERMI_CONSTANT) * (q**2 + 400.0)))
    np.testing.assert_allclose(shift_mu[0], expected, rtol=1e-12)
    assert np.all(np.asarray(shift_mu[0]) > 0)  # same sign as the universal Z′
    np.testing.assert_allclose(shift_tau[0], -expected, rtol=1e-12)
    assert np.all(np.asarray(shift_mu[1]) == 0.0)
