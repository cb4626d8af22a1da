"""The thermal-relic target of complex scalar dark matter annihilating through a dark photon.

A complex scalar χ with a dark photon heavier than ``2 m_χ`` annihilates in the early universe
through ``χχ* → V* → f f̄``, a p-wave process. Crossing the textbook ``e⁺e⁻ → φφ*`` result
and replacing the photon by the mixed, massive ``V`` gives, per final-state fermion ``f`` of
mass ``m_f`` and velocity ``β_f = (1 − m_f²/m_χ²)^½`` (non-relativistic χ, ``s = 4m_χ²``)::

    σ v_rel = (8π/3) α α_D ε² m_χ² v_rel² β_f (1 + m_f²/(2m_χ²)) / (m_V² − 4m_χ²)²

which for ``m_V ≫ m_χ`` is the ``σv = 8π α Y v²/(3 m_χ²)`` of Izaguirre, Krnjaic, Schuster &
Toro, PRL 115 (2015) 251301 (arXiv:1505.00011), with ``Y = ε² α_D (m_χ/m_V)⁴``. The channels
are ``e⁺e⁻`` and ``μ⁺μ⁻``; hadronic final states open at ``m_χ > m_π±`` (``ππ``), so this
module stops below the charged-pion mass.

The abundance comes from integrating the Boltzmann equation of one species (χ and χ* evolve
alike and both count) with the relativistic thermal average ``⟨σv⟩`` of Gondolo & Gelmini,
Nucl. Phys. B360 (1991) 145 (:func:`thermal_average`; Kolb & Turner, *The Early Universe*,
1990, ch. 5)::

    dY/dx = −√(π/45) M_Pl g_*^½ (m_χ/x²) ⟨σv⟩ (Y² − Y_eq²),
    g_*^½ = (h_eff/√g_eff)(1 + (T/3h_eff) dh_eff/dT),
    Y_eq = 45/(4π⁴) x² K₂(x)/h_eff,     Ω h² = 2 m_χ Y_∞ s₀/(ρ_c/h²),

with ``g_eff`` and ``h_eff`` summed over photons, e±, μ±, π±, π⁰ (exact Fermi–Dirac and
Bose–Einstein integrals) and three neutrino species that decouple instantaneously at
:data:`NEUTRINO_DECOUPLING` (below it their temperature follows entropy conservation of the
e±γ plasma). The instantaneous neutrino decoupling and the e, μ-only channels make this a
target curve, not a precision relic calculation. The target ``Y`` is the one giving
:data:`cevns.constants.OMEGA_CDM_H2`.

Units: MeV. Bad input raises a one-line ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import kve

from .. import constants as c
from ..types import FloatArray

__all__ = [
    "NEUTRINO_DECOUPLING",
    "annihilation_coefficient",
    "annihilation_cross_section",
    "effective_dof",
    "relic_abundance",
    "relic_target_y",
    "thermal_average",
]

#: Instantaneous neutrino decoupling temperature (MeV) of the g_eff model.
NEUTRINO_DECOUPLING = 2.0

_U = np.linspace(0.0, 80.0, 801)[1:]  # p/T grid of the thermodynamic integrals
_DU = _U[1] - _U[0]


def _species(t: FloatArray, mass: float, dof: float, fermion: bool) -> tuple[FloatArray,
                                                                             FloatArray]:
    """Energy and entropy degrees of freedom of one species at temperatures ``t`` (MeV)."""
    a = (mass / t)[:, None]
    e = np.sqrt(_U[None, :] ** 2 + a * a)
    sign = 1.0 if fermion else -1.0
    occ = 1.0 / (np.exp(np.minimum(e, 700.0)) + sign)
    rho = (_U**2 * e * occ).sum(axis=1) * _DU * dof / (2 * math.pi**2)
    pressure = (_U**4 / (3 * e) * occ).sum(axis=1) * _DU * dof / (2 * math.pi**2)
    g_rho = rho / (math.pi**2 / 30)
    g_s = (rho + pressure) / (2 * math.pi**2 / 45)
    return g_rho, g_s


def effective_dof(temperature: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(g_eff, h_eff)``: energy and entropy degrees of freedom at ``T`` (MeV, 0.01–100).

    Photons, e±, μ±, π±, π⁰ in equilibrium plus three neutrino flavours (6 × 7/8) at
    ``T_ν = T`` above :data:`NEUTRINO_DECOUPLING` and ``T_ν³ = T³ h_γe(T)/h_γe(T_dec)`` below.
    Gives 10.75 at a few MeV and 3.36 (energy) and 3.91 (entropy) well below m_e.
    """
    t = np.atleast_1d(np.asarray(temperature, dtype=float))
    if np.any(~np.isfinite(t)) or np.any(t < 0.01 * (1 - 1e-9)) or np.any(t > 100.0 * (1 + 1e-9)):
        raise ValueError("temperature: must be within 0.01–100 MeV")
    me, mmu = float(c.ELECTRON_MASS), float(c.MUON_MASS)
    mpi, mpi0 = float(c.CHARGED_PION_MASS), float(c.NEUTRAL_PION_MASS)

    def plasma(tt: FloatArray) -> tuple[FloatArray, FloatArray]:
        parts = [_species(tt, me, 4, True), _species(tt, mmu, 4, True),
                 _species(tt, mpi, 2, False), _species(tt, mpi0, 1, False)]
        g = 2.0 + np.sum([p[0] for p in parts], axis=0)
        h = 2.0 + np.sum([p[1] for p in parts], axis=0)
        return np.asarray(g), np.asarray(h)

    g_pl, h_pl = plasma(t)
    h_gamma_e = 2.0 + _species(t, me, 4, True)[1]
    h_dec = 2.0 + _species(np.array([NEUTRINO_DECOUPLING]), me, 4, True)[1]
    ratio3 = np.where(t >= NEUTRINO_DECOUPLING, 1.0, h_gamma_e / h_dec)
    nu = 6 * 7 / 8
    return (np.asarray(g_pl + nu * ratio3 ** (4 / 3)), np.asarray(h_pl + nu * ratio3))


