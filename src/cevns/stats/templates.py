"""Parametric templates: expected counts that depend on physics parameters.

A sample's nominal counts (or a shape variation) may be a :class:`ParametricTemplate` instead
of a fixed array: an object with ``parameters`` (names of ordinary parameters of the
:class:`~cevns.stats.model.BinnedModel`), ``__call__(values) -> counts`` and
``gradient(values) -> {name: d counts / d value}``.

* :class:`QuadraticTemplate` — ``counts = C + Σ_i L_i u_i + Σ_{i≤j} Q_ij u_i u_j`` with
  ``u_i = θ_i^{p_i} − c_i`` (``p_i = 1`` for a coupling entering the weak charge linearly, 2 for
  a mediator coupling ``g`` whose square multiplies the propagator). CEvNS counts are exactly
  of this form in NSI ε, ``sin²θ_W``, charge radii, mixings at fixed Δm², … because the
  cross section is quadratic in the weak charge and the detector response is linear in the
  rate; :meth:`QuadraticTemplate.from_function` obtains ``C, L, Q`` exactly (to rounding) from
  ``1 + 2n + n(n−1)/2`` evaluations of the full prediction.
* :class:`InterpolatedTemplate` — one nonlinear parameter (a mediator mass, ``Δm²``, a neutron
  radius) on a grid of nodes, each node a fixed array or a :class:`QuadraticTemplate` in the
  other parameters; natural cubic spline in the parameter (or in its logarithm), with the
  derivative of the spline as gradient.

Templates support :meth:`restrict` (fix some parameters → a template in the others, or an
array when none is left), which :meth:`BinnedModel.frozen` uses for scans.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy.interpolate import CubicSpline

from cevns.types import FloatArray

__all__ = [
    "InterpolatedTemplate",
    "MappedTemplate",
    "ParametricTemplate",
    "QuadraticTemplate",
    "ScaledTemplate",
    "evaluate",
    "evaluate_many",
    "is_parametric",
]


@runtime_checkable
class ParametricTemplate(Protocol):
    """Counts as a function of named parameters (see the module docstring)."""

    @property
    def parameters(self) -> tuple[str, ...]: ...

    def __call__(self, values: Mapping[str, float]) -> FloatArray: ...

    def gradient(self, values: Mapping[str, float]) -> dict[str, FloatArray]: ...

    def restrict(self, values: Mapping[str, float]) -> ParametricTemplate | FloatArray: ...


def is_parametric(obj: object) -> bool:
    """Whether ``obj`` is a parametric template (rather than a fixed array)."""
    return isinstance(obj, ParametricTemplate) and not isinstance(obj, np.ndarray)


def evaluate(obj: ParametricTemplate | FloatArray, values: Mapping[str, float]) -> FloatArray:
    """Counts of a template or a fixed array at ``values``."""
    if is_parametric(obj):
        return np.asarray(obj(values), dtype=np.float64)  # type: ignore[operator]
    return np.asarray(obj, dtype=np.float64)


def evaluate_many(obj: ParametricTemplate | FloatArray, values: Mapping[str, FloatArray],
                  n_points: int) -> FloatArray:
    """Flattened counts of a template (or a fixed array) at ``n_points`` parameter points at
    once, shape ``(n_points, size)``; ``values`` maps each parameter to ``(n_points,)`` values.

    Templates with a vectorised ``many`` method (:class:`QuadraticTemplate` and the wrappers
    around it) evaluate every point in one contraction over (points, bins); others are
    evaluated point by point. Equal to :func:`evaluate` at each point (to rounding).
    """
    return _many(obj, values, n_points).reshape(n_points, -1)


def _many(obj: ParametricTemplate | FloatArray, values: Mapping[str, FloatArray],
          n_points: int) -> FloatArray:
    """Counts at many points, shape ``(n_points, *shape)``."""
    if not is_parametric(obj):
        fixed = np.asarray(obj, dtype=np.float64)
        return np.asarray(np.broadcast_to(fixed, (n_points, *fixed.shape)), dtype=np.float64)
    many = getattr(obj, "many", None)
    if many is not None:
        return np.asarray(many(values), dtype=np.float64)
    names = obj.parameters  # type: ignore[union-attr]
    return np.stack([evaluate(obj, {n: float(values[n][k]) for n in names})
                     for k in range(n_points)])


def _n_points(values: Mapping[str, FloatArray]) -> int:
    return int(np.size(next(iter(values.values())))) if values else 1


def _values(names: Sequence[str], values: Mapping[str, float]) -> FloatArray:
    try:
        return np.array([float(values[n]) for n in names], dtype=np.float64)
    except KeyError as exc:
        raise ValueError(f"values: template parameter {exc.args[0]!r} not given; "
                         f"needs {list(names)}") from None


def _many_values(names: Sequence[str], values: Mapping[str, FloatArray]) -> FloatArray:
    try:
        cols = [np.asarray(values[n], dtype=np.float64) for n in names]
    except KeyError as exc:
        raise ValueError(f"values: template parameter {exc.args[0]!r} not given; "
                         f"needs {list(names)}") from None
    return np.stack([np.atleast_1d(c) for c in cols], axis=1)


@dataclass(frozen=True, eq=False)
class QuadraticTemplate:
    """``C + Σ L_i u_i + Σ_{i≤j} Q_ij u_i u_j``, ``u_i = θ_i^{p_i} − c_i`` (exact quadratic).

    Attributes
    ----------
    parameters
        Parameter names ``θ_i``.
    constant
        ``C``, the counts at ``u = 0`` (shape of the observation).
    linear
        ``L``, shape ``(n,) + shape``.
    quadratic
        The symmetric Hessian ``S = ∂²counts/∂u_i∂u_j``, shape ``(n, n) + shape``, so that
        ``counts = C + L·u + ½ uᵀ S u`` (``S_ii = 2Q_ii``, ``S_ij = Q_ij`` for ``i < j``).
    centre
        ``c_i`` (in the variable ``θ^p``).
    powers
        ``p_i``.
    """

    parameters: tuple[str, ...]
    constant: FloatArray
    linear: FloatArray
    quadratic: FloatArray
    centre: FloatArray
    powers: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the counts."""
        return tuple(np.shape(self.constant))

    def _u(self, values: Mapping[str, float]) -> FloatArray:
        theta = _values(self.parameters, values)
        return np.asarray(theta ** np.array(self.powers) - self.centre, dtype=np.float64)

    def __call__(self, values: Mapping[str, float]) -> FloatArray:
        u = self._u(values)
        n = u.size
        flat_l = self.linear.reshape(n, -1)
        flat_q = self.quadratic.reshape(n * n, -1)
        out = self.constant.ravel() + u @ flat_l + 0.5 * (np.outer(u, u).ravel() @ flat_q)
        return np.asarray(out.reshape(self.shape), dtype=np.float64)

    def many(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Counts at many points (``values``: ``(n_points,)`` per parameter), shape
        ``(n_points, *shape)``: one contraction over (points, bins)."""
        theta = _many_values(self.parameters, values)
        u = theta ** np.array(self.powers) - self.centre
        n = u.shape[1]
        flat_l = self.linear.reshape(n, -1)
        flat_q = self.quadratic.reshape(n * n, -1)
        outer = (u[:, :, None] * u[:, None, :]).reshape(u.shape[0], n * n)
        out = self.constant.ravel() + u @ flat_l + 0.5 * (outer @ flat_q)
        return np.asarray(out.reshape(u.shape[0], *self.shape), dtype=np.float64)

    def gradient(self, values: Mapping[str, float]) -> dict[str, FloatArray]:
        theta = _values(self.parameters, values)
        u = self._u(values)
        n = u.size
        du = self.linear.reshape(n, -1) + np.tensordot(u, self.quadratic.reshape(n, n, -1),
                                                       axes=(0, 0))
        chain = np.array([p * t ** (p - 1) for p, t in zip(self.powers, theta, strict=True)])
        return {name: (du[i] * chain[i]).reshape(self.shape)
                for i, name in enumerate(self.parameters)}

    def restrict(self, values: Mapping[str, float]) -> QuadraticTemplate | FloatArray:
        """Fix the parameters named in ``values``; a template in the rest (exact)."""
        fixed = [i for i, n in enumerate(self.parameters) if n in values]
        if not fixed:
            return self
        free = [i for i, n in enumerate(self.parameters) if n not in values]
        theta = np.array([float(values[self.parameters[i]]) for i in fixed])
        uf = theta ** np.array([self.powers[i] for i in fixed]) - self.centre[fixed]
        lf = self.linear[fixed]
        qff = self.quadratic[np.ix_(fixed, fixed)]
        const = (self.constant + np.tensordot(uf, lf, axes=(0, 0))
                 + 0.5 * np.tensordot(uf, np.tensordot(uf, qff, axes=(0, 0)), axes=(0, 0)))
        if not free:
            return np.asarray(const, dtype=np.float64)
        lin = self.linear[free] + np.tensordot(uf, self.quadratic[np.ix_(fixed, free)],
                                               axes=(0, 0))
        quad = self.quadratic[np.ix_(free, free)]
        return QuadraticTemplate(tuple(self.parameters[i] for i in free), const, lin, quad,
                                 self.centre[free], tuple(self.powers[i] for i in free))

    def component(self, index: int) -> QuadraticTemplate:
        """The template of output ``index`` when the counts carry a leading output axis."""
        return QuadraticTemplate(self.parameters, self.constant[index], self.linear[:, index],
                                 self.quadratic[:, :, index], self.centre, self.powers)

    def scaled(self, factor: FloatArray) -> QuadraticTemplate:
        """The template times a fixed per-bin ``factor`` (still exact)."""
        f = np.asarray(factor, dtype=np.float64)
        return QuadraticTemplate(self.parameters, self.constant * f, self.linear * f,
                                 self.quadratic * f, self.centre, self.powers)

    @classmethod
    def from_function(
        cls,
        function: Callable[[Mapping[str, float]], FloatArray],
        parameters: Sequence[str],
        centre: Sequence[float],
        scale: Sequence[float],
        powers: Sequence[int] | None = None,
        one_sided: Sequence[bool] | None = None,
    ) -> QuadraticTemplate:
        """Exact coefficients from ``1 + 2n + n(n−1)/2`` evaluations of ``function``.

        ``function(values)`` must be exactly quadratic in ``u_i = θ_i^{p_i}``. The design points
        are ``u = c``, ``c ± s_i e_i`` (``c + s_i e_i``, ``c + 2 s_i e_i`` when ``p_i`` is even,
        so that ``θ^{p} ≥ 0``, and when ``one_sided[i]``, for a parameter at a lower bound)
        and ``c + s_i e_i + s_j e_j``; ``scale`` sets ``s_i`` (a well-conditioned step of the
        parameter's natural size).
        """
        names = tuple(parameters)
        n = len(names)
        p = tuple(int(x) for x in (powers or [1] * n))
        side = tuple(bool(x) for x in (one_sided or [False] * n))
        c_theta = np.asarray(centre, dtype=np.float64)
        c = c_theta ** np.array(p)
        s = np.asarray(scale, dtype=np.float64) ** np.array(p)
        if n == 0:
            raise ValueError("parameters: a quadratic template needs at least one parameter")
        if np.any(s <= 0):
            raise ValueError("scale: template steps must be > 0")

        def at(u: FloatArray) -> FloatArray:
            theta = {}
            for k, name in enumerate(names):
                val = u[k]
                root = abs(val) ** (1.0 / p[k])
                theta[name] = float(root if p[k] % 2 == 0 else math.copysign(root, val))
            return np.asarray(function(theta), dtype=np.float64)

        base = at(c)
        lin = np.empty((n, *base.shape))
        quad = np.zeros((n, n, *base.shape))
        for i in range(n):
            a, b = (s[i], 2 * s[i]) if p[i] % 2 == 0 or side[i] else (s[i], -s[i])
            e = np.zeros(n)
            e[i] = 1.0
            fa, fb = at(c + a * e) - base, at(c + b * e) - base
            # fa = L a + ½S a², fb = L b + ½S b²  (S = 2Q_ii)
            det = a * b * b - b * a * a
            lin[i] = (fa * b * b - fb * a * a) / det
            quad[i, i] = 2.0 * (a * fb - b * fa) / det
        for i in range(n):
            for j in range(i + 1, n):
                e = np.zeros(n)
                e[i], e[j] = s[i], s[j]
                fij = at(c + e) - base
                rest = (lin[i] * s[i] + lin[j] * s[j]
                        + 0.5 * quad[i, i] * s[i] ** 2 + 0.5 * quad[j, j] * s[j] ** 2)
                quad[i, j] = quad[j, i] = (fij - rest) / (s[i] * s[j])
        return cls(names, base, lin, quad, c, p)


@dataclass(frozen=True, eq=False)
class InterpolatedTemplate:
    """One nonlinear parameter on a grid; each node an array or a :class:`QuadraticTemplate`.

    ``log=True`` interpolates in ``log(θ)`` (masses, ``Δm²``). Natural cubic spline through the
    nodes of every coefficient; outside the grid the value is clamped to the end nodes'
    range by a ValueError (the parameter's fit bounds are the grid's range).
    """

    parameter: str
    nodes: FloatArray
    templates: tuple[QuadraticTemplate | FloatArray, ...]
    log: bool = False

    def __post_init__(self) -> None:
        x = np.asarray(self.nodes, dtype=np.float64)
        if x.ndim != 1 or x.size < 4 or np.any(np.diff(x) <= 0):
            raise ValueError(f"nodes: {self.parameter!r} needs at least 4 increasing nodes")
        if self.log and x[0] <= 0:
            raise ValueError(f"nodes: {self.parameter!r} log interpolation needs nodes > 0")
        if len(self.templates) != x.size:
            raise ValueError("templates: one template per node")
        first = self.templates[0]
        inner: tuple[str, ...] = first.parameters if isinstance(first, QuadraticTemplate) else ()
        for t in self.templates:
            names = t.parameters if isinstance(t, QuadraticTemplate) else ()
            if names != inner:
                raise ValueError("templates: every node must depend on the same parameters")
        object.__setattr__(self, "_inner", inner)
        xs = np.log(x) if self.log else x
        if inner:
            qt = [t for t in self.templates if isinstance(t, QuadraticTemplate)]
            coefs = [np.stack([t.constant for t in qt]), np.stack([t.linear for t in qt]),
                     np.stack([t.quadratic for t in qt])]
            object.__setattr__(self, "_centre", qt[0].centre)
            object.__setattr__(self, "_powers", qt[0].powers)
        else:
            coefs = [np.stack([np.asarray(t, dtype=np.float64) for t in self.templates])]
        object.__setattr__(self, "_splines",
                           tuple(CubicSpline(xs, c, axis=0, bc_type="natural") for c in coefs))

    @property
    def parameters(self) -> tuple[str, ...]:
        return (self.parameter, *self._inner)  # type: ignore[attr-defined]

    @property
    def range(self) -> tuple[float, float]:
        """``(first node, last node)``."""
        return float(self.nodes[0]), float(self.nodes[-1])

    def _x(self, values: Mapping[str, float]) -> float:
        v = float(_values((self.parameter,), values)[0])
        lo, hi = self.range
        if not lo <= v <= hi:
            raise ValueError(f"{self.parameter}: {v:g} is outside the template grid "
                             f"[{lo:g}, {hi:g}]")
        return math.log(v) if self.log else v

    def _node(self, x: float, nu: int = 0) -> QuadraticTemplate | FloatArray:
        parts = [np.asarray(s(x, nu), dtype=np.float64) for s in self._splines]  # type: ignore[attr-defined]
        if len(parts) == 1:
            return parts[0]
        return QuadraticTemplate(self._inner, parts[0], parts[1], parts[2],  # type: ignore[attr-defined]
                                 self._centre, self._powers)  # type: ignore[attr-defined]

    def __call__(self, values: Mapping[str, float]) -> FloatArray:
        return evaluate(self._node(self._x(values)), values)

    def gradient(self, values: Mapping[str, float]) -> dict[str, FloatArray]:
        x = self._x(values)
        node = self._node(x)
        d_node = self._node(x, 1)
        out: dict[str, FloatArray] = {}
        dx = evaluate(d_node, values)
        if self.log:
            dx = dx / float(values[self.parameter])
        out[self.parameter] = dx
        if isinstance(node, QuadraticTemplate):
            out.update(node.gradient(values))
        return out

    def restrict(self, values: Mapping[str, float]) -> ParametricTemplate | FloatArray:
        if self.parameter in values:
            node = self._node(self._x(values))
            return node.restrict(values) if isinstance(node, QuadraticTemplate) else node
        if not any(n in values for n in self._inner):  # type: ignore[attr-defined]
            return self
        templates = tuple(t.restrict(values) if isinstance(t, QuadraticTemplate) else t
                          for t in self.templates)
        return InterpolatedTemplate(self.parameter, self.nodes, templates, self.log)

    def component(self, index: int) -> InterpolatedTemplate:
        """The template of output ``index`` when the counts carry a leading output axis."""
        return InterpolatedTemplate(
            self.parameter, self.nodes,
            tuple(t.component(index) if isinstance(t, QuadraticTemplate) else t[index]
                  for t in self.templates), self.log)

    def scaled(self, factor: FloatArray) -> InterpolatedTemplate:
        """The template times a fixed per-bin ``factor``."""
        f = np.asarray(factor, dtype=np.float64)
        return InterpolatedTemplate(
            self.parameter, self.nodes,
            tuple(t.scaled(f) if isinstance(t, QuadraticTemplate) else t * f
                  for t in self.templates), self.log)


@dataclass(frozen=True, eq=False)
class ScaledTemplate:
    """A template times a fixed per-bin factor (a relative shape variation)."""

    template: ParametricTemplate
    factor: FloatArray

    @property
    def parameters(self) -> tuple[str, ...]:
        return self.template.parameters

    def __call__(self, values: Mapping[str, float]) -> FloatArray:
        return np.asarray(self.template(values) * self.factor, dtype=np.float64)

    def many(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Counts at many points, shape ``(n_points, *shape)``."""
        inner = _many(self.template, values, _n_points(values))
        return np.asarray(inner * self.factor, dtype=np.float64)

    def gradient(self, values: Mapping[str, float]) -> dict[str, FloatArray]:
        return {k: v * self.factor for k, v in self.template.gradient(values).items()}

    def restrict(self, values: Mapping[str, float]) -> ParametricTemplate | FloatArray:
        inner = self.template.restrict(values)
        if is_parametric(inner):
            return ScaledTemplate(inner, self.factor)  # type: ignore[arg-type]
        return np.asarray(np.asarray(inner, dtype=np.float64) * self.factor, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class MappedTemplate:
    """A template placed in a longer flat bin axis at ``offset`` with renamed parameters
    (what :func:`~cevns.stats.model.combine_models` does to a channel's templates)."""

    template: ParametricTemplate
    offset: int
    total: int
    names: tuple[tuple[str, str], ...]  # (outer name, inner name)

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(outer for outer, _ in self.names)

    def _inner(self, values: Mapping[str, float]) -> dict[str, float]:
        return {inner: values[outer] for outer, inner in self.names if outer in values}

    def _pad(self, array: FloatArray) -> FloatArray:
        out = np.zeros(self.total)
        flat = np.asarray(array, dtype=np.float64).ravel()
        out[self.offset:self.offset + flat.size] = flat
        return out

    def __call__(self, values: Mapping[str, float]) -> FloatArray:
        return self._pad(self.template(self._inner(values)))

    def many(self, values: Mapping[str, FloatArray]) -> FloatArray:
        """Counts at many points, shape ``(n_points, total)``."""
        inner_values = {inner: values[outer] for outer, inner in self.names if outer in values}
        n_points = _n_points(values)
        inner = evaluate_many(self.template, inner_values, n_points)
        out = np.zeros((n_points, self.total))
        out[:, self.offset:self.offset + inner.shape[1]] = inner
        return out

    def gradient(self, values: Mapping[str, float]) -> dict[str, FloatArray]:
        back = {inner: outer for outer, inner in self.names}
        return {back[k]: self._pad(v) for k, v in self.template.gradient(
            self._inner(values)).items()}

    def restrict(self, values: Mapping[str, float]) -> ParametricTemplate | FloatArray:
        inner = self.template.restrict(self._inner(values))
        if not is_parametric(inner):
            return self._pad(np.asarray(inner))
        names = tuple((o, i) for o, i in self.names if o not in values)
        return MappedTemplate(inner, self.offset, self.total, names)  # type: ignore[arg-type]
