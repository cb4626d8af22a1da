"""Neutrino–electron elastic scattering, ``ν e⁻ → ν e⁻``, for every flavour.

Standard Model with radiative corrections after Bahcall, Kamionkowski & Sirlin,
PRD 51 (1995) 6146 (BKS), Eqs. (A1)–(A3) and Appendix B. With ``z = T/E_ν``::

    dσ/dT = (2 G_F² m_e / π) [ g_L²(T) (1 + α/π f₋(z))
                               + g_R²(T) ((1 − z)² + α/π f₂(z))
                               − g_L(T) g_R(T) (m_e T / E_ν²) (1 + α/π f₊₋(z)) ]

where ``f₂ = (1 − z)² f₊`` (all three QED functions of BKS Appendix B) and the
electroweak couplings carry the BKS ``ρ`` and the flavour- and recoil-dependent ``κ(T)``::

    ν_μ,τ:  g_L = ρ (½ − κ_μ(T) s²),        g_R = −ρ κ_μ(T) s²
    ν_e:    g_L = ρ (½ − κ_e(T) s²) − 1,    g_R = −ρ κ_e(T) s²
    ν̄:      g_L ↔ g_R

with ``ρ = 1.0126``, ``κ_e = 0.9791 + 0.0097 I(T)``, ``κ_μ = 0.9970 − 0.00037 I(T)`` (each
±0.0025), ``I(T) = ⅙[⅓ + (3 − x²)(½ x ln((x + 1)/(x − 1)) − 1)]``, ``x = √(1 + 2 m_e/T)``
and ``s² = sin²θ̂_W(M_Z)`` (BKS use 0.2317 in the MS-bar scheme). The ``−1`` of ``ν_e``
is the charged-current (W-exchange) amplitude. Without radiative corrections
(``radiative=False``) ``ρ = κ = 1`` and the QED functions vanish: the tree-level formula of
't Hooft, PLB 37 (1971) 195.

A neutrino magnetic moment ``μ_ν`` (Bohr magnetons) adds incoherently (Vogel & Engel,
PRD 39 (1989) 3378)::

    dσ/dT = π α² μ_ν² / m_e² · (1/T − 1/E_ν)

Atomic electrons are treated in the *stepping approximation* (e.g. Chen et al.,
PRD 90 (2014) 011301(R); used for xenon by the XENON and PandaX electron-recoil
analyses): an electron of binding energy ``B`` scatters like a free one when
``T > B`` and not at all below, so the cross section per atom is
``Σ_shells n_i θ(T − B_i) dσ_free/dT``. Shell energies are from the X-ray Data
Booklet (A. C. Thompson et al., LBNL, 2009), Table 1-1 (G. P. Williams), gas-phase
values relative to the vacuum level for the noble gases; :data:`ATOMIC_SHELLS`.

Energies in MeV, cross sections in cm² (``dσ/dT`` in cm²/MeV).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import spence

from ..constants import ELECTRON_MASS, FERMI_CONSTANT, FINE_STRUCTURE, HBAR_C
from ..flavours import Flavour
from ..types import FloatArray

__all__ = [
    "ATOMIC_SHELLS",
    "BKS_RHO",
    "BKS_SIN2_THETA_W",
    "ENERGY_RANGE",
    "AtomicShells",
    "NeutrinoElectronScattering",
    "atomic_shells",
    "max_recoil",
]

#: ``ρ_NC^{νℓ}`` of BKS (PRD 51 (1995) 6146, after Eq. A3).
BKS_RHO = 1.0126
#: ``sin²θ̂_W(M_Z)`` (MS-bar) used by BKS with their ``κ`` values.
BKS_SIN2_THETA_W = 0.2317
#: Neutrino energies (MeV) where the cross section is offered: the BKS ``κ(T)`` keeps only the
#: electron loop in the running (momentum transfers ``√(2 m_e T)`` well below the muon mass).
ENERGY_RANGE = (0.0, 1000.0)

_ME = float(ELECTRON_MASS)
_ALPHA = float(FINE_STRUCTURE)
#: 2 G_F² m_e (ħc)² / π in cm²/MeV.
_SIGMA0 = 2.0 * float(FERMI_CONSTANT) ** 2 * _ME * float(HBAR_C) ** 2 / math.pi
#: π α² (ħc)² / m_e² in cm²; times μ_ν² (μ_B) and (1/T − 1/E) (1/MeV) gives cm²/MeV.
_MAGNETIC0 = math.pi * _ALPHA**2 * float(HBAR_C) ** 2 / _ME**2

# Gauss–Legendre nodes on [0, 1] for the T integrals; the integrand is smooth in the variable
# t with T = a + (b − a)(3t² − 2t³) (node density rises towards both ends, where the QED
# functions have integrable logarithms).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(48)
_T01 = 0.5 * (_GL_X + 1.0)
_W01 = 0.5 * _GL_W
_S = 3.0 * _T01**2 - 2.0 * _T01**3
_DS = 6.0 * _T01 * (1.0 - _T01)


def max_recoil(energy: ArrayLike) -> FloatArray:
    """Largest electron kinetic energy ``T_max = 2E²/(m_e + 2E)`` in MeV."""
    e = np.asarray(energy, dtype=np.float64)
    return np.asarray(2.0 * e**2 / (_ME + 2.0 * e), dtype=np.float64)


def _spence_L(x: FloatArray) -> FloatArray:
    """BKS ``L(x) = ∫₀ˣ ln|1 − t|/t dt`` for ``x ≥ 0``.

    ``−Li₂(x)`` for ``x ≤ 1``; for ``x > 1`` (``β = l/E_ν`` exceeds 1 near ``T_max``)
    ``−Re Li₂(x) = ½ ln²x + Li₂(1/x) − π²/3``. (scipy's ``spence(w)`` is ``Li₂(1 − w)``.)
    """
    x = np.asarray(x, dtype=np.float64)
    below = np.minimum(x, 1.0)
    above = np.maximum(x, 1.0)
    low = -spence(1.0 - below)
    high = 0.5 * np.log(above) ** 2 + spence(1.0 - 1.0 / above) - math.pi**2 / 3.0
    return np.asarray(np.where(x <= 1.0, low, high), dtype=np.float64)


def _loop_I(T: FloatArray) -> FloatArray:
    """BKS ``I(T)`` (after Eq. A3), finite for ``T > 0``."""
    x = np.sqrt(1.0 + 2.0 * _ME / T)
    return np.asarray(
        (1.0 / 6.0) * (1.0 / 3.0 + (3.0 - x**2) * (0.5 * x * np.log((x + 1.0) / (x - 1.0)) - 1.0)),
        dtype=np.float64,
    )


def _qed_functions(E: FloatArray, T: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``f₋(z)``, ``f₂ = (1 − z)² f₊(z)`` and ``f₊₋(z)`` of BKS Appendix B (Eqs. B1–B3)."""
    Ee = T + _ME
    ell = np.sqrt(np.maximum(Ee**2 - _ME**2, 0.0))
    z = T / E
    beta = ell / E
    one_z = 1.0 - z
    log_z = np.log(z)
    log_1z = np.log(one_z)
    # (E_e/l) ln((E_e + l)/m_e) − 1, → 0 as T → 0 (series to avoid 0/0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(ell > 1e-6 * _ME, Ee / ell * np.arcsinh(ell / _ME) - 1.0,
                     ell**2 / (3 * _ME**2))
    log_edge = np.log(np.maximum(one_z - _ME / (Ee + ell), 1e-300))
    f_minus = (
        h * (2.0 * log_edge - log_1z - 0.5 * log_z - 5.0 / 12.0)
        + 0.5 * (_spence_L(z) - _spence_L(beta))
        - 0.5 * log_1z**2
        - (11.0 / 12.0 + 0.5 * z) * log_1z
        + z * (log_z + 0.5 * np.log(2.0 * E / _ME))
        - (31.0 / 18.0 + log_z / 12.0) * beta
        - 11.0 / 12.0 * z
        + z**2 / 24.0
    )
    L_1z = _spence_L(one_z)
    f_2 = (
        h * (one_z**2 * (2.0 * log_edge - log_1z - 0.5 * log_z - 2.0 / 3.0)
             - 0.5 * (z**2 * log_z + one_z))
        - 0.5 * one_z**2 * (log_1z**2 + beta * (L_1z - log_z * log_1z))
        + log_1z * (0.5 * z**2 * log_z + one_z / 3.0 * (2.0 * z - 0.5))
        - 0.5 * z**2 * L_1z
        - z * (1.0 - 2.0 * z) / 3.0 * log_z
        - z * one_z / 6.0
        - beta / 12.0 * (log_z + one_z * (115.0 - 109.0 * z) / 6.0)
    )
    f_pm = h * 2.0 * log_edge
    return (np.asarray(f_minus, dtype=np.float64), np.asarray(f_2, dtype=np.float64),
            np.asarray(f_pm, dtype=np.float64))


