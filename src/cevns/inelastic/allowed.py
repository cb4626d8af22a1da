"""Allowed-approximation neutrino–nucleus cross sections from nuclear transition strengths.

At low momentum transfer a charged-current capture ``ν_e + (Z, A) → e⁻ + (Z+1, A)*`` to a
final level ``k`` is driven by the Fermi (``Σ τ₊``) and Gamow–Teller (``Σ σ τ₊``) operators
alone, and its cross section is (e.g. Engel, Phys. Rev. C 57 (1998) 2004, Eq. 1; Gardiner,
Comput. Phys. Commun. 269 (2021) 108123, Eq. 27, with the nuclear recoil neglected)

.. math::

    σ_k(E_ν) = \\frac{G_F^2 |V_{ud}|^2}{π}\\, p_e E_e\\, F_C(Z_f, E_e)
               \\,[B_k(F) + g_A^2 B_k(GT)],\\qquad E_e = E_ν − Δ_k,

with ``Δ_k = M_at(Z+1) − M_at(Z) + E_x,k − m_e`` the difference of the *nuclear* masses of
the final level and the target (so the threshold is ``E_ν = Δ_k + m_e``), ``B(F)`` and
``B(GT)`` the strengths *without* the axial coupling (the convention of charge-exchange
measurements: ``B(GT) = 3`` for a free neutron) and ``F_C`` the Coulomb correction for the
outgoing electron. The neutral-current excitation of a level through the isovector axial
current ``g_A σ t₃`` (Donnelly & Peccei, Phys. Rep. 50 (1979) 1) is

.. math::

    σ_k(E_ν) = \\frac{G_F^2}{π}\\, (E_ν − E_x,k)^2\\, g_A^2\\, B_k(GT_0),

the same for every flavour of neutrino and antineutrino (no vector–axial interference at
zero momentum transfer).

Coulomb correction
------------------
:func:`fermi_function` is the relativistic Fermi function evaluated at the nuclear surface
``R = r₀ A^{1/3}``; it is accurate near threshold but overestimates the Coulomb
enhancement of a fast electron leaving a heavy nucleus. :func:`mema_factor` is the modified
effective momentum approximation (MEMA) of Engel (1998): ``p_eff E_eff/(p E)`` with
``E_eff = E − V_C`` and ``V_C = −3Zα/(2R)`` the potential at the centre of a uniformly
charged sphere. The default ``"fermi-mema"`` takes whichever of the two is closer to one,
Engel's recommendation as implemented in MARLEY (Gardiner 2021, Sec. 4.2).

Range of validity
-----------------
The allowed approximation keeps only the ``q → 0`` limit of the Fermi and Gamow–Teller
operators. At stopped-pion energies (``E_ν ≤ m_μ/2 = 52.8 MeV``) forbidden multipoles add
to it: about half of the bound-state ¹²⁷I cross section in the calculation of Engel, Pittel
& Vogel, Phys. Rev. C 50 (1994) 1702 (Efremenko, SNvD 2023 reproduces their multipole
table), and tens of per cent for ²⁰⁸Pb (Kolbe & Langanke, Phys. Rev. C 63 (2001) 025802).
Channels here are allowed-only: they state the energy range they accept
(``Channel.energy_range``, up to 60 MeV, which covers the stopped-pion spectra) and raise a
one-line :class:`ValueError` above it; the forbidden contributions are not added and are
quoted by each channel as a relative uncertainty (``forbidden_uncertainty``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import loggamma

from ..constants import (
    AXIAL_COUPLING,
    CKM_VUD,
    COULOMB_RADIUS_R0,
    ELECTRON_MASS,
    FERMI_CONSTANT,
    FINE_STRUCTURE,
    HBAR_C,
)
from ..flavours import Flavour
from ..types import FloatArray
from .channel import FinalState, Process

CoulombMode = Literal["fermi", "mema", "fermi-mema", "none"]
COULOMB_MODES: tuple[str, ...] = ("fermi", "mema", "fermi-mema", "none")

#: Highest neutrino energy (MeV) the allowed-approximation channels accept.
ALLOWED_MAX_ENERGY = 60.0

_GF2_VUD2_HBARC2 = float(FERMI_CONSTANT) ** 2 * float(CKM_VUD) ** 2 * float(HBAR_C) ** 2
_GF2_HBARC2 = float(FERMI_CONSTANT) ** 2 * float(HBAR_C) ** 2


def check_axial_coupling(g_a: float) -> float:
    """``g_a`` as a float if it is finite and in (0, 2]; a one-line ValueError otherwise."""
    value = float(g_a)
    if not (np.isfinite(value) and 0.0 < value <= 2.0):
        raise ValueError(f"g_a: axial coupling must be finite and in (0, 2], got {g_a!r}")
    return value


def check_forbidden_uncertainty(value: float) -> float:
    """``value`` as a float if it is finite and >= 0; a one-line ValueError otherwise."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        out = float("nan")
    if not (np.isfinite(out) and out >= 0.0):
        raise ValueError(
            f"forbidden_uncertainty: must be finite and >= 0 (relative), got {value!r}"
        )
    return out


