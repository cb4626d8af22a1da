"""The CEvNS cross section: differential, total and flux-averaged.

The engine evaluates the full vector + axial formula (Barranco, Miranda & Rashba,
JHEP 0512 (2005) 021, Eq. 1; K. Scholberg, MPA Summer School 2021)::

    dσ/dT = G_F² M / (2π) · [ (G_V + G_A)² + (G_V − G_A)² (1 − T/E)² − (G_V² − G_A²) M T / E² ]

with ``G_V``, ``G_A`` from the model (form factors inside) and ``G_A → −G_A`` for
antineutrinos. The prefactor is ``G_F² M / 2π`` for the nucleon couplings of
:mod:`cevns.physics.couplings` (``g_V^n ≈ −½``): with ``G_A = 0`` and ``F = 1``
it integrates to Freedman's ``G_F² E² Q_W² / 4π`` (tested). The slides of
K. Scholberg (MPA Summer School 2021) print ``G_F² M / π`` and those of H. Jeong (K-Neutrino
Symposium 2024) drop the ¼ of ``Q_W²/4``: 2× and 4× too large respectively (a normalisation
trap when copying slide formulas).

Units: energies MeV, cross sections cm² (``dσ/dT`` in cm²/MeV).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..constants import GF2_HBARC2
from ..flavours import Flavour
from ..models.standard_model import CEvNSModel, StandardModel
from ..physics.kinematics import max_recoil_energy, min_neutrino_energy, momentum_transfer
from ..physics.targets import Isotope, Target
from ..quadrature import gauss_legendre
from ..sources.spectrum import Spectrum
from ..types import FloatArray
from ..validation import non_negative_array

_DEFAULT_MODEL: CEvNSModel = StandardModel()

#: Gauss–Legendre nodes for ``σ(E) = ∫₀^{T_max} dσ/dT dT``; converged to < 1e-10 (tested).
TOTAL_CROSS_SECTION_NODES = 48


def _resolve(
    isotope: Isotope | str, flavour: Flavour | str, model: CEvNSModel | None
) -> tuple[Isotope, Flavour, CEvNSModel]:
    """Normalise the (isotope, flavour, model) arguments shared by the engine's functions."""
    iso = isotope if isinstance(isotope, Isotope) else Isotope.parse(isotope)
    return iso, Flavour.parse(flavour), _DEFAULT_MODEL if model is None else model


def differential_cross_section(
    neutrino_energy: ArrayLike,
    recoil_energy: ArrayLike,
    isotope: Isotope | str,
    flavour: Flavour | str = Flavour.NU_MU,
    model: CEvNSModel | None = None,
) -> FloatArray:
    """``dσ/dT`` (cm²/MeV) for neutrino energy ``E`` and nuclear recoil ``T``.

    Parameters
    ----------
    neutrino_energy
        ``E`` (MeV), >= 0; broadcasts against ``recoil_energy``.
    recoil_energy
        ``T`` (MeV), >= 0.
    isotope
        Target nucleus (an :class:`Isotope` or a name such as ``"Cs133"``).
    flavour
        Neutrino flavour; antineutrinos flip the sign of the axial charge.
    model
        Couplings and form factors; default :class:`~cevns.models.StandardModel`.

    Returns
    -------
    numpy.ndarray
        Broadcast shape of the inputs; exactly zero where ``T > T_max(E)``.

    Examples
    --------
    >>> import numpy as np
    >>> E = np.linspace(10, 50, 1000)
    >>> T = np.linspace(0, 0.03, 1000)
    >>> differential_cross_section(E[:, None], T[None, :], "Cs133").shape
    (1000, 1000)
    """
    e = non_negative_array(neutrino_energy, "neutrino_energy")
    t = non_negative_array(recoil_energy, "recoil_energy")
    iso, flav, mdl = _resolve(isotope, flavour, model)
    m = iso.nuclear_mass
    q = momentum_transfer(t, m, mdl.momentum_transfer)
    g_v, g_a = mdl.weak_charges(iso, flav, q)
    if flav.is_antineutrino:
        g_a = -g_a
    # Everything that depends on T alone is computed on T's (small) shape; the
    # full (E, T) broadcast is touched by a handful of in-place operations only.
    prefactor = float(GF2_HBARC2) * m / (2.0 * np.pi)
    a_coef = prefactor * (g_v + g_a) ** 2
    b_coef = prefactor * (g_v - g_a) ** 2
    c_coef = prefactor * (g_v * g_v - g_a * g_a) * m * t  # divided by E² below
    positive = e > 0
    e_safe = np.where(positive, e, 1.0)
    e_or_flag = np.where(positive, e, -1.0)  # E = 0 never scatters
    with np.errstate(over="ignore", invalid="ignore"):
        # Divisions (not multiplications by 1/E) so that subnormal E with T = 0 gives 0, not
        # inf·0; anything that overflows lies outside the kinematic region and is zeroed below.
        y = np.divide(t, e_safe)
        result = np.asarray(1.0 - y, dtype=float)
        np.multiply(result, result, out=result)
        np.multiply(result, b_coef, out=result)
        np.add(result, a_coef, out=result)
        recoil_term = np.divide(np.divide(c_coef, e_safe), e_safe)
        np.subtract(result, recoil_term, out=result)
        np.maximum(result, 0.0, out=result)
    transition = getattr(mdl, "transition_charges_squared", None)
    fc2 = transition(iso, flav, q) if transition is not None else None
    if fc2 is not None:
        # Flavour-changing vector charges (NSI ε_{αβ}, transition radii): a pure vector term
        # per final flavour, summed in quadrature, ``G² [1 + (1 − T/E)² − M T / E²]``.
        with np.errstate(over="ignore", invalid="ignore"):
            fc = 1.0 + (1.0 - y) ** 2 - np.divide(np.divide(m * t, e_safe), e_safe)
            np.add(result, np.maximum(prefactor * fc2 * fc, 0.0), out=result)
    allowed = e_or_flag >= min_neutrino_energy(t, m)
    e_full, t_full = np.broadcast_arrays(e, t)
    extra = mdl.extra_differential_cross_section(e_full, t_full, iso, flav)
    if extra is not None:
        np.add(result, extra, out=result)
    result[~allowed] = 0.0
    return result


