"""Time-dependent supernova emission: luminosity, mean energy and pinching per flavour vs time.

Each flavour is described at post-bounce times ``t_k`` by its luminosity ``L(t)``, mean energy
``⟨E⟩(t)`` and pinching ``α(t)``; at every time the spectrum is pinched-thermal (Keil, Raffelt &
Janka, ApJ 590 (2003) 971, Eq. 2). When a model gives the second moment ``⟨E²⟩`` instead of α,
``α = (2⟨E⟩² − ⟨E²⟩) / (⟨E²⟩ − ⟨E⟩²)`` (Keil et al. 2003, Eq. 3; Tamborra et al., PRD 86 (2012)
125031, Eq. 3). This is how the Garching core-collapse models are published (four columns per
flavour: time in s, luminosity in 10⁵¹ erg/s, ⟨E⟩ in MeV, ⟨E²⟩ in MeV²; read them with
:func:`read_garching_table`), the approach of Lang et al., PRD 94 (2016) 103009, who folded the
Garching 11.2 and 27 M☉ models with the CEvNS cross section on xenon.

No model is shipped: the Garching tables are distributed by the group on request. The neutrino
number emitted between two times is the trapezoidal integral of ``L(t)/⟨E⟩(t) · f(E; ⟨E⟩, α)``
over the tabulated times inside the window (with the window ends interpolated linearly).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from .. import units as u
from ..flavours import Flavour
from .base import check_distance, flux_from_spectra
from .spectrum import FloatArray, Spectrum
from .supernova import ERG

__all__ = ["FlavourHistory", "TimeDependentSupernova", "read_garching_table"]

#: The Garching tables give luminosities in 10⁵¹ erg/s ("foe/s").
FOE = 1e51 * ERG


def _array(values: ArrayLike, name: str) -> FloatArray:
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: need a 1-D array of >= 2 finite values")
    return a


@dataclass(frozen=True)
class FlavourHistory:
    """Emission of one flavour versus time.

    Parameters
    ----------
    time
        Post-bounce times (s), strictly increasing.
    luminosity
        Luminosity (erg/s), >= 0, one per time.
    mean_energy
        Mean energy ⟨E⟩ (MeV), > 0, one per time.
    alpha
        Pinching α, in [0, 20], one per time (α ≈ 2.3 Fermi–Dirac-like).
    """

    time: FloatArray
    luminosity: FloatArray
    mean_energy: FloatArray
    alpha: FloatArray

    def __post_init__(self) -> None:
        t = _array(self.time, "time")
        if np.any(np.diff(t) <= 0):
            raise ValueError("time: must be strictly increasing (s)")
        arrays = {}
        for name in ("luminosity", "mean_energy", "alpha"):
            a = _array(getattr(self, name), name)
            if a.shape != t.shape:
                raise ValueError(f"{name}: need one value per time ({t.size}), got {a.size}")
            arrays[name] = a
        if np.any(arrays["luminosity"] < 0):
            raise ValueError("luminosity: must be >= 0 erg/s")
        if np.any(arrays["mean_energy"] <= 0):
            raise ValueError("mean_energy: must be > 0 MeV")
        if np.any((arrays["alpha"] < 0) | (arrays["alpha"] > 20)):
            raise ValueError("alpha: pinching must be in [0, 20]")
        object.__setattr__(self, "time", t)
        for name, a in arrays.items():
            object.__setattr__(self, name, a)

    @classmethod
    def from_moments(
        cls,
        time: ArrayLike,
        luminosity: ArrayLike,
        mean_energy: ArrayLike,
        mean_energy_squared: ArrayLike,
    ) -> FlavourHistory:
        """From ``⟨E⟩`` and ``⟨E²⟩`` (MeV, MeV²): ``α = (2⟨E⟩² − ⟨E²⟩)/(⟨E²⟩ − ⟨E⟩²)``.

        α is clipped to [0, 20] (anti-pinched or nearly monochromatic rows of a table).
        """
        e1 = _array(mean_energy, "mean_energy")
        e2 = _array(mean_energy_squared, "mean_energy_squared")
        if e2.shape != e1.shape:
            raise ValueError("mean_energy_squared: need one value per time")
        var = e2 - e1**2
        if np.any(var <= 0):
            raise ValueError("mean_energy_squared: must exceed mean_energy² (positive variance)")
        alpha = np.clip((2.0 * e1**2 - e2) / var, 0.0, 20.0)
        return cls(np.asarray(time, float), np.asarray(luminosity, float), e1, alpha)

    def number_rate(self) -> FloatArray:
        """Neutrinos emitted per second at each tabulated time, ``L/⟨E⟩``."""
        out: FloatArray = self.luminosity * ERG / self.mean_energy
        return out

    def _weights(
        self, t0: float, t1: float
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Times, trapezoid weights (s), ⟨E⟩ and α of the samples covering [t0, t1]."""
        t = self.time
        lo, hi = max(t0, float(t[0])), min(t1, float(t[-1]))
        if hi <= lo:
            z = np.zeros(0)
            return z, z, z, z
        inner = t[(t > lo) & (t < hi)]
        nodes = np.concatenate(([lo], inner, [hi]))
        dt = np.diff(nodes)
        w = np.zeros_like(nodes)
        w[:-1] += 0.5 * dt
        w[1:] += 0.5 * dt
        rate = np.interp(nodes, t, self.number_rate())
        mean = np.interp(nodes, t, self.mean_energy)
        alpha = np.interp(nodes, t, self.alpha)
        return nodes, w * rate, mean, alpha

    def emitted(self, t0: float, t1: float) -> Spectrum:
        """Neutrinos emitted per MeV between ``t0`` and ``t1`` (s)."""
        if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
            raise ValueError(f"time window: need finite t0 < t1 (s), got [{t0}, {t1}]")
        _, number, mean, alpha = self._weights(t0, t1)
        a1 = alpha + 1.0
        log_norm = a1 * np.log(a1) - gammaln(a1) - np.log(mean)

        def density(e: FloatArray) -> FloatArray:
            x = np.maximum(np.asarray(e, dtype=float), 1e-300)[..., None] / mean
            shape = np.exp(log_norm + alpha * np.log(x) - a1 * x)
            out: FloatArray = np.sum(number * shape, axis=-1)
            return out

        hi = float(np.max(mean * (40.0 + 3.0 * alpha) / a1)) if mean.size else 1.0
        scale = float(np.max(mean)) if mean.size else 1.0
        grading = (1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5, 1.0, 2.0, 4.0)
        return Spectrum(
            density=density,
            support=(0.0, hi),
            breakpoints=tuple(g * scale for g in grading if g * scale < hi),
            label="time-dependent supernova",
        )