def check_integers(message: str, *values: float) -> tuple[int, ...]:
    """``values`` as ints if each is an integer (``53`` or ``53.0``, not ``True``, ``"53"``,
    NaN or ``53.5``); otherwise ``ValueError(message)``, one line."""
    if any(isinstance(v, bool) for v in values):
        raise ValueError(message)
    try:
        out = tuple(int(v) for v in values)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(message) from None
    if any(i != v for i, v in zip(out, values, strict=True)):
        raise ValueError(message)
    return out


def _check_nucleon_numbers(z: int, n: int) -> tuple[int, int]:
    """``(Z, N)`` as ints if both are integers >= 0 with ``N >= Z``; a one-line ValueError."""
    zi, ni = check_integers(
        f"z, n: proton and neutron numbers must be integers, got {z!r}, {n!r}", z, n
    )
    if zi < 0 or ni < zi:
        raise ValueError(f"n: the sum rules here need 0 <= Z <= N, got Z={zi}, N={ni}")
    return zi, ni


def fermi_sum_rule(z: int, n: int) -> float:
    """Total Fermi strength ``S(F⁻) = Σ_k B_k(F) = N − Z`` of a target with ``N ≥ Z``.

    ``S(F⁻) − S(F⁺) = ⟨T_+ T_− − T_− T_+⟩ = 2⟨T_z⟩ = N − Z`` exactly, and ``S(F⁺) = 0`` for a
    ground state of isospin ``T = T_z = (N − Z)/2`` (it has no ``T_z + 1`` component). Up to
    isospin mixing the whole strength sits in the isobaric analog state: 4 for ⁴⁰Ar, 44 for
    ²⁰⁸Pb, and 0 for an ``N = Z`` nucleus such as ¹²C or ¹⁶O, whose ``(ν_e, e⁻)`` reaction has
    no Fermi part at all.

    Raises
    ------
    ValueError
        Unless ``Z`` and ``N`` are integers with ``0 <= Z <= N``.
    """
    zi, ni = _check_nucleon_numbers(z, n)
    return float(ni - zi)


def ikeda_sum_rule(z: int, n: int) -> float:
    """Ikeda sum rule ``S(GT⁻) − S(GT⁺) = 3(N − Z)`` (bare ``B(GT)``, no ``g_A``).

    Model independent (``Σ_i σ_i t_±,i`` obey the same commutator algebra as the Fermi
    operators, with a factor 3 from the three spin components). It bounds the ``(ν_e, e⁻)``
    Gamow–Teller strength from below, ``S(GT⁻) >= 3(N − Z)``, while charge-exchange
    experiments find only part of it in the Gamow–Teller region (the quenching of the
    strength): 12 for ⁴⁰Ar, 132 for ²⁰⁸Pb, 0 for ¹⁶O (where ``S(GT⁻) = S(GT⁺)``).

    Raises
    ------
    ValueError
        Unless ``Z`` and ``N`` are integers with ``0 <= Z <= N``.
    """
    zi, ni = _check_nucleon_numbers(z, n)
    return float(3 * (ni - zi))


