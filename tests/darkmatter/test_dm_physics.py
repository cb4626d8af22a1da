"""Accelerator dark matter: production, flux, timing and the χ–nucleus cross section."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns import constants as c
from cevns import units as u
from cevns.darkmatter import (
    SNS_PI0,
    DarkPhoton,
    Leptophobic,
    MesonProduction,
    baryonic_branching,
    chi_flux,
    dark_photon_branching,
    get_dark_matter_model,
)
from cevns.engine.dark_matter import (
    chi_max_recoil,
    chi_nucleus_cross_section,
    chi_recoil_moments,
)
from cevns.physics.form_factors import Unity
from cevns.physics.targets import Isotope


def test_pi0_branching_formula() -> None:
    """BR(π⁰ → γV) = 2ε²(1 − m_V²/m_π²)³ BR(π⁰ → γγ) (Batell, Pospelov & Ritz, PRD 80 (2009)
    095024), with BR(π⁰ → γγ) = 98.823 % and m_π⁰ = 134.9768 MeV (PDG 2024, checked on the PDG
    live π⁰ page). Independent evaluation to 1e-12."""
    m_pi = 134.9768
    assert float(c.NEUTRAL_PION_MASS) == pytest.approx(m_pi, abs=1e-4)
    expected = 2 * 1e-6 * (1 - (30.0 / m_pi) ** 2) ** 3 * 0.98823
    assert float(dark_photon_branching(30.0, 1e-3)) == pytest.approx(expected, rel=1e-12)
    assert float(dark_photon_branching(140.0, 1e-3)) == 0.0  # above the π⁰ mass
    # baryonic vector: ε²α → α_B (same anomaly factor for the π⁰)
    alpha = float(c.FINE_STRUCTURE)
    assert float(baryonic_branching(30.0, 1e-6)) == pytest.approx(
        float(dark_photon_branching(30.0, math.sqrt(1e-6 / alpha))), rel=1e-12)


def _mc_chi_energies(m_pi: float, p_pi: np.ndarray, m_v: float, m_chi: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Independent Monte Carlo: isotropic π⁰ → γV then V → χχ̄ with explicit 4-vector boosts."""
    n = p_pi.size

    def iso(k: int) -> np.ndarray:
        cos = rng.uniform(-1, 1, k)
        phi = rng.uniform(0, 2 * np.pi, k)
        s = np.sqrt(1 - cos**2)
        return np.stack([s * np.cos(phi), s * np.sin(phi), cos], axis=1)

    def boost(e: np.ndarray, p: np.ndarray, beta: np.ndarray) -> np.ndarray:
        b2 = np.sum(beta**2, axis=1)
        gamma = 1 / np.sqrt(1 - b2)
        return gamma * (e + np.sum(beta * p, axis=1))

    pi_dir = iso(n)
    e_pi = np.sqrt(p_pi**2 + m_pi**2)
    beta_pi = pi_dir * (p_pi / e_pi)[:, None]
    ev_star = (m_pi**2 + m_v**2) / (2 * m_pi)
    pv_star = (m_pi**2 - m_v**2) / (2 * m_pi)
    v_dir = iso(n)
    pv_rest = v_dir * pv_star
    # V four-momentum in the lab
    g = 1 / np.sqrt(1 - np.sum(beta_pi**2, axis=1))
    bp = np.sum(beta_pi * pv_rest, axis=1)
    b2 = np.sum(beta_pi**2, axis=1)
    coef = np.where(b2 > 0, (g - 1) * bp / np.where(b2 > 0, b2, 1), 0.0)
    pv_lab = pv_rest + (coef + g * ev_star)[:, None] * beta_pi
    ev_lab = g * (ev_star + bp)
    beta_v = pv_lab / ev_lab[:, None]
    pc_star = math.sqrt(m_v**2 / 4 - m_chi**2)
    chi_dir = iso(n)
    return boost(np.full(n, m_v / 2), chi_dir * pc_star, beta_v)


