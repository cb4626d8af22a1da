"""The χ flux at a detector: lab energy spectrum of ``M → γV, V → χχ̄`` and arrival times.

For a meson of momentum ``p_M`` (distribution of :class:`MesonProduction`), both decays are
isotropic two-body decays in their rest frames, so each daughter energy is uniform between
``γ(E* − β p*)`` and ``γ(E* + β p*)``. With Gauss–Legendre nodes in the meson momentum and in
the two decay angles ``cos θ*``, the χ spectrum is a set of energies ``E_k`` with weights
``w_k`` (χ per POT) — exact up to the quadrature order, with no histogram and no random
numbers. (``V`` from ``π⁰ → γV`` is transversely polarised, which makes the ``V → χχ̄`` angular
distribution ``∝ sin²θ*`` for scalars; taking it isotropic changes the χ spectrum, not the
number of χ: an approximation stated here.)

With isotropic meson emission the flux at distance ``L`` is ``N_χ/(4πL²)`` in every direction.
A χ of velocity ``β`` arrives ``(L/c)(1/β − 1)`` after a light-speed particle; the arrival
time is the proton pulse shifted by this delay (π⁰ and V decay within 10⁻¹⁶ s): the
prompt timing of the signal.

Units: MeV, cm, ns; weights per proton on target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from .. import units as u
from ..quadrature import gauss_legendre
from ..sources.timing import GaussianPulse, ProtonPulse
from ..types import FloatArray
from .models import DarkMatterModel
from .production import SNS_PI0, MesonProduction

__all__ = ["SPEED_OF_LIGHT", "ChiFlux", "chi_flux", "two_body_energies"]

#: Speed of light (cm/ns), exact.
SPEED_OF_LIGHT = 29.9792458 * u.cm / u.ns

#: SNS proton pulse of the LAr 2020 release (mean 440 ns, σ 150 ns), as for the neutrinos.
SNS_PULSE = GaussianPulse(440.0 * u.ns, 150.0 * u.ns)


def two_body_energies(parent_energy: ArrayLike, parent_mass: float, daughter_energy_rest: float,
                      daughter_momentum_rest: float, cos_theta: ArrayLike) -> FloatArray:
    """Lab energy ``γ(E* + β p* cos θ*)`` of a daughter (broadcasting ``E`` against ``cos θ*``)."""
    e = np.asarray(parent_energy, dtype=float)
    gamma = e / parent_mass
    gamma_beta = np.sqrt(np.maximum(gamma * gamma - 1.0, 0.0))
    return np.asarray(gamma * daughter_energy_rest
                      + gamma_beta * daughter_momentum_rest * np.asarray(cos_theta, dtype=float))


@dataclass(frozen=True)
class ChiFlux:
    """χ energies ``(n,)`` (MeV) with weights (χ per POT) and the detector distance (cm)."""

    energies: FloatArray
    weights: FloatArray
    chi_mass: float
    distance: float
    pulse: ProtonPulse = field(default=SNS_PULSE)

    @property
    def per_pot(self) -> float:
        """χ (plus χ̄) per proton on target."""
        return float(self.weights.sum())

    @property
    def dilution(self) -> float:
        """``1/(4π L²)`` (cm⁻²)."""
        return 1.0 / (4.0 * math.pi * self.distance**2)

    @property
    def fluence_per_pot(self) -> float:
        """χ per cm² per POT at the detector."""
        return self.per_pot * self.dilution

    def delays(self) -> FloatArray:
        """Arrival delay (ns) of each node after a light-speed particle: ``(L/c)(E/p − 1)``."""
        p = np.sqrt(np.maximum(self.energies**2 - self.chi_mass**2, 1e-300))
        return np.asarray(self.distance / SPEED_OF_LIGHT * (self.energies / p - 1.0))

    def spectrum(self, edges: ArrayLike) -> FloatArray:
        """χ per POT per MeV averaged over energy bins (``edges`` in MeV)."""
        e = np.asarray(edges, dtype=float)
        counts = np.histogram(self.energies, bins=e, weights=self.weights)[0]
        return np.asarray(counts / np.diff(e))

    def time_bin_probabilities(self, edges: ArrayLike,
                               weights: ArrayLike | None = None) -> FloatArray:
        """Probability of arrival in each time bin (``edges`` ns): pulse ⊗ time of flight.

        ``weights`` (per energy node; default the flux weights) lets the caller weight the
        delays by the detected rate of each χ energy.
        """
        t = np.asarray(edges, dtype=float)
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        if w.shape != self.energies.shape:
            raise ValueError("weights: need one weight per χ energy node")
        total = w.sum()
        if not total > 0:
            return np.zeros(t.size - 1)
        cdf = self.pulse.cdf(t[:, None] - self.delays()[None, :])  # (n_edges, n_nodes)
        return np.asarray(np.diff(cdf, axis=0) @ (w / total))


def chi_flux(
    model: DarkMatterModel,
    distance: float,
    production: MesonProduction = SNS_PI0,
    *,
    pulse: ProtonPulse = SNS_PULSE,
    momentum_nodes: int = 32,
    angle_nodes: int = 12,
) -> ChiFlux:
    """The χ flux of ``model`` at ``distance`` (cm) from a target making ``production``.

    Weights sum to ``Y_M × 2 BR(M → γV)`` (χ plus χ̄ per POT).
    """
    if not (math.isfinite(distance) and distance > 0):
        raise ValueError(
            f"distance: must be finite and > 0 (enter as e.g. 19.3 * u.m), got {distance}")
    if production.meson != model.meson:
        raise ValueError(f"production: makes {production.meson!r} but the model uses "
                         f"{model.meson!r}")
    m_meson = production.mass
    m_v, m_chi = model.m_v, model.chi_mass
    p_m, w_m = production.momentum_quadrature(momentum_nodes)
    e_m = np.sqrt(p_m**2 + m_meson**2)
    x, wx = gauss_legendre(angle_nodes)
    wx = 0.5 * wx
    e_v_rest = (m_meson**2 + m_v**2) / (2.0 * m_meson)
    p_v_rest = (m_meson**2 - m_v**2) / (2.0 * m_meson)
    e_v = two_body_energies(e_m[:, None], m_meson, e_v_rest, p_v_rest, x[None, :])  # (n_p, n_a)
    e_chi_rest = 0.5 * m_v
    p_chi_rest = math.sqrt(max(0.25 * m_v * m_v - m_chi * m_chi, 0.0))
    e_chi = two_body_energies(e_v[..., None], m_v, e_chi_rest, p_chi_rest, x)  # (n_p, n_a, n_a)
    w = w_m[:, None, None] * wx[None, :, None] * wx[None, None, :]
    scale = production.yield_per_pot * model.chi_per_meson()
    return ChiFlux(np.maximum(e_chi.ravel(), m_chi), (w * scale).ravel(), m_chi, float(distance),
                   pulse)
