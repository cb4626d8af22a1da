"""Background models for detectors that have no data yet.

Two components, each with its uncertainty as a constrained nuisance of the projection:

* :class:`SteadyStateBackground` — beam-unrelated events (radioactivity, cosmics) at a rate
  per kg per keV of the observable per µs, flat in energy and in time. In the on-beam window
  of each pulse the expectation is ``rate × mass × ΔE × Δt × pulses``; a pulsed source
  suppresses it by its duty factor (``window × repetition rate``). Its normalisation is
  measured off-beam with ``sideband_ratio`` times the on-beam exposure, so its constraint is
  ``σ = 1 / √(sideband_ratio × N)`` (the COHERENT practice: Scholberg, MPA Summer School 2021
  "steady-state backgrounds can be measured off-beam-pulse").
* :class:`BeamNeutronBackground` — beam-related (prompt) neutrons scaled from a measured
  detector: ``N = N_ref × (POT / POT_ref) × (M / M_ref)^k × (r_ref / r)² × a``, with ``k`` the
  mass scaling (2/3: neutrons enter through the surface; 1: through the volume) and ``a`` an
  extra shielding attenuation; they arrive with the proton pulse and fall exponentially in
  energy.

Every number lives in the projection set-up files (``cevns/data/projections/``) with its
citation; nothing here is tuned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import units as u
from ..detectors.detector import Detector
from ..types import FloatArray
from .plan import RunPlan

__all__ = ["BeamNeutronBackground", "SteadyStateBackground"]


def _energy_widths(detector: Detector) -> FloatArray:
    edges = np.asarray(detector.binning.energy_edges, dtype=np.float64)
    return np.diff(edges)


def _check_binning(detector: Detector, what: str) -> None:
    if detector.binning.psd_edges is not None:
        raise ValueError(f"{what}: detector {detector.name!r} has an F90 axis; projected "
                         "backgrounds are flat in energy and time only (drop psd_edges)")


@dataclass(frozen=True)
class SteadyStateBackground:
    """Beam-unrelated background (see module doc).

    Parameters
    ----------
    rate
        Events per kg per observable unit per ns (internal units: enter as
        ``2.3e-10 / (u.kg * u.keVee * u.us)``), >= 0.
    sideband_ratio
        Off-beam over on-beam exposure of the measurement that constrains the normalisation.
    window
        On-beam window (ns) per pulse when the detector has no time axis.
    mass
        Mass (kg) that the rate scales with when it differs from the detector's CEvNS target
        mass (a NaI array seen through its sodium recoils); None: the detector's mass.
    reference
        Where the rate comes from.
    """

    rate: float
    sideband_ratio: float = 10.0
    window: float | None = None
    mass: float | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.rate) and self.rate >= 0):
            raise ValueError(f"rate: steady-state rate must be finite and >= 0, got {self.rate}")
        if not (math.isfinite(self.sideband_ratio) and self.sideband_ratio > 0):
            raise ValueError(f"sideband_ratio: must be finite and > 0, got {self.sideband_ratio}")
        if self.window is not None and not (math.isfinite(self.window) and self.window > 0):
            raise ValueError(f"window: must be finite and > 0 ns, got {self.window}")
        if self.mass is not None and not (math.isfinite(self.mass) and self.mass > 0):
            raise ValueError(f"mass: must be finite and > 0 kg, got {self.mass}")

    def counts(self, detector: Detector, plan: RunPlan) -> FloatArray:
        """Expected events per bin (binning shape) over the plan's beam pulses."""
        _check_binning(detector, "steady_state")
        pulses = sum(p.pulses for p in plan.periods)
        mass = detector.mass if self.mass is None else self.mass
        de = _energy_widths(detector)
        t_edges = detector.binning.time_edges
        if t_edges is None:
            if self.window is None:
                raise ValueError(f"window: detector {detector.name!r} has no time axis; give the "
                                 "on-beam window of the steady-state background")
            return np.asarray(self.rate * mass * de * self.window * pulses)
        dt = np.diff(np.asarray(t_edges, dtype=np.float64))
        return np.asarray(self.rate * mass * pulses * np.outer(de, dt))

    def constraint(self, total: float) -> float:
        """Relative one-sigma constraint on the normalisation from the off-beam measurement."""
        if total <= 0:
            return 1.0
        return 1.0 / math.sqrt(self.sideband_ratio * total)


@dataclass(frozen=True)
class BeamNeutronBackground:
    """Prompt beam-related neutrons scaled from a measured detector (see module doc).

    Parameters
    ----------
    reference_counts
        Events the reference detector expects in its region of interest.
    reference_pot
        Protons on target of that expectation.
    reference_mass, reference_distance
        Reference detector mass (kg) and distance (cm).
    uncertainty
        Relative one-sigma uncertainty of the scaled normalisation.
    mass_exponent
        ``k`` of ``(M / M_ref)^k``.
    attenuation
        Extra shielding factor relative to the reference (1: the same shielding).
    energy_scale
        e-folding energy of the spectrum in the observable (MeV or PE).
    mass
        Mass (kg) the neutrons scale with when it differs from the CEvNS target mass.
    reference
        Citation of the reference numbers.
    """

    reference_counts: float
    reference_pot: float
    reference_mass: float
    reference_distance: float
    uncertainty: float
    mass_exponent: float = 2.0 / 3.0
    attenuation: float = 1.0
    energy_scale: float = 20.0 * u.keVee
    mass: float | None = None
    reference: str = ""

    def __post_init__(self) -> None:
        for name in ("reference_pot", "reference_mass", "reference_distance", "uncertainty",
                     "energy_scale"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: must be finite and > 0, got {value}")
        for name in ("reference_counts", "attenuation", "mass_exponent"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name}: must be finite and >= 0, got {value}")

    def total(self, detector: Detector, protons_on_target: float) -> float:
        """Scaled expectation before the region of interest is applied."""
        mass = detector.mass if self.mass is None else self.mass
        return float(self.reference_counts * protons_on_target / self.reference_pot
                * (mass / self.reference_mass) ** self.mass_exponent
                * (self.reference_distance / detector.distance) ** 2 * self.attenuation)

    def counts(self, detector: Detector, plan: RunPlan) -> FloatArray:
        """Expected events per bin (binning shape) summed over the plan's periods."""
        _check_binning(detector, "beam_neutrons")
        edges = np.asarray(detector.binning.energy_edges, dtype=np.float64)
        shape_e = np.diff(-np.exp(-(edges - edges[0]) / self.energy_scale))
        shape_e = shape_e / shape_e.sum()
        t_edges = detector.binning.time_edges
        out = np.zeros(detector.binning.shape)
        for period in plan.periods:
            n = self.total(detector, period.protons_on_target)
            if t_edges is None:
                out += n * shape_e
                continue
            cdf = period.source().pulse.cdf(np.asarray(t_edges, dtype=np.float64))
            out += n * np.outer(shape_e, np.diff(cdf))
        return np.asarray(out)