@dataclass(frozen=True)
class AtomicShells:
    """Electron shells of one element: binding energies (MeV) and occupancies.

    Parameters
    ----------
    symbol:
        Element symbol, e.g. ``"Xe"``.
    binding:
        Binding energy of each subshell in MeV (any order).
    electrons:
        Number of electrons in each subshell; they sum to ``Z``.
    reference:
        Where the energies come from.
    """

    symbol: str
    binding: tuple[float, ...]
    electrons: tuple[int, ...]
    reference: str

    def __post_init__(self) -> None:
        if len(self.binding) != len(self.electrons):
            raise ValueError(f"{self.symbol}: binding and electrons differ in length")

    @property
    def Z(self) -> int:
        """Number of electrons (the atomic number)."""
        return int(sum(self.electrons))

    def active_electrons(self, recoil: ArrayLike) -> FloatArray:
        """Electrons with binding below the recoil energy ``T`` (MeV): the stepping weight."""
        t = np.asarray(recoil, dtype=np.float64)
        b = np.asarray(self.binding)
        n = np.asarray(self.electrons, dtype=np.float64)
        return np.asarray(np.sum(n * (t[..., None] > b), axis=-1), dtype=np.float64)


_BOOKLET = ("X-ray Data Booklet (A. C. Thompson et al., LBNL 2009), Table 1-1, "
            "electron binding energies (G. P. Williams)")