@functools.lru_cache(maxsize=1)
def _dof_table() -> tuple[FloatArray, FloatArray, FloatArray]:
    log_t = np.linspace(math.log(0.01), math.log(100.0), 481)
    g, h = effective_dof(np.exp(log_t))
    return log_t, g, h


def _dof(t: FloatArray) -> tuple[FloatArray, FloatArray]:
    log_t, g, h = _dof_table()
    lt = np.log(t)
    return np.interp(lt, log_t, g), np.interp(lt, log_t, h)


def _g_star_half(t: FloatArray) -> FloatArray:
    """``g_*^½ = (h_eff/√g_eff)(1 + (T/3h_eff) dh_eff/dT)`` (Gondolo & Gelmini 1991)."""
    log_t, g, h = _dof_table()
    dlnh = np.gradient(np.log(h), log_t)
    lt = np.log(t)
    gi, hi, di = (np.interp(lt, log_t, v) for v in (g, h, dlnh))
    return np.asarray(hi / np.sqrt(gi) * (1.0 + di / 3.0))


def _number(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name}: expected a number, got {value!r}")


def _check_masses(chi_mass: float, mediator_mass: float) -> None:
    _number("chi_mass", chi_mass)
    _number("mediator_mass", mediator_mass)
    top = float(c.CHARGED_PION_MASS)
    me = float(c.ELECTRON_MASS)
    if not (math.isfinite(chi_mass) and me < chi_mass < top):
        raise ValueError(f"chi_mass: the relic target covers {me:.3g} < m_chi < {top:.5g} MeV "
                         f"(e and mu channels only), got {chi_mass}")
    if not (math.isfinite(mediator_mass) and mediator_mass > 2.2 * chi_mass):
        raise ValueError(f"mediator_mass: need m_V > 2.2 m_chi (away from the s-channel "
                         f"resonance), got {mediator_mass} for m_chi = {chi_mass}")


