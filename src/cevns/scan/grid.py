"""Declarative scan grids: axes (linear or logarithmic) or an explicit list of points.

A grid is validated against the parameters it scans (:meth:`ScanGrid.validate`): unknown
names, values outside a parameter's allowed range, empty axes and duplicate names are one-line
``ValueError`` messages naming the axis and the allowed range.

Points are visited in "snake" order (the last axis reverses direction on every other row), so
consecutive points are neighbours and each fit starts from the previous point's nuisances.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cevns.types import FloatArray

__all__ = ["ScanAxis", "ScanGrid", "parse_axis"]

_AXIS = re.compile(r"^\s*([^=\s]+)\s*=\s*([^:]+):([^:]+):([^:]+)(?::(lin|log))?\s*$")


@dataclass(frozen=True)
class ScanAxis:
    """One scan axis: ``n`` values of parameter ``name`` from ``low`` to ``high`` inclusive,
    evenly spaced (``log=False``) or evenly spaced in ``log10`` (``log=True``, needs ``low > 0``).
    """

    name: str
    low: float
    high: float
    n: int
    log: bool = False

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("axis: needs a parameter name")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(f"axis {self.name}: bounds must be finite, got {self.low}:{self.high}")
        if self.n < 1:
            raise ValueError(f"axis {self.name}: number of points must be ≥ 1, got {self.n}")
        if self.n == 1 and self.low != self.high:
            raise ValueError(f"axis {self.name}: one point needs low == high, "
                             f"got {self.low}:{self.high}")
        if self.n > 1 and not self.low < self.high:
            raise ValueError(f"axis {self.name}: needs low < high, got {self.low}:{self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"axis {self.name}: a log axis needs low > 0, got {self.low}")

    @property
    def values(self) -> FloatArray:
        """The axis values."""
        if self.n == 1:
            return np.array([self.low])
        if self.log:
            return np.asarray(np.logspace(math.log10(self.low), math.log10(self.high), self.n))
        return np.asarray(np.linspace(self.low, self.high, self.n))

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"name": self.name, "low": self.low, "high": self.high, "n": self.n,
                "log": self.log}


def parse_axis(text: str) -> ScanAxis:
    """Parse ``'NAME=LO:HI:N[:log]'`` (e.g. ``'mu_cevns=0:2:41'``, ``'g=1e-6:1e-3:30:log'``)."""
    match = _AXIS.match(text)
    if not match:
        raise ValueError(f"axis: {text!r} is not of the form NAME=LO:HI:N[:log]")
    name, lo, hi, n, scale = match.groups()
    try:
        low, high = float(lo), float(hi)
    except ValueError:
        raise ValueError(f"axis {name}: bounds {lo!r}:{hi!r} are not numbers") from None
    try:
        count = int(n)
    except ValueError:
        raise ValueError(f"axis {name}: number of points {n!r} is not an integer") from None
    return ScanAxis(name, low, high, count, scale == "log")


@dataclass(frozen=True, eq=False)
class ScanGrid:
    """Scan points: the product of ``axes`` (1-D, 2-D, …) or an explicit ``points`` list.

    Parameters
    ----------
    names
        Parameters scanned (the parameters of interest), in column order.
    points
        ``(n_points, n_names)`` values, in visiting order.
    axes
        The axes the points were built from (empty for an explicit list).
    """

    names: tuple[str, ...]
    points: FloatArray
    axes: tuple[ScanAxis, ...] = ()

    @classmethod
    def from_axes(cls, axes: Sequence[ScanAxis]) -> ScanGrid:
        """Product grid of ``axes`` in snake order."""
        if not axes:
            raise ValueError("axis: a scan needs at least one axis")
        names = tuple(a.name for a in axes)
        if len(set(names)) != len(names):
            raise ValueError(f"axis: the same parameter is scanned twice in {list(names)}")
        mesh = np.stack(np.meshgrid(*[a.values for a in axes], indexing="ij"), axis=-1)
        order = _snake_order(tuple(a.n for a in axes))
        return cls(names, mesh.reshape(-1, len(axes))[order], tuple(axes))

    @classmethod
    def from_points(cls, names: Sequence[str], points: Sequence[Sequence[float]] | FloatArray
                    ) -> ScanGrid:
        """An explicit list of points (visited in the given order)."""
        array = np.asarray(points, dtype=np.float64)
        if array.ndim == 1 and len(names) == 1:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] != len(names) or array.shape[0] == 0:
            raise ValueError(f"points: need a non-empty (n, {len(names)}) list of points for "
                             f"{list(names)}, got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError("points: values must be finite")
        if len(set(names)) != len(names):
            raise ValueError(f"points: duplicate parameter names in {list(names)}")
        return cls(tuple(names), array)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape (axes sizes), or ``(n_points,)`` for a list."""
        return tuple(a.n for a in self.axes) if self.axes else (self.points.shape[0],)

    @property
    def c_index(self) -> np.ndarray:
        """Row-major (C-order) grid index of each point in visiting order (list: 0…n−1)."""
        if self.axes:
            return _snake_order(self.shape)
        return np.arange(self.size)

    @property
    def size(self) -> int:
        """Number of points."""
        return int(self.points.shape[0])

    def validate(self, names: Sequence[str],
                 bounds: Sequence[tuple[float | None, float | None]]) -> None:
        """Check every scanned parameter exists and every value lies in its allowed range."""
        for col, name in enumerate(self.names):
            if name not in names:
                raise ValueError(f"axis {name}: unknown parameter; allowed: {list(names)}")
            lo, hi = bounds[list(names).index(name)]
            values = self.points[:, col]
            low = -math.inf if lo is None else lo
            high = math.inf if hi is None else hi
            if values.min() < low or values.max() > high:
                raise ValueError(
                    f"axis {name}: values {values.min():g}…{values.max():g} outside the allowed "
                    f"range [{low:g}, {high:g}]"
                )

    def as_dict(self) -> dict[str, object]:
        """JSON form (axes, or the explicit points)."""
        if self.axes:
            return {"axes": [a.as_dict() for a in self.axes]}
        return {"names": list(self.names), "points": self.points.tolist()}


def _snake_order(shape: tuple[int, ...]) -> np.ndarray:
    """Flat C-order indices of a grid of ``shape`` visited boustrophedon (neighbours adjacent)."""
    index = np.arange(int(np.prod(shape))).reshape(shape)
    if len(shape) >= 2:
        flat = index.reshape(-1, shape[-1]).copy()
        flat[1::2] = flat[1::2, ::-1]
        index = flat.reshape(shape)
    return np.asarray(index.ravel())