#: Subshell energies (eV in the table below, stored in MeV) and occupancies. The valence shells
#: the booklet does not list (Ge 4s/4p, Na 3s, I 5s/5p, Cs 6s, F 2s/2p of CsI-doped media are
#: not needed) use the first ionisation energy (NIST Atomic Spectra Database), noted per
#: element; they only matter below ~10 eV.
ATOMIC_SHELLS: Mapping[str, AtomicShells] = MappingProxyType({
    "Xe": AtomicShells(
        "Xe",
        tuple(e * 1e-6 for e in (34561.0, 5453.0, 5107.0, 4786.0, 1148.7, 1002.1, 940.6, 689.0,
                                 676.4, 213.2, 146.7, 145.5, 69.5, 67.5, 23.3, 13.4, 12.1)),
        (2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2, 4, 4, 6, 2, 2, 4),
        _BOOKLET,
    ),
    "Ar": AtomicShells(
        "Ar",
        tuple(e * 1e-6 for e in (3205.9, 326.3, 250.6, 248.4, 29.3, 15.9, 15.7)),
        (2, 2, 2, 4, 2, 2, 4),
        _BOOKLET,
    ),
    "Ge": AtomicShells(
        "Ge",
        tuple(e * 1e-6 for e in (11103.0, 1414.6, 1248.1, 1217.0, 180.1, 124.9, 120.8, 29.8,
                                 29.2, 7.9)),
        (2, 2, 2, 4, 2, 2, 4, 4, 6, 4),
        _BOOKLET + "; 4s²4p² at the first ionisation energy 7.90 eV (NIST ASD)",
    ),
    "I": AtomicShells(
        "I",
        tuple(e * 1e-6 for e in (33169.0, 5188.0, 4852.0, 4557.0, 1072.0, 931.0, 875.0, 630.8,
                                 619.3, 186.0, 123.0, 123.0, 50.6, 48.9, 10.45)),
        (2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2, 4, 4, 6, 7),
        _BOOKLET + "; 5s²5p⁵ at the first ionisation energy 10.45 eV (NIST ASD)",
    ),
    "Na": AtomicShells(
        "Na",
        tuple(e * 1e-6 for e in (1070.8, 63.5, 30.65, 30.81, 5.14)),
        (2, 2, 2, 4, 1),
        _BOOKLET + "; 3s at the first ionisation energy 5.14 eV (NIST ASD)",
    ),
})


