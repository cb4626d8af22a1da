"""Arrival-time distributions of stopped-pion neutrinos.

A neutrino from π⁺ decay at rest is emitted at ``t = t_p + t_π`` and one from the
following μ⁺ decay at ``t = t_p + t_π + t_μ``, where ``t_p`` is drawn from the
proton pulse (beam-current trace) and ``t_π``, ``t_μ`` are exponential decay
times with the π⁺ and μ⁺ lifetimes (COHERENT LAr 2020 data
release, ``LArParametersAnlA.yaml``: "the trace ... is convolved with the π⁺ and
μ⁺ neutrino decay lifetimes"). The arrival-time PDF is therefore the pulse
convolved with an exponential (prompt ν_μ) or with the hypo-exponential
distribution of the sum of two exponentials (delayed ν_e, ν̄_μ).

Both convolutions are done **analytically** here:

* Gaussian pulse ⊗ exponential is the exponentially modified Gaussian,
  ``f(t) = exp(−z²/2) erfcx((σ/τ − z)/√2) / (2τ)`` with ``z = (t − μ)/σ``,
  written with :func:`scipy.special.erfcx` so that it neither overflows nor
  cancels anywhere; its CDF is ``Φ(z) − τ f(t)``.
* A sum of exponentials with distinct lifetimes ``τ_i`` is the mixture
  ``Σ_i c_i Exp(τ_i)`` with ``c_i = Π_{j≠i} τ_i/(τ_i − τ_j)`` (hypo-exponential
  law), so the delayed PDF is a two-term combination of exponentially modified
  pulses.
* A tabulated (histogram) trace is piecewise constant; its convolution with an
  exponential is closed-form, evaluated with a recursion over the trace bins.
* For any pulse ``X`` and ``Y ~ Exp(τ)``: ``CDF_{X+Y}(t) = F_X(t) − τ f_{X+Y}(t)``
  (because ``τ f′_{X+Y} = f_X − f_{X+Y}``).

All times are in ns; PDFs in 1/ns; CDFs and bin probabilities are pure numbers.
Every function is vectorised over the time argument.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erfcx, ndtr

from ..flavours import Flavour
from ..units import parse_quantity
from .spectrum import FloatArray

_SQRT2 = math.sqrt(2.0)


def _check_times(t: ArrayLike, name: str = "time") -> FloatArray:
    arr = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: arrival times must be finite (ns)")
    return arr


def _check_lifetimes(lifetimes: Sequence[float]) -> tuple[float, ...]:
    taus = tuple(float(x) for x in lifetimes)
    if len(taus) > 2:
        raise ValueError(f"lifetimes: at most two decays in a chain are supported, got {taus}")
    for tau in taus:
        if not (math.isfinite(tau) and tau > 0):
            raise ValueError(f"lifetimes: each lifetime must be finite and > 0 ns, got {taus}")
    if len(taus) == 2 and math.isclose(taus[0], taus[1], rel_tol=1e-9):
        raise ValueError(f"lifetimes: the two lifetimes must differ, got {taus}")
    return taus


def _hypoexponential_coefficients(taus: tuple[float, ...]) -> tuple[float, ...]:
    """Mixture weights ``c_i = Π_{j≠i} τ_i/(τ_i − τ_j)`` of a sum of exponentials."""
    if len(taus) == 1:
        return (1.0,)
    t1, t2 = taus
    return (t1 / (t1 - t2), t2 / (t2 - t1))


class ProtonPulse(Protocol):
    """Time profile of one beam spill (normalised to one proton)."""

    def pdf(self, t: ArrayLike) -> FloatArray:
        """Probability density (1/ns) of a proton arriving at ``t`` (ns)."""
        ...

    def cdf(self, t: ArrayLike) -> FloatArray:
        """Fraction of the protons arriving before ``t`` (ns)."""
        ...

    def exp_convolved_pdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """Density (1/ns) of ``t_p + t_decay`` with ``t_decay ~ Exp(lifetime)``."""
        ...

    def exp_convolved_cdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """CDF of ``t_p + t_decay`` with ``t_decay ~ Exp(lifetime)``."""
        ...

    def describe(self) -> str:
        """One-line human description with units."""
        ...


# ----------------------------------------------------------------------------- Gaussian
def _exgauss_pdf(t: FloatArray, mean: float, sigma: float, tau: float) -> FloatArray:
    """Exponentially modified Gaussian density (1/ns), stable for all ``t``."""
    z = (t - mean) / sigma
    a = sigma / tau
    x = (a - z) / _SQRT2
    gauss = np.exp(-0.5 * z * z)
    tail = erfcx(np.abs(x))
    # x >= 0: erfc(x) = erfcx(x) e^{-x²}  →  f = e^{-z²/2} erfcx(x) / 2τ
    # x <  0: erfc(x) = 2 − erfc(−x)      →  f = [2 e^{a²/2 − a z} − e^{-z²/2} erfcx(−x)] / 2τ
    exponent = np.minimum(0.5 * a * a - a * z, 0.0)  # only used where x < 0, i.e. z > a
    negative = 2.0 * np.exp(exponent) - gauss * tail
    out: FloatArray = np.where(x >= 0, gauss * tail, negative) / (2.0 * tau)
    return np.maximum(out, 0.0)


def _exgauss_cdf(t: FloatArray, mean: float, sigma: float, tau: float) -> FloatArray:
    """CDF of the exponentially modified Gaussian: ``Φ(z) − τ f(t)``."""
    z = (t - mean) / sigma
    out: FloatArray = ndtr(z) - tau * _exgauss_pdf(t, mean, sigma, tau)
    return np.clip(out, 0.0, 1.0)


@dataclass(frozen=True)
class GaussianPulse:
    """A train of Gaussian proton bunches.

    Parameters
    ----------
    mean
        Centre of the first bunch (ns).
    sigma
        Gaussian standard deviation of each bunch (ns), > 0.
    bunch_offsets
        Start of each bunch relative to ``mean`` (ns); ``(0,)`` is a single bunch,
        ``(0, 540)`` a double bunch 540 ns apart.
    bunch_weights
        Relative number of protons per bunch (normalised internally).

    Notes
    -----
    The SNS default, ``GaussianPulse(mean=440 ns, sigma=150 ns)``, is the
    POT-trace parametrisation of the COHERENT LAr 2020 data release
    (``LArParametersAnlA.yaml``, ``snsPOTTraceTiming``: a = 440 ± 200 ns,
    b = 150 ns). The Gaussian is not truncated at ``t = 0``.
    """

    mean: float
    sigma: float
    bunch_offsets: tuple[float, ...] = (0.0,)
    bunch_weights: tuple[float, ...] = (1.0,)

    def __post_init__(self) -> None:
        if not math.isfinite(self.mean):
            raise ValueError(f"mean: pulse mean must be finite (ns), got {self.mean}")
        if not (math.isfinite(self.sigma) and self.sigma > 0):
            raise ValueError(f"sigma: pulse width must be finite and > 0 ns, got {self.sigma}")
        if len(self.bunch_offsets) == 0 or len(self.bunch_offsets) != len(self.bunch_weights):
            raise ValueError(
                "bunch_offsets: need one offset per bunch weight (>= 1 bunch), got "
                f"{self.bunch_offsets} and {self.bunch_weights}"
            )
        if not all(math.isfinite(o) for o in self.bunch_offsets):
            raise ValueError(f"bunch_offsets: must be finite (ns), got {self.bunch_offsets}")
        if not all(math.isfinite(w) and w >= 0 for w in self.bunch_weights) or not (
            sum(self.bunch_weights) > 0
        ):
            raise ValueError(
                f"bunch_weights: must be finite, >= 0 and not all zero, got {self.bunch_weights}"
            )

    @classmethod
    def from_fwhm(
        cls, mean: float, fwhm: float, bunch_offsets: tuple[float, ...] = (0.0,)
    ) -> GaussianPulse:
        """Bunches with full width at half maximum ``fwhm`` (ns): ``σ = FWHM / (2√(2 ln 2))``."""
        if not (math.isfinite(fwhm) and fwhm > 0):
            raise ValueError(f"fwhm: pulse width must be finite and > 0 ns, got {fwhm}")
        sigma = fwhm / (2.0 * math.sqrt(2.0 * math.log(2.0)))
        return cls(mean, sigma, bunch_offsets, tuple(1.0 for _ in bunch_offsets))

    @property
    def _bunches(self) -> list[tuple[float, float]]:
        total = sum(self.bunch_weights)
        return [
            (self.mean + o, w / total)
            for o, w in zip(self.bunch_offsets, self.bunch_weights, strict=True)
        ]

    def pdf(self, t: ArrayLike) -> FloatArray:
        """Pulse density (1/ns) at ``t`` (ns)."""
        tt = _check_times(t)
        out = np.zeros_like(tt)
        norm = 1.0 / (self.sigma * math.sqrt(2.0 * math.pi))
        for centre, w in self._bunches:
            z = (tt - centre) / self.sigma
            out += w * norm * np.exp(-0.5 * z * z)
        return out

    def cdf(self, t: ArrayLike) -> FloatArray:
        """Fraction of protons before ``t`` (ns)."""
        tt = _check_times(t)
        out = np.zeros_like(tt)
        for centre, w in self._bunches:
            out += w * ndtr((tt - centre) / self.sigma)
        return out

    def exp_convolved_pdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """Pulse ⊗ Exp(lifetime) density (1/ns), exponentially modified Gaussian."""
        tt = _check_times(t)
        out = np.zeros_like(tt)
        for centre, w in self._bunches:
            out += w * _exgauss_pdf(tt, centre, self.sigma, lifetime)
        return out

    def exp_convolved_cdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """Pulse ⊗ Exp(lifetime) CDF."""
        tt = _check_times(t)
        out = np.zeros_like(tt)
        for centre, w in self._bunches:
            out += w * _exgauss_cdf(tt, centre, self.sigma, lifetime)
        return out

    def describe(self) -> str:
        """E.g. ``Gaussian, mean 440 ns, σ 150 ns``."""
        text = f"Gaussian, mean {self.mean:g} ns, σ {self.sigma:g} ns"
        if len(self.bunch_offsets) > 1:
            text += f", bunches at +{', +'.join(f'{o:g}' for o in self.bunch_offsets)} ns"
        return text


# ----------------------------------------------------------------------------- tabulated
@dataclass(frozen=True)
class TabulatedPulse:
    """A measured beam-current trace, piecewise constant on time bins.

    Parameters
    ----------
    edges
        Strictly increasing bin edges (ns), at least two.
    weights
        Protons (any unit, normalised internally) in each bin; ``len(edges) - 1`` values >= 0.
    """

    edges: tuple[float, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        e = np.asarray(self.edges, dtype=float)
        w = np.asarray(self.weights, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)):
            raise ValueError("edges: need at least two finite bin edges (ns)")
        if not np.all(np.diff(e) > 0):
            raise ValueError("edges: bin edges must be strictly increasing (ns)")
        if w.shape != (e.size - 1,):
            raise ValueError(f"weights: need {e.size - 1} values (one per bin), got {w.size}")
        if not np.all(np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise ValueError("weights: trace values must be finite, >= 0 and not all zero")

    @classmethod
    def rectangular(cls, start: float, width: float) -> TabulatedPulse:
        """Flat-top pulse of ``width`` ns from ``start`` ns (e.g. a long linac macropulse)."""
        if not (math.isfinite(width) and width > 0):
            raise ValueError(f"width: pulse width must be finite and > 0 ns, got {width}")
        return cls((float(start), float(start) + float(width)), (1.0,))

    @classmethod
    def from_samples(cls, times: ArrayLike, intensities: ArrayLike) -> TabulatedPulse:
        """Trace sampled at increasing ``times`` (ns): each sample fills the bin around it.

        Bin edges are the midpoints between samples; the outer bins extend by half a
        spacing on each side.
        """
        t = np.asarray(times, dtype=float)
        y = np.asarray(intensities, dtype=float)
        if t.ndim != 1 or t.size < 2 or t.shape != y.shape:
            raise ValueError("times: need >= 2 samples and one intensity per time")
        if not np.all(np.isfinite(t)) or not np.all(np.diff(t) > 0):
            raise ValueError("times: sample times must be finite and strictly increasing (ns)")
        mid = 0.5 * (t[1:] + t[:-1])
        edges = np.concatenate(([t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]))
        return cls(tuple(edges.tolist()), tuple(y.tolist()))

    @classmethod
    def from_csv(cls, path: str | Path) -> TabulatedPulse:
        """Read a trace CSV with header ``time [unit], intensity`` (e.g. ``time [ns],current``).

        The time column must state its unit in square brackets; the intensity is relative.
        """
        with Path(path).open(newline="") as handle:
            rows = [r for r in csv.reader(handle) if r and not r[0].lstrip().startswith("#")]
        if len(rows) < 3:
            raise ValueError(f"path: {path} needs a header and at least two data rows")
        header = rows[0]
        unit = _unit_from_header(header[0], "time", column="time")
        data = np.array([[float(x) for x in r[:2]] for r in rows[1:]])
        return cls.from_samples(data[:, 0] * unit, data[:, 1])

    @property
    def _arrays(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        e = np.asarray(self.edges, dtype=float)
        w = np.asarray(self.weights, dtype=float)
        p = w / w.sum()
        return e[:-1], e[1:], p

    def pdf(self, t: ArrayLike) -> FloatArray:
        """Trace density (1/ns) at ``t`` (ns)."""
        tt = _check_times(t)
        lo, hi, p = self._arrays
        idx = np.searchsorted(hi, tt, side="right")
        inside = (tt >= lo[0]) & (tt < hi[-1])
        dens = np.append(p / (hi - lo), 0.0)
        return np.where(inside, dens[np.minimum(idx, dens.size - 1)], 0.0)

    def cdf(self, t: ArrayLike) -> FloatArray:
        """Fraction of protons before ``t`` (ns)."""
        tt = _check_times(t)
        lo, hi, p = self._arrays
        cum = np.concatenate(([0.0], np.cumsum(p)))
        out: FloatArray = np.interp(tt, np.append(lo, hi[-1]), cum)
        return out

    def exp_convolved_pdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """Trace ⊗ Exp(τ) density (1/ns), exact for the piecewise-constant trace.

        With ``d_i = p_i / w_i`` the density in bin ``i`` and ``S_k`` the contribution of all
        bins up to ``k`` evaluated at their right edge ``b_k``, the recursion
        ``S_k = S_{k−1} e^{−w_k/τ} + d_k (1 − e^{−w_k/τ})`` gives, for ``a_j <= t < b_j``,
        ``f(t) = S_{j−1} e^{−(t − a_j)/τ} + d_j (1 − e^{−(t − a_j)/τ})`` and, after the trace,
        ``f(t) = S_last e^{−(t − b_last)/τ}``. The loop runs over trace bins only.
        """
        tt = _check_times(t)
        lo, hi, p = self._arrays
        width = hi - lo
        dens = p / width
        decay = np.exp(-width / lifetime)
        at_right = np.empty_like(dens)  # S_k
        running = 0.0
        for k in range(dens.size):
            running = running * float(decay[k]) + float(dens[k]) * (1.0 - float(decay[k]))
            at_right[k] = running
        before = np.concatenate(([0.0], at_right[:-1]))  # S_{j-1}
        j = np.clip(np.searchsorted(hi, tt, side="right"), 0, dens.size - 1)
        u_in = np.maximum(tt - lo[j], 0.0)
        e_in = np.exp(-u_in / lifetime)
        inside = before[j] * e_in + dens[j] * (1.0 - e_in)
        after = at_right[-1] * np.exp(-np.maximum(tt - hi[-1], 0.0) / lifetime)
        out: FloatArray = np.where(tt < lo[0], 0.0, np.where(tt >= hi[-1], after, inside))
        return out

    def exp_convolved_cdf(self, t: ArrayLike, lifetime: float) -> FloatArray:
        """Trace ⊗ Exp(τ) CDF: ``F_pulse(t) − τ f(t)`` (exact for any pulse and exponential)."""
        tt = _check_times(t)
        out: FloatArray = self.cdf(tt) - lifetime * self.exp_convolved_pdf(tt, lifetime)
        return np.clip(out, 0.0, 1.0)

    def describe(self) -> str:
        """E.g. ``tabulated trace, 120 bins over 0–1200 ns``."""
        return (
            f"tabulated trace, {len(self.weights)} bins over "
            f"{self.edges[0]:g}–{self.edges[-1]:g} ns"
        )


def _unit_from_header(cell: str, dimension: str, *, column: str) -> float:
    """Read the unit written as ``name [unit]`` in a CSV header cell."""
    text = cell.strip()
    if "[" not in text or not text.endswith("]"):
        raise ValueError(
            f"{column}: CSV header {cell!r} has no unit; write it as '{column} [unit]'"
        )
    unit = text[text.index("[") + 1 : -1].strip()
    return parse_quantity(f"1 {unit}", dimension, name=column)


# ----------------------------------------------------------------------------- decay chains
def decay_chain_pdf(pulse: ProtonPulse, t: ArrayLike, lifetimes: Sequence[float]) -> FloatArray:
    """Arrival-time density (1/ns) of a neutrino emitted after a chain of decays.

    Parameters
    ----------
    pulse
        Proton pulse.
    t
        Times (ns), any shape.
    lifetimes
        Mean lifetimes (ns) of the decays preceding the emission: ``()`` for the pulse
        itself, ``(τ_π,)`` for the prompt ν_μ, ``(τ_π, τ_μ)`` for the delayed ν_e, ν̄_μ.
    """
    taus = _check_lifetimes(lifetimes)
    if not taus:
        return pulse.pdf(t)
    coeffs = _hypoexponential_coefficients(taus)
    out: FloatArray = sum(
        (c * pulse.exp_convolved_pdf(t, tau) for c, tau in zip(coeffs, taus, strict=True)),
        start=np.zeros(np.shape(t)),
    )
    return np.maximum(out, 0.0)


def decay_chain_cdf(pulse: ProtonPulse, t: ArrayLike, lifetimes: Sequence[float]) -> FloatArray:
    """Fraction of a decay chain's neutrinos (see :func:`decay_chain_pdf`) arriving before ``t``."""
    taus = _check_lifetimes(lifetimes)
    if not taus:
        return pulse.cdf(t)
    coeffs = _hypoexponential_coefficients(taus)
    out: FloatArray = sum(
        (c * pulse.exp_convolved_cdf(t, tau) for c, tau in zip(coeffs, taus, strict=True)),
        start=np.zeros(np.shape(t)),
    )
    return np.clip(out, 0.0, 1.0)


