"""Scan results: the tidy table, Wilks intervals and contours, Feldman–Cousins intervals.

``Δχ² = −2 Δln L = 2 [−ln L(θ₀, θ̂̂) − min(−ln L)]``; by Wilks' theorem (Ann. Math. Stat. 9
(1938) 60) it follows a χ² distribution with as many degrees of freedom as scanned parameters,
so the 68.27/90/95 % regions are ``Δχ² ≤ F⁻¹_{χ²_k}(CL)`` (1.00/2.71/3.84 for one parameter,
2.30/4.61/5.99 for two). Interval ends and contour lines are linearly interpolated between grid
points; an end that reaches the edge of the grid is flagged ``open``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cevns.scan.engine import FC_LEVELS, GUARD_DELTA_CHI2, N_HEAD
from cevns.scan.grid import ScanGrid
from cevns.scan.profiler import STATUS
from cevns.types import FloatArray

__all__ = ["LEVELS", "Interval", "ScanResult", "wilks_threshold"]

#: Confidence levels reported by default.
LEVELS = (0.6827, 0.90, 0.95)


def wilks_threshold(level: float, dof: int) -> float:
    """``Δχ²`` threshold of a ``level`` confidence region in ``dof`` parameters (Wilks)."""
    from scipy.stats import chi2

    if not 0 < level < 1:
        raise ValueError(f"level: confidence level must be in (0, 1), got {level}")
    return float(chi2.ppf(level, dof))


@dataclass(frozen=True)
class Interval:
    """A connected piece ``[low, high]`` of a 1-D confidence set; ``*_open``: grid edge hit."""

    low: float
    high: float
    low_open: bool
    high_open: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"low": self.low, "high": self.high, "low_open": self.low_open,
                "high_open": self.high_open}


def _segments(x: FloatArray, excess: FloatArray) -> list[Interval]:
    """Pieces of ``x`` where ``excess ≤ 0``, ends interpolated linearly."""
    inside = excess <= 0
    out: list[Interval] = []
    i = 0
    n = x.size
    while i < n:
        if not inside[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and inside[j + 1]:
            j += 1
        if i == 0:
            low, low_open = float(x[0]), True
        else:
            a, b = excess[i - 1], excess[i]
            low, low_open = float(x[i - 1] + (x[i] - x[i - 1]) * a / (a - b)), False
        if j == n - 1:
            high, high_open = float(x[-1]), True
        else:
            a, b = excess[j], excess[j + 1]
            high, high_open = float(x[j] + (x[j + 1] - x[j]) * a / (a - b)), False
        out.append(Interval(low, high, low_open, high_open))
        i = j + 1
    return out


def _fmt(value: float) -> str:
    return repr(float(value))


@dataclass(frozen=True, eq=False)
class ScanResult:
    """A finished scan, rows in grid (C) order.

    Attributes
    ----------
    grid
        The scanned grid.
    parameter_names
        Every parameter of the model (columns of ``parameters``).
    rows
        Raw per-point values (see :func:`cevns.scan.engine.compute_chunk`), grid order.
    best, best_nll
        Global best fit (all parameters free) and its ``−ln L``.
    stats
        Timing and executor statistics of the run.
    """

    grid: ScanGrid
    parameter_names: tuple[str, ...]
    rows: FloatArray
    best: FloatArray
    best_nll: float
    fc_toys: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ columns
    @property
    def points(self) -> FloatArray:
        """POI values per row (grid order)."""
        pts = np.empty_like(self.grid.points)
        pts[self.grid.c_index] = self.grid.points
        return pts

    @property
    def nll(self) -> FloatArray:
        """Profiled ``−ln L`` per point."""
        return np.asarray(self.rows[:, 0])

    @property
    def nll_min(self) -> float:
        """Reference minimum: the global fit or the lowest point, whichever is lower."""
        return float(min(self.best_nll, float(np.min(self.nll))))

    @property
    def delta_chi2(self) -> FloatArray:
        """``−2 Δln L`` per point."""
        return np.asarray(2.0 * (self.nll - self.nll_min))

    @property
    def status(self) -> np.ndarray:
        """Fit status code per point (see :data:`cevns.scan.profiler.STATUS`)."""
        return np.asarray(self.rows[:, 1].astype(int))

    @property
    def guarded(self) -> np.ndarray:
        """Whether each point lies where the scan checks its minimum against restarts from
        the global best fit and the nominal nuisances: ``−2 Δln L`` (to the global fit) below
        :data:`cevns.scan.engine.GUARD_DELTA_CHI2`. Further out a point keeps the minimum its
        warm start led to, which may be a higher local one (far outside every contour, but
        its nuisances and ``−2 Δln L`` are then upper bounds rather than the profile)."""
        return np.asarray(2.0 * (self.nll - self.best_nll) < GUARD_DELTA_CHI2)

    @property
    def status_labels(self) -> list[str]:
        """The table's status per point: the method that converged
        (:data:`cevns.scan.profiler.STATUS`), with ``-unguarded`` appended where the point is
        not :attr:`guarded`."""
        return [STATUS[int(c)] + ("" if g else "-unguarded")
                for c, g in zip(self.status, self.guarded, strict=True)]

    @property
    def parameters(self) -> FloatArray:
        """Profiled parameter vector per point."""
        n = len(self.parameter_names)
        return np.asarray(self.rows[:, N_HEAD:N_HEAD + n])

    @property
    def fc_pvalue(self) -> FloatArray | None:
        """Feldman–Cousins p-value per point (``None`` without toys)."""
        if not self.fc_toys:
            return None
        return np.asarray(self.rows[:, N_HEAD + len(self.parameter_names)])

    @property
    def fc_critical(self) -> FloatArray | None:
        """Feldman–Cousins critical ``Δχ²`` per point and level (``None`` without toys)."""
        if not self.fc_toys:
            return None
        k = N_HEAD + len(self.parameter_names) + 1
        return np.asarray(self.rows[:, k:k + len(FC_LEVELS)])

    def best_point(self) -> dict[str, float]:
        """The global best fit of the scanned parameters."""
        return {n: float(self.best[self.parameter_names.index(n)]) for n in self.grid.names}

    # ------------------------------------------------------------------ regions
    def intervals(self, level: float = 0.6827) -> list[Interval]:
        """Wilks confidence set of a 1-D scan at ``level`` (pieces, usually one)."""
        if len(self.grid.names) != 1 or (not self.grid.axes and self.grid.size < 2):
            raise ValueError("intervals: need a 1-D scan")
        x = self.points[:, 0]
        order = np.argsort(x, kind="stable")
        return _segments(x[order], self.delta_chi2[order] - wilks_threshold(level, 1))

    def fc_intervals(self, level: float = 0.90) -> list[Interval]:
        """Feldman–Cousins confidence set of a 1-D scan at one of :data:`FC_LEVELS`."""
        if self.fc_critical is None:
            raise ValueError("fc_intervals: the scan ran without Feldman–Cousins toys")
        if level not in FC_LEVELS:
            raise ValueError(f"level: Feldman–Cousins levels are {FC_LEVELS}, got {level}")
        if len(self.grid.names) != 1:
            raise ValueError("fc_intervals: need a 1-D scan")
        crit = self.fc_critical[:, FC_LEVELS.index(level)]
        x = self.points[:, 0]
        order = np.argsort(x, kind="stable")
        return _segments(x[order], (self.delta_chi2 - crit)[order])

    def contours(self, level: float = 0.6827) -> list[FloatArray]:
        """Wilks contour lines of a 2-D axis scan at ``level``: arrays of ``(x₀, x₁)`` points."""
        if len(self.grid.axes) != 2:
            raise ValueError("contours: need a 2-D scan built from two axes")
        import contourpy

        a0, a1 = self.grid.axes
        z = self.delta_chi2.reshape(a0.n, a1.n)
        gen = contourpy.contour_generator(a1.values, a0.values, z,
                                          line_type=contourpy.LineType.Separate)
        lines = gen.lines(wilks_threshold(level, 2))
        return [np.asarray(line)[:, ::-1] for line in lines]

    def summary(self, levels: Sequence[float] = LEVELS) -> dict[str, Any]:
        """Best fit, intervals (1-D) or contour extents (2-D), fit-status counts."""
        labels, counts = np.unique(np.array(self.status_labels, dtype=str), return_counts=True)
        out: dict[str, Any] = {
            "parameters": list(self.grid.names),
            "points": self.grid.size,
            "best_fit": self.best_point(),
            "nll_min": self.nll_min,
            "status_counts": {str(c): int(n) for c, n in zip(labels, counts, strict=True)},
        }
        if len(self.grid.names) == 1:
            out["wilks_intervals"] = {
                f"{lv:g}": [i.as_dict() for i in self.intervals(lv)] for lv in levels}
            if self.fc_toys:
                out["feldman_cousins_intervals"] = {
                    f"{lv:g}": [i.as_dict() for i in self.fc_intervals(lv)] for lv in FC_LEVELS}
        elif len(self.grid.axes) == 2:
            regions: dict[str, Any] = {}
            for lv in levels:
                lines = self.contours(lv)
                if lines:
                    allp = np.concatenate(lines)
                    regions[f"{lv:g}"] = {
                        "threshold": wilks_threshold(lv, 2),
                        "extent": {n: [float(allp[:, k].min()), float(allp[:, k].max())]
                                   for k, n in enumerate(self.grid.names)},
                        "lines": [line.tolist() for line in lines],
                    }
                else:
                    regions[f"{lv:g}"] = {"threshold": wilks_threshold(lv, 2), "extent": None,
                                          "lines": []}
            out["wilks_contours"] = regions
        if self.stats:
            out["run"] = self.stats
        return out

    # ------------------------------------------------------------------ output
    def columns(self) -> list[str]:
        """Column names of the table."""
        nuis = [n for n in self.parameter_names if n not in self.grid.names]
        cols = ["index", *self.grid.names, "delta_chi2", "nll", "status", "iterations", "edm",
                *nuis]
        if self.fc_toys:
            cols += ["fc_pvalue", *(f"fc_critical_{lv:g}" for lv in FC_LEVELS),
                     "fc_failed_toys"]
        return cols

    def table(self) -> list[list[Any]]:
        """Rows of the tidy table (grid order), values as Python scalars."""
        params = self.parameters
        nuis = [i for i, n in enumerate(self.parameter_names) if n not in self.grid.names]
        dchi2 = self.delta_chi2
        out = []
        pts = self.points
        labels = self.status_labels
        for r in range(self.grid.size):
            row: list[Any] = [r, *pts[r].tolist(), float(dchi2[r]), float(self.nll[r]),
                              labels[r], int(self.rows[r, 2]),
                              float(self.rows[r, 3]), *params[r, nuis].tolist()]
            if self.fc_toys:
                k = N_HEAD + len(self.parameter_names)
                row += [float(v) for v in self.rows[r, k:k + 1 + len(FC_LEVELS)]]
                row.append(int(self.rows[r, k + 1 + len(FC_LEVELS)]))
            out.append(row)
        return out

    def to_csv(self, path: str | Path) -> Path:
        """Write the table as CSV (shortest round-trip float formatting; atomic replace)."""
        lines = [",".join(self.columns())]
        for row in self.table():
            lines.append(",".join(v if isinstance(v, str) else
                                  (str(v) if isinstance(v, int) else _fmt(v)) for v in row))
        return _atomic_write(Path(path), ("\n".join(lines) + "\n").encode())

    def to_json(self, path: str | Path) -> Path:
        """Write the summary and the table as JSON (atomic replace)."""
        doc = {"complete": True, "summary": self.summary(), "columns": self.columns(),
               "rows": self.table()}
        return _atomic_write(Path(path), json.dumps(doc, indent=1, allow_nan=True).encode())

    def to_parquet(self, path: str | Path) -> Path:
        """Write the table as Parquet (needs the optional ``pyarrow``)."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ValueError("parquet: needs pyarrow (`pip install 'cevns[parquet]'`)") from None
        cols = self.columns()
        data = list(zip(*self.table(), strict=True))
        table = pa.table({c: list(v) for c, v in zip(cols, data, strict=True)})
        target = Path(path)
        tmp = target.with_suffix(target.suffix + ".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, target)
        return target


def _atomic_write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def finite_or_none(value: float) -> float | None:
    """``None`` for NaN/inf (JSON has no NaN)."""
    return value if math.isfinite(value) else None
