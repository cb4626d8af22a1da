"""Coherent elastic scattering of a light dark-matter particle χ on a nucleus via a vector.

For a vector mediator ``V`` of mass ``m_V`` coupling to χ with ``g_D`` (``α_D = g_D²/4π``) and
to the nucleus with a coherent charge ``g_N Q_N`` (a dark photon: ``g_N Q_N = ε e Z``; a
baryonic vector: ``g_B A``), tree-level exchange with a spin-0 nuclear current
``(P + P′)^μ F(q)`` gives, with ``E`` and ``p`` the χ energy and momentum, ``T`` the nuclear
recoil and ``M`` the nuclear mass (derivation in the how-to page; the non-relativistic limit is
the usual ``σ_χN = 16π α α_D ε² Z² μ²/m_V⁴`` for scalar χ, e.g. Essig et al. 2016):

    scalar χ:   dσ/dT = C · M (2E − T)² / (p² (2MT + m_V²)²) · F²(q)
    fermion χ:  dσ/dT = C · M [(2E − T)² − 2MT − T²] / (p² (2MT + m_V²)²) · F²(q)

    C = 2π α α_D ε² Z²  (dark photon),   C = 2π α_B α_D A²  (baryonic vector),

``q² = 2MT``, zero above ``T_max = 2M p² / (M² + m_χ² + 2ME)``. The same forms are used by
deNiverville, Pospelov & Ritz, PRD 84 (2011) 075020 and COHERENT, PRD 102 (2020) 052007
(arXiv:1911.06422), Eq. (3), up to O(T/E) terms.

Units: MeV in, cm²/MeV out (``(ħc)²`` converts MeV⁻³).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..constants import HBAR_C
from ..physics.form_factors import FormFactor, Helm
from ..physics.targets import Isotope
from ..types import FloatArray

__all__ = ["Spin", "chi_max_recoil", "chi_nucleus_cross_section", "chi_recoil_moments"]

Spin = Literal["scalar", "fermion"]

_HELM = Helm()


def chi_max_recoil(energy: ArrayLike, chi_mass: float, nuclear_mass: float) -> FloatArray:
    """Largest recoil ``2M p²/(M² + m² + 2ME)`` (MeV) of a χ of total energy ``E`` (MeV)."""
    e = np.asarray(energy, dtype=float)
    p2 = np.maximum(e * e - chi_mass * chi_mass, 0.0)
    return np.asarray(2.0 * nuclear_mass * p2 / (nuclear_mass**2 + chi_mass**2
                                                 + 2.0 * nuclear_mass * e))


def _check(chi_mass: float, mediator_mass: float, coupling: float, spin: str) -> None:
    if not (np.isfinite(chi_mass) and chi_mass > 0):
        raise ValueError(f"chi_mass: must be finite and > 0 MeV, got {chi_mass}")
    if not (np.isfinite(mediator_mass) and mediator_mass > 0):
        raise ValueError(f"mediator_mass: must be finite and > 0 MeV, got {mediator_mass}")
    if not (np.isfinite(coupling) and coupling >= 0):
        raise ValueError(f"coupling: the prefactor C must be finite and >= 0, got {coupling}")
    if spin not in ("scalar", "fermion"):
        raise ValueError(f"spin: must be 'scalar' or 'fermion', got {spin!r}")


def chi_nucleus_cross_section(
    energy: ArrayLike,
    recoil_energy: ArrayLike,
    isotope: Isotope,
    chi_mass: float,
    mediator_mass: float,
    coupling: float,
    spin: Spin = "scalar",
    form_factor: FormFactor | None = None,
) -> FloatArray:
    """``dσ/dT`` (cm²/MeV) of χ (total energy ``E``) on ``isotope`` at recoil ``T``, broadcasting.

    ``coupling`` is the prefactor ``C`` of the module docstring (``2π α α_D ε² Z²`` for a dark
    photon); ``form_factor`` defaults to Helm with the Lewin–Smith radius.
    """
    _check(chi_mass, mediator_mass, coupling, spin)
    e = np.asarray(energy, dtype=float)
    t = np.asarray(recoil_energy, dtype=float)
    if np.any(t < 0) or np.any(~np.isfinite(t)):
        raise ValueError("recoil_energy: must be finite and >= 0 MeV")
    if np.any(e < chi_mass) or np.any(~np.isfinite(e)):
        raise ValueError(f"energy: the χ total energy must be finite and >= m_χ = {chi_mass} MeV")
    m = isotope.nuclear_mass
    p2 = e * e - chi_mass * chi_mass
    ff = (form_factor or _HELM)(np.sqrt(2.0 * m * t), isotope)
    core = (2.0 * e - t) ** 2
    if spin == "fermion":
        core = core - 2.0 * m * t - t * t
    with np.errstate(divide="ignore", invalid="ignore"):
        value = coupling * m * core / (p2 * (2.0 * m * t + mediator_mass**2) ** 2)
    inside = (t <= chi_max_recoil(e, chi_mass, m)) & (p2 > 0)
    out = np.where(inside, np.maximum(value, 0.0), 0.0) * ff * ff * float(HBAR_C) ** 2
    return np.asarray(out, dtype=float)


def chi_recoil_moments(
    energies: FloatArray,
    weights: FloatArray,
    recoil_energy: FloatArray,
    isotope: Isotope,
    chi_mass: float,
    mediator_mass: float,
    coupling: float,
    spin: Spin = "scalar",
    form_factor: FormFactor | None = None,
) -> FloatArray:
    """``Σ_k w_k dσ/dT(E_k, T)`` (cm²/MeV per unit weight) at every ``T``, exactly and fast.

    The cross section is a polynomial in ``E`` over ``p²`` times a function of ``T``, so the
    sum over χ energies reduces to three suffix sums over the energies sorted by their
    ``T_max``: ``O((n_E + n_T) log n_E)`` instead of ``n_E × n_T`` evaluations. Equal to
    summing :func:`chi_nucleus_cross_section` (tested).

    Raises
    ------
    ValueError
        One line naming the parameter: recoil energies not finite and ``>= 0``, χ energies
        not finite and ``>= m_χ``, weights not finite and ``>= 0`` or not one per energy.
    """
    _check(chi_mass, mediator_mass, coupling, spin)
    e = np.asarray(energies, dtype=float).ravel()
    w = np.asarray(weights, dtype=float).ravel()
    t = np.asarray(recoil_energy, dtype=float)
    if e.shape != w.shape:
        raise ValueError("weights: need one weight per χ energy")
    if np.any(t < 0) or np.any(~np.isfinite(t)):
        raise ValueError("recoil_energy: must be finite and >= 0 MeV")
    # E = m_χ up to rounding is a χ at rest (the flux clips to m_χ); below that it is an error
    if np.any(~np.isfinite(e)) or np.any(e < chi_mass * (1.0 - 1e-9)):
        raise ValueError(
            f"energies: the χ total energies must be finite and >= m_χ = {chi_mass} MeV"
        )
    if np.any(w < 0) or np.any(~np.isfinite(w)):
        raise ValueError("weights: must be finite and >= 0")
    m = isotope.nuclear_mass
    keep = (e > chi_mass) & (w > 0)
    e, w = e[keep], w[keep]
    tmax = chi_max_recoil(e, chi_mass, m)
    order = np.argsort(tmax)
    e, w, tmax = e[order], w[order], tmax[order]
    p2 = e * e - chi_mass * chi_mass
    # suffix sums of w/p², w E/p², w E²/p² (nodes with T_max >= T contribute)
    def suffix(values: FloatArray) -> FloatArray:
        return np.concatenate([np.cumsum(values[::-1])[::-1], [0.0]])

    s0, s1, s2 = suffix(w / p2), suffix(w * e / p2), suffix(w * e * e / p2)
    idx = np.searchsorted(tmax, t, side="left")
    a0, a1, a2 = s0[idx], s1[idx], s2[idx]
    core = 4.0 * a2 - 4.0 * t * a1 + t * t * a0
    if spin == "fermion":
        core = core - (2.0 * m * t + t * t) * a0
    ff = (form_factor or _HELM)(np.sqrt(2.0 * m * t), isotope)
    value = coupling * m * np.maximum(core, 0.0) / (2.0 * m * t + mediator_mass**2) ** 2
    return np.asarray(value * ff * ff * float(HBAR_C) ** 2, dtype=float)
