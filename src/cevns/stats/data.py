"""Any user's binned data: observed counts and component templates in N dimensions.

A :class:`BinnedData` holds the bin edges of each axis (with the unit they are written in),
the observed counts and named component templates (expected counts per bin), plus optional
±1σ template variations. It is read from a CSV file (:func:`read_binned_csv`) or built from
event lists (:func:`histogram_events`, e.g. a measured background sample such as an
anti-coincidence window), and turned into a :class:`~cevns.stats.model.BinnedModel` and
:class:`~cevns.stats.likelihood.BinnedLikelihood` with :meth:`BinnedData.likelihood`.

CSV layout (one bin per row, comment lines start with ``#``)::

    E_low [keVee], E_high [keVee], t_low [us], t_high [us], observed, sig, bkg, bkg:E_up, bkg:E_down
    0, 10, 0, 0.5, 32, 1.03, 1.62, 1.56, 1.71
    ...

* every axis has a ``<axis>_low [unit]`` and ``<axis>_high [unit]`` column (units in
  brackets are required; counts columns carry none). Physical units known to
  :mod:`cevns.units` (keVee, keVnr, us, ...) are converted to the internal system (MeV, ns,
  ...) with :func:`cevns.units.parse_quantity`; other units (``PE``, ``1`` for dimensionless)
  are kept as written. An energy axis names its scale: ``[keVee]`` (electron-equivalent),
  ``[keVnr]`` (nuclear recoil) or ``[PE]``; a bare ``[keV]`` is refused as ambiguous;
* rows may come in any order but must cover the regular grid of the axes exactly once;
* ``<sample>:<systematic>_up`` / ``_down`` columns give shape variations of a sample.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from cevns import units as u
from cevns.files import read_text_file
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import BinnedModel, HistoSys, NormFactor, NormSys, Parameter, Sample
from cevns.types import FloatArray
from cevns.validation import InputError

__all__ = [
    "BinnedData",
    "BinnedDataError",
    "histogram_events",
    "read_binned_centres",
    "read_binned_csv",
]


class BinnedDataError(InputError):
    """A binned-data file is malformed (message: ``file:line: problem``)."""


@dataclass(frozen=True, eq=False)
class BinnedData:
    """Observed counts and templates on a regular N-dimensional grid.

    Attributes
    ----------
    axes
        Axis names, in array-dimension order.
    units
        The unit string of each axis, as written by the user.
    edges
        Bin edges of each axis, in internal units when the unit is a physical one known to
        :mod:`cevns.units` (``edges / scales`` gives them back in ``units``).
    observed
        Observed counts, shape ``tuple(len(e) - 1 for e in edges)``.
    templates
        Component name → expected counts, same shape.
    variations
        Component name → systematic name → ``(down, up)`` templates.
    """

    axes: tuple[str, ...]
    units: tuple[str, ...]
    edges: tuple[FloatArray, ...]
    observed: FloatArray
    templates: dict[str, FloatArray]
    variations: dict[str, dict[str, tuple[FloatArray, FloatArray]]] = field(default_factory=dict)
    scales: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        shape = tuple(len(e) - 1 for e in self.edges)
        if self.observed.shape != shape:
            raise ValueError(f"observed: shape {self.observed.shape} does not match the axes "
                             f"{shape}")
        for name, t in self.templates.items():
            if t.shape != shape:
                raise ValueError(f"templates: {name!r} has shape {t.shape}, axes give {shape}")

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of bins along each axis."""
        return tuple(len(e) - 1 for e in self.edges)

    def likelihood(
        self,
        signal: str,
        constraints: Mapping[str, tuple[float, float] | None] | None = None,
        *,
        normsys: Mapping[str, Mapping[str, float | tuple[float, float]]] | None = None,
        bounds: Mapping[str, tuple[float | None, float | None]] | None = None,
        start: Mapping[str, float] | None = None,
    ) -> BinnedLikelihood:
        """Poisson likelihood with one normalisation per component and its variations.

        Parameters
        ----------
        signal
            Component whose normalisation ``mu_<signal>`` is free (bounded to [0, 100]).
        constraints
            Component → ``(1, relative sigma)`` Gaussian constraint on its normalisation
            ``<name>_norm`` (``None`` or absent: free, bounded to [0, 100]).
        normsys
            Normalisation systematics: nuisance name → ``{component: relative uncertainty}``
            (symmetric, e.g. ``{"flux": {"cevns": 0.10}}``) or ``{component: (lo, hi)}``
            factors at ∓1σ. Each nuisance gets a unit Gaussian constraint and may act on
            several components (a shared flux).
        bounds
            Parameter name → ``(low, high)`` (None for unbounded), overriding the defaults.
        start
            Parameter name → start value of the fit (and nominal value of the model).
        """
        if signal not in self.templates:
            raise ValueError(f"signal: {signal!r} is not a component; have "
                             f"{sorted(self.templates)}")
        constraints = dict(constraints or {})
        unknown = set(constraints) - set(self.templates)
        if unknown:
            raise ValueError(f"constraints: unknown components {sorted(unknown)}")
        norm_mods: dict[str, list[NormSys]] = {}
        for nuisance, effects in (normsys or {}).items():
            for component, size in effects.items():
                if component not in self.templates:
                    raise ValueError(f"normsys: {nuisance!r} acts on unknown component "
                                     f"{component!r}; have {sorted(self.templates)}")
                lo, hi = _normsys_factors(size, f"normsys: {nuisance!r} on {component!r}")
                norm_mods.setdefault(component, []).append(NormSys(nuisance, lo, hi))
        samples = []
        params: list[Parameter] = []
        systs: list[str] = []
        for name, template in self.templates.items():
            pname = f"mu_{name}" if name == signal else f"{name}_norm"
            mods: list[NormFactor | NormSys | HistoSys] = [NormFactor(pname)]
            params.append(Parameter(pname, 1.0, (0.0, 100.0), constraints.get(name)))
            for mod in norm_mods.get(name, []):
                mods.append(mod)
                if mod.parameter not in systs:
                    systs.append(mod.parameter)
            for syst, (down, up) in self.variations.get(name, {}).items():
                mods.append(HistoSys(syst, down, up))
                if syst not in systs:
                    systs.append(syst)
            samples.append(Sample(name, template, tuple(mods)))
        params += [Parameter.nuisance(s) for s in systs]
        names = [p.name for p in params]
        for what, given in (("bounds", bounds or {}), ("start", start or {})):
            extra = sorted(set(given) - set(names))
            if extra:
                raise ValueError(f"{what}: unknown parameters {extra}; the model has {names}")
        params = [
            replace(
                p,
                bounds=(bounds or {}).get(p.name, p.bounds),
                init=float((start or {}).get(p.name, p.init)),
            )
            for p in params
        ]
        return BinnedLikelihood(BinnedModel(samples, params), self.observed)

    def restrict(self, roi: Mapping[str, tuple[float, float]]) -> BinnedData:
        """The bins inside a region of interest (one call for several axes).

        Parameters
        ----------
        roi
            Axis name → ``(low, high)`` in the axis unit as written (``edges / scales``).
            A bin is kept when it lies entirely inside; bins straddling a boundary are an
            error (a region of interest must follow bin edges).
        """
        unknown = sorted(set(roi) - set(self.axes))
        if unknown:
            raise ValueError(f"roi: unknown axes {unknown}; the data have {list(self.axes)}")
        index: list[slice] = []
        edges: list[FloatArray] = []
        scales = self.scales or tuple(1.0 for _ in self.axes)
        for axis, e, k in zip(self.axes, self.edges, scales, strict=True):
            if axis not in roi:
                index.append(slice(None))
                edges.append(e)
                continue
            lo, hi = roi[axis]
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"roi: {axis!r} needs finite low < high, got {roi[axis]}")
            shown = e / k
            tol = 1e-9 * max(1.0, float(np.max(np.abs(shown))))
            inside = (shown[:-1] >= lo - tol) & (shown[1:] <= hi + tol)
            partial = (shown[:-1] < hi - tol) & (shown[1:] > lo + tol) & ~inside
            if partial.any():
                j = int(np.flatnonzero(partial)[0])
                raise ValueError(
                    f"roi: {axis!r} range {roi[axis]} cuts the bin [{shown[j]:g}, "
                    f"{shown[j + 1]:g}]; choose bin edges"
                )
            kept = np.flatnonzero(inside)
            if kept.size == 0:
                raise ValueError(f"roi: {axis!r} range {roi[axis]} keeps no bin")
            index.append(slice(int(kept[0]), int(kept[-1]) + 1))
            edges.append(e[int(kept[0]) : int(kept[-1]) + 2])
        cut = tuple(index)
        return BinnedData(
            self.axes,
            self.units,
            tuple(edges),
            self.observed[cut],
            {n: t[cut] for n, t in self.templates.items()},
            {n: {s: (d[cut], up[cut]) for s, (d, up) in v.items()}
             for n, v in self.variations.items()},
            self.scales,
        )