def read_garching_table(path: str | Path) -> FlavourHistory:
    """One flavour from a Garching-format table: ``time [s]  L [1e51 erg/s]  <E>  <E²>``.

    ``<E>`` in MeV and ``<E²>`` in MeV².

    Lines starting with ``#`` are comments. Raises a one-line ``ValueError`` naming the file and
    line for a malformed row.
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no such file")
    rows: list[list[float]] = []
    for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split()
        try:
            values = [float(x) for x in parts]
        except ValueError:
            raise ValueError(f"{p}:{number}: not a number in {text!r}") from None
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise ValueError(
                f"{p}:{number}: need 4 finite columns (time s, L 1e51 erg/s, <E> MeV, <E^2> MeV^2)"
            )
        rows.append(values)
    if len(rows) < 2:
        raise ValueError(f"{p}: need at least 2 data rows")
    data = np.array(rows)
    keep = data[:, 1] > 0  # rows before the luminosity switches on carry no neutrinos
    data = data[keep]
    try:
        return FlavourHistory.from_moments(data[:, 0], data[:, 1] * 1e51, data[:, 2], data[:, 3])
    except ValueError as exc:
        raise ValueError(f"{p}: {exc}") from None


@dataclass(frozen=True)
class TimeDependentSupernova:
    """A supernova burst resolved in time (see module docstring).

    Parameters
    ----------
    histories
        :class:`FlavourHistory` per flavour (e.g. ν_x tables used for ν_μ, ν_τ and their
        antineutrinos).
    distance
        Distance to the supernova (cm), default 10 kpc.
    """

    histories: Mapping[Flavour, FlavourHistory]
    distance: float = 10.0 * u.kpc

    def __post_init__(self) -> None:
        if not self.histories:
            raise ValueError("histories: give at least one flavour")
        check_distance(self.distance)

    @property
    def time_range(self) -> tuple[float, float]:
        """First and last tabulated time over all flavours (s)."""
        lo = min(float(h.time[0]) for h in self.histories.values())
        hi = max(float(h.time[-1]) for h in self.histories.values())
        return lo, hi

    def fluence(self, t0: float, t1: float) -> dict[Flavour, Spectrum]:
        """Neutrinos per cm² per MeV at ``distance`` emitted between ``t0`` and ``t1`` (s)."""
        emitted = {fl: h.emitted(t0, t1) for fl, h in self.histories.items()}
        return flux_from_spectra(emitted, self.distance, None)

    def cevns_events(
        self,
        target: str,
        mass: float,
        threshold: float,
        time_edges: ArrayLike,
        nodes: int = 40,
    ) -> FloatArray:
        """CEvNS events per time bin in a detector, Standard Model, no detector response.

        Parameters
        ----------
        target
            Target material (e.g. ``"Xe"``, ``"Ar"``; natural abundances).
        mass
            Target mass (kg), > 0.
        threshold
            Nuclear-recoil threshold (MeV; enter ``1 * u.keV``), > 0.
        time_edges
            Bin edges in post-bounce time (s), increasing.
        nodes
            Gauss–Legendre nodes in ``ln T`` between the threshold and the largest recoil.
        """
        from ..engine.rates import recoil_spectrum
        from ..physics.targets import Target
        from ..quadrature import gauss_legendre

        edges = np.asarray(time_edges, dtype=float)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise ValueError("time_edges: need >= 2 strictly increasing times (s)")
        if not (math.isfinite(mass) and mass > 0):
            raise ValueError(f"mass: must be finite and > 0 kg, got {mass}")
        if not (math.isfinite(threshold) and threshold > 0):
            raise ValueError(f"threshold: must be finite and > 0 MeV, got {threshold}")
        tgt = Target.parse(target)
        per_kg = tgt.nuclei_per_kg()
        x, w = gauss_legendre(nodes)
        out = np.zeros(edges.size - 1)
        for k, (t0, t1) in enumerate(itertools.pairwise(edges)):
            fluence = self.fluence(float(t0), float(t1))
            e_max = max(s.max_energy for s in fluence.values())
            for iso, n in zip(tgt.isotopes, per_kg, strict=True):
                t_max = 2.0 * e_max**2 / (iso.nuclear_mass + 2.0 * e_max)
                if t_max <= threshold:
                    continue
                a, b = math.log(threshold), math.log(t_max)
                t = np.exp(0.5 * (b - a) * (x + 1.0) + a)
                weight = 0.5 * (b - a) * w * t
                for flavour, spec in fluence.items():
                    dr = recoil_spectrum(spec, iso, flavour, t)
                    out[k] += n * mass * float(np.sum(weight * dr))
        return out