#: SNS proton-on-target trace of the COHERENT LAr 2020 data release
#: (``LArParametersAnlA.yaml``, ``snsPOTTraceTiming``): Gaussian, mean 440 ns, σ 150 ns.
SNS_LAR2020_TRACE = GaussianPulse(440.0, 150.0)
#: One-sigma uncertainty (ns) on the mean of :data:`SNS_LAR2020_TRACE` (same file: ± 200 ns).
SNS_LAR2020_TRACE_MEAN_UNCERTAINTY = 200.0


# ----------------------------------------------------------------------------- tabulated PDFs
@dataclass(frozen=True)
class TabulatedArrivalTimes:
    """Arrival-time PDFs per flavour given as tables (e.g. from a collaboration's release).

    Each flavour's density is linear between the tabulated times and zero outside them; it
    is normalised to one over the table (only its shape matters). Bin probabilities are
    exact integrals of the piecewise-linear density. The CSV format of :meth:`from_csv`
    (comment lines start with ``#``)::

        time [us],nu_mu [1/us],nu_e [1/us],nu_mu_bar [1/us]
        0.0,0.0,0.0,0.0
        0.1,0.52,0.05,0.05

    Parameters
    ----------
    times
        Strictly increasing times (ns), at least two.
    densities
        Flavour → density values at ``times`` (any normalisation), finite and >= 0, not all 0.
    origin
        Where the table came from (file name), for provenance.
    """

    times: tuple[float, ...]
    densities: Mapping[Flavour, tuple[float, ...]]
    origin: str = ""

    def __post_init__(self) -> None:
        t = np.asarray(self.times, dtype=float)
        if t.ndim != 1 or t.size < 2 or not np.all(np.isfinite(t)):
            raise ValueError("times: need at least two finite times (ns)")
        if not np.all(np.diff(t) > 0):
            raise ValueError("times: must be strictly increasing (ns)")
        if not self.densities:
            raise ValueError("densities: give at least one flavour")
        for fl, values in self.densities.items():
            v = np.asarray(values, dtype=float)
            if v.shape != t.shape:
                raise ValueError(f"densities: {fl.value} needs {t.size} values, got {v.size}")
            if not np.all(np.isfinite(v)) or np.any(v < 0) or not v.sum() > 0:
                raise ValueError(
                    f"densities: {fl.value} must be finite, >= 0 and not all zero"
                )

    @classmethod
    def from_csv(cls, path: str | Path) -> TabulatedArrivalTimes:
        """Read a table with ``time [unit]`` and one ``<flavour> [1/<time unit>]`` column each."""
        p = Path(path)
        if not p.is_file():
            raise ValueError(f"path: arrival-time file {str(p)!r} does not exist")
        with p.open(newline="", encoding="utf-8") as handle:
            rows = [r for r in csv.reader(handle) if r and not r[0].lstrip().startswith("#")]
        if len(rows) < 3:
            raise ValueError(f"path: {p} needs a header row and at least two data rows")
        header = rows[0]
        if len(header) < 2:
            raise ValueError(f"header: {p} needs a time column and at least one flavour column")
        scale = _unit_from_header(header[0], "time", column="time")
        flavours: list[Flavour] = []
        for cell in header[1:]:
            label = cell.split("[")[0].strip()
            try:
                fl = Flavour.parse(label)
            except ValueError as exc:
                raise ValueError(f"header: {p}: column {cell.strip()!r}: {exc}") from None
            text = cell.strip()
            if "[" not in text or not text.endswith("]"):
                raise ValueError(
                    f"{label}: CSV header {cell!r} has no unit; write e.g. '{label} [1/us]'"
                )
            unit = text[text.index("[") + 1 : -1].replace(" ", "")
            if not unit.startswith("1/"):
                raise ValueError(f"{label}: density unit {unit!r} must read '1/<time unit>'")
            parse_quantity(f"1 {unit[2:]}", "time", name=label)
            flavours.append(fl)
        data = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) < len(header):
                raise ValueError(f"path: {p}: data row {number} has {len(row)} columns, "
                                 f"the header {len(header)}")
            try:
                data.append([float(x) for x in row[: len(header)]])
            except ValueError:
                raise ValueError(f"path: {p}: data row {number} has a non-numeric entry") from None
        table = np.asarray(data, dtype=float)
        # a density per unit time converts with the inverse scale; the shape is what matters
        return cls(
            tuple((table[:, 0] * scale).tolist()),
            {fl: tuple((table[:, i + 1] / scale).tolist()) for i, fl in enumerate(flavours)},
            origin=str(p),
        )

    def _arrays(self, flavour: Flavour | str) -> tuple[FloatArray, FloatArray, FloatArray]:
        fl = Flavour.parse(flavour)
        if fl not in self.densities:
            have = ", ".join(f.value for f in self.densities)
            raise ValueError(f"flavour: no arrival-time PDF for {fl.value} (the table has {have})")
        t = np.asarray(self.times, dtype=float)
        y = np.asarray(self.densities[fl], dtype=float)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(t))])
        return t, y / cum[-1], cum / cum[-1]

    def pdf(self, flavour: Flavour | str, t: ArrayLike) -> FloatArray:
        """Normalised density (1/ns) of ``flavour`` at ``t`` (ns)."""
        x, y, _ = self._arrays(flavour)
        out: FloatArray = np.interp(_check_times(t), x, y, left=0.0, right=0.0)
        return out

    def cdf(self, flavour: Flavour | str, t: ArrayLike) -> FloatArray:
        """Fraction of ``flavour`` arriving before ``t`` (ns), exact for the linear density."""
        x, y, cum = self._arrays(flavour)
        tt = _check_times(t)
        i = np.clip(np.searchsorted(x, tt, side="right") - 1, 0, x.size - 2)
        dt = np.clip(tt, x[0], x[-1]) - x[i]
        slope = (y[i + 1] - y[i]) / (x[i + 1] - x[i])
        out = cum[i] + y[i] * dt + 0.5 * slope * dt * dt
        return np.asarray(np.clip(out, 0.0, 1.0), dtype=float)

    def describe(self) -> str:
        """E.g. ``tabulated arrival times (3 flavours, 0–12000 ns)``."""
        return (f"tabulated arrival times ({len(self.densities)} flavours, "
                f"{self.times[0]:g}–{self.times[-1]:g} ns)")