def test_chi_energy_spectrum_against_monte_carlo() -> None:
    """The quadrature χ spectrum against an independent seeded Monte Carlo of the two decays
    with explicit Lorentz boosts (10⁵ events): mean energy to 0.5 %, CDF at five quantiles
    within 0.01."""
    prod = MesonProduction("pi0", 1.0, 0.1, momentum_table=((0.0, 200.0, 400.0, 600.0),
                                                           (0.0, 2.0, 1.0, 0.0)))
    model = DarkPhoton(10.0, epsilon=1e-3)
    flux = chi_flux(model, 20 * u.m, prod, momentum_nodes=48, angle_nodes=16)
    rng = np.random.default_rng(20240601)
    # sample π⁰ momenta from the triangular-ish table by inversion on a fine grid
    grid = np.linspace(0, 600, 6001)
    dens = np.interp(grid, (0.0, 200.0, 400.0, 600.0), (0.0, 2.0, 1.0, 0.0))
    cdf = np.cumsum(dens)
    cdf /= cdf[-1]
    p_pi = np.interp(rng.uniform(0, 1, 100_000), cdf, grid)
    mc = _mc_chi_energies(float(c.NEUTRAL_PION_MASS), p_pi, model.m_v, model.chi_mass, rng)
    w = flux.weights / flux.weights.sum()
    assert float(np.sum(w * flux.energies)) == pytest.approx(float(mc.mean()), rel=5e-3)
    order = np.argsort(flux.energies)
    quad_cdf = np.cumsum(w[order])
    for q in (0.1, 0.3, 0.5, 0.7, 0.9):
        e_q = float(np.quantile(mc, q))
        assert float(np.interp(e_q, flux.energies[order], quad_cdf)) == pytest.approx(q, abs=0.01)


def test_flux_normalisation_and_timing() -> None:
    """χ per POT = yield × 2 BR(π⁰ → γV) exactly; flux = N/(4πL²); delays ≥ 0 and the time
    probabilities of a relativistic χ equal the proton pulse's (to 1e-3)."""
    model = DarkPhoton(1.0, epsilon=1e-4)
    flux = chi_flux(model, 19.3 * u.m)
    expected = SNS_PI0.yield_per_pot * 2 * float(dark_photon_branching(3.0, 1e-4))
    assert flux.per_pot == pytest.approx(expected, rel=1e-12)
    assert flux.fluence_per_pot == pytest.approx(expected / (4 * np.pi * (1930.0) ** 2), rel=1e-12)
    assert np.all(flux.delays() >= 0)
    edges = np.array([0.0, 250, 500, 750, 1000, 6000])
    pulse = np.diff(flux.pulse.cdf(edges))
    np.testing.assert_allclose(flux.time_bin_probabilities(edges), pulse, atol=1e-3)


def test_cross_section_nonrelativistic_limit() -> None:
    """∫ dσ/dT dT for slow scalar χ with F = 1 is σ = 16π α α_D ε² Z² μ²/m_V⁴ (ħc)² (the
    standard scalar-DM–nucleus cross section, e.g. Essig et al., JHEP 05 (2016) 046), to 1e-3."""
    iso = Isotope.parse("Cs133")
    m_chi, m_v, eps, alpha_d = 10.0, 30.0, 1e-4, 0.5
    alpha = float(c.FINE_STRUCTURE)
    coupling = 2 * math.pi * alpha * alpha_d * eps**2 * iso.Z**2
    v = 1e-3
    e = m_chi / math.sqrt(1 - v * v)
    t_max = float(chi_max_recoil(e, m_chi, iso.nuclear_mass))
    x, w = np.polynomial.legendre.leggauss(40)
    t = 0.5 * t_max * (x + 1)
    sigma = 0.5 * t_max * np.sum(w * chi_nucleus_cross_section(e, t, iso, m_chi, m_v, coupling,
                                                                form_factor=Unity()))
    mu = m_chi * iso.nuclear_mass / (m_chi + iso.nuclear_mass)
    expected = 16 * math.pi * alpha * alpha_d * eps**2 * iso.Z**2 * mu**2 / m_v**4 \
        * float(c.HBAR_C) ** 2
    assert sigma == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("spin", ["scalar", "fermion"])
def test_recoil_moments_equal_direct_sum(spin: str) -> None:
    """The suffix-sum evaluation equals the direct sum over χ energies (to 1e-10)."""
    iso = Isotope.parse("I127")
    rng = np.random.default_rng(7)
    e = 10.0 + rng.uniform(0, 300, 400)
    w = rng.uniform(0, 1, 400)
    t = np.geomspace(1e-5, 0.5, 77)
    fast = chi_recoil_moments(e, w, t, iso, 10.0, 30.0, 1e-20, spin)  # type: ignore[arg-type]
    slow = np.sum(w[:, None] * chi_nucleus_cross_section(e[:, None], t[None, :], iso, 10.0,
                                                          30.0, 1e-20, spin), axis=0)  # type: ignore[arg-type]
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=0)