def atomic_shells(symbol: str) -> AtomicShells:
    """The shells of element ``symbol``.

    Raises
    ------
    ValueError
        One line listing the elements with shell data, if ``symbol`` has none.
    """
    key = str(symbol).strip().capitalize()
    if key not in ATOMIC_SHELLS:
        raise ValueError(f"element {symbol!r}: no atomic shell energies for the stepping "
                         f"approximation; available: {', '.join(sorted(ATOMIC_SHELLS))}")
    return ATOMIC_SHELLS[key]


def _check_energy(energy: FloatArray) -> None:
    if not np.all(np.isfinite(energy)) or np.any(energy < 0):
        raise ValueError("energy: neutrino energies must be finite and >= 0 MeV")
    if energy.size and float(np.max(energy)) > ENERGY_RANGE[1]:
        raise ValueError(f"energy: neutrino–electron scattering is offered for 0 to "
                         f"{ENERGY_RANGE[1]:g} MeV, got {float(np.max(energy)):g} MeV")


@dataclass(frozen=True)
class NeutrinoElectronScattering:
    """``ν e⁻ → ν e⁻`` on free electrons (or atoms in the stepping approximation).

    Parameters
    ----------
    sin2_theta_w:
        ``sin²θ̂_W(M_Z)`` in the MS-bar scheme (BKS: 0.2317). Without radiative corrections it
        is the tree-level ``sin²θ_W``.
    radiative:
        Include the BKS electroweak (``ρ``, ``κ(T)``) and QED (``f₋``, ``f₊``, ``f₊₋``)
        corrections. ``False`` gives the tree-level formula.
    magnetic_moment:
        Effective neutrino magnetic moment in Bohr magnetons (the same for every flavour),
        e.g. ``1e-11``. Adds ``π α² μ_ν²/m_e² (1/T − 1/E)``.
    """

    sin2_theta_w: float = BKS_SIN2_THETA_W
    radiative: bool = True
    magnetic_moment: float = 0.0

    def __post_init__(self) -> None:
        if not (0.0 < self.sin2_theta_w < 1.0):
            raise ValueError(f"sin2_theta_w: must lie in (0, 1), got {self.sin2_theta_w!r}")
        if not (math.isfinite(self.magnetic_moment) and self.magnetic_moment >= 0):
            raise ValueError("magnetic_moment: must be finite and >= 0 Bohr magnetons, got "
                             f"{self.magnetic_moment!r}")

    def couplings(self, recoil: ArrayLike, flavour: Flavour | str) -> tuple[FloatArray, FloatArray]:
        """``(g_L(T), g_R(T))`` in the BKS convention (``ν_e`` includes the W exchange)."""
        fl = Flavour.parse(flavour)
        t = np.asarray(recoil, dtype=np.float64)
        s2 = self.sin2_theta_w
        if self.radiative:
            loop = _loop_I(np.maximum(t, 1e-30))
            kappa = 0.9791 + 0.0097 * loop if fl.lepton == "e" else 0.9970 - 0.00037 * loop
            rho = BKS_RHO
        else:
            kappa = np.ones_like(t)
            rho = 1.0
        g1 = rho * (0.5 - kappa * s2)
        g2 = -rho * kappa * s2
        if fl.lepton == "e":
            g1 = g1 - 1.0
        g_left, g_right = (g2, g1) if fl.is_antineutrino else (g1, g2)
        return (np.asarray(np.broadcast_to(g_left, t.shape), dtype=np.float64),
                np.asarray(np.broadcast_to(g_right, t.shape), dtype=np.float64))

    def dsigma_dT(self, energy: ArrayLike, recoil: ArrayLike, flavour: Flavour | str) -> FloatArray:
        """``dσ/dT`` per free electron in cm²/MeV; broadcasts ``energy`` against ``recoil``.

        Exactly zero outside ``0 < T ≤ T_max(E)``.
        """
        fl = Flavour.parse(flavour)
        e, t = np.broadcast_arrays(np.asarray(energy, dtype=np.float64),
                                   np.asarray(recoil, dtype=np.float64))
        _check_energy(np.asarray(e))
        if not np.all(np.isfinite(t)):
            raise ValueError("recoil: electron recoil energies must be finite (MeV)")
        inside = (t > 0) & (t < max_recoil(e)) & (e > 0)
        es = np.where(inside, e, 1.0)
        ts = np.where(inside, t, 0.25 * max_recoil(1.0))
        g_left, g_right = self.couplings(ts, fl)
        z = ts / es
        interference = _ME * ts / es**2
        if self.radiative:
            f_minus, f_2, f_pm = _qed_functions(es, ts)
            a = _ALPHA / math.pi
            value = (g_left**2 * (1.0 + a * f_minus)
                     + g_right**2 * ((1.0 - z) ** 2 + a * f_2)
                     - g_left * g_right * interference * (1.0 + a * f_pm))
        else:
            value = g_left**2 + g_right**2 * (1.0 - z) ** 2 - g_left * g_right * interference
        result = _SIGMA0 * value
        if self.magnetic_moment > 0:
            result = result + _MAGNETIC0 * self.magnetic_moment**2 * (1.0 / ts - 1.0 / es)
        return np.asarray(np.where(inside, np.maximum(result, 0.0), 0.0), dtype=np.float64)

    def _integral(self, energy: FloatArray, lower: FloatArray, flavour: Flavour) -> FloatArray:
        """``∫_lower^{T_max} dσ/dT dT`` per free electron (cm²), vectorised over ``energy``."""
        upper = max_recoil(energy)
        a = np.minimum(lower, upper)
        width = upper - a
        t = a[..., None] + width[..., None] * _S
        e = np.broadcast_to(energy[..., None], t.shape)
        density = self.dsigma_dT(e, t, flavour)
        return np.asarray(np.sum(density * _DS * _W01, axis=-1) * width, dtype=np.float64)

    def cross_section(self, energy: ArrayLike, flavour: Flavour | str,
                      threshold: float = 0.0) -> FloatArray:
        """Total cross section per free electron in cm² for recoils ``T > threshold`` (MeV).

        A magnetic moment needs ``threshold > 0`` (its ``1/T`` term diverges).
        """
        fl = Flavour.parse(flavour)
        e = np.asarray(energy, dtype=np.float64)
        _check_energy(e)
        if not (math.isfinite(threshold) and threshold >= 0):
            raise ValueError(f"threshold: must be finite and >= 0 MeV, got {threshold!r}")
        if self.magnetic_moment > 0 and threshold <= 0:
            raise ValueError("threshold: a neutrino magnetic moment needs a recoil threshold "
                             "> 0 MeV (its 1/T term diverges)")
        lower = np.full(e.shape, float(threshold))
        return self._integral(e, lower, fl)

    def atomic_dsigma_dT(self, energy: ArrayLike, recoil: ArrayLike, flavour: Flavour | str,
                         element: str) -> FloatArray:
        """``dσ/dT`` per atom of ``element`` (cm²/MeV) in the stepping approximation."""
        shells = atomic_shells(element)
        t = np.asarray(recoil, dtype=np.float64)
        return np.asarray(self.dsigma_dT(energy, t, flavour) * shells.active_electrons(t),
                          dtype=np.float64)

    def atomic_cross_section(self, energy: ArrayLike, flavour: Flavour | str, element: str,
                             threshold: float = 0.0) -> FloatArray:
        """Total cross section per atom (cm²) above ``threshold``, stepping approximation.

        Each subshell contributes ``n_i ∫_{max(B_i, threshold)}^{T_max} dσ/dT``.
        """
        fl = Flavour.parse(flavour)
        shells = atomic_shells(element)
        e = np.asarray(energy, dtype=np.float64)
        _check_energy(e)
        if not (math.isfinite(threshold) and threshold >= 0):
            raise ValueError(f"threshold: must be finite and >= 0 MeV, got {threshold!r}")
        total = np.zeros(e.shape)
        for binding, n in zip(shells.binding, shells.electrons, strict=True):
            lower = np.full(e.shape, max(binding, float(threshold)))
            total = total + n * self._integral(e, lower, fl)
        return total