def _normsys_factors(size: float | tuple[float, float], what: str) -> tuple[float, float]:
    if isinstance(size, tuple):
        lo, hi = (float(x) for x in size)
    else:
        rel = float(size)
        if not (math.isfinite(rel) and 0 < rel < 1):
            raise ValueError(f"{what}: relative uncertainty must be in (0, 1), got {size}")
        lo, hi = 1.0 - rel, 1.0 + rel
    if not (math.isfinite(lo) and math.isfinite(hi) and lo > 0 and hi > 0):
        raise ValueError(f"{what}: factors at -1σ and +1σ must be finite and > 0, got {size}")
    return lo, hi


def histogram_events(
    events: object,
    edges: Sequence[Sequence[float] | FloatArray],
    *,
    name: str = "events",
) -> FloatArray:
    """Histogram an event list (shape ``(n_events, n_axes)``) on the given edges.

    Events outside the edges are dropped; NaN coordinates raise ``ValueError`` naming the row.
    """
    ev = np.asarray(events, dtype=np.float64)
    if ev.ndim != 2 or ev.shape[1] != len(edges):
        raise ValueError(f"{name}: need shape (n_events, {len(edges)}), got {ev.shape}")
    bad = np.nonzero(~np.all(np.isfinite(ev), axis=1))[0]
    if bad.size:
        raise ValueError(f"{name}: event {int(bad[0])} has a NaN or infinite coordinate")
    for k, e in enumerate(edges):
        arr = np.asarray(e, dtype=np.float64)
        if arr.ndim != 1 or arr.size < 2 or np.any(np.diff(arr) <= 0):
            raise ValueError(f"edges: axis {k} needs at least two increasing edges")
    counts, _ = np.histogramdd(ev, bins=[np.asarray(e, dtype=np.float64) for e in edges])
    return np.asarray(counts, dtype=np.float64)


