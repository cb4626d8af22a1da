"""Neutral-meson production at a spallation target and their decays to a light vector.

A proton beam on a thick target makes π⁰ (and, above threshold, η) mesons. They decay within
~10⁻¹⁶ s, so a light vector ``V`` replacing one photon of ``M → γγ`` is emitted from where the
meson was made, with the meson's momentum. This module gives

* :class:`MesonProduction`: meson yield per proton on target with its uncertainty and the
  meson momentum distribution (Sanford–Wang shape integrated over angle, or a table);
* the branching fractions of ``π⁰/η → γV`` for a kinetically mixed dark photon,
  ``2ε² (1 − m_V²/m_M²)³ BR(M → γγ)`` (Batell, Pospelov & Ritz, PRD 80 (2009) 095024;
  deNiverville, Pospelov & Ritz, PRD 84 (2011) 075020), and for a leptophobic (baryonic)
  vector coupled to the baryon current with ``α_B = g_B²/4π``,
  ``2 (α_B/α) (1 − m_V²/m_M²)³ BR(M → γγ)`` for the π⁰ (Tulin, PRD 89 (2014) 114008;
  deNiverville et al., PRD 95 (2017) 035006): for u and d quarks of baryon number ⅓ the
  anomaly traces ``Tr(T₃ Q B)`` and ``Tr(T₃ Q²)`` are both ⅙, so the π⁰ → γV_B amplitude per
  unit coupling equals the π⁰ → γγ one.

Units: MeV, MeV/c for momenta; yields per proton on target (POT).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from .. import constants as c
from .. import units as u
from ..quadrature import gauss_legendre
from ..types import FloatArray

__all__ = [
    "MESON_NAMES",
    "SANFORD_WANG_MINIBOONE_K0",
    "SANFORD_WANG_MINIBOONE_PI_PLUS",
    "SNS_PI0",
    "MesonProduction",
    "SanfordWang",
    "baryonic_branching",
    "dark_photon_branching",
    "meson_mass",
    "meson_two_photon_branching",
    "sns_eta",
]

#: Mesons whose two-photon decay can give a light vector: name → (mass, BR(M → γγ)) readers.
MESON_NAMES = ("pi0", "eta")


def meson_mass(meson: str) -> float:
    """Mass (MeV) of ``"pi0"`` or ``"eta"`` (PDG via :mod:`particle`, :mod:`cevns.constants`)."""
    if meson == "pi0":
        return float(c.NEUTRAL_PION_MASS)
    if meson == "eta":
        return float(c.ETA_MASS)
    raise ValueError(f"meson: must be one of {MESON_NAMES}, got {meson!r}")


def meson_two_photon_branching(meson: str) -> float:
    """BR(M → γγ) (PDG 2024; :data:`cevns.constants.BR_PI0_TO_GAMMA_GAMMA`)."""
    if meson == "pi0":
        return float(c.BR_PI0_TO_GAMMA_GAMMA)
    if meson == "eta":
        return float(c.BR_ETA_TO_GAMMA_GAMMA)
    raise ValueError(f"meson: must be one of {MESON_NAMES}, got {meson!r}")


def _phase_space(mediator_mass: ArrayLike, meson: str) -> FloatArray:
    m_v = np.asarray(mediator_mass, dtype=float)
    if np.any(~np.isfinite(m_v)) or np.any(m_v < 0):
        raise ValueError("mediator_mass: must be finite and >= 0 MeV")
    ratio = m_v / meson_mass(meson)
    return np.asarray(np.where(ratio < 1.0, (1.0 - np.minimum(ratio, 1.0) ** 2) ** 3, 0.0))


def dark_photon_branching(
    mediator_mass: ArrayLike, epsilon: float, meson: str = "pi0"
) -> FloatArray:
    """``BR(M → γV) = 2ε² (1 − m_V²/m_M²)³ BR(M → γγ)`` for a kinetically mixed dark photon.

    Batell, Pospelov & Ritz, PRD 80 (2009) 095024, Eq. (3.2); zero above the meson mass.
    """
    if not (math.isfinite(epsilon) and epsilon >= 0):
        raise ValueError(f"epsilon: must be finite and >= 0, got {epsilon}")
    return 2.0 * epsilon**2 * _phase_space(mediator_mass, meson) * meson_two_photon_branching(meson)


def baryonic_branching(mediator_mass: ArrayLike, alpha_b: float, meson: str = "pi0") -> FloatArray:
    """``BR(π⁰ → γV_B) = 2 (α_B/α)(1 − m_V²/m_π²)³ BR(π⁰ → γγ)`` for a baryonic vector.

    Tulin, PRD 89 (2014) 114008; deNiverville et al., PRD 95 (2017) 035006 (the COHERENT
    leptophobic search, arXiv:2205.12414, uses this portal). Only the π⁰ is implemented: the
    η amplitude depends on η–η′ mixing.
    """
    if meson != "pi0":
        raise ValueError(f"meson: the baryonic portal is implemented for 'pi0' only, got {meson!r}")
    if not (math.isfinite(alpha_b) and alpha_b >= 0):
        raise ValueError(f"alpha_b: must be finite and >= 0, got {alpha_b}")
    alpha = float(c.FINE_STRUCTURE)
    return 2.0 * (alpha_b / alpha) * _phase_space(mediator_mass, meson) * \
        meson_two_photon_branching(meson)


@dataclass(frozen=True)
class SanfordWang:
    """Sanford–Wang meson production ``d²N/dp dΩ`` (p, beam momentum ``p_B`` in GeV/c, θ rad)::

        c1 p^c2 (1 − p/(p_B − c9)) exp(−c3 p^c4/p_B^c5 − c6 θ (p − c7 p_B cos^c8 θ))

    (J. R. Sanford and C. L. Wang, BNL AGS internal reports 11299 and 11479 (1967); the form
    and parameter sets as in MiniBooNE, Aguilar-Arevalo et al., PRD 79 (2009) 072002, Eq. 7).
    Only the shape is used here (the yield per POT is set separately).
    """

    c1: float
    c2: float
    c3: float
    c4: float
    c5: float
    c6: float
    c7: float
    c8: float
    c9: float

    def density(self, momentum: FloatArray, angle: FloatArray, beam_momentum: float) -> FloatArray:
        """``d²N/dp dΩ`` (arbitrary normalisation) at momenta (MeV/c) and angles (rad)."""
        p = np.asarray(momentum, dtype=float) / u.GeV
        th = np.asarray(angle, dtype=float)
        pb = beam_momentum / u.GeV
        top = pb - self.c9
        cos_th = np.clip(np.cos(th), 0.0, None)
        shape = 1.0 - p / top
        expo = (-self.c3 * p**self.c4 / pb**self.c5
                - self.c6 * th * (p - self.c7 * pb * cos_th**self.c8))
        value = self.c1 * p**self.c2 * shape * np.exp(np.minimum(expo, 50.0))
        return np.asarray(np.where((p > 0) & (shape > 0), value, 0.0))

    def momentum_spectrum(self, momentum: FloatArray, beam_momentum: float,
                          n_angles: int = 96) -> FloatArray:
        """``dN/dp`` integrated over the full solid angle (Gauss–Legendre in ``cos θ``)."""
        x, w = gauss_legendre(n_angles)
        theta = np.arccos(x)
        dens = self.density(np.asarray(momentum, dtype=float)[..., None], theta, beam_momentum)
        return np.asarray(2.0 * np.pi * np.sum(dens * w, axis=-1))


#: Sanford–Wang π⁺ parameters fitted by MiniBooNE (8.89 GeV/c protons on Be; Aguilar-Arevalo
#: et al., PRD 79 (2009) 072002, Table VI). Used here only for the *shape* of the π⁰ momentum
#: spectrum at the SNS, following Aristizabal Sierra et al. (arXiv:2603.02132), who find the
#: Sanford–Wang and GEANT4 π⁰ predictions for spallation sources close. The values agree digit
#: by digit with the copy distributed with the BdNMC code (deNiverville et al., PRD 95 (2017)
#: 035006; file ``data/sanfordwang_parameters.dat``); the paper's table was not re-read.
SANFORD_WANG_MINIBOONE_PI_PLUS = SanfordWang(
    220.7, 1.080, 1.000, 1.978, 1.32, 5.572, 0.0868, 9.686, 1.000
)


@dataclass(frozen=True)
class MesonProduction:
    """Mesons per proton on target with their momentum distribution, emitted isotropically.

    Parameters
    ----------
    meson
        ``"pi0"`` or ``"eta"``.
    yield_per_pot
        Mesons per POT (>= 0).
    yield_uncertainty
        Relative one-sigma uncertainty of the yield (a normalisation nuisance in fits).
    proton_energy
        Proton kinetic energy (MeV) — sets the beam momentum of the Sanford–Wang shape.
    momentum_table
        Optional ``(momenta [MeV/c], dN/dp)`` replacing the Sanford–Wang shape (e.g. a
        GEANT4 table); normalised internally.
    shape
        Sanford–Wang parameters of the momentum shape when no table is given.
    reference
        Where the yield comes from.

    Notes
    -----
    The angular distribution is taken isotropic: in a thick, heavy target the mesons come
    from a cascade of secondary collisions, and the detectors sit far off the beam axis. The
    meson direction then averages out of every flux at a detector (the χ flux is
    ``N_χ/(4πL²)`` times the lab energy spectrum). This is an approximation; a
    forward-peaked distribution makes the flux depend on the detector angle.
    """

    meson: str
    yield_per_pot: float
    yield_uncertainty: float
    proton_energy: float = 1.0 * u.GeV
    momentum_table: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    shape: SanfordWang = field(default=SANFORD_WANG_MINIBOONE_PI_PLUS)
    reference: str = ""

    def __post_init__(self) -> None:
        meson_mass(self.meson)
        if isinstance(self.yield_per_pot, bool) or not isinstance(
                self.yield_per_pot, int | float | np.integer | np.floating):
            raise ValueError(f"yield_per_pot: expected a number, got {self.yield_per_pot!r}")
        if not (math.isfinite(self.yield_per_pot) and self.yield_per_pot >= 0):
            raise ValueError(f"yield_per_pot: must be finite and >= 0, got {self.yield_per_pot}")
        if not (math.isfinite(self.yield_uncertainty) and 0 <= self.yield_uncertainty < 1):
            raise ValueError(
                "yield_uncertainty: must be a relative error in [0, 1), "
                f"got {self.yield_uncertainty}")
        if not (math.isfinite(self.proton_energy) and self.proton_energy > 0):
            raise ValueError(f"proton_energy: must be finite and > 0 MeV, got {self.proton_energy}")
        if self.momentum_table is not None:
            p, d = (np.asarray(v, dtype=float) for v in self.momentum_table)
            if p.ndim != 1 or p.shape != d.shape or p.size < 2 or np.any(np.diff(p) <= 0) \
                    or p[0] < 0 or np.any(d < 0) or not np.all(np.isfinite(d)) or d.sum() <= 0:
                raise ValueError("momentum_table: need >= 2 increasing momenta >= 0 and "
                                 "finite densities >= 0 with a positive sum")

    @property
    def mass(self) -> float:
        """Meson mass (MeV)."""
        return meson_mass(self.meson)

    @property
    def beam_momentum(self) -> float:
        """Proton momentum (MeV/c) for the kinetic energy :attr:`proton_energy`."""
        m_p = float(c.PROTON_MASS)
        return math.sqrt(self.proton_energy**2 + 2.0 * self.proton_energy * m_p)

    def momentum_quadrature(self, n: int = 48) -> tuple[FloatArray, FloatArray]:
        """Momentum nodes (MeV/c) and weights (probabilities summing to 1); cached."""
        nodes, weights = _momentum_quadrature(self, n)
        return nodes.copy(), weights.copy()

    def _momentum_quadrature(self, n: int) -> tuple[FloatArray, FloatArray]:
        if self.momentum_table is not None:
            p_tab, d_tab = (np.asarray(v, dtype=float) for v in self.momentum_table)
            lo, hi = float(p_tab[0]), float(p_tab[-1])
        else:
            lo, hi = 0.0, max(self.beam_momentum - self.shape.c9 * u.GeV, 1.0)
        x, w = gauss_legendre(n)
        nodes = lo + 0.5 * (hi - lo) * (x + 1.0)
        weights = 0.5 * (hi - lo) * w
        if self.momentum_table is not None:
            dens = np.interp(nodes, p_tab, d_tab)
        else:
            dens = self.shape.momentum_spectrum(nodes, self.beam_momentum)
        prob = np.maximum(dens, 0.0) * weights
        total = prob.sum()
        if not total > 0:
            raise ValueError("momentum_table: the momentum distribution integrates to zero")
        return nodes, prob / total


@functools.lru_cache(maxsize=64)
def _momentum_quadrature(production: MesonProduction, n: int) -> tuple[FloatArray, FloatArray]:
    return production._momentum_quadrature(n)


#: Sanford–Wang K⁰ parameters of the MiniBooNE fit (PRD 79 (2009) 072002), which the BdNMC code
#: uses for the η momentum distribution (file ``data/sanfordwang_parameters.dat``, "K0
#: distribution, used for eta"; deNiverville et al., PRD 95 (2017) 035006). Values copied from
#: that file; the paper's table was not re-read. At the SNS proton momentum (1.68 GeV/c) the
#: shape ends at ``p_B − c9 = 0.40`` GeV/c.
SANFORD_WANG_MINIBOONE_K0 = SanfordWang(
    15.130, 1.975, 4.084, 0.928, 0.731, 4.362, 0.048, 13.300, 1.278
)


def sns_eta(yield_per_pot: float, yield_uncertainty: float = 0.5) -> MesonProduction:
    """η production at the SNS (984 MeV protons on mercury) with a yield you supply.

    The SNS protons are below the free-nucleon threshold of ``pN → pNη`` (1.26 GeV kinetic),
    so η come only from sub-threshold production in the nuclei; no verified η yield per POT
    was found, hence no default. The momentum shape is :data:`SANFORD_WANG_MINIBOONE_K0` (as in
    BdNMC). Combine with :data:`SNS_PI0`: ``DarkMatterResponse.build(det, production=(SNS_PI0,
    sns_eta(...)))`` and a model with ``meson="eta"``.

    Parameters
    ----------
    yield_per_pot
        η per proton on target, finite and >= 0 (your assumption).
    yield_uncertainty
        Relative uncertainty of that yield in [0, 1) (default 50 %), a normalisation nuisance.

    Raises
    ------
    ValueError
        One line naming the parameter out of its range.
    """
    return MesonProduction(
        "eta", yield_per_pot, yield_uncertainty, 0.984 * u.GeV,
        shape=SANFORD_WANG_MINIBOONE_K0,
        reference=f"user-supplied eta yield {yield_per_pot!r} per POT; "
                  "Sanford-Wang K0 shape (MiniBooNE fit, as in BdNMC)",
    )


#: π⁰ production at the SNS (1 GeV protons on mercury). The yield is an ASSUMPTION: the
#: COHERENT πDAR yield of 0.0848 π⁺ decays per POT (PRL 129 (2022) 081801) taken for the π⁰
#: by isospin (π⁰ ≈ π⁺ production at 1 GeV), with a 10 % uncertainty. The COHERENT π⁰/POT
#: number (GEANT4 QGSP_BERT; Akimov et al., PRD 102 (2020) 052007, arXiv:1911.06422) could not
#: be read and verified in this work; set ``yield_per_pot`` to it when known. (With this yield
#: the CsI 2021 limit on Y lies within 0.94–1.17 of the published one at 1.5–30 MeV; since
#: Y₉₀ ∝ yield^(-1/2) that is consistent with, but does not verify, the paper's yield.)
SNS_PI0 = MesonProduction(
    "pi0", 0.0848, 0.10, 0.984 * u.GeV,
    reference="assumed: pi0 per POT = COHERENT piDAR yield 0.0848 (PRL 129 (2022) 081801), "
              "isospin estimate, 10 % uncertainty",
)
