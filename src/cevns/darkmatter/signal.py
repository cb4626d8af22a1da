"""Dark-matter signal templates through a detector's response (the one CEvNS goes through).

:class:`DarkMatterResponse` compiles, once per detector and binning, the response of every
isotope to nuclear recoils on a fixed recoil quadrature grid
(:func:`cevns.detectors.prediction.recoil_response`: quenching, smearing, energy efficiency).
A template for one model is then

    N[e, t] = POT · N_nuclei/(4πL²) · Σ_iso R_iso[e, k] w_k Σ_j w_j dσ/dT(E_j, T_k)
              · P_t · ε_t[t]

with the χ energies ``E_j`` and weights ``w_j`` of :func:`cevns.darkmatter.flux.chi_flux`, the
χ sum done exactly by :func:`cevns.engine.dark_matter.chi_recoil_moments`, ``P_t`` the arrival
time probabilities (pulse ⊗ time of flight, weighted by the detectable rate of each χ energy)
and ``ε_t`` the detector's timing efficiency: a few milliseconds per model.

The recoil grid reaches ``q = 400 MeV`` (``T = q²/2M``), where the Helm form factor squared of
the heavy targets is below 10⁻³ of its forward value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..detectors.detector import Detector
from ..detectors.prediction import Resolution, recoil_response
from ..engine.dark_matter import chi_max_recoil, chi_recoil_moments
from ..physics.targets import Isotope
from ..types import FloatArray
from .flux import SNS_PULSE, ChiFlux, chi_flux, productions_tuple
from .models import DarkMatterModel
from .production import SNS_PI0, MesonProduction

__all__ = ["MAX_MOMENTUM_TRANSFER", "DarkMatterResponse"]

#: Largest momentum transfer (MeV) of the recoil grid.
MAX_MOMENTUM_TRANSFER = 400.0


@dataclass(frozen=True, eq=False)
class DarkMatterResponse:
    """A detector's compiled recoil response and exposure, ready for dark-matter templates.

    Build with :meth:`build`. ``matrices[i]`` has shape ``(n_energy[, n_psd], n_T)``.
    """

    detector: Detector
    exposure: float
    isotopes: tuple[Isotope, ...]
    nuclei: FloatArray  # per isotope, in the detector's mass
    nodes: tuple[FloatArray, ...]
    weights: tuple[FloatArray, ...]
    matrices: tuple[FloatArray, ...]
    production: tuple[MesonProduction, ...] = (SNS_PI0,)

    @classmethod
    def build(
        cls,
        detector: Detector,
        exposure: float | None = None,
        production: MesonProduction | Sequence[MesonProduction] = SNS_PI0,
        resolution: Resolution | None = None,
    ) -> DarkMatterResponse:
        """Compile the response of ``detector`` (exposure in POT; default the detector's) for
        one meson source or several (e.g. π⁰ and η)."""
        prods = productions_tuple(production)
        pot = detector.exposure if exposure is None else float(exposure)
        if pot is None or not (np.isfinite(pot) and pot > 0):
            raise ValueError(f"exposure: need a number of POT > 0, got {pot!r}")
        nodes, weights, mats = [], [], []
        for iso in detector.target.isotopes:
            t_high = MAX_MOMENTUM_TRANSFER**2 / (2.0 * iso.nuclear_mass)
            t, w, r = recoil_response(detector, iso, t_high, resolution=resolution)
            nodes.append(t)
            weights.append(w)
            mats.append(r)
        nuclei = np.asarray(detector.target.nuclei_per_kg() * detector.mass, dtype=float)
        return cls(detector, float(pot), tuple(detector.target.isotopes), nuclei, tuple(nodes),
                   tuple(weights), tuple(mats), prods)

    @property
    def yield_uncertainty(self) -> float:
        """Relative yield uncertainty of the first meson source (for several sources see
        :meth:`template_and_uncertainty`)."""
        return self.production[0].yield_uncertainty

    def flux(self, model: DarkMatterModel,
             production: tuple[MesonProduction, ...] | None = None) -> ChiFlux:
        """The χ flux of ``model`` at this detector (from ``production``, default all sources)."""
        prods = self.production if production is None else production
        return chi_flux(model, self.detector.distance, prods, pulse=SNS_PULSE)

    def energy_counts(self, model: DarkMatterModel, flux: ChiFlux | None = None) -> FloatArray:
        """Expected events per observable bin (energy[, F90]), summed over time."""
        f = flux or self.flux(model)
        total: FloatArray | None = None
        for iso, n, t, w, r in zip(self.isotopes, self.nuclei, self.nodes, self.weights,
                                   self.matrices, strict=True):
            rate = chi_recoil_moments(f.energies, f.weights, t, iso, model.chi_mass, model.m_v,
                                      model.coupling(iso), model.spin)
            part = r @ (w * rate) * (n * self.exposure * f.dilution)
            total = part if total is None else total + part
        assert total is not None
        return np.asarray(total, dtype=float)

    def time_probabilities(self, model: DarkMatterModel, edges: Sequence[float] | FloatArray,
                           flux: ChiFlux | None = None, threshold: float | None = None
                           ) -> FloatArray:
        """Arrival-time probabilities per bin (``edges`` ns), times the timing efficiency.

        The time of flight of each χ energy is weighted by its flux above the recoil
        ``threshold`` (MeV; default the smallest recoil with a detection probability above
        1 % on the first isotope), so slow χ that cannot be seen do not shift the timing.
        """
        f = flux or self.flux(model)
        t_edges = np.asarray(edges, dtype=float)
        if threshold is None:
            seen = self.matrices[0].reshape(-1, self.nodes[0].size).sum(axis=0)
            above = np.nonzero(seen > 0.01)[0]
            threshold = float(self.nodes[0][above[0]]) if above.size else 0.0
        m = self.isotopes[0].nuclear_mass
        visible = chi_max_recoil(f.energies, model.chi_mass, m) > threshold
        probs = f.time_bin_probabilities(t_edges, f.weights * visible)
        eff = self.detector.response.time_efficiency
        if eff is not None:
            probs = probs * eff.bin_average(t_edges)
        return np.asarray(probs, dtype=float)

    def template(self, model: DarkMatterModel,
                 time_edges: Sequence[float] | FloatArray | None = None,
                 production: tuple[MesonProduction, ...] | None = None) -> FloatArray:
        """Expected events per (energy[, F90], time) bin; time edges default to the detector's,
        meson sources to all of this response's."""
        f = self.flux(model, production)
        counts = self.energy_counts(model, f)
        edges = time_edges if time_edges is not None else self.detector.binning.time_edges
        if edges is None:
            return counts
        p = self.time_probabilities(model, edges, f)
        return np.asarray(counts[..., None] * p, dtype=float)

    def template_and_uncertainty(self, model: DarkMatterModel,
                                 time_edges: Sequence[float] | FloatArray | None = None
                                 ) -> tuple[FloatArray, float]:
        """The template of all sources and its relative yield uncertainty: one source's own,
        or for several ``√Σ(N_i σ_i)²/Σ N_i`` (sources independent, each fully correlated)."""
        if len(self.production) == 1:
            return self.template(model, time_edges), self.production[0].yield_uncertainty
        parts = [self.template(model, time_edges, (p,)) for p in self.production]
        counts = np.array([float(part.sum()) for part in parts])
        sigmas = np.array([p.yield_uncertainty for p in self.production])
        total = float(counts.sum())
        sigma = float(np.sqrt(np.sum((counts * sigmas) ** 2)) / total) if total > 0 else 0.0
        return np.asarray(np.sum(parts, axis=0), dtype=float), sigma
