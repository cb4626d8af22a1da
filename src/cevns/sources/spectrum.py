"""Energy spectra of one neutrino flavour: a continuous density plus exact lines.

A :class:`Spectrum` never histograms a line: the prompt ν_μ of π⁺ decay at rest
stays a δ-function of known intensity. Everything that integrates over a
spectrum (flux-averaged cross sections, recoil spectra, predictions) does so
through :meth:`Spectrum.quadrature`, which returns nodes and weights such that

    Σ_k w_k f(E_k)  =  ∫ f(E) φ(E) dE  +  Σ_lines I_i f(E_i)

with Gauss–Legendre panels between the spectrum's breakpoints, optionally
starting at a per-point lower limit (the kinematic ``E_min(T)`` of a recoil).

Units: energies in MeV; ``density`` in neutrinos per MeV per normalisation unit
(per proton, per fission, per second, ... as the owning source says); line
intensities in neutrinos per normalisation unit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from ..quadrature import gauss_legendre
from ..types import FloatArray

__all__ = ["DEFAULT_NODES_PER_PANEL", "Density", "FloatArray", "SpectralLine", "Spectrum"]
Density = Callable[[FloatArray], FloatArray]

#: Gauss–Legendre order per panel; Michel spectra times a CEvNS cross section are
#: integrated to < 1e-9 relative with this many nodes.
DEFAULT_NODES_PER_PANEL = 24


@dataclass(frozen=True)
class SpectralLine:
    """A monochromatic component.

    Parameters
    ----------
    energy
        Line energy (MeV).
    intensity
        Neutrinos per normalisation unit.
    """

    energy: float
    intensity: float

    def __post_init__(self) -> None:
        if not (np.isfinite(self.energy) and self.energy > 0):
            raise ValueError(f"energy: a line energy must be finite and > 0 MeV, got {self.energy}")
        if not (np.isfinite(self.intensity) and self.intensity >= 0):
            raise ValueError(f"intensity: must be finite and >= 0, got {self.intensity}")


@dataclass(frozen=True)
class Spectrum:
    """Continuous density on ``support`` plus discrete lines.

    Parameters
    ----------
    density
        Vectorised ``dN/dE`` (1/MeV per normalisation unit); evaluated only inside ``support``.
    support
        ``(E_low, E_high)`` in MeV outside which the density is zero.
    lines
        Exact monochromatic components.
    breakpoints
        Energies (MeV) where the density has a kink or jump; quadrature panels end there.
    label
        Free text for tables and plots.
    """

    density: Density | None = None
    support: tuple[float, float] = (0.0, 0.0)
    lines: tuple[SpectralLine, ...] = ()
    breakpoints: tuple[float, ...] = ()
    label: str = ""
    panels: int = field(default=1)

    def __post_init__(self) -> None:
        lo, hi = self.support
        if self.density is not None and not (0 <= lo < hi and np.isfinite(hi)):
            raise ValueError(f"support: need 0 <= E_low < E_high < inf (MeV), got {self.support}")
        if self.panels < 1:
            raise ValueError(f"panels: must be >= 1, got {self.panels}")

    # ------------------------------------------------------------------ structure
    @cached_property
    def edges(self) -> FloatArray:
        """Panel edges (MeV) of the continuous part: support, breakpoints, and equal splits."""
        if self.density is None:
            return np.zeros(0)
        lo, hi = self.support
        inner = [b for b in self.breakpoints if lo < b < hi]
        coarse = np.unique(np.array([lo, *inner, hi], dtype=float))
        if self.panels == 1:
            return coarse
        parts = [np.linspace(a, b, self.panels + 1)[:-1] for a, b in itertools.pairwise(coarse)]
        return np.append(np.concatenate(parts), hi)

    @property
    def max_energy(self) -> float:
        """Largest energy (MeV) with non-zero flux."""
        candidates = [ln.energy for ln in self.lines]
        if self.density is not None:
            candidates.append(self.support[1])
        return max(candidates, default=0.0)

    # ------------------------------------------------------------------ evaluation
    def continuous(self, energy: ArrayLike) -> FloatArray:
        """``dN/dE`` of the continuous part at ``energy`` (MeV); zero outside the support."""
        e = np.asarray(energy, dtype=float)
        if self.density is None:
            return np.zeros_like(e)
        lo, hi = self.support
        inside = (e >= lo) & (e <= hi)
        out = np.zeros_like(e)
        if np.any(inside):
            out[inside] = self.density(e[inside])
        return out

    def quadrature(
        self, lower: ArrayLike = 0.0, nodes_per_panel: int = DEFAULT_NODES_PER_PANEL
    ) -> tuple[FloatArray, FloatArray]:
        """Nodes and weights for ``∫_{lower} f φ dE + Σ_{E_i >= lower} I_i f(E_i)``.

        Parameters
        ----------
        lower
            Lower integration limit (MeV), any shape; each element gets its own rule.
        nodes_per_panel
            Gauss–Legendre order on each panel.

        Returns
        -------
        energies, weights
            Arrays of shape ``lower.shape + (n,)``. Weights are in neutrinos per
            normalisation unit; nodes with zero weight carry a harmless energy.
        """
        low = np.asarray(lower, dtype=float)[..., None]
        parts_e: list[FloatArray] = []
        parts_w: list[FloatArray] = []
        if self.density is not None:
            x, wx = gauss_legendre(nodes_per_panel)
            a = self.edges[:-1]
            b = self.edges[1:]
            a_eff = np.maximum(a, low)  # (..., panels)
            half = np.clip(b - a_eff, 0.0, None) / 2.0  # (..., panels)
            e = (a_eff + half)[..., None] + half[..., None] * x  # (..., panels, n)
            dens = self.density(np.clip(e, self.support[0], self.support[1]))
            w = half[..., None] * wx * dens
            w = np.where(half[..., None] > 0, w, 0.0)
            shape = (*low.shape[:-1], a.size * nodes_per_panel)
            parts_e.append(e.reshape(shape))
            parts_w.append(w.reshape(shape))
        if self.lines:
            le = np.array([ln.energy for ln in self.lines])
            li = np.array([ln.intensity for ln in self.lines])
            shape = (*low.shape[:-1], le.size)
            parts_e.append(np.broadcast_to(le, shape))
            parts_w.append(np.where(le >= low, li, 0.0).reshape(shape))
        if not parts_e:
            zero = np.zeros((*low.shape[:-1], 1))
            return zero + 1.0, zero
        return np.concatenate(parts_e, axis=-1), np.concatenate(parts_w, axis=-1)

    def integrate(self, function: Callable[[FloatArray], FloatArray] | None = None) -> float:
        """``∫ f φ dE + Σ I_i f(E_i)``; with no function, the total number of neutrinos."""
        e, w = self.quadrature()
        values = np.ones_like(e) if function is None else np.asarray(function(e), dtype=float)
        return float(np.sum(w * values))

    @property
    def total(self) -> float:
        """Neutrinos per normalisation unit (continuous part plus lines)."""
        return self.integrate()

    def mean_energy(self) -> float:
        """Flux-weighted mean energy (MeV)."""
        return self.integrate(lambda e: e) / self.total

    def scaled(self, factor: float) -> Spectrum:
        """The same shape with every intensity multiplied by ``factor`` (>= 0)."""
        if not (np.isfinite(factor) and factor >= 0):
            raise ValueError(f"factor: must be finite and >= 0, got {factor}")
        dens = self.density
        new_density = None if dens is None else (lambda e: factor * dens(e))
        return Spectrum(
            density=new_density,
            support=self.support,
            lines=tuple(SpectralLine(ln.energy, ln.intensity * factor) for ln in self.lines),
            breakpoints=self.breakpoints,
            label=self.label,
            panels=self.panels,
        )