@pytest.mark.parametrize(
    ("energies", "weights", "recoil", "parameter"),
    [
        ([20.0, 30.0], [1.0, 1.0], [-1e-3], "recoil_energy"),
        ([20.0, 30.0], [1.0, 1.0], [np.nan], "recoil_energy"),
        ([20.0, np.inf], [1.0, 1.0], [1e-3], "energies"),
        ([20.0, 30.0], [1.0, -1.0], [1e-3], "weights"),
        ([20.0, 30.0], [1.0, np.nan], [1e-3], "weights"),
        ([5.0, 30.0], [1.0, 1.0], [1e-3], "energies"),
    ],
)
def test_recoil_moments_reject_bad_input(
    energies: list[float], weights: list[float], recoil: list[float], parameter: str
) -> None:
    """Negative or non-finite recoil energies, χ energies or weights are refused with the
    parameter named (before, a negative weight was dropped and a negative recoil extrapolated;
    a χ energy below m_χ = 10 MeV was dropped, where ``chi_nucleus_cross_section`` refuses it)."""
    iso = Isotope.parse("Cs133")
    with pytest.raises(ValueError, match=f"^{parameter}:"):
        chi_recoil_moments(np.array(energies), np.array(weights), np.array(recoil), iso,
                           10.0, 30.0, 1e-20)