_AXIS_COLUMN = re.compile(
    r"^\s*(?P<axis>[A-Za-z_][\w ]*?)_(?P<side>low|high)\s*\[(?P<unit>[^\]]+)\]\s*$"
)


def read_binned_csv(
    path: str | Path, *, roi: Mapping[str, tuple[float, float]] | None = None
) -> BinnedData:
    """Read binned data from a CSV file (layout in the module docstring).

    ``roi`` optionally restricts the result to a region of interest
    (:meth:`BinnedData.restrict`: axis → ``(low, high)`` in the unit written in the header).

    Raises
    ------
    BinnedDataError
        ``file:line: ...`` for a missing unit, a non-numeric or NaN value, a negative count, a
        bin off the grid, a duplicate or a missing bin.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: {path} does not exist")
    try:  # a regular UTF-8 file under the size cap (cevns.files)
        text = read_text_file(path, "path")
    except ValueError as exc:
        raise BinnedDataError(str(exc)) from None
    try:
        lines = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text, newline="")),
                                                  start=1)
                 if row and not row[0].lstrip().startswith("#")]
    except csv.Error as exc:
        raise BinnedDataError(f"{path}: not a valid CSV file ({exc})") from None
    if not lines:
        raise BinnedDataError(f"{path}:1: empty file")
    header_line, header = lines[0]
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise BinnedDataError(f"{path}:{header_line}: column {col!r} appears twice")
        if not col:
            raise BinnedDataError(f"{path}:{header_line}: a column has no name")
        seen.add(col)
    if len(lines) < 2:
        raise BinnedDataError(f"{path}:{header_line}: a header but no data rows")
    axes: dict[str, dict[str, int]] = {}
    units: dict[str, str] = {}
    count_cols: dict[str, int] = {}
    for j, col in enumerate(header):
        m = _AXIS_COLUMN.match(col)
        if m:
            axis = m["axis"].strip()
            if axis in units and units[axis] != m["unit"].strip():
                raise BinnedDataError(f"{path}:{header_line}: axis {axis!r} has two units")
            units[axis] = m["unit"].strip()
            axes.setdefault(axis, {})[m["side"]] = j
        elif col.endswith(("_low", "_high")):
            raise BinnedDataError(
                f"{path}:{header_line}: column {col!r} needs its unit in brackets, "
                f"e.g. '{col} [keVee]'"
            )
        else:
            count_cols[col] = j
    for axis, sides in axes.items():
        if set(sides) != {"low", "high"}:
            raise BinnedDataError(f"{path}:{header_line}: axis {axis!r} needs both _low and "
                                  "_high columns")
    if not axes:
        raise BinnedDataError(f"{path}:{header_line}: no '<axis>_low [unit]' columns")
    if "observed" not in count_cols:
        raise BinnedDataError(f"{path}:{header_line}: no 'observed' column")
    rows: list[tuple[int, list[float]]] = []
    for number, row in lines[1:]:
        if len(row) != len(header):
            raise BinnedDataError(f"{path}:{number}: expected {len(header)} columns, found "
                                  f"{len(row)}")
        values = []
        for col, v in zip(header, row, strict=True):
            try:
                values.append(float(v))
            except ValueError:
                raise BinnedDataError(f"{path}:{number}: column {col!r} is not a number") from None
        if not all(math.isfinite(v) for v in values):
            raise BinnedDataError(f"{path}:{number}: NaN or infinite value")
        for col, j in count_cols.items():
            if values[j] < 0:
                raise BinnedDataError(f"{path}:{number}: negative count in column {col!r}")
        rows.append((number, values))
    names = list(axes)
    scales: list[float] = []
    for axis in names:
        unit = units[axis]
        if u.DIMENSIONS.get(unit) == "energy":
            raise BinnedDataError(
                f"{path}:{header_line}: column '{axis}_low [{unit}]': a bare {unit!r} is "
                f"ambiguous for a measured energy; write [{unit}ee] (electron-equivalent, "
                f"visible) or [{unit}nr] (nuclear recoil)"
            )
        if unit in u.DIMENSIONS:
            scales.append(u.parse_quantity(f"1 {unit}", u.DIMENSIONS[unit], name=f"{axis}_low"))
        else:
            scales.append(1.0)
    edges: list[FloatArray] = []
    for axis in names:
        lo_j, hi_j = axes[axis]["low"], axes[axis]["high"]
        pairs = sorted({(v[lo_j], v[hi_j]) for _, v in rows})
        lows = np.array([p[0] for p in pairs])
        highs = np.array([p[1] for p in pairs])
        if np.any(highs <= lows) or np.any(lows[1:] != highs[:-1]):
            raise BinnedDataError(f"{path}: axis {axis!r} bins do not form contiguous "
                                  "increasing edges")
        edges.append(np.append(lows, highs[-1]))
    shape = tuple(e.size - 1 for e in edges)
    if math.prod(shape) > max(len(rows), 1_000_000):  # checked before allocating the grid
        raise BinnedDataError(f"{path}: {len(rows)} rows for a grid of {math.prod(shape)} bins "
                              f"{shape}; every bin must appear exactly once")
    filled = np.zeros(shape, dtype=bool)
    arrays = {col: np.zeros(shape) for col in count_cols}
    for number, values in rows:
        index = []
        for axis, e in zip(names, edges, strict=True):
            k = int(np.searchsorted(e, values[axes[axis]["low"]]))
            index.append(k)
        idx = tuple(index)
        if filled[idx]:
            raise BinnedDataError(f"{path}:{number}: duplicate bin {idx}")
        filled[idx] = True
        for col, j in count_cols.items():
            arrays[col][idx] = values[j]
    if not filled.all():
        missing = tuple(int(i) for i in np.argwhere(~filled)[0])
        raise BinnedDataError(f"{path}: bin {missing} of the grid {shape} is missing")
    observed = arrays.pop("observed")
    templates: dict[str, FloatArray] = {}
    variations: dict[str, dict[str, tuple[FloatArray, FloatArray]]] = {}
    pending: dict[tuple[str, str], dict[str, FloatArray]] = {}
    for col, arr in arrays.items():
        if ":" in col:
            sample, _, syst = col.partition(":")
            if not syst.endswith(("_up", "_down")):
                raise BinnedDataError(f"{path}:{header_line}: variation column {col!r} must "
                                      "end in _up or _down")
            base, _, side = syst.rpartition("_")
            pending.setdefault((sample, base), {})[side] = arr
        else:
            templates[col] = arr
    for (sample, syst), pair in pending.items():
        if sample not in templates or set(pair) != {"up", "down"}:
            raise BinnedDataError(
                f"{path}:{header_line}: variation {sample}:{syst} needs a template column "
                f"{sample!r} and both _up and _down columns"
            )
        variations.setdefault(sample, {})[syst] = (pair["down"], pair["up"])
    data = BinnedData(tuple(names), tuple(units[a] for a in names),
                      tuple(e * k for e, k in zip(edges, scales, strict=True)), observed,
                      templates, variations, tuple(scales))
    return data if roi is None else data.restrict(roi)


PathLike = str | Path


def _read_centre_table(path: Path, n_axes: int) -> FloatArray:
    """Numeric rows ``c_1 … c_n value`` (whitespace or comma separated, ``#`` comments)."""
    if not path.is_file():
        raise FileNotFoundError(f"path: {path} does not exist")
    rows: list[list[float]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            cells = [c for c in re.split(r"[\s,;]+", text) if c]
            if len(cells) != n_axes + 1:
                raise BinnedDataError(
                    f"{path}:{number}: expected {n_axes} bin-centre columns and one value, "
                    f"found {len(cells)} columns"
                )
            try:
                values = [float(c) for c in cells]
            except ValueError:
                raise BinnedDataError(f"{path}:{number}: non-numeric value in {cells}") from None
            if not all(math.isfinite(v) for v in values):
                raise BinnedDataError(f"{path}:{number}: NaN or infinite value")
            if values[-1] < 0:
                raise BinnedDataError(f"{path}:{number}: negative count {values[-1]:g}")
            rows.append(values)
    if not rows:
        raise BinnedDataError(f"{path}:1: no data rows")
    return np.asarray(rows, dtype=np.float64)


def _edges_from_centres(centres: FloatArray, path: Path, axis: str) -> FloatArray:
    """Edges halfway between neighbouring centres; the outer bins as wide as their neighbour."""
    if centres.size == 1:
        raise BinnedDataError(f"{path}: axis {axis!r} has a single bin centre; its width is "
                              "unknown (give bin edges with read_binned_csv)")
    mid = 0.5 * (centres[1:] + centres[:-1])
    first = centres[0] - (mid[0] - centres[0])
    last = centres[-1] + (centres[-1] - mid[-1])
    edges = np.concatenate([[first], mid, [last]])
    # each centre must be the middle of its bin: equal spacing within rounding
    if not np.allclose(0.5 * (edges[1:] + edges[:-1]), centres, rtol=1e-6, atol=1e-9):
        raise BinnedDataError(
            f"{path}: axis {axis!r} centres {centres.tolist()} are not equally spaced, so bin "
            "edges cannot be recovered from them; give bin edges with read_binned_csv"
        )
    return edges


def read_binned_centres(
    files: Mapping[str, PathLike],
    axes: Sequence[tuple[str, str]],
    *,
    variations: Mapping[str, Mapping[str, tuple[PathLike | None, PathLike]]] | None = None,
    roi: Mapping[str, tuple[float, float]] | None = None,
) -> BinnedData:
    """Binned data from tables of bin centres, one file per sample, in one call.

    Each file has one bin a line: the centre of the bin on every axis (in ``axes`` order)
    and the value (observed counts, or expected counts of a sample), separated by spaces,
    tabs or commas; ``#`` starts a comment. This is the layout of, e.g., the COHERENT
    CENNS-10 2020 release (``cevnspdf.txt``: keVee, F90, µs, value). Bin edges lie halfway
    between neighbouring centres, so the centres of each axis must be equally spaced.

    Parameters
    ----------
    files
        ``{"observed": path, "<sample>": path, ...}``; ``"observed"`` is required.
    axes
        ``[(name, unit), ...]``: axis names and the units of their centres (``"keVee"``,
        ``"us"``, ``"PE"``, ``"1"``...; physical units are converted to the internal system).
    variations
        ``{sample: {systematic: (down_path, up_path)}}``: ±1σ shifted templates. A
        one-sided variation (``down_path = None``) is mirrored, ``down = max(2 n − up, 0)``,
        the usual HistFactory treatment.
    roi
        Optional region of interest, as :meth:`BinnedData.restrict`.

    Raises
    ------
    BinnedDataError
        ``file:line: ...`` for a malformed row, a file on another grid, a missing or
        duplicate bin.
    """
    if "observed" not in files:
        raise ValueError("files: need an 'observed' entry (the measured counts)")
    if not axes:
        raise ValueError("axes: give at least one (name, unit) pair")
    names = [a for a, _ in axes]
    if len(set(names)) != len(names):
        raise ValueError(f"axes: duplicate axis names in {names}")
    scales: list[float] = []
    for axis, unit in axes:
        if unit in u.DIMENSIONS:
            scales.append(u.parse_quantity(f"1 {unit}", u.DIMENSIONS[unit], name=axis))
        else:
            scales.append(1.0)
    n = len(axes)
    first_path = Path(files["observed"])
    first = _read_centre_table(first_path, n)
    centres = [np.unique(first[:, k]) for k in range(n)]
    edges = [_edges_from_centres(c, first_path, a) for c, a in zip(centres, names, strict=True)]
    shape = tuple(c.size for c in centres)

    def grid(path: PathLike) -> FloatArray:
        p = Path(path)
        table = first if p == first_path else _read_centre_table(p, n)
        out = np.zeros(shape)
        filled = np.zeros(shape, dtype=bool)
        index = []
        for k, c in enumerate(centres):
            idx = np.searchsorted(c, table[:, k])
            idx_c = np.clip(idx, 0, c.size - 1)
            ok = np.isclose(c[idx_c], table[:, k], rtol=1e-9, atol=1e-12)
            if not ok.all():
                row = int(np.flatnonzero(~ok)[0])
                raise BinnedDataError(
                    f"{p}: row {row + 1} has {names[k]} = {table[row, k]:g}, not a bin centre "
                    f"of the observed data ({centres[k].tolist()})"
                )
            index.append(idx_c)
        flat = np.ravel_multi_index(tuple(index), shape)
        counts = np.bincount(flat, minlength=filled.size)
        if np.any(counts > 1):
            dup = int(np.flatnonzero(counts > 1)[0])
            raise BinnedDataError(f"{p}: bin {np.unravel_index(dup, shape)} appears twice")
        if np.any(counts == 0):
            miss = int(np.flatnonzero(counts == 0)[0])
            raise BinnedDataError(
                f"{p}: bin {tuple(int(i) for i in np.unravel_index(miss, shape))} of the grid "
                f"{shape} is missing"
            )
        out.ravel()[flat] = table[:, -1]
        return out

    observed = grid(first_path)
    templates = {name: grid(path) for name, path in files.items() if name != "observed"}
    if not templates:
        raise ValueError("files: give at least one sample besides 'observed'")
    shifted: dict[str, dict[str, tuple[FloatArray, FloatArray]]] = {}
    for sample, systs in (variations or {}).items():
        if sample not in templates:
            raise ValueError(f"variations: unknown sample {sample!r}; have {sorted(templates)}")
        for syst, (down, up) in systs.items():
            hi = grid(up)
            lo = np.maximum(2.0 * templates[sample] - hi, 0.0) if down is None else grid(down)
            shifted.setdefault(sample, {})[syst] = (lo, hi)
    data = BinnedData(
        tuple(names),
        tuple(unit for _, unit in axes),
        tuple(e * k for e, k in zip(edges, scales, strict=True)),
        observed,
        templates,
        shifted,
        tuple(scales),
    )
    return data if roi is None else data.restrict(roi)