def total_cross_section(
    neutrino_energy: ArrayLike,
    isotope: Isotope | str,
    flavour: Flavour | str = Flavour.NU_MU,
    model: CEvNSModel | None = None,
    recoil_threshold: float = 0.0,
    nodes: int = TOTAL_CROSS_SECTION_NODES,
) -> FloatArray:
    """``σ(E) = ∫_{T_thr}^{T_max} dσ/dT dT`` (cm²) by Gauss–Legendre quadrature in ``T``.

    Parameters
    ----------
    neutrino_energy
        ``E`` (MeV), >= 0, any shape.
    recoil_threshold
        Lower recoil limit ``T_thr`` (MeV); 0 gives the total cross section.
    nodes
        Quadrature order on ``[T_thr, T_max(E)]``.
    """
    e = non_negative_array(neutrino_energy, "neutrino_energy")
    thr = float(non_negative_array(recoil_threshold, "recoil_threshold"))
    iso, flav, mdl = _resolve(isotope, flavour, model)
    t_max = max_recoil_energy(e, iso.nuclear_mass)
    x, w = gauss_legendre(nodes)
    half = np.clip(t_max - thr, 0.0, None)[..., None] / 2.0
    t = thr + half * (x + 1.0)
    dsigma = differential_cross_section(e[..., None], t, iso, flav, mdl)
    return np.asarray(np.sum(half * w * dsigma, axis=-1), dtype=float)


def flux_averaged_cross_section(
    spectrum: Spectrum,
    isotope: Isotope | str,
    flavour: Flavour | str = Flavour.NU_MU,
    model: CEvNSModel | None = None,
    recoil_threshold: float = 0.0,
) -> float:
    """``⟨σ⟩ = ∫ σ(E) φ(E) dE / ∫ φ(E) dE`` (cm²) over one flavour's spectrum (lines exact).

    Parameters
    ----------
    spectrum
        The flavour's :class:`~cevns.sources.spectrum.Spectrum`.
    recoil_threshold
        Optional lower recoil limit (MeV) inside ``σ(E)``.
    """
    energies, weights = spectrum.quadrature()
    total = float(np.sum(weights))
    if total <= 0:
        raise ValueError("spectrum: has no neutrinos (total intensity 0); cannot average over it")
    sigma = total_cross_section(energies, isotope, flavour, model, recoil_threshold)
    return float(np.sum(weights * sigma) / total)


def target_flux_averaged_cross_section(
    spectrum: Spectrum,
    target: Target | str,
    flavour: Flavour | str = Flavour.NU_MU,
    model: CEvNSModel | None = None,
    recoil_threshold: float = 0.0,
) -> float:
    """Flux-averaged cross section per nucleus of a material (cm²).

    The isotopes' ``⟨σ⟩`` weighted by their number fractions, e.g. for CsI the mean of
    Cs133 and I127 — the per-nucleus convention of COHERENT's
    ``⟨σ⟩ = 189 × 10⁻⁴⁰ cm²`` (Konovalov, COHERENT talk 2021).
    """
    tgt = target if isinstance(target, Target) else Target.parse(target)
    sigma = [
        flux_averaged_cross_section(spectrum, iso, flavour, model, recoil_threshold)
        for iso in tgt.isotopes
    ]
    return float(np.dot(tgt.fractions, sigma))
