"""Detection efficiencies in energy and in time, and pulse-shape (F90) templates.

Energy efficiencies are functions of either the observable (PE or reconstructed
MeVee; ``variable = "observable"``) or of the true recoil energy (MeVnr;
``variable = "recoil_energy"``, as dark-matter experiments publish them). Each
returns values in [0, 1] and has ``shifted(theta)`` for its nuisance parameter.

* :class:`SigmoidEfficiency`: ``ε(x) = a/(1 + exp(−b(x − c))) + d``, clipped to [0, 1]
  (COHERENT CsI 2021 release, ``effCoefficients.txt``: nominal
  ``(1.32045, 0.285979, 10.8646, −0.333322)`` with ``x`` in PE, and two ±1σ variants).
  An optional ``threshold`` multiplies it by a step (ε = 0 below), as the COHERENT CsI
  2017 release writes its acceptance.
* :class:`StepEfficiency`: ``ε = value`` above a threshold, 0 below.
* :class:`TabulatedEfficiency`: a table (e.g. ``CENNS10AnlAEfficiency.txt``, keVee),
  linearly interpolated, 0 below the first point, last value beyond; optional per-point
  errors are the ±1σ variation of its nuisance (``ε_i + θ σ_i``).

Where an efficiency of the observable is evaluated
--------------------------------------------------
:func:`cevns.detectors.predict` applies an observable efficiency inside each fine sub-bin
of the observable. With Poisson photoelectron counting (:class:`PoissonSmearing`) the
observable is an integer count ``n`` and ε is evaluated at ``n`` (a bin ``[lo, hi)``
collects ``lo <= n < hi``): a table given per integer PE is used exactly at its points.
With a continuous observable (gamma or Gaussian smearing in PE, or a reconstructed energy)
ε is averaged over each sub-bin (8-point Gauss–Legendre), i.e. it acts on the continuous
axis; a per-integer table is then interpolated linearly between integers. Without smearing
ε is evaluated at the exact observable of each recoil.
* :class:`ExponentialTimeEfficiency`: 1 before ``t₀`` then ``exp(−λ(t − t₀))``
  (CsI 2021 companion: ``t₀ = 0.52 µs``, ``λ = 0.0494 /µs``), averaged over time bins.
* :class:`TabulatedTimeEfficiency`: a time-efficiency table, exact bin averages.
* :class:`GaussianF90`: CENNS-10-like nuclear-recoil F90 template, a Gaussian in F90
  whose mean and width depend on the reconstructed energy, normalised inside the
  accepted F90 window (the acceptance of the F90 cut belongs to the energy efficiency).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ..types import FloatArray

EfficiencyVariable = Literal["observable", "recoil_energy"]


def _theta(theta: float | ArrayLike, name: str) -> float:
    values = np.atleast_1d(np.asarray(theta, dtype=float))
    if values.size != 1 or not np.isfinite(values[0]):
        raise ValueError(
            f"{name}: expected one finite nuisance value (standard deviations), got {theta!r}"
        )
    return float(values[0])


@runtime_checkable
class Efficiency(Protocol):
    """An efficiency ``ε(x) ∈ [0, 1]`` of the observable or of the recoil energy."""

    variable: EfficiencyVariable

    def __call__(self, x: ArrayLike) -> FloatArray:
        """Efficiency at ``x`` (PE, or MeV for energies)."""
        ...

    def shifted(self, theta: float | ArrayLike) -> Efficiency:
        """The efficiency moved by ``theta`` standard deviations of its nuisance."""
        ...


@dataclass(frozen=True)
class SigmoidEfficiency:
    """``ε(x) = a/(1 + exp(−b(x − c))) + d`` clipped to [0, 1] (CsI 2021 release form).

    Parameters
    ----------
    a, b, c, d
        Coefficients; ``b`` in 1/[x], ``c`` in [x] (PE or MeV), ``a`` and ``d`` dimensionless.
    plus, minus
        Optional ±1σ coefficient sets ``(a, b, c, d)``; the nuisance interpolates linearly.
    variable
        What ``x`` is: ``"observable"`` or ``"recoil_energy"``.
    threshold
        Optional step: ``ε = 0`` for ``x < threshold`` (same unit as ``x``).
    """

    a: float
    b: float
    c: float
    d: float = 0.0
    plus: tuple[float, float, float, float] | None = None
    minus: tuple[float, float, float, float] | None = None
    variable: EfficiencyVariable = "observable"
    threshold: float | None = None

    def __post_init__(self) -> None:
        for name in ("a", "b", "c", "d"):
            if not np.isfinite(getattr(self, name)):
                raise ValueError(f"{name}: sigmoid coefficient must be finite")
        if self.a <= 0 or self.b <= 0:
            raise ValueError(
                f"a: need a > 0 and b > 0 for a rising sigmoid, got a={self.a}, b={self.b}"
            )
        if self.a + self.d > 1.0 + 1e-9:
            raise ValueError(
                f"a: the plateau a + d = {self.a + self.d:.6g} exceeds 1; "
                "an efficiency is in [0, 1]"
            )
        if self.threshold is not None and not np.isfinite(self.threshold):
            raise ValueError(f"threshold: must be finite, got {self.threshold}")

    def __call__(self, x: ArrayLike) -> FloatArray:
        xx = np.asarray(x, dtype=float)
        value = np.clip(self.a * special.expit(self.b * (xx - self.c)) + self.d, 0.0, 1.0)
        if self.threshold is not None:
            value = np.where(xx >= self.threshold, value, 0.0)
        return np.asarray(value, dtype=float)

    def shifted(self, theta: float | ArrayLike) -> SigmoidEfficiency:
        t = _theta(theta, "efficiency")
        target = self.plus if t >= 0 else self.minus
        if target is None or t == 0:
            return self
        nominal = np.array([self.a, self.b, self.c, self.d])
        new = nominal + abs(t) * (np.asarray(target, dtype=float) - nominal)
        a, b, c, d = (float(v) for v in new)
        return replace(self, a=a, b=max(b, 1e-12), c=c, d=min(d, 1.0 - a))


@dataclass(frozen=True)
class StepEfficiency:
    """``ε = value`` for ``x >= threshold``, else 0.

    Parameters
    ----------
    threshold
        Threshold in PE or MeV.
    value
        Plateau efficiency in (0, 1].
    threshold_uncertainty
        One-sigma uncertainty on the threshold (nuisance direction).
    """

    threshold: float
    value: float = 1.0
    threshold_uncertainty: float = 0.0
    variable: EfficiencyVariable = "observable"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.threshold) and self.threshold >= 0):
            raise ValueError(f"threshold: must be finite and >= 0, got {self.threshold}")
        if not (0.0 < self.value <= 1.0):
            raise ValueError(f"value: efficiency must be in (0, 1], got {self.value}")

    def __call__(self, x: ArrayLike) -> FloatArray:
        xx = np.asarray(x, dtype=float)
        return np.where(xx >= self.threshold, self.value, 0.0)

    def shifted(self, theta: float | ArrayLike) -> StepEfficiency:
        t = _theta(theta, "efficiency")
        return replace(self, threshold=max(self.threshold + t * self.threshold_uncertainty, 0.0))


@dataclass(frozen=True)
class TabulatedEfficiency:
    """Efficiency table ``(x_i, ε_i)``, linear in between, 0 below ``x_0``, ``ε_last`` above.

    Parameters
    ----------
    points
        Strictly increasing abscissae (PE or MeV).
    values
        Efficiencies in [0, 1].
    relative_uncertainty
        One-sigma relative scale uncertainty (nuisance); results stay <= 1.
    errors
        Optional one-sigma error of each value: the nuisance ``θ`` moves every point to
        ``ε_i + θ σ_i`` (clipped to [0, 1]), so ``θ = ±1`` are the table ± its errors.
    """

    points: tuple[float, ...]
    values: tuple[float, ...]
    relative_uncertainty: float = 0.0
    scale: float = 1.0
    variable: EfficiencyVariable = "observable"
    errors: tuple[float, ...] | None = None
    shift: float = 0.0

    def __post_init__(self) -> None:
        x = np.asarray(self.points, dtype=float)
        y = np.asarray(self.values, dtype=float)
        if x.ndim != 1 or x.size < 2 or x.shape != y.shape:
            raise ValueError("points: need >= 2 abscissae and as many efficiency values")
        if not np.all(np.diff(x) > 0):
            raise ValueError("points: must be strictly increasing")
        if not np.all((y >= 0) & (y <= 1)):
            bad = y[(y < 0) | (y > 1)]
            raise ValueError(f"values: efficiencies must be in [0, 1], got {bad[:3]}")
        if self.errors is not None:
            err = np.asarray(self.errors, dtype=float)
            if err.shape != y.shape or not np.all(np.isfinite(err)) or np.any(err < 0):
                raise ValueError(
                    f"errors: need {y.size} finite errors >= 0 (one per value), got {err.size}"
                )
        if self.relative_uncertainty and self.errors is not None:
            raise ValueError("errors: give per-point errors or a relative_uncertainty, not both")

    def _values(self) -> FloatArray:
        y = np.asarray(self.values, dtype=float)
        if self.errors is not None and self.shift != 0.0:
            y = np.clip(y + self.shift * np.asarray(self.errors, dtype=float), 0.0, 1.0)
        return y

    def __call__(self, x: ArrayLike) -> FloatArray:
        xx = np.asarray(x, dtype=float)
        y = self._values()
        value = np.interp(xx, self.points, y, left=0.0, right=float(y[-1]))
        return np.asarray(np.clip(value * self.scale, 0.0, 1.0), dtype=float)

    def shifted(self, theta: float | ArrayLike) -> TabulatedEfficiency:
        t = _theta(theta, "efficiency")
        if self.errors is not None:
            return replace(self, shift=self.shift + t)
        return replace(self, scale=max(self.scale * (1.0 + t * self.relative_uncertainty), 0.0))


@runtime_checkable
class TimeEfficiency(Protocol):
    """Efficiency as a function of arrival time, averaged over time bins."""

    def bin_average(self, edges: ArrayLike) -> FloatArray:
        """Mean efficiency in each bin of ``edges`` (ns)."""
        ...

    def shifted(self, theta: float | ArrayLike) -> TimeEfficiency:
        """The efficiency moved by ``theta`` standard deviations of its nuisance."""
        ...


@dataclass(frozen=True)
class ConstantTimeEfficiency:
    """Time-independent efficiency ``value`` (in (0, 1])."""

    value: float = 1.0

    def __post_init__(self) -> None:
        if not (0.0 < self.value <= 1.0):
            raise ValueError(f"value: time efficiency must be in (0, 1], got {self.value}")

    def bin_average(self, edges: ArrayLike) -> FloatArray:
        e = np.asarray(edges, dtype=float)
        return np.full(e.size - 1, self.value)

    def shifted(self, theta: float | ArrayLike) -> ConstantTimeEfficiency:
        _theta(theta, "time_efficiency")
        return self


@dataclass(frozen=True)
class ExponentialTimeEfficiency:
    """``ε(t) = 1`` for ``t < t₀``, else ``exp(−λ (t − t₀))`` (CsI 2021 companion form).

    Parameters
    ----------
    start
        ``t₀`` in ns (520 ns for CsI 2021).
    decay_rate
        ``λ`` in 1/ns (0.0494 /µs = 4.94e-5 /ns).
    decay_rate_uncertainty
        One-sigma uncertainty on ``λ`` (1/ns), the nuisance direction.
    """

    start: float
    decay_rate: float
    decay_rate_uncertainty: float = 0.0

    def __post_init__(self) -> None:
        if not np.isfinite(self.start):
            raise ValueError(f"start: must be finite (ns), got {self.start}")
        if not (np.isfinite(self.decay_rate) and self.decay_rate >= 0):
            raise ValueError(f"decay_rate: must be finite and >= 0 (1/ns), got {self.decay_rate}")

    def _integral(self, t: FloatArray) -> FloatArray:
        """``∫_{−∞}^{t} (ε − 1_{t<t0}) ...``: primitive of ε relative to ``t₀``."""
        dt = t - self.start
        lam = self.decay_rate
        tail = dt if lam == 0 else -np.expm1(-lam * np.clip(dt, 0.0, None)) / lam
        return np.where(dt <= 0, dt, tail)

    def bin_average(self, edges: ArrayLike) -> FloatArray:
        e = np.asarray(edges, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.diff(e) > 0):
            raise ValueError("edges: need >= 2 strictly increasing time edges (ns)")
        prim = self._integral(e)
        return np.asarray(np.diff(prim) / np.diff(e), dtype=float)

    def __call__(self, t: ArrayLike) -> FloatArray:
        tt = np.asarray(t, dtype=float)
        return np.where(tt < self.start, 1.0, np.exp(-self.decay_rate * (tt - self.start)))

    def shifted(self, theta: float | ArrayLike) -> ExponentialTimeEfficiency:
        t = _theta(theta, "time_efficiency")
        return replace(
            self, decay_rate=max(self.decay_rate + t * self.decay_rate_uncertainty, 0.0)
        )


@dataclass(frozen=True)
class TabulatedTimeEfficiency:
    """Time efficiency from a table ``(t_i, ε_i)``, linear in between, held constant outside.

    Bin averages are exact for the piecewise-linear curve (its primitive is piecewise
    quadratic).

    Parameters
    ----------
    times
        Strictly increasing times (ns).
    values
        Efficiencies in [0, 1].
    relative_uncertainty
        One-sigma relative scale uncertainty (nuisance); results stay <= 1.
    """

    times: tuple[float, ...]
    values: tuple[float, ...]
    relative_uncertainty: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        t = np.asarray(self.times, dtype=float)
        y = np.asarray(self.values, dtype=float)
        if t.ndim != 1 or t.size < 2 or t.shape != y.shape or not np.all(np.diff(t) > 0):
            raise ValueError("times: need >= 2 strictly increasing times (ns) and as many values")
        if not np.all((y >= 0) & (y <= 1)):
            raise ValueError(f"values: time efficiencies must be in [0, 1], got {y}")

    def __call__(self, t: ArrayLike) -> FloatArray:
        value = np.interp(np.asarray(t, dtype=float), self.times, self.values) * self.scale
        return np.asarray(np.clip(value, 0.0, 1.0), dtype=float)

    def _primitive(self, t: FloatArray) -> FloatArray:
        x = np.asarray(self.times, dtype=float)
        y = np.asarray(self.values, dtype=float)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))])
        i = np.clip(np.searchsorted(x, t, side="right") - 1, 0, x.size - 2)
        dt = np.clip(t, x[0], x[-1]) - x[i]
        slope = (y[i + 1] - y[i]) / (x[i + 1] - x[i])
        inside = cum[i] + y[i] * dt + 0.5 * slope * dt * dt
        below = np.minimum(t - x[0], 0.0) * y[0]
        above = np.maximum(t - x[-1], 0.0) * y[-1]
        return np.asarray(inside + below + above, dtype=float)

    def bin_average(self, edges: ArrayLike) -> FloatArray:
        e = np.asarray(edges, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.diff(e) > 0):
            raise ValueError("edges: need >= 2 strictly increasing time edges (ns)")
        avg = np.diff(self._primitive(e)) / np.diff(e) * self.scale
        return np.asarray(np.clip(avg, 0.0, 1.0), dtype=float)

    def shifted(self, theta: float | ArrayLike) -> TabulatedTimeEfficiency:
        t = _theta(theta, "time_efficiency")
        return replace(self, scale=max(self.scale * (1.0 + t * self.relative_uncertainty), 0.0))


@dataclass(frozen=True)
class GaussianF90:
    """Nuclear-recoil F90 template: Gaussian with energy-dependent mean and width.

    ``μ(E) = μ∞ − Δμ exp(−E/E_μ)``, ``σ(E) = √(σ₀² + s²/E)`` with ``E`` the
    reconstructed energy (MeV); probabilities are normalised inside ``window``.

    Parameters
    ----------
    mean_high, mean_drop, mean_scale
        ``μ∞``, ``Δμ`` (dimensionless) and ``E_μ`` (MeV).
    width_floor, width_stochastic
        ``σ₀`` (dimensionless) and ``s`` (√MeV).
    window
        Accepted F90 range ``(low, high)``.
    mean_uncertainty
        One-sigma shift of ``μ`` (nuisance direction, as the release's ±1σ F90 PDFs).
    """

    mean_high: float
    mean_drop: float
    mean_scale: float
    width_floor: float
    width_stochastic: float
    window: tuple[float, float] = (0.5, 0.9)
    mean_uncertainty: float = 0.0
    mean_shift: float = 0.0

    def __post_init__(self) -> None:
        if not (0 < self.mean_high < 1):
            raise ValueError(f"mean_high: F90 mean must be in (0, 1), got {self.mean_high}")
        if not self.mean_scale > 0:
            raise ValueError(f"mean_scale: must be > 0 MeV, got {self.mean_scale}")
        if not (self.width_floor >= 0 and self.width_stochastic >= 0):
            raise ValueError("width_floor: F90 width terms must be >= 0")
        if self.width_floor == 0 and self.width_stochastic == 0:
            raise ValueError("width_floor: at least one F90 width term must be > 0")
        lo, hi = self.window
        if not (0 <= lo < hi <= 1):
            raise ValueError(f"window: need 0 <= low < high <= 1, got {self.window}")

    def mean(self, energy: ArrayLike) -> FloatArray:
        """Mean F90 at reconstructed energy ``E`` (MeV)."""
        e = np.asarray(energy, dtype=float)
        return np.asarray(
            self.mean_high - self.mean_drop * np.exp(-e / self.mean_scale) + self.mean_shift,
            dtype=float,
        )

    def width(self, energy: ArrayLike) -> FloatArray:
        """F90 standard deviation at reconstructed energy ``E`` (MeV)."""
        e = np.maximum(np.asarray(energy, dtype=float), 1e-12)
        return np.asarray(np.sqrt(self.width_floor**2 + self.width_stochastic**2 / e), dtype=float)

    def bin_probabilities(self, energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        """``P[j, f]``: probability of F90 bin ``f`` for energy ``j``, normalised in ``window``."""
        e = np.asarray(energy, dtype=float)
        f = np.asarray(edges, dtype=float)
        lo, hi = self.window
        if f[0] < lo - 1e-12 or f[-1] > hi + 1e-12:
            raise ValueError(f"edges: F90 bins must lie inside the window {self.window}")
        mu = self.mean(e)[:, None]
        sig = self.width(e)[:, None]
        cdf = special.ndtr((f[None, :] - mu) / sig)
        norm = special.ndtr((hi - mu) / sig) - special.ndtr((lo - mu) / sig)
        return np.asarray(np.diff(cdf, axis=1) / np.maximum(norm, 1e-300), dtype=float)

    def shifted(self, theta: float | ArrayLike) -> GaussianF90:
        t = _theta(theta, "psd")
        return replace(self, mean_shift=self.mean_shift + t * self.mean_uncertainty)


__all__ = [
    "ConstantTimeEfficiency",
    "Efficiency",
    "EfficiencyVariable",
    "ExponentialTimeEfficiency",
    "GaussianF90",
    "SigmoidEfficiency",
    "StepEfficiency",
    "TabulatedEfficiency",
    "TabulatedTimeEfficiency",
    "TimeEfficiency",
]
