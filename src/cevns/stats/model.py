"""General binned models: named samples with normalisation and shape systematics.

A :class:`BinnedModel` gives the expected counts in every bin as a function of a flat
parameter vector; it knows nothing about observed data (that is the likelihood's job, see
:mod:`cevns.stats.likelihood`). The structure follows HistFactory (Cranmer et al.,
CERN-OPEN-2012-016) as implemented by pyhf (Heinrich, Feickert, Stark, Cranmer,
JOSS 6 (2021) 2823):

    ν_b(θ) = Σ_s  [ Π_{norm modifiers} f(θ) ] · ( n_{s,b} + Σ_{histosys} Δ_{s,b}(α) )

* :class:`NormFactor` multiplies a sample by a parameter value (free or Gaussian-constrained
  around its nominal, e.g. a background yield known to ±25 %).
* :class:`NormSys` multiplies a sample by an interpolated factor of a nuisance ``α``
  (``α ~ N(0, 1)``): ``1 + α (hi − 1)`` / ``1 − α (1 − lo)`` (linear) or ``hi^α`` / ``lo^−α``
  (exponential, HistFactory/pyhf interpolation code 1), or pyhf's default ``code4``
  (exponential for ``|α| ≥ 1``, a sixth-order polynomial inside matching value, slope and
  curvature at ±1).
* :class:`HistoSys` adds a bin-by-bin shape variation interpolated between ±1σ templates:
  piecewise linear (HistFactory code 0) or the smooth polynomial inside ``|α| < 1`` with
  linear extrapolation outside (pyhf code ``4p``).
* :class:`GridSys` scales the sample bin by bin by templates tabulated at many values of a
  nuisance (relative to the nominal), interpolated with monotone piecewise-cubic Hermite
  polynomials (Fritsch & Carlson, SIAM J. Numer. Anal. 17 (1980) 238): continuously
  differentiable, and never outside the range of neighbouring nodes, so never negative. Used
  where a ±1σ interpolation would go negative (e.g. a beam-timing shift comparable to the bin
  width).

The sum of a sample's shape variations is floored smoothly at a small positive count ``ε``
per bin (0.1 % of the larger of the nominal and the ±1σ variations; ``c`` for ``c ≥ ε``,
``ε·exp(c/ε − 1)`` below: value and slope continuous) instead of a hard clip at zero, so the
expectation stays positive and continuously differentiable in every nuisance.

Counts are dimensionless (events per bin); the binning itself is the caller's (a model only
checks that every template has the shape of the observation it will be compared to).

A sample's nominal counts and its HistoSys templates may also be *parametric*
(:mod:`cevns.stats.templates`): functions of ordinary parameters of the model, such as a
weak mixing angle or an NSI coupling, evaluated at every call of :meth:`BinnedModel.expected`;
:meth:`BinnedModel.frozen` evaluates them at fixed values and returns a plain model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from cevns.stats.templates import MappedTemplate, ParametricTemplate, evaluate, is_parametric
from cevns.types import FloatArray

__all__ = [
    "BinnedModel",
    "GridSys",
    "HistoSys",
    "NormFactor",
    "NormSys",
    "Parameter",
    "Sample",
    "combine_models",
]


@dataclass(frozen=True)
class Parameter:
    """A model parameter.

    Parameters
    ----------
    name
        Unique name.
    init
        Starting (and nominal) value.
    bounds
        ``(low, high)`` allowed range for the fit; ``None`` for either side means unbounded.
    constraint
        ``(mean, sigma)`` of a Gaussian constraint term ``½ ((θ − mean)/sigma)²`` in the
        negative log likelihood, or ``None`` for a free parameter. ``mean`` is the auxiliary
        measurement, which toy experiments fluctuate.
    starts
        Further start values that :func:`~cevns.stats.fit` tries, besides ``init``, when it is
        called without an explicit start; the lowest minimum is kept. For a parameter whose
        likelihood can have more than one minimum, e.g. a mediator coupling that enters
        squared: ``init`` is its natural step (at its null value the gradient vanishes) and
        ``starts`` holds a value just above the null.
    """

    name: str
    init: float = 0.0
    bounds: tuple[float | None, float | None] = (None, None)
    constraint: tuple[float, float] | None = None
    starts: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("name: a parameter needs a non-empty name")
        if not math.isfinite(self.init):
            raise ValueError(f"init: parameter {self.name!r} start value must be finite")
        lo, hi = self.bounds
        if lo is not None and hi is not None and not lo < hi:
            raise ValueError(f"bounds: parameter {self.name!r} needs low < high, got {self.bounds}")
        for what, value in (("init", self.init), *(("starts", v) for v in self.starts)):
            if not math.isfinite(value) or (lo is not None and value < lo) or (
                    hi is not None and value > hi):
                raise ValueError(f"{what}: parameter {self.name!r} start {value} outside bounds")
        if self.constraint is not None:
            mean, sigma = self.constraint
            if not (math.isfinite(mean) and math.isfinite(sigma) and sigma > 0):
                raise ValueError(
                    f"constraint: parameter {self.name!r} needs finite mean and sigma > 0, "
                    f"got {self.constraint}"
                )

    @classmethod
    def nuisance(cls, name: str, limit: float = 5.0) -> Parameter:
        """A HistFactory nuisance ``α`` with a unit Gaussian constraint, bounded to ±``limit``."""
        return cls(name, 0.0, (-limit, limit), (0.0, 1.0))


@dataclass(frozen=True)
class NormFactor:
    """Multiply the sample by the value of ``parameter`` (a yield scale or a signal strength)."""

    parameter: str


@dataclass(frozen=True)
class NormSys:
    """Multiply the sample by an interpolated factor of the nuisance ``parameter``.

    ``lo`` and ``hi`` are the factors at ``α = −1`` and ``α = +1`` (e.g. 0.9 and 1.1 for a
    ±10 % flux uncertainty).
    """

    parameter: str
    lo: float
    hi: float
    interpolation: Literal["linear", "exponential", "code4"] = "linear"

    def __post_init__(self) -> None:
        if not (self.lo > 0 and self.hi > 0 and math.isfinite(self.lo + self.hi)):
            raise ValueError(f"lo/hi: normsys {self.parameter!r} factors must be finite and > 0")


@dataclass(frozen=True, eq=False)
class HistoSys:
    """Shape variation of the sample: templates at ``α = −1`` (``lo``) and ``α = +1`` (``hi``).

    The templates are absolute expected counts with the sample's nominal shape; for a
    parametric sample they are parametric templates of the same parameters.
    """

    parameter: str
    lo: FloatArray | ParametricTemplate
    hi: FloatArray | ParametricTemplate
    interpolation: Literal["code0", "code4p"] = "code4p"


@dataclass(frozen=True, eq=False)
class GridSys:
    """Shape variation tabulated at nuisance values ``nodes``: ``templates[k]`` are the sample's
    expected counts at ``α = nodes[k]``; one node must be 0 (the reference template ``t₀``,
    normally the sample's nominal).

    Between nodes each bin is interpolated with the monotone piecewise-cubic Hermite scheme
    (Fritsch & Carlson, SIAM J. Numer. Anal. 17 (1980) 238; scipy's ``PchipInterpolator``):
    continuously differentiable in ``α`` and bounded by the neighbouring node values, so
    non-negative templates give non-negative counts. The parameter's bounds must lie inside
    ``[nodes[0], nodes[-1]]``. The variation is multiplicative: in every bin where ``t₀`` is
    positive the sample (after its :class:`HistoSys` variations) is multiplied by the
    interpolated ratio ``t(α) / t₀``; where ``t₀`` is zero the interpolated counts are added.
    So other shape variations act on the shifted counts proportionally, the product stays
    non-negative and smooth (an additive combination can cross zero in nearly empty bins), and
    the relative variation still applies when a parametric nominal is evaluated elsewhere
    (:meth:`BinnedModel.frozen`). A sample takes at most one ``GridSys``.
    """

    parameter: str
    nodes: FloatArray
    templates: FloatArray

    def __post_init__(self) -> None:
        nodes = np.asarray(self.nodes, dtype=np.float64)
        if nodes.ndim != 1 or nodes.size < 3 or np.any(np.diff(nodes) <= 0):
            raise ValueError(f"nodes: gridsys {self.parameter!r} needs at least three increasing "
                             "nuisance values")
        if not np.any(nodes == 0.0):
            raise ValueError(f"nodes: gridsys {self.parameter!r} needs a node at 0 (the nominal)")
        if np.shape(self.templates)[:1] != (nodes.size,):
            raise ValueError(f"templates: gridsys {self.parameter!r} needs one template per node "
                             f"({nodes.size}), got shape {np.shape(self.templates)}")


Modifier = NormFactor | NormSys | HistoSys | GridSys

#: Smallest floor of a sample's shape-varied counts (events per bin).
FLOOR = 1e-9
#: Floor of shape-varied counts relative to the bin's nominal or ±1σ variation: a one-sided
#: variation (``lo`` = 0 where the nominal is 0) interpolated with code 4p dips below zero
#: between ``α = −1`` and 0; the floor bends it smoothly over 0.1 % of the bin's scale.
FLOOR_FRACTION = 1e-3


def smooth_floor(counts: FloatArray, eps: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``c`` for ``c ≥ ε``, ``ε·exp(c/ε − 1)`` below, and its slope ``∂/∂c``.

    ``eps`` (same shape, ≥ 0) is the floor of each bin; bins with ``ε = 0`` are left unchanged.
    The result is positive where ``ε > 0``, continuous with a continuous first derivative, and
    the identity wherever the counts are above ``ε``.
    """
    low = counts < eps
    if not low.any():
        return counts, np.ones_like(counts)
    safe = np.where(low, eps, 1.0)
    e = safe * np.exp(np.minimum(counts, safe) / safe - 1.0)
    return np.where(low, e, counts), np.where(low, e / safe, 1.0)


def floor_scale(nominal: FloatArray, up: FloatArray, down: FloatArray) -> FloatArray:
    """Per-bin floor ``ε`` of shape-varied counts: :data:`FLOOR_FRACTION` of the larger of the
    nominal and the summed ±1σ variations (0 where a sample has neither), at least
    :data:`FLOOR` where it is non-zero."""
    scale = np.maximum(nominal, np.maximum(up, down))
    return np.where(scale > 0, np.maximum(FLOOR_FRACTION * scale, FLOOR), 0.0)


def pchip_coefficients(nodes: FloatArray, templates: FloatArray) -> FloatArray:
    """Cubic coefficients ``(4, n_nodes − 1, n_bins)`` of the monotone Hermite interpolant of
    ``templates`` (``(n_nodes, n_bins)``) along ``nodes`` (highest power first, local
    coordinate ``α − nodes[i]``)."""
    from scipy.interpolate import PchipInterpolator

    return np.asarray(PchipInterpolator(nodes, templates, axis=0).c, dtype=np.float64)


def gridsys_coefficients(nodes: FloatArray, templates: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cubic coefficients of a :class:`GridSys`: the ratio ``t(α)/t₀`` (1 where ``t₀ = 0``) and
    the additive counts (the template where ``t₀ = 0``, else 0), each ``(4, n_nodes − 1, n)``.

    The monotone cubic is positively homogeneous in the data, so the ratio's interpolant is the
    template's interpolant divided by ``t₀``.
    """
    nodes = np.asarray(nodes, dtype=np.float64)
    temps = np.asarray(templates, dtype=np.float64)
    ref = temps[int(np.nonzero(nodes == 0.0)[0][0])]
    positive = ref > 0
    ratio = np.where(positive, temps / np.where(positive, ref, 1.0), 1.0)
    add = np.where(positive, 0.0, temps)
    return pchip_coefficients(nodes, ratio), pchip_coefficients(nodes, add)


def pchip_evaluate(
    nodes: FloatArray, coef: FloatArray, alpha: FloatArray, curvature: bool = False
) -> tuple[FloatArray, ...]:
    """Value and derivative (both ``(*alpha.shape, n_bins)``), and the second derivative if
    ``curvature``, of the piecewise cubic with coefficients ``coef`` (from
    :func:`pchip_coefficients`) at ``alpha`` (clamped to the node range)."""
    a = np.clip(alpha, nodes[0], nodes[-1])
    i = np.clip(np.searchsorted(nodes, a, side="right") - 1, 0, nodes.size - 2)
    dx = (a - nodes[i])[..., None]
    c = coef[:, i]  # (4, *alpha.shape, n_bins)
    value = ((c[0] * dx + c[1]) * dx + c[2]) * dx + c[3]
    slope = (3.0 * c[0] * dx + 2.0 * c[1]) * dx + c[2]
    if curvature:
        return value, slope, 6.0 * c[0] * dx + 2.0 * c[1]
    return value, slope


@dataclass(frozen=True, eq=False)
class Sample:
    """A named component of the expectation: nominal counts per bin plus its modifiers.

    ``nominal`` is an array or a :class:`~cevns.stats.templates.ParametricTemplate`.
    """

    name: str
    nominal: FloatArray | ParametricTemplate
    modifiers: tuple[Modifier, ...] = field(default_factory=tuple)


def _code4_coefficients(lo: float, hi: float) -> FloatArray:
    """Coefficients ``a₁…a₆`` of pyhf's ``code4`` normsys polynomial ``1 + Σ aᵢ αⁱ``.

    Fixed by matching the exponential branches ``hi^α`` (α ≥ 1) and ``lo^−α`` (α ≤ −1) in value,
    first and second derivative at ``α = ±1`` (HistFactory, CERN-OPEN-2012-016; pyhf
    ``interpolators.code4``).
    """
    lh, ll = math.log(hi), math.log(lo)
    targets = np.array([hi - 1, hi * lh, hi * lh**2, lo - 1, -lo * ll, lo * ll**2])
    rows = []
    for x in (1.0, -1.0):
        i = np.arange(1, 7)
        rows.append(x**i)
        rows.append(i * x ** (i - 1))
        rows.append(i * (i - 1) * x ** np.clip(i - 2, 0, None))
    return np.asarray(np.linalg.solve(np.array(rows, dtype=np.float64), targets),
                      dtype=np.float64)


def _check_template(values: object, shape: tuple[int, ...], what: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != shape:
        raise ValueError(f"{what}: template shape {array.shape} does not match the binning {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what}: template contains NaN or infinite counts")
    if np.any(array < 0):
        raise ValueError(f"{what}: template contains negative counts (allowed: ≥ 0)")
    return array


class BinnedModel:
    """Expected counts of a set of samples as a function of a flat parameter vector.

    Parameters
    ----------
    samples
        The components; all templates must have the same shape (any number of dimensions).
    parameters
        Every parameter referenced by a modifier, in the order of the parameter vector.

    Notes
    -----
    Everything is compiled to dense arrays at construction so that :meth:`expected` is a few
    vectorised numpy operations (no Python loop over bins).
    """

    def __init__(self, samples: Sequence[Sample], parameters: Sequence[Parameter]) -> None:
        if not samples:
            raise ValueError("samples: a model needs at least one sample")
        names = [p.name for p in parameters]
        if len(set(names)) != len(names):
            raise ValueError(f"parameters: duplicate parameter names in {names}")
        sample_names = [s.name for s in samples]
        if len(set(sample_names)) != len(sample_names):
            raise ValueError(f"samples: duplicate sample names in {sample_names}")
        self.samples: tuple[Sample, ...] = tuple(samples)
        self.parameters: tuple[Parameter, ...] = tuple(parameters)
        self.parameter_names: tuple[str, ...] = tuple(names)
        index = {n: i for i, n in enumerate(names)}
        init_values = {p.name: p.init for p in parameters}
        self._parametric_nominal: list[tuple[int, ParametricTemplate]] = []
        self._parametric_histosys: list[tuple[int, ParametricTemplate | FloatArray,
                                              ParametricTemplate | FloatArray]] = []
        self.template_parameters: tuple[str, ...] = ()

        def resolve(obj: object, what: str) -> FloatArray:
            if not is_parametric(obj):
                return np.asarray(obj, dtype=np.float64)
            template: ParametricTemplate = obj  # type: ignore[assignment]
            missing = [n for n in template.parameters if n not in index]
            if missing:
                raise ValueError(f"{what}: parametric template uses unknown parameter(s) "
                                 f"{missing}; declared: {names}")
            return np.asarray(template(init_values), dtype=np.float64)

        self.shape: tuple[int, ...] = np.shape(resolve(samples[0].nominal, "samples[0]"))
        n_bins = int(np.prod(self.shape))
        n_samples = len(samples)
        nominal = np.empty((n_samples, n_bins))
        norm_factor: list[tuple[int, int]] = []
        norm_lin: list[tuple[int, int, float, float, bool]] = []
        norm_exp: list[tuple[int, int, float, float, bool]] = []
        hist_rows: list[tuple[int, int, FloatArray, FloatArray, bool]] = []
        template_names: list[str] = []
        grid_rows: list[tuple[int, int, FloatArray, FloatArray, FloatArray]] = []
        for s_i, sample in enumerate(samples):
            where = f"samples[{sample.name!r}]"
            nom = _check_template(resolve(sample.nominal, where), self.shape, where)
            if is_parametric(sample.nominal):
                self._parametric_nominal.append((s_i, sample.nominal))  # type: ignore[arg-type]
                template_names += sample.nominal.parameters  # type: ignore[union-attr]
            nominal[s_i] = nom.ravel()
            for mod in sample.modifiers:
                if mod.parameter not in index:
                    raise ValueError(
                        f"modifiers: sample {sample.name!r} uses unknown parameter "
                        f"{mod.parameter!r}; declared: {names}"
                    )
                p_i = index[mod.parameter]
                if isinstance(mod, NormFactor):
                    norm_factor.append((s_i, p_i))
                elif isinstance(mod, NormSys):
                    target = norm_lin if mod.interpolation == "linear" else norm_exp
                    target.append((s_i, p_i, mod.lo, mod.hi, mod.interpolation == "code4"))
                elif isinstance(mod, GridSys):
                    what = f"samples[{sample.name!r}].gridsys[{mod.parameter!r}]"
                    if any(r[0] == s_i for r in grid_rows):
                        raise ValueError(f"{what}: a sample takes at most one GridSys")
                    nodes = np.asarray(mod.nodes, dtype=np.float64)
                    temps = np.stack([
                        _check_template(t, self.shape, f"{what}.templates[{k}]").ravel()
                        for k, t in enumerate(mod.templates)
                    ])
                    lo_b, hi_b = parameters[p_i].bounds
                    if lo_b is None or hi_b is None or lo_b < nodes[0] or hi_b > nodes[-1]:
                        raise ValueError(
                            f"{what}: parameter bounds {parameters[p_i].bounds} must lie inside "
                            f"the tabulated range [{nodes[0]:g}, {nodes[-1]:g}]"
                        )
                    ratio_coef, add_coef = gridsys_coefficients(nodes, temps)
                    grid_rows.append((s_i, p_i, nodes, ratio_coef, add_coef))
                else:
                    what = f"samples[{sample.name!r}].histosys[{mod.parameter!r}]"
                    lo = _check_template(resolve(mod.lo, what), self.shape, what + ".lo").ravel()
                    hi = _check_template(resolve(mod.hi, what), self.shape, what + ".hi").ravel()
                    if is_parametric(mod.lo) or is_parametric(mod.hi):
                        self._parametric_histosys.append((len(hist_rows), mod.lo, mod.hi))
                        for t in (mod.lo, mod.hi):
                            if is_parametric(t):
                                template_names += t.parameters  # type: ignore[union-attr]
                    hist_rows.append((s_i, p_i, lo - nom.ravel(), hi - nom.ravel(),
                                      mod.interpolation == "code4p"))
        self._nominal = nominal
        self.template_parameters = tuple(dict.fromkeys(template_names))
        self._template_index = np.array([index[n] for n in self.template_parameters],
                                        dtype=np.intp)
        self._nf_sample = np.array([r[0] for r in norm_factor], dtype=np.intp)
        self._nf_param = np.array([r[1] for r in norm_factor], dtype=np.intp)
        self._nl_sample = np.array([r[0] for r in norm_lin], dtype=np.intp)
        self._nl_param = np.array([r[1] for r in norm_lin], dtype=np.intp)
        self._nl_lo = np.array([r[2] for r in norm_lin]) - 1.0
        self._nl_hi = np.array([r[3] for r in norm_lin]) - 1.0
        self._ne_sample = np.array([r[0] for r in norm_exp], dtype=np.intp)
        self._ne_param = np.array([r[1] for r in norm_exp], dtype=np.intp)
        self._ne_loglo = np.log(np.array([r[2] for r in norm_exp]))
        self._ne_loghi = np.log(np.array([r[3] for r in norm_exp]))
        self._ne_poly = np.array([r[4] for r in norm_exp], dtype=bool)
        self._ne_coef = np.array(
            [_code4_coefficients(r[2], r[3]) for r in norm_exp]
        ).reshape(len(norm_exp), 6)
        self._hs_sample = np.array([r[0] for r in hist_rows], dtype=np.intp)
        self._hs_param = np.array([r[1] for r in hist_rows], dtype=np.intp)
        d_lo = np.array([r[2] for r in hist_rows]).reshape(len(hist_rows), n_bins)
        d_hi = np.array([r[3] for r in hist_rows]).reshape(len(hist_rows), n_bins)
        self._hs_up = d_hi  # Δ⁺ = hi − nominal
        self._hs_dn = -d_lo  # Δ⁻ = nominal − lo
        self._hs_smooth = np.array([r[4] for r in hist_rows], dtype=bool)
        self._hs_sum = 0.5 * (self._hs_up + self._hs_dn)
        self._hs_asym = 0.0625 * (self._hs_up - self._hs_dn)
        # One-hot matrix mapping histosys rows to samples for a single matmul.
        self._hs_to_sample = np.zeros((n_samples, len(hist_rows)))
        self._hs_to_sample[self._hs_sample, np.arange(len(hist_rows))] = 1.0
        self._grid_rows = tuple(grid_rows)
        self._floor = floor_scale(nominal, self._hs_to_sample @ np.abs(d_hi),
                                  self._hs_to_sample @ np.abs(d_lo))
        self.init = np.array([p.init for p in parameters], dtype=np.float64)
        self.bounds = [p.bounds for p in parameters]
        constrained = [i for i, p in enumerate(parameters) if p.constraint is not None]
        self.constrained_index = np.array(constrained, dtype=np.intp)
        self.constraint_mean = np.array(
            [parameters[i].constraint[0] for i in constrained], dtype=np.float64  # type: ignore[index]
        )
        self.constraint_sigma = np.array(
            [parameters[i].constraint[1] for i in constrained], dtype=np.float64  # type: ignore[index]
        )

    # ------------------------------------------------------------------ evaluation
    @property
    def n_bins(self) -> int:
        """Number of bins (product of the template shape)."""
        return int(self._nominal.shape[1])

    def can_populate(self) -> NDArray[np.bool_]:
        """Bins (flattened) that some sample or shape variation can make non-empty."""
        support = np.abs(self._nominal).sum(axis=0)
        if self.template_parameters:
            return np.ones(self.n_bins, dtype=bool)  # a parametric sample may fill any bin
        if self._hs_up.size:
            support = support + np.abs(self._hs_up).sum(axis=0) + np.abs(self._hs_dn).sum(axis=0)
        return np.asarray(support > 0)

    def index(self, name: str) -> int:
        """Position of parameter ``name`` in the parameter vector."""
        try:
            return self.parameter_names.index(name)
        except ValueError:
            raise ValueError(
                f"name: unknown parameter {name!r}; allowed: {list(self.parameter_names)}"
            ) from None

    def vector(self, values: Mapping[str, float] | None = None) -> FloatArray:
        """Parameter vector at the initial values, overridden by ``values`` (by name)."""
        x = self.init.copy()
        for key, val in (values or {}).items():
            x[self.index(key)] = float(val)
        return x

    def sample_factors(self, x: FloatArray) -> FloatArray:
        """Multiplicative factor of each sample (shape ``(n_samples,)``)."""
        factor = np.ones(len(self.samples))
        if self._nf_sample.size:
            np.multiply.at(factor, self._nf_sample, x[self._nf_param])
        if self._nl_sample.size:
            a = x[self._nl_param]
            f = 1.0 + np.where(a >= 0, a * self._nl_hi, -a * self._nl_lo)
            np.multiply.at(factor, self._nl_sample, np.maximum(f, 0.0))
        if self._ne_sample.size:
            a = x[self._ne_param]
            fe = np.exp(np.where(a >= 0, a * self._ne_loghi, -a * self._ne_loglo))
            if self._ne_poly.any():
                powers = a[:, None] ** np.arange(1, 7)
                poly = 1.0 + np.sum(self._ne_coef * powers, axis=1)
                inside = np.logical_and(self._ne_poly, np.abs(a) < 1.0)
                fe = np.where(inside, poly, fe)
            np.multiply.at(factor, self._ne_sample, fe)
        return factor

    def _templates_at(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Nominal counts and histosys deltas with the parametric templates evaluated at ``x``."""
        if not self.template_parameters:
            return self._nominal, self._hs_up, self._hs_dn, self._hs_sum, self._hs_asym
        values = dict(zip(self.template_parameters, x[self._template_index].tolist(),
                          strict=True))
        nominal = self._nominal.copy()
        for s_i, template in self._parametric_nominal:
            nominal[s_i] = np.ravel(template(values))
        hs_up, hs_dn = self._hs_up, self._hs_dn
        if self._parametric_histosys:
            hs_up, hs_dn = hs_up.copy(), hs_dn.copy()
            for row, lo, hi in self._parametric_histosys:
                nom = nominal[self._hs_sample[row]]
                lo_v = evaluate(lo, values).ravel()
                hi_v = evaluate(hi, values).ravel()
                hs_up[row] = hi_v - nom
                hs_dn[row] = nom - lo_v
            return (nominal, hs_up, hs_dn, 0.5 * (hs_up + hs_dn), 0.0625 * (hs_up - hs_dn))
        return nominal, hs_up, hs_dn, self._hs_sum, self._hs_asym

    def sample_counts(self, x: FloatArray) -> FloatArray:
        """Expected counts per sample and bin, shape ``(n_samples, n_bins)`` (flattened bins)."""
        x = np.asarray(x, dtype=np.float64)
        counts, hs_up, hs_dn, hs_sum, hs_asym = self._templates_at(x)
        if self._hs_param.size:
            a = x[self._hs_param][:, None]
            linear = np.where(a >= 0, a * hs_up, a * hs_dn)
            if self._hs_smooth.any():
                # pyhf code 4p: polynomial for |α| < 1, matching value, slope, curvature at ±1.
                a2 = a * a
                poly = a * (hs_sum + a * hs_asym * (15.0 + a2 * (3.0 * a2 - 10.0)))
                smooth = np.where(np.abs(a) < 1.0, poly, linear)
                delta = np.where(self._hs_smooth[:, None], smooth, linear)
            else:
                delta = linear
            counts = counts + self._hs_to_sample @ delta
        if self._hs_param.size:
            counts, _ = smooth_floor(counts, self._floor)
        if self._grid_rows:
            counts = counts.copy()
            for s_i, p_i, nodes, ratio_coef, add_coef in self._grid_rows:
                a = np.asarray(x[p_i])
                counts[s_i] = (counts[s_i] * pchip_evaluate(nodes, ratio_coef, a)[0]
                               + pchip_evaluate(nodes, add_coef, a)[0])
        return counts * self.sample_factors(x)[:, None]

    def frozen(self, values: Mapping[str, float]) -> BinnedModel:
        """The model with the parametric templates evaluated at ``values``.

        ``values`` may name any subset of :attr:`template_parameters`; those parameters are
        removed (templates still depending on others stay parametric). Parameters used by a
        modifier cannot be frozen here (fix them in the fit instead).
        """
        unknown = [k for k in values if k not in self.template_parameters]
        if unknown:
            raise ValueError(f"values: {unknown[0]!r} is not a parameter of a parametric "
                             f"template; allowed: {list(self.template_parameters)}")
        used = {m.parameter for smp in self.samples for m in smp.modifiers}
        clash = [k for k in values if k in used]
        if clash:
            raise ValueError(f"values: {clash[0]!r} is also used by a modifier; fix it in the "
                             "fit instead")
        fixed = {k: float(v) for k, v in values.items()}

        def restrict(obj: object) -> object:
            return obj.restrict(fixed) if is_parametric(obj) else obj  # type: ignore[attr-defined]

        samples = []
        for smp in self.samples:
            mods: list[Modifier] = [
                HistoSys(m.parameter, restrict(m.lo), restrict(m.hi),  # type: ignore[arg-type]
                         m.interpolation) if isinstance(m, HistoSys) else m
                for m in smp.modifiers]
            samples.append(Sample(smp.name, restrict(smp.nominal), tuple(mods)))  # type: ignore[arg-type]
        return BinnedModel(samples, [p for p in self.parameters if p.name not in fixed])

    def expected(self, x: FloatArray) -> FloatArray:
        """Total expected counts per bin (flattened, shape ``(n_bins,)``)."""
        total: FloatArray = self.sample_counts(x).sum(axis=0)
        return total

    def expected_by_sample(self, x: FloatArray) -> dict[str, FloatArray]:
        """Expected counts of each named sample, in the template shape."""
        counts = self.sample_counts(x)
        return {s.name: counts[i].reshape(self.shape) for i, s in enumerate(self.samples)}


def _pad(values: FloatArray | ParametricTemplate, offset: int, total: int,
         rename: dict[str, str] | None = None) -> FloatArray | ParametricTemplate:
    if is_parametric(values):
        template: ParametricTemplate = values  # type: ignore[assignment]
        names = tuple(((rename or {}).get(n, n), n) for n in template.parameters)
        return MappedTemplate(template, offset, total, names)
    out = np.zeros(total)
    flat = np.asarray(values, dtype=np.float64).ravel()
    out[offset:offset + flat.size] = flat
    return out


def combine_models(
    channels: Mapping[str, BinnedModel],
    shared: Sequence[str] | None = None,
) -> tuple[BinnedModel, dict[str, slice]]:
    """Join several channels into one flat model (HistFactory multi-channel).

    Bins are concatenated (each channel flattened, in the given order); samples are renamed
    ``"<channel>/<sample>"``. Parameters named in ``shared`` are common to all channels and
    must be declared identically in each (e.g. a common flux nuisance; their further fit
    ``starts`` are pooled); every other parameter
    is renamed ``"<channel>/<name>"``. With ``shared=None`` all same-named parameters are
    shared (and must agree).

    Returns
    -------
    (model, slices)
        The combined model (1-D shape) and each channel's slice of the flat bin axis.
    """
    if not channels:
        raise ValueError("channels: need at least one channel to combine")
    total = sum(m.n_bins for m in channels.values())
    params: dict[str, Parameter] = {}
    samples: list[Sample] = []
    slices: dict[str, slice] = {}
    offset = 0
    for cname, m in channels.items():
        def rename(name: str, cname: str = cname) -> str:
            return name if shared is None or name in shared else f"{cname}/{name}"

        for p in m.parameters:
            q = replace(p, name=rename(p.name))
            if q.name in params:
                before = params[q.name]
                if replace(before, starts=()) != replace(q, starts=()):
                    raise ValueError(
                        f"parameters: shared {q.name!r} is declared differently in channel "
                        f"{cname!r} ({q}) and before ({before})"
                    )
                # further fit starts (e.g. each channel's sign-reversal point) are all kept
                q = replace(q, starts=tuple(dict.fromkeys(before.starts + q.starts)))
            params[q.name] = q
        names = {p.name: rename(p.name) for p in m.parameters}
        for smp in m.samples:
            mods: list[Modifier] = []
            for mod in smp.modifiers:
                if isinstance(mod, HistoSys):
                    mods.append(HistoSys(rename(mod.parameter),
                                         _pad(mod.lo, offset, total, names),
                                         _pad(mod.hi, offset, total, names), mod.interpolation))
                elif isinstance(mod, NormSys):
                    mods.append(NormSys(rename(mod.parameter), mod.lo, mod.hi,
                                        mod.interpolation))
                elif isinstance(mod, GridSys):
                    padded = np.zeros((len(mod.nodes), total))
                    padded[:, offset:offset + m.n_bins] = np.reshape(mod.templates,
                                                                     (len(mod.nodes), -1))
                    mods.append(GridSys(rename(mod.parameter), mod.nodes, padded))
                else:
                    mods.append(NormFactor(rename(mod.parameter)))
            samples.append(Sample(f"{cname}/{smp.name}", _pad(smp.nominal, offset, total, names),
                                  tuple(mods)))
        slices[cname] = slice(offset, offset + m.n_bins)
        offset += m.n_bins
    return BinnedModel(samples, list(params.values())), slices