def test_benchmark_y() -> None:
    """Y = ε² α_D (m_χ/m_V)⁴ with the defaults m_V = 3 m_χ, α_D = 0.5 (COHERENT, PRL 130
    (2023) 051803 benchmark)."""
    m = DarkPhoton(12.0, epsilon=2e-4)
    assert m.m_v == 36.0 and m.alpha_d == 0.5
    assert m.y == pytest.approx(4e-8 * 0.5 / 81, rel=1e-12)
    assert m.epsilon_for_y(m.y) == pytest.approx(2e-4, rel=1e-12)
    assert m.with_values(chi_mass=20.0).m_v == 60.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chi_mass": 20.0, "mediator_mass": 30.0},
         r"^mediator_mass: on-shell V -> chi chi needs m_V > 2 m_chi"),
        ({"chi_mass": 50.0}, r"^mediator_mass: 150 MeV is not below the pi0 mass"),
        ({"chi_mass": -1.0}, r"^chi_mass: must be a number in \[1e-06, 1e\+06\] MeV"),
        ({"chi_mass": 10.0, "epsilon": -1e-4}, r"^epsilon: must be a number in \[1e-12, 1\]"),
        ({"chi_mass": 10.0, "alpha_d": -0.5}, r"^alpha_d: must be a number in \[1e-20, 1000\]"),
        ({"chi_mass": 10.0, "spin": "vector"}, r"^spin: must be 'scalar' or 'fermion'"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    """Bad model input is a one-line ValueError naming the parameter and its range."""
    with pytest.raises(ValueError, match=message) as info:
        DarkPhoton(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


def test_bad_input_leptophobic_and_registry() -> None:
    """Negative baryonic coupling, unknown model names and missing masses are named."""
    with pytest.raises(ValueError, match=r"^alpha_b: must be a number in \[1e-20, 1000\]"):
        Leptophobic(10.0, alpha_b=-1e-6)
    with pytest.raises(ValueError, match=r"^model: unknown dark-matter model 'axion'"):
        get_dark_matter_model("axion", chi_mass=1.0)
    with pytest.raises(ValueError, match=r"^chi_mass: a dark-matter model needs chi_mass"):
        get_dark_matter_model("dark-photon")
    with pytest.raises(ValueError, match=r"^yield_per_pot: must be finite and >= 0"):
        MesonProduction("pi0", -0.1, 0.1)
    with pytest.raises(ValueError, match=r"^meson: must be one of"):
        MesonProduction("kaon", 0.1, 0.1)


@settings(max_examples=15, deadline=None)
@given(m_chi=st.floats(0.5, 44.0), ratio=st.floats(2.05, 3.0), eps=st.floats(1e-6, 1e-2))
def test_flux_invariants(m_chi: float, ratio: float, eps: float) -> None:
    """For any valid point: χ energies ≥ m_χ, weights ≥ 0 and summing to yield × 2 BR, χ per
    POT ∝ ε², time probabilities in [0, 1]."""
    model = DarkPhoton(m_chi, mediator_mass=ratio * m_chi, epsilon=eps)
    flux = chi_flux(model, 20 * u.m, momentum_nodes=8, angle_nodes=4)
    assert np.all(flux.energies >= m_chi) and np.all(flux.weights >= 0)
    assert flux.per_pot == pytest.approx(
        SNS_PI0.yield_per_pot * 2 * float(dark_photon_branching(ratio * m_chi, eps)), rel=1e-9)
    p = flux.time_bin_probabilities(np.array([0.0, 500.0, 1000.0, 6000.0]))
    assert np.all((p >= 0) & (p <= 1 + 1e-12)) and p.sum() <= 1 + 1e-12


def test_off_shell_branching_against_direct_integration() -> None:
    """Off shell (m_V < 2 m_χ): the node sum of dBR(π⁰ → γχχ̄)/ds equals an independent adaptive
    integral of BR(π⁰ → γV_s) √s Γ(V_s → χχ̄)/(π (s − m_V²)²) over 4m_χ² < s < m_π² (scipy
    quad, to 1e-4), for scalar and fermion χ; and for a heavy mediator it falls as m_V⁻⁴ (the
    contact limit, to 2 %)."""
    from scipy.integrate import quad

    m_pi = float(c.NEUTRAL_PION_MASS)
    for spin in ("scalar", "fermion"):
        model = DarkPhoton(20.0, mediator_mass=10.0, epsilon=1e-3, decay="off-shell",
                           spin=spin)  # type: ignore[arg-type]

        def density(s: float, spin: str = spin) -> float:
            beta2 = 1 - 4 * 20.0**2 / s
            width = (0.5 * beta2**1.5 / 12 if spin == "scalar"
                     else 0.5 * math.sqrt(beta2) * (1 + 2 * 20.0**2 / s) / 3)
            br = 2 * 1e-6 * (1 - s / m_pi**2) ** 3 * float(c.BR_PI0_TO_GAMMA_GAMMA)
            return br * s * width / (math.pi * (s - 100.0) ** 2)

        direct = quad(density, 1600.0, m_pi**2, epsabs=0, epsrel=1e-10, limit=200)[0]
        assert model.production_branching() == pytest.approx(direct, rel=1e-4)
    heavy = [DarkPhoton(10.0, mediator_mass=m, epsilon=1e-3, decay="off-shell")
             for m in (2000.0, 4000.0)]
    ratio = heavy[0].production_branching() / heavy[1].production_branching()
    assert ratio == pytest.approx(16.0, rel=0.02)


def test_off_shell_flux_and_bad_input() -> None:
    """The off-shell χ flux carries yield × 2 BR(π⁰ → γχχ̄) per POT with every χ at least as
    energetic as its mass and at most the π⁰ phase space allows; the regimes are named."""
    model = DarkPhoton(20.0, mediator_mass=10.0, epsilon=1e-3, decay="off-shell")
    flux = chi_flux(model, 19.3 * u.m)
    assert flux.per_pot == pytest.approx(SNS_PI0.yield_per_pot * 2 * model.production_branching(),
                                         rel=1e-12)
    assert np.all(flux.energies >= 20.0) and flux.per_pot > 0
    with pytest.raises(ValueError, match=r"^mediator_mass: m_V = 60 MeV can be made on shell"):
        DarkPhoton(20.0, mediator_mass=60.0, decay="off-shell")
    with pytest.raises(ValueError, match=r"^chi_mass: pi0 -> gamma chi chi needs 2 m_chi <"):
        DarkPhoton(70.0, mediator_mass=10.0, decay="off-shell")
    with pytest.raises(ValueError, match=r"^decay: must be one of"):
        DarkPhoton(10.0, decay="sideways")
    with pytest.raises(ValueError, match=r"decay='off-shell' gives the three-body decay"):
        DarkPhoton(20.0, mediator_mass=30.0)


def test_eta_production_adds_to_the_pi0() -> None:
    """With π⁰ and η sources, χ per POT = Σ_M Y_M × 2 BR(M → γV); above the π⁰ mass only the η
    contributes (BR(η → γγ) = 39.36 %, PDG); an η source needs a model with meson='eta'."""
    from cevns.darkmatter.production import sns_eta

    eta = sns_eta(1e-3)
    both = (SNS_PI0, eta)
    light = DarkPhoton(10.0, epsilon=1e-4, meson="eta")
    flux = chi_flux(light, 19.3 * u.m, both)
    expected = 2 * (SNS_PI0.yield_per_pot * float(dark_photon_branching(30.0, 1e-4))
                    + 1e-3 * float(dark_photon_branching(30.0, 1e-4, "eta")))
    assert flux.per_pot == pytest.approx(expected, rel=1e-12)
    heavy = DarkPhoton(60.0, epsilon=1e-4, meson="eta")  # m_V = 180 MeV > m_π⁰
    flux = chi_flux(heavy, 19.3 * u.m, both)
    assert flux.per_pot == pytest.approx(
        2e-3 * float(dark_photon_branching(180.0, 1e-4, "eta")), rel=1e-12)
    assert float(c.BR_ETA_TO_GAMMA_GAMMA) == pytest.approx(0.3936, abs=1e-6)
    with pytest.raises(ValueError, match=r"^production: makes 'eta', heavier than the model's"):
        chi_flux(DarkPhoton(10.0, epsilon=1e-4), 19.3 * u.m, both)
    with pytest.raises(ValueError, match=r"^production: need one or more MesonProduction"):
        chi_flux(light, 19.3 * u.m, (SNS_PI0, SNS_PI0))


def test_merged_flux_gives_the_same_rate() -> None:
    """Merging the ~10⁵ off-shell χ nodes into ≤ 2048 momentum bins keeps χ per POT exactly and
    the recoil rate on Cs to 1e-3 wherever it exceeds 10⁻⁴ of its maximum (measured 5e-4, in
    the tail, where a merged bin's T_max shifts; the CsI template per PE bin moves by 1.3e-4)."""
    model = DarkPhoton(20.0, mediator_mass=10.0, epsilon=1e-3, decay="off-shell")
    full = chi_flux(model, 19.3 * u.m, max_nodes=None)
    merged = full.merged()
    assert full.energies.size > 10**5 and merged.energies.size <= 2048
    assert full.merged(1).energies.size == 1
    assert full.merged(1).per_pot == pytest.approx(full.per_pot, rel=1e-12)
    with pytest.raises(ValueError, match=r"^bins: must be an integer >= 1, got 0"):
        full.merged(0)
    assert merged.per_pot == pytest.approx(full.per_pot, rel=1e-12)
    iso = Isotope.parse("Cs133")
    t = np.geomspace(1e-6, 0.3, 60)
    coupling = model.coupling(iso)
    a = chi_recoil_moments(full.energies, full.weights, t, iso, 20.0, 10.0, coupling)
    b = chi_recoil_moments(merged.energies, merged.weights, t, iso, 20.0, 10.0, coupling)
    big = a > 1e-4 * a.max()
    np.testing.assert_allclose(b[big], a[big], rtol=1e-3)


@settings(max_examples=12, deadline=None)
@given(m_chi=st.floats(1.0, 65.0), ratio=st.floats(0.05, 1.95), spin=st.sampled_from(
    ["scalar", "fermion"]))
def test_off_shell_flux_invariants(m_chi: float, ratio: float, spin: str) -> None:
    """For any off-shell point: BR(π⁰ → γχχ̄) ≥ 0 and ∝ ε², χ energies ≥ m_χ, weights ≥ 0
    summing to yield × 2 BR."""
    model = DarkPhoton(m_chi, mediator_mass=ratio * m_chi, epsilon=1e-3, decay="off-shell",
                       spin=spin)  # type: ignore[arg-type]
    br = model.production_branching()
    assert br >= 0
    assert model.with_values(epsilon=2e-3).production_branching() == pytest.approx(4 * br,
                                                                                  rel=1e-12)
    flux = chi_flux(model, 20 * u.m, momentum_nodes=8, angle_nodes=4)
    assert np.all(flux.energies >= m_chi) and np.all(flux.weights >= 0)
    assert flux.per_pot == pytest.approx(SNS_PI0.yield_per_pot * 2 * br, rel=1e-9, abs=1e-300)