def _check_couplings(epsilon: float, alpha_d: float) -> None:
    """``0 <= epsilon <= 1`` (a mixing) and ``alpha_d`` in the range of the accelerator models
    (:data:`cevns.darkmatter.models.ALPHA_RANGE`: 1e300 overflowed)."""
    from .models import ALPHA_RANGE

    _number("epsilon", epsilon)
    _number("alpha_d", alpha_d)
    if not (math.isfinite(epsilon) and 0 <= epsilon <= 1):
        raise ValueError(f"epsilon: must be in [0, 1] (a mixing), got {epsilon}")
    lo, hi = ALPHA_RANGE
    if not (math.isfinite(alpha_d) and lo <= alpha_d <= hi):
        raise ValueError(f"alpha_d: must be in [{lo:g}, {hi:g}], got {alpha_d}")


def annihilation_cross_section(s: ArrayLike, chi_mass: float, mediator_mass: float,
                               epsilon: float, alpha_d: float) -> FloatArray:
    """``σ(χχ* → e⁺e⁻, μ⁺μ⁻)`` (MeV⁻²) at ``s`` (MeV², broadcasting), ``s >= 4 m_χ²``::

        σ = 4π α α_D ε² β_χ Σ_f β_f (1 + 2m_f²/s) s / (3 [(s − m_V²)² + m_V² Γ_V²])

    (``e⁺e⁻ → φφ*`` crossed; ``Γ_V = α_D m_V (1 − 4m_χ²/m_V²)^{3/2}/12`` for ``V → χχ*``.)
    """
    _check_masses(chi_mass, mediator_mass)
    _check_couplings(epsilon, alpha_d)
    ss = np.asarray(s, dtype=float)
    if np.any(~np.isfinite(ss)) or np.any(ss < 4 * chi_mass**2 * (1 - 1e-12)):
        raise ValueError("s: must be finite and >= 4 m_chi^2")
    beta_chi = np.sqrt(np.maximum(1.0 - 4 * chi_mass**2 / ss, 0.0))
    channels = np.zeros_like(ss)
    for mf in (float(c.ELECTRON_MASS), float(c.MUON_MASS)):
        r = 4 * mf * mf / ss
        channels = channels + np.where(r < 1, np.sqrt(np.clip(1 - r, 0, None)) * (1 + r / 2), 0.0)
    width = alpha_d * mediator_mass / 12.0 * (1 - 4 * chi_mass**2 / mediator_mass**2) ** 1.5
    alpha = float(c.FINE_STRUCTURE)
    return np.asarray(4 * math.pi * alpha * alpha_d * epsilon**2 * beta_chi * channels * ss
                      / (3 * ((ss - mediator_mass**2) ** 2 + (mediator_mass * width) ** 2)))


_LAGUERRE = np.polynomial.laguerre.laggauss(80)
#: Steps of the freeze-out integration (log-spaced in x).
_STEPS = 3000


def thermal_average(x: ArrayLike, chi_mass: float, mediator_mass: float, epsilon: float,
                    alpha_d: float) -> FloatArray:
    """``⟨σ v_Møl⟩`` (MeV⁻²) at ``x = m_χ/T`` (Gondolo & Gelmini, Nucl. Phys. B360 (1991) 145)::

        ⟨σv⟩ = ∫ σ(s) (s − 4m²) √s K₁(√s/T) ds / (8 m⁴ T K₂(x)²)

    by Gauss–Laguerre in ``√s/T − 2x`` with exponentially scaled Bessel functions.
    """
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    if np.any(~np.isfinite(xs)) or np.any(xs <= 0):
        raise ValueError("x: must be finite and > 0")
    m = chi_mass
    t_nodes, w = _LAGUERRE
    temp = (m / xs)[:, None]
    root_s = temp * (t_nodes[None, :] + 2 * xs[:, None])
    s = root_s * root_s
    sigma = annihilation_cross_section(s, m, mediator_mass, epsilon, alpha_d)
    integrand = sigma * (s - 4 * m * m) * root_s * kve(1, root_s / temp) * 2 * root_s * temp
    num = integrand @ w
    den = 8 * m**4 * temp[:, 0] * kve(2, xs) ** 2
    return np.asarray(num / den)