def nuclear_radius(mass_number: int) -> float:
    """Uniform-sphere radius ``R = r₀ A^{1/3}`` in natural units (MeV⁻¹)."""
    radius: float = float(COULOMB_RADIUS_R0) * float(mass_number) ** (1.0 / 3.0) / float(HBAR_C)
    return radius


def fermi_function(
    z_final: int, mass_number: int, total_energy: ArrayLike, positron: bool = False
) -> FloatArray:
    """Relativistic Fermi function ``F(Z, E)`` at the nuclear surface.

    ``F = 2(1+s) (2pR)^{2s−2} e^{πη} |Γ(s+iη)|² / Γ(1+2s)²`` with ``s = √(1 − (αZ)²)``,
    ``η = ±αZE/p`` (+ for an electron, − for a positron) and ``R = r₀ A^{1/3}``
    (e.g. Gardiner, Comput. Phys. Commun. 269 (2021) 108123, Eq. 29).

    Parameters
    ----------
    z_final
        Charge of the final nucleus.
    mass_number
        Mass number A.
    total_energy
        Total energy of the charged lepton (MeV), ``> m_e``; any shape.
    positron
        True for an outgoing positron.

    Returns
    -------
    numpy.ndarray
        ``F`` (dimensionless); 1 where ``total_energy <= m_e`` (no lepton).
    """
    e = np.asarray(total_energy, dtype=float)
    m = float(ELECTRON_MASS)
    alpha_z = float(FINE_STRUCTURE) * z_final
    s = np.sqrt(1.0 - alpha_z**2)
    ok = e > m
    p = np.sqrt(np.where(ok, e * e - m * m, 1.0))
    eta = alpha_z * np.where(ok, e, 2.0 * m) / p
    if positron:
        eta = -eta
    rho = nuclear_radius(mass_number)
    log_gamma_sq = 2.0 * np.real(loggamma(s + 1j * eta))
    log_f = (
        np.log(2.0 * (1.0 + s))
        + (2.0 * s - 2.0) * np.log(2.0 * p * rho)
        + np.pi * eta
        + log_gamma_sq
        - 2.0 * float(np.real(loggamma(1.0 + 2.0 * s)))
    )
    return np.where(ok, np.exp(log_f), 1.0)


#: Log-momentum grid of :func:`fermi_function_fast`: ``p`` from 1 keV to 300 MeV, 2048 points
#: (steps of 0.6 % in ``p``; ``log F`` is linear to 1e-5 relative on it).
_FERMI_GRID_P = (1e-3, 300.0, 2048)


@cache
def _fermi_table(z_final: int, mass_number: int, positron: bool) -> tuple[FloatArray, FloatArray]:
    """``(log p, log F)`` of :func:`fermi_function` on :data:`_FERMI_GRID_P`."""
    lo, hi, n = _FERMI_GRID_P
    log_p = np.linspace(np.log(lo), np.log(hi), n)
    p = np.exp(log_p)
    m = float(ELECTRON_MASS)
    energy = np.sqrt(p * p + m * m)
    return log_p, np.log(fermi_function(z_final, mass_number, energy, positron))


def fermi_function_fast(
    z_final: int, mass_number: int, total_energy: ArrayLike, positron: bool = False
) -> FloatArray:
    """:func:`fermi_function` interpolated (``log F`` linear in ``log p``) on a cached grid.

    Agrees with the exact function to 1e-5 relative for electron momenta from 1 keV to
    300 MeV and falls back to it outside, and for positrons (whose ``log F`` is too steep near
    threshold for the grid); ``F`` then costs one interpolation instead of a complex
    ``loggamma`` per energy (the allowed channels evaluate it for every level and node).
    """
    if positron:
        return fermi_function(z_final, mass_number, total_energy, positron)
    e = np.asarray(total_energy, dtype=float)
    m = float(ELECTRON_MASS)
    p = np.sqrt(np.clip(e * e - m * m, 0.0, None))
    lo, hi, _ = _FERMI_GRID_P
    inside = (p >= lo) & (p <= hi)
    log_p, log_f = _fermi_table(int(z_final), int(mass_number), False)
    fast = np.exp(np.interp(np.log(np.where(inside, p, lo)), log_p, log_f))
    if np.all(inside):
        return np.asarray(fast, dtype=np.float64)
    exact = fermi_function(z_final, mass_number, np.where(inside, 2.0 * m, e))
    return np.asarray(np.where(inside, fast, exact), dtype=np.float64)


