"""Parametric CEvNS templates of an analysis for a new-physics model.

:func:`model_templates` turns "predict the analysis' CEvNS counts for this model" into
parametric templates in the chosen parameters of interest (POIs):

* all POIs of kind ``"quadratic"`` → one exact :class:`~cevns.stats.templates.QuadraticTemplate`
  (``1 + 2n + n(n−1)/2`` full predictions);
* one ``"nonlinear"`` POI (a mass, ``Δm²``, a radius) → an
  :class:`~cevns.stats.templates.InterpolatedTemplate` on the parameter's grid, each node exact
  in the quadratic POIs. More than one nonlinear POI is not supported (fix the others).

Parameters of the model that are not POIs stay at the model's values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2

from cevns.models.base import ModelParameter, NewPhysics
from cevns.stats.likelihood import BinnedLikelihood, FitResult, ProfileScan, fit
from cevns.stats.model import BinnedModel, Parameter
from cevns.stats.templates import InterpolatedTemplate, QuadraticTemplate
from cevns.types import FloatArray

__all__ = ["allowed_segments", "auto_scan", "model_parameters", "model_templates",
           "profile_intervals", "resolve_pois", "upper_limit"]

#: Aim of the adaptive design step: the largest relative change of the counts at one step.
_TARGET_CHANGE = 0.3


def resolve_pois(model: NewPhysics, pois: Sequence[str] | None) -> tuple[str, ...]:
    """The POI names (default: every parameter of the model), checked against the model."""
    names = tuple(pois) if pois is not None else tuple(p.name for p in model.parameters)
    for n in names:
        model.parameter(n)
    if not names:
        raise ValueError("pois: need at least one parameter of interest")
    nonlinear = [n for n in names if model.parameter(n).kind == "nonlinear"]
    if len(nonlinear) > 1:
        raise ValueError(f"pois: at most one nonlinear parameter can be free, got {nonlinear}; "
                         "fix the others at a value (e.g. --param NAME=VALUE)")
    return names


def _grid(param: ModelParameter, grid: Sequence[float] | None) -> FloatArray:
    if grid is not None:
        nodes = np.asarray(grid, dtype=np.float64)
    elif param.grid is not None:
        lo, hi, n = param.grid
        nodes = np.geomspace(lo, hi, n) if param.log else np.linspace(lo, hi, n)
    else:
        raise ValueError(f"grid: parameter {param.name!r} has no default grid; pass one")
    for v in nodes:
        param.check(v)
    return nodes


def _adaptive_steps(
    function: Callable[[Mapping[str, float]], FloatArray],
    params: Sequence[ModelParameter],
    centre: Sequence[float],
) -> list[float]:
    """Design steps giving an O(0.3) relative change (only conditioning; the fit is exact)."""
    base_values = dict(zip([p.name for p in params], centre, strict=True))
    base = function(base_values)
    scale = float(np.max(np.abs(base))) or 1.0
    steps = []
    for p, c in zip(params, centre, strict=True):
        # the template's farthest design point is two steps above the centre (in value**power):
        # keep it inside the parameter's range (a mixing |U|² ≤ 1)
        room = p.bounds[1] ** p.power - c**p.power
        largest = (0.5 * room) ** (1.0 / p.power) if room > 0 else p.step
        step = min(p.step, largest)
        for _ in range(3):
            trial = dict(base_values)
            trial[p.name] = c + step if p.power == 1 else (c**p.power + step**p.power) ** (
                1.0 / p.power)
            change = float(np.max(np.abs(function(trial) - base))) / scale
            if change <= 0 or 0.03 < change < 3.0:
                break
            # counts move ∝ u (then u²) with u = step^p: rescale towards the target change
            factor = (_TARGET_CHANGE / change) ** (0.5 if change > 1 else 1.0)
            step = min(step * factor ** (1.0 / p.power), largest)
        steps.append(step)
    return steps


def model_templates(
    predict: Callable[[NewPhysics], FloatArray],
    model: NewPhysics,
    pois: Sequence[str],
    grid: Sequence[float] | None = None,
) -> QuadraticTemplate | InterpolatedTemplate:
    """Parametric template of ``predict(model)`` (any array shape) in the POIs.

    Parameters
    ----------
    predict
        Full prediction for a model: counts, possibly with a leading axis of several outputs
        (nominal and ±1σ response variations); use ``.component(k)`` on the result to split.
    model
        The model; non-POI parameters stay at its values.
    pois
        Parameter names (at most one nonlinear).
    grid
        Nodes of the nonlinear POI (default: the parameter's grid).
    """
    names = resolve_pois(model, pois)
    params = [model.parameter(n) for n in names]
    nonlinear = [p for p in params if p.kind == "nonlinear"]
    quad = [p for p in params if p.kind != "nonlinear"]
    values = model.values()

    def quadratic_at(base: NewPhysics) -> QuadraticTemplate:
        # the design-step search and the template share points (the centre, the accepted
        # step): each distinct point is predicted once
        done: dict[tuple[tuple[str, float], ...], FloatArray] = {}

        def function(v: Mapping[str, float]) -> FloatArray:
            key = tuple(sorted(v.items()))
            if key not in done:
                done[key] = np.asarray(predict(base.with_values(**v)), dtype=np.float64)
            return done[key]

        centre = [values[p.name] for p in quad]
        steps = _adaptive_steps(function, quad, centre)
        one_sided = [c - s < p.bounds[0] for p, c, s in zip(quad, centre, steps, strict=True)]
        return QuadraticTemplate.from_function(function, [p.name for p in quad], centre,
                                               steps, [p.power for p in quad], one_sided)

    if not nonlinear:
        return quadratic_at(model)
    axis = nonlinear[0]
    nodes = _grid(axis, grid)
    templates: list[QuadraticTemplate | FloatArray] = []
    for x in nodes:
        at_node = model.with_values(**{axis.name: float(x)})
        templates.append(quadratic_at(at_node) if quad
                         else np.asarray(predict(at_node), dtype=np.float64))
    return InterpolatedTemplate(axis.name, nodes, tuple(templates), log=axis.log)


def model_parameters(
    model: NewPhysics,
    pois: Sequence[str],
    template: QuadraticTemplate | InterpolatedTemplate,
) -> list[Parameter]:
    """Free, bounded fit parameters for the POIs (start: the model's values; a nonlinear
    POI is bounded by its template grid). A coupling that enters squared (``power`` 2, a
    mediator ``g``) starts at its natural step instead of 0, where its gradient vanishes
    and a minimiser would not move; and, because such a coupling can have a second minimum
    (where it reverses the sign of the weak charge), its null value is a further start
    (``10⁻⁶`` of its range above it): a plain :func:`~cevns.stats.fit` tries both and keeps
    the lower minimum."""
    out = []
    values = model.values()
    for n in pois:
        p = model.parameter(n)
        lo, hi = p.bounds
        if isinstance(template, InterpolatedTemplate) and template.parameter == n:
            lo, hi = template.range
        start = min(max(values[n], lo), hi)
        if p.power % 2 == 0 and start == 0.0:
            start = min(p.step, hi)
        starts: tuple[float, ...] = ()
        if p.power % 2 == 0 and p.null == lo:
            near_null = lo + 1e-6 * (hi - lo)
            mirror = _mirror_point(template, n, values)
            starts = tuple(v for v in (near_null, mirror)
                           if v is not None and lo < v < hi and v != start)
        out.append(Parameter(n, start, (lo, hi), starts=starts))
    return out


def _mirror_point(template: QuadraticTemplate | InterpolatedTemplate, name: str,
                  values: Mapping[str, float]) -> float | None:
    """Where a coupling that first lowers the counts brings them back to their value at the
    null (the total counts, other parameters at the template's centre): past the coupling that
    cancels a weak charge, with the charge reversed, where a second minimum lies. ``None`` if
    the counts only grow."""
    if isinstance(template, InterpolatedTemplate):
        nodes = np.asarray(template.nodes, dtype=np.float64)
        at = values.get(template.parameter, float(nodes[0]))
        key = np.log(nodes) - np.log(at) if template.log else nodes - at
        node = template.templates[int(np.argmin(np.abs(key)))]
        if not isinstance(node, QuadraticTemplate):
            return None
        template = node
    if name not in template.parameters:
        return None
    i = template.parameters.index(name)
    c = float(template.centre[i])
    slope = float(np.sum(template.linear[i]))       # dC/du at u = 0 (u = w − c, w = θ^p)
    curvature = float(np.sum(template.quadratic[i, i]))  # d²C/du²
    if curvature <= 0.0:
        return None
    # C(w) − C(0) = (w)(slope − c·curvature + ½ curvature·w) in w = θ^p: its other root
    w = 2.0 * (c * curvature - slope) / curvature
    if w <= 0.0:
        return None
    return float(w ** (1.0 / template.powers[i]))


def auto_scan(model: BinnedModel, best: FitResult, parameter: str, points: int = 49) -> FloatArray:
    """A profile grid around the best fit: ±6 Hesse errors, clipped to the parameter bounds
    (wide enough for the 95 % CL of the non-parabolic NSI and mediator likelihoods)."""
    lo, hi = model.bounds[model.index(parameter)]
    v, e = best.value(parameter), max(best.error(parameter), 1e-12)
    a = v - 6 * e if lo is None else max(lo, v - 6 * e)
    b = v + 6 * e if hi is None else min(hi, v + 6 * e)
    return np.unique(np.concatenate([np.linspace(a, b, points), [v]]))


def profile_intervals(
    scan: ProfileScan, levels: Sequence[float] = (0.683, 0.90, 0.95)
) -> list[dict[str, object]]:
    """Profile-likelihood intervals at each CL (Wilks, one parameter: ``q ≤ χ²₁(CL)``).

    ``segments`` lists every disjoint allowed range (NSI and charge radii have two minima,
    where the weak charge changes sign); ``low``/``high`` are the outermost ends. An end that
    the scan does not cross is ``None`` with ``"open": true`` (a one-sided limit at a physical
    boundary such as ``μ_ν ≥ 0``, or a range wider than the scan).
    """
    out: list[dict[str, object]] = []
    x, q = np.asarray(scan.values, dtype=np.float64), np.asarray(scan.q, dtype=np.float64)
    for cl in levels:
        level = float(chi2.ppf(cl, 1))
        inside = q <= level
        segments: list[list[float | None]] = []
        i = 0
        while i < x.size:
            if not inside[i]:
                i += 1
                continue
            j = i
            while j + 1 < x.size and inside[j + 1]:
                j += 1
            lo = None if i == 0 else float(np.interp(level, [q[i], q[i - 1]], [x[i], x[i - 1]]))
            hi = None if j == x.size - 1 else float(
                np.interp(level, [q[j], q[j + 1]], [x[j], x[j + 1]]))
            segments.append([lo, hi])
            i = j + 1
        low = segments[0][0] if segments else None
        high = segments[-1][1] if segments else None
        out.append({"parameter": scan.parameter, "cl": cl, "method": "profile likelihood, "
                    "Wilks (q ≤ χ²₁ quantile), all nuisances profiled",
                    "best_fit": float(x[int(np.argmin(q))]), "low": low, "high": high,
                    "segments": segments,
                    "open": any(a is None or b is None for a, b in segments)})
    return out


def _profiled_q(likelihood: BinnedLikelihood, parameter: str, value: float, nll_best: float,
                start: FloatArray) -> tuple[float, FloatArray]:
    """``q = 2 (NLL(value) − NLL_best)`` with every other parameter profiled, and the fit."""
    if len(likelihood.model.parameter_names) == 1:  # nothing to profile
        x = np.array([value], dtype=np.float64)
        return 2.0 * (likelihood.nll(x) - nll_best), x
    res = fit(likelihood, fixed={parameter: value}, start=start, require_convergence=False)
    return 2.0 * (res.nll - nll_best), res.values


def _near_bound_and_global(likelihood: BinnedLikelihood,
                           parameter: str) -> tuple[FitResult, FitResult]:
    """``(near, best)``: a fit started just above the parameter's lower bound (the minimum of
    the basin around the null value) and the lower of that one and a fit from the model's
    start. (A light universal Z′ has a second minimum where it reverses the sign of the weak
    charge; MIGRAD started at the coupling's natural step can end there.) Only those two
    starts: the parameter's further ``starts`` (the sign-reversal point, which a plain
    :func:`~cevns.stats.fit` also tries) are not used, so ``q`` is that of the band around the
    null value; :func:`allowed_segments` measures it from the lowest minimum in its span."""
    model = likelihood.model
    default = fit(likelihood, start=model.init, require_convergence=False)
    lo, hi = model.bounds[model.index(parameter)]
    if lo is None or hi is None:
        return default, default
    start = default.values.copy()
    start[model.index(parameter)] = lo + 1e-6 * (hi - lo)
    near = fit(likelihood, start=start, require_convergence=False)
    return near, (near if near.nll <= default.nll else default)


def upper_limit(likelihood: BinnedLikelihood, parameter: str, cl: float = 0.90) -> float:
    """Profile-likelihood upper limit of a parameter bounded below (a coupling ``g ≥ 0``,
    ``μ_ν ≥ 0``, a mixing ``|U|² ≥ 0``): where ``q`` crosses ``χ²₁(cl)`` above the best fit
    (Wilks, one parameter; every other free parameter profiled). ``q`` is measured from the
    global minimum (the lower of a fit from the model's start and one from just above the
    parameter's lower bound); the search starts at the minimum near the bound.

    This is the *lowest* excluded value: the trial values grow by factors of 2 from ``10⁻⁶``
    of the parameter's range until one has ``q ≥ χ²₁(cl)``; the last two of those octaves are
    then walked upwards again in steps of ``2^{1/8}`` (9 %) of the distance from the best fit,
    and the first step with ``q ≥ χ²₁(cl)`` brackets the crossing, which Brent's method finds
    to ``10⁻⁴`` relative. Where ``q`` is not monotonic (a Z′ that cancels or reverses the weak
    charge: ``q`` rises, falls and rises again), the octave bracket can hold three crossings, or
    jump over a narrow excluded band; the finer walk finds the first crossing whenever the
    excluded band is wider than a step. The allowed band above such an excluded band is not
    reported here: scan it with :func:`allowed_segments`.
    """
    model = likelihood.model
    lo, hi = model.bounds[model.index(parameter)]
    if lo is None or hi is None:
        raise ValueError(f"{parameter}: an upper limit needs a bounded parameter")
    level = float(chi2.ppf(cl, 1))
    near, best = _near_bound_and_global(likelihood, parameter)
    v0 = max(float(near.value(parameter)), lo)
    if 2.0 * (near.nll - best.nll) >= level:
        raise ValueError(f"{parameter}: even its best value near the lower bound is excluded at "
                         f"{cl:.0%} CL (another minimum fits better); scan it with "
                         "allowed_segments")
    step = 1e-6 * (hi - lo)
    walked: list[tuple[float, FloatArray]] = [(v0, near.values)]  # (value, profiled fit)
    while True:
        trial = min(v0 + step, hi)
        q, values = _profiled_q(likelihood, parameter, trial, best.nll, walked[-1][1])
        if q >= level:
            break
        if trial >= hi:
            raise ValueError(f"{parameter}: no {cl:.0%} CL upper limit below its bound {hi:g}")
        walked.append((trial, values))
        step = 2.0 * step
    # walk the last two octaves again, finer: the first step above the level brackets the
    # lowest crossing (an octave can hold three crossings, or skip a narrow excluded band)
    prev, start = walked[max(len(walked) - 2, 0)]
    for fine in v0 + (step / 4.0) * 2.0 ** (np.arange(1, 17) / 8.0):
        if fine <= prev:
            continue
        if fine >= trial:
            break
        q, values = _profiled_q(likelihood, parameter, float(fine), best.nll, start)
        if q >= level:
            trial = float(fine)
            break
        prev, start = float(fine), values
    return float(brentq(
        lambda v: _profiled_q(likelihood, parameter, v, best.nll, start)[0] - level,
        prev, trial, rtol=1e-4, xtol=1e-12 * max(abs(trial), 1.0)))


def allowed_segments(
    likelihood: BinnedLikelihood,
    parameter: str,
    span: tuple[float, float],
    *,
    points: int = 61,
    cl: float = 0.90,
) -> dict[str, object]:
    """Every allowed range of a parameter at ``cl`` inside ``span`` (Wilks, one parameter).

    For likelihoods with more than one minimum (NSI, charge radii: the weak charge can change
    sign). The profile ``q`` is evaluated on ``points`` values, scanning outward from the best
    fit with each fit started both from its inner neighbour and from the best fit (the lower
    of the two kept), and every crossing of
    ``χ²₁(cl)`` is then refined by Brent's method. A segment reaching an end of ``span`` is
    open there (``None``).

    Returns
    -------
    dict
        ``best_fit`` (the lowest scan point or the global fit), ``segments`` (list of
        ``[low, high]``) and ``cl``.
    """
    a, b = span
    if not a < b or points < 3:
        raise ValueError(f"span: need low < high and at least 3 points, got {span}, {points}")
    level = float(chi2.ppf(cl, 1))
    best = _near_bound_and_global(likelihood, parameter)[1]
    x = np.linspace(a, b, points)
    nll = np.full(points, np.inf)
    starts: list[FloatArray] = [best.values] * points
    centre = int(np.clip(np.searchsorted(x, best.value(parameter)), 0, points - 1))
    # outward from the best fit, each fit warm-started from its inner neighbour, and again
    # from the best fit (a chain can stray into a nuisance corner far from the minimum)
    for order in (range(centre, points), range(centre - 1, -1, -1)):
        start = best.values
        for i in order:
            for trial in (start,) if start is best.values else (start, best.values):
                q_i, values = _profiled_q(likelihood, parameter, float(x[i]), 0.0, trial)
                if 0.5 * q_i < nll[i]:
                    nll[i], starts[i] = 0.5 * q_i, values
            start = starts[i]
    nll_best = min(float(best.nll), float(nll.min()))
    q = 2.0 * (nll - nll_best)
    inside = q <= level

    def edge(i: int, j: int) -> float:
        return float(brentq(
            lambda v: _profiled_q(likelihood, parameter, v, nll_best, starts[i])[0] - level,
            float(x[i]), float(x[j]), rtol=1e-5, xtol=1e-9))

    segments: list[list[float | None]] = []
    i = 0
    while i < points:
        if not inside[i]:
            i += 1
            continue
        j = i
        while j + 1 < points and inside[j + 1]:
            j += 1
        segments.append([None if i == 0 else edge(i, i - 1),
                         None if j == points - 1 else edge(j, j + 1)])
        i = j + 1
    best_x = (float(best.value(parameter)) if best.nll <= nll.min()
              else float(x[int(np.argmin(nll))]))
    return {"best_fit": best_x, "segments": segments, "cl": cl}