def annihilation_coefficient(chi_mass: float, mediator_mass: float, epsilon: float,
                             alpha_d: float) -> float:
    """``b`` (MeV⁻²) of the non-relativistic ``σ v_rel = b v_rel²`` (module docstring)."""
    _check_masses(chi_mass, mediator_mass)
    _check_couplings(epsilon, alpha_d)
    m2 = chi_mass * chi_mass
    channels = 0.0
    for mf in (float(c.ELECTRON_MASS), float(c.MUON_MASS)):
        if mf < chi_mass:
            channels += math.sqrt(1.0 - mf * mf / m2) * (1.0 + mf * mf / (2.0 * m2))
    alpha = float(c.FINE_STRUCTURE)
    return (8.0 * math.pi / 3.0 * alpha * alpha_d * epsilon**2 * m2 * channels
            / (mediator_mass**2 - 4.0 * m2) ** 2)


def _backward_euler(x0: float, x1: float, steps: int, log_x: FloatArray, log_lam: FloatArray,
                    log_eq: FloatArray) -> float:
    """``Y(x1)`` of ``dY/dx = −λ(x)(Y² − Y_eq²)``, ``Y(x0) = Y_eq``, on ``steps`` log-spaced
    points: each implicit step is a quadratic in ``Y_{n+1}``, solved in closed form, so the
    stiff early phase (where ``Y`` tracks ``Y_eq``) is stable."""
    fine = np.geomspace(x0, x1, steps)
    lam = np.exp(np.interp(np.log(fine), log_x, log_lam))
    eq = np.exp(np.interp(np.log(fine), log_x, log_eq))
    hl = np.diff(fine) * lam[1:]
    y = float(eq[0])
    for h, e in zip(hl.tolist(), eq[1:].tolist(), strict=True):
        rhs = y + h * e * e
        y = 2.0 * rhs / (1.0 + math.sqrt(1.0 + 4.0 * h * rhs))
    return y


def relic_abundance(chi_mass: float, mediator_mass: float, epsilon: float,
                    alpha_d: float = 0.5) -> float:
    """Ω h² of complex scalar χ (χ and χ* together) for the given dark-photon parameters.

    The Boltzmann equation of the module docstring (Gondolo & Gelmini, Nucl. Phys. B360
    (1991) 145; Kolb & Turner, *The Early Universe*, 1990, ch. 5), integrated from ``x = 3`` to
    ``T ≈ 10 keV`` by backward Euler with a Richardson step.

    Parameters
    ----------
    chi_mass
        ``m_χ`` in MeV, ``m_e < m_χ < m_π±`` (e⁺e⁻ and μ⁺μ⁻ channels only).
    mediator_mass
        ``m_V`` in MeV, > 2.2 ``m_χ`` (away from the s-channel resonance).
    epsilon
        Kinetic mixing ``ε`` > 0.
    alpha_d
        Dark coupling ``α_D`` > 0.

    Raises
    ------
    ValueError
        One line naming the parameter out of its range.
    """
    _check_masses(chi_mass, mediator_mass)
    _check_couplings(epsilon, alpha_d)
    from .models import EPSILON_RANGE

    if not epsilon >= EPSILON_RANGE[0]:
        raise ValueError(f"epsilon: must be >= {EPSILON_RANGE[0]:g} for a finite relic abundance, "
                         f"got {epsilon}")
    m = chi_mass
    x0, x1 = 3.0, min(m / 0.0105, 2e4)
    x_grid = np.geomspace(x0, x1, 400)
    sv_grid = thermal_average(x_grid, m, mediator_mass, epsilon, alpha_d)
    h_grid = _dof(m / x_grid)[1]
    lam_grid = math.sqrt(math.pi / 45.0) * float(c.PLANCK_MASS) * m * sv_grid \
        * _g_star_half(m / x_grid) / x_grid**2
    eq_grid = 45.0 / (4 * math.pi**4) * x_grid**2 * kve(2, x_grid) * np.exp(-x_grid) / h_grid
    log_x = np.log(x_grid)
    log_lam = np.log(lam_grid)
    log_eq = np.log(np.maximum(eq_grid, 1e-300))
    # Backward Euler is first order: Richardson-extrapolate N and 2N steps (error < 1e-3).
    y = 2.0 * _backward_euler(x0, x1, 2 * _STEPS, log_x, log_lam, log_eq) \
        - _backward_euler(x0, x1, _STEPS, log_x, log_lam, log_eq)
    ratio = float(c.ENTROPY_DENSITY_TODAY) / float(c.CRITICAL_DENSITY_H2)
    return 2.0 * m * y * ratio