def mema_factor(
    z_final: int, mass_number: int, total_energy: ArrayLike, positron: bool = False
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Modified effective momentum approximation ``p_eff E_eff / (p E)`` (Engel 1998).

    ``E_eff = E − V_C`` with ``V_C = ∓3Zα/(2R)`` (attractive for an electron).

    Returns
    -------
    factor, valid
        The correction factor and a boolean array, False where ``E_eff < m_e`` (a positron
        that the Coulomb barrier would stop; the factor is then 0).
    """
    e = np.asarray(total_energy, dtype=float)
    m = float(ELECTRON_MASS)
    v_c = -1.5 * float(FINE_STRUCTURE) * z_final / nuclear_radius(mass_number)
    if positron:
        v_c = -v_c
    ok = e > m
    e_eff = e - v_c
    valid = ok & (e_eff >= m)
    p = np.sqrt(np.where(ok, e * e - m * m, 1.0))
    p_eff = np.sqrt(np.where(valid, e_eff * e_eff - m * m, 0.0))
    factor = np.where(valid, p_eff * e_eff / (p * np.where(ok, e, 1.0)), 0.0)
    out: FloatArray = np.where(ok, factor, 1.0)
    return out, np.asarray(valid | ~ok, dtype=bool)


def coulomb_factor(
    z_final: int,
    mass_number: int,
    total_energy: ArrayLike,
    mode: str = "fermi-mema",
    positron: bool = False,
) -> FloatArray:
    """Coulomb correction ``F_C`` of the outgoing charged lepton.

    Parameters
    ----------
    mode
        ``"fermi"`` (Fermi function), ``"mema"`` (Engel's MEMA), ``"fermi-mema"`` (whichever
        is closer to one; the Fermi function where the MEMA is invalid) or ``"none"``.

    Raises
    ------
    ValueError
        For an unknown ``mode``.
    """
    if mode not in COULOMB_MODES:
        raise ValueError(f"coulomb: unknown mode {mode!r}; allowed: {list(COULOMB_MODES)}")
    e = np.asarray(total_energy, dtype=float)
    if mode == "none":
        return np.ones_like(e)
    fermi = fermi_function_fast(z_final, mass_number, e, positron)
    if mode == "fermi":
        return fermi
    mema, valid = mema_factor(z_final, mass_number, e, positron)
    if mode == "mema":
        return np.where(valid, mema, 0.0)
    use_mema = np.logical_and(valid, np.abs(mema - 1.0) < np.abs(fermi - 1.0))
    return np.where(use_mema, mema, fermi)


def allowed_cc_cross_sections(
    energy: ArrayLike,
    delta: ArrayLike,
    b_f: ArrayLike,
    b_gt: ArrayLike,
    z_final: int,
    mass_number: int,
    g_a: float = float(AXIAL_COUPLING),
    coulomb: str = "fermi-mema",
) -> FloatArray:
    """Partial allowed charged-current cross sections (cm²), one per final level.

    Parameters
    ----------
    energy
        Neutrino energies (MeV), any shape.
    delta
        ``Δ_k`` (MeV): nuclear mass of the final level minus that of the target, shape (n,).
    b_f, b_gt
        Fermi and Gamow–Teller strengths (no ``g_A``), shape (n,).
    z_final, mass_number
        Charge and mass number of the final nucleus.
    g_a
        Axial coupling multiplying ``B(GT)``.
    coulomb
        Coulomb correction mode (:func:`coulomb_factor`).

    Returns
    -------
    numpy.ndarray
        Shape ``energy.shape + (n,)``; exactly zero below each level's threshold.
    """
    g = check_axial_coupling(g_a)
    e_nu = np.asarray(energy, dtype=float)[..., None]
    m = float(ELECTRON_MASS)
    e_e = e_nu - np.asarray(delta, dtype=float)
    open_ = e_e > m
    e_safe = np.where(open_, e_e, 2.0 * m)
    p_e = np.sqrt(e_safe * e_safe - m * m)
    f_c = coulomb_factor(z_final, mass_number, e_safe, coulomb)
    strength = np.asarray(b_f, dtype=float) + g * g * np.asarray(b_gt, dtype=float)
    sigma = _GF2_VUD2_HBARC2 / np.pi * p_e * e_safe * f_c * strength
    return np.where(open_, sigma, 0.0)


def allowed_nc_cross_sections(
    energy: ArrayLike, excitation: ArrayLike, b_gt0: ArrayLike, g_a: float = float(AXIAL_COUPLING)
) -> FloatArray:
    """Partial allowed neutral-current cross sections (cm²), one per level, any flavour.

    ``σ_k = G_F²/π (E_ν − E_x)² g_A² B_k(GT₀)`` with ``B(GT₀) = |⟨f‖Σ σ t₃‖i⟩|²/(2J_i+1)``.
    Shape ``energy.shape + (n,)``; zero below each level.
    """
    g = check_axial_coupling(g_a)
    e_nu = np.asarray(energy, dtype=float)[..., None]
    e_out = e_nu - np.asarray(excitation, dtype=float)
    open_ = e_out > 0
    sigma = _GF2_HBARC2 / np.pi * e_out * e_out * g * g * np.asarray(b_gt0, dtype=float)
    return np.where(open_, sigma, 0.0)


def _check_energy(name: str, energy: ArrayLike, energy_range: tuple[float, float]) -> FloatArray:
    e = np.asarray(energy, dtype=float)
    if e.size and not np.all(np.isfinite(e)):
        raise ValueError(f"energy: channel {name!r} needs finite neutrino energies (MeV)")
    if e.size and (np.min(e) < 0 or np.max(e) > energy_range[1]):
        raise ValueError(
            f"energy: channel {name!r} is valid for neutrino energies in "
            f"[0, {energy_range[1]:g}] MeV (allowed approximation), got "
            f"[{np.min(e):g}, {np.max(e):g}] MeV"
        )
    return e


@dataclass(frozen=True)
class AllowedChargedCurrent:
    """``ν_e + target → e⁻ + final*`` in the allowed approximation, level by level.

    Parameters
    ----------
    name, target
        Registry name (``"12c-cc"``) and target nucleus (``"12C"``).
    z_final, mass_number
        Charge and mass number of the final nucleus (for the Coulomb correction).
    q_value
        Atomic mass difference ``M_at(final g.s.) − M_at(target)`` in MeV; the threshold
        for level ``k`` is ``q_value + E_x,k``.
    excitations, b_f, b_gt
        Level energies in the final nucleus (MeV) and their strengths (no ``g_A``).
    final_states
        One :class:`FinalState` per level (their ``excitation`` is ``Δ_k``, so the
        electron's total energy is ``E_ν − excitation``).
    g_a
        Axial coupling (default: the free-nucleon value, PDG 2024).
    coulomb
        Coulomb correction mode.
    forbidden_uncertainty
        Relative uncertainty quoted for the omitted forbidden contributions.
    """

    name: str
    target: str
    z_final: int
    mass_number: int
    q_value: float
    excitations: tuple[float, ...]
    b_f: tuple[float, ...]
    b_gt: tuple[float, ...]
    final_states: tuple[FinalState, ...]
    g_a: float = float(AXIAL_COUPLING)
    coulomb: str = "fermi-mema"
    forbidden_uncertainty: float = 0.0
    max_energy: float = ALLOWED_MAX_ENERGY

    def __post_init__(self) -> None:
        check_axial_coupling(self.g_a)
        check_forbidden_uncertainty(self.forbidden_uncertainty)
        if self.coulomb not in COULOMB_MODES:
            raise ValueError(
                f"coulomb: unknown mode {self.coulomb!r}; allowed: {list(COULOMB_MODES)}"
            )
        n = len(self.excitations)
        if not (len(self.b_f) == len(self.b_gt) == len(self.final_states) == n and n > 0):
            raise ValueError(f"{self.name}: levels, strengths and final states differ in length")

    @property
    def process(self) -> Process:
        """Charged current."""
        return Process.CHARGED_CURRENT

    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """Only ν_e (ν̄_e would need the mirror transition strengths)."""
        return (Flavour.NU_E,)

    @property
    def energy_range(self) -> tuple[float, float]:
        """``(threshold, max_energy)`` in MeV."""
        return (self.threshold(Flavour.NU_E), self.max_energy)

    @property
    def deltas(self) -> FloatArray:
        """``Δ_k`` (MeV): final-level minus target nuclear mass."""
        return np.asarray(self.excitations) + self.q_value - float(ELECTRON_MASS)

    def threshold(self, flavour: Flavour) -> float:
        """Lowest ν_e energy (MeV) reaching any level; ``inf`` for other flavours."""
        if Flavour.parse(flavour) is not Flavour.NU_E:
            return float("inf")
        return float(self.q_value + min(self.excitations))

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Partial cross sections (cm²), shape ``energy.shape + (levels,)``."""
        e = _check_energy(self.name, energy, self.energy_range)
        if Flavour.parse(flavour) is not Flavour.NU_E:
            return np.zeros((*e.shape, len(self.excitations)))
        return allowed_cc_cross_sections(
            e, self.deltas, self.b_f, self.b_gt, self.z_final, self.mass_number,
            self.g_a, self.coulomb,
        )  # fmt: skip

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section (cm²) at ``energy`` (MeV)."""
        total: FloatArray = np.sum(self.final_state_cross_sections(energy, flavour), axis=-1)
        return total


@dataclass(frozen=True)
class AllowedNeutralCurrent:
    """``ν + target → ν + target*`` through the isovector axial current, level by level.

    Parameters
    ----------
    excitations, b_gt0
        Level energies (MeV) and ``B(GT₀)`` strengths (``σ t₃`` operator, no ``g_A``).
    final_states
        One :class:`FinalState` per level (``excitation`` is the level energy).
    """

    name: str
    target: str
    excitations: tuple[float, ...]
    b_gt0: tuple[float, ...]
    final_states: tuple[FinalState, ...]
    g_a: float = float(AXIAL_COUPLING)
    forbidden_uncertainty: float = 0.0
    max_energy: float = ALLOWED_MAX_ENERGY

    def __post_init__(self) -> None:
        check_axial_coupling(self.g_a)
        check_forbidden_uncertainty(self.forbidden_uncertainty)
        n = len(self.excitations)
        if not (len(self.b_gt0) == len(self.final_states) == n and n > 0):
            raise ValueError(f"{self.name}: levels, strengths and final states differ in length")

    @property
    def process(self) -> Process:
        """Neutral current."""
        return Process.NEUTRAL_CURRENT

    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """Every flavour (the allowed axial cross section is flavour-blind)."""
        return tuple(Flavour)

    @property
    def energy_range(self) -> tuple[float, float]:
        """``(threshold, max_energy)`` in MeV."""
        return (min(self.excitations), self.max_energy)

    def threshold(self, flavour: Flavour) -> float:
        """Lowest level energy (MeV), the same for every flavour."""
        Flavour.parse(flavour)
        return float(min(self.excitations))

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Partial cross sections (cm²), shape ``energy.shape + (levels,)``."""
        e = _check_energy(self.name, energy, self.energy_range)
        Flavour.parse(flavour)
        return allowed_nc_cross_sections(e, self.excitations, self.b_gt0, self.g_a)

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section (cm²) at ``energy`` (MeV)."""
        total: FloatArray = np.sum(self.final_state_cross_sections(energy, flavour), axis=-1)
        return total
