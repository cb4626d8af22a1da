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
from scipy.stats import chi2

from cevns.models.base import ModelParameter, NewPhysics
from cevns.stats.likelihood import FitResult, ProfileScan
from cevns.stats.model import BinnedModel, Parameter
from cevns.stats.templates import InterpolatedTemplate, QuadraticTemplate
from cevns.types import FloatArray

__all__ = ["auto_scan", "model_parameters", "model_templates", "profile_intervals",
           "resolve_pois"]

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
        step = p.step
        for _ in range(3):
            trial = dict(base_values)
            trial[p.name] = c + step if p.power == 1 else (c**p.power + step**p.power) ** (
                1.0 / p.power)
            change = float(np.max(np.abs(function(trial) - base))) / scale
            if change <= 0 or 0.03 < change < 3.0:
                break
            # counts move ∝ u (then u²) with u = step^p: rescale towards the target change
            factor = (_TARGET_CHANGE / change) ** (0.5 if change > 1 else 1.0)
            step *= factor ** (1.0 / p.power)
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
        def function(v: Mapping[str, float]) -> FloatArray:
            return np.asarray(predict(base.with_values(**v)), dtype=np.float64)

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
    POI is bounded by its template grid)."""
    out = []
    values = model.values()
    for n in pois:
        p = model.parameter(n)
        lo, hi = p.bounds
        if isinstance(template, InterpolatedTemplate) and template.parameter == n:
            lo, hi = template.range
        start = min(max(values[n], lo), hi)
        out.append(Parameter(n, start, (lo, hi)))
    return out


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

    An end where the scan does not cross the level is reported as ``None`` with
    ``"open": true`` (the interval reaches the scanned range, e.g. a one-sided limit at a
    physical boundary such as ``μ_ν ≥ 0``).
    """
    out: list[dict[str, object]] = []
    x, q = np.asarray(scan.values), np.asarray(scan.q)
    i_min = int(np.argmin(q))
    for cl in levels:
        level = float(chi2.ppf(cl, 1))
        ends: list[float | None] = []
        for qs, xs in ((q[: i_min + 1][::-1], x[: i_min + 1][::-1]), (q[i_min:], x[i_min:])):
            above = np.nonzero(qs > level)[0]
            if above.size == 0:
                ends.append(None)
                continue
            k = int(above[0])
            ends.append(float(np.interp(level, [qs[k - 1], qs[k]], [xs[k - 1], xs[k]])))
        out.append({"parameter": scan.parameter, "cl": cl, "method": "profile likelihood, "
                    "Wilks (q ≤ χ²₁ quantile), all nuisances profiled",
                    "best_fit": float(x[i_min]), "low": ends[0], "high": ends[1],
                    "open": ends[0] is None or ends[1] is None})
    return out