def relic_target_y(chi_masses: ArrayLike, mass_ratio: float = 3.0, alpha_d: float = 0.5,
                   omega_h2: float = float(c.OMEGA_CDM_H2)) -> FloatArray:
    """``Y = ε² α_D (m_χ/m_V)⁴`` giving ``Ω h² = omega_h2`` at each χ mass (MeV).

    Ω h² is close to ∝ 1/Y, so fixed-point steps ``Y ← Y Ω(Y)/Ω_target`` converge to 1e-3
    in a few iterations.

    Parameters
    ----------
    chi_masses
        χ masses in MeV, each within ``m_e < m_χ < m_π±``.
    mass_ratio
        ``m_V/m_χ``, > 2.2 (away from the s-channel resonance); 3 is the benchmark.
    alpha_d
        Dark coupling ``α_D`` > 0 (benchmark 0.5).
    omega_h2
        Target abundance; default Ω_c h² of Planck 2018 (:data:`cevns.constants.OMEGA_CDM_H2`).

    Raises
    ------
    ValueError
        One line naming the parameter out of its range.
    """
    raw = np.asarray(chi_masses)
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"chi_masses: expected numbers in MeV, got {chi_masses!r}"[:200])
    masses = np.atleast_1d(raw.astype(float))
    for name, value in (("omega_h2", omega_h2), ("mass_ratio", mass_ratio), ("alpha_d", alpha_d)):
        _number(name, value)
    if not (math.isfinite(omega_h2) and omega_h2 > 0):
        raise ValueError(f"omega_h2: must be finite and > 0, got {omega_h2}")
    if not (math.isfinite(mass_ratio) and mass_ratio > 2.2):
        raise ValueError(f"mass_ratio: must be finite and > 2.2 (m_V = mass_ratio m_chi away "
                         f"from the s-channel resonance), got {mass_ratio}")
    if not (math.isfinite(alpha_d) and alpha_d > 0):
        raise ValueError(f"alpha_d: must be finite and > 0, got {alpha_d}")
    out = np.empty_like(masses)
    for i, m in enumerate(masses):
        m_v = mass_ratio * float(m)
        _check_masses(float(m), m_v)
        y = 1e-11 * (m / 10.0) ** 2
        for _ in range(10):
            eps = math.sqrt(y / (alpha_d * (m / m_v) ** 4))
            y_new = y * relic_abundance(float(m), m_v, eps, alpha_d) / omega_h2
            converged = abs(y_new / y - 1) < 1e-3
            y = y_new
            if converged:
                break
        out[i] = y
    return out
