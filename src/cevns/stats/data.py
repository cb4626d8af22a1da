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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cevns import units as u
from cevns.files import read_text_file
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import BinnedModel, HistoSys, NormFactor, Parameter, Sample
from cevns.types import FloatArray
from cevns.validation import InputError

__all__ = ["BinnedData", "BinnedDataError", "histogram_events", "read_binned_csv"]


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
    ) -> BinnedLikelihood:
        """Poisson likelihood with one normalisation per component and its variations.

        Parameters
        ----------
        signal
            Component whose normalisation ``mu_<signal>`` is free (bounded to [0, 100]).
        constraints
            Component → ``(1, relative sigma)`` Gaussian constraint on its normalisation
            ``<name>_norm`` (``None`` or absent: free, bounded to [0, 100]).
        """
        if signal not in self.templates:
            raise ValueError(f"signal: {signal!r} is not a component; have "
                             f"{sorted(self.templates)}")
        constraints = dict(constraints or {})
        unknown = set(constraints) - set(self.templates)
        if unknown:
            raise ValueError(f"constraints: unknown components {sorted(unknown)}")
        samples = []
        params: list[Parameter] = []
        systs: list[str] = []
        for name, template in self.templates.items():
            pname = f"mu_{name}" if name == signal else f"{name}_norm"
            mods: list[NormFactor | HistoSys] = [NormFactor(pname)]
            params.append(Parameter(pname, 1.0, (0.0, 100.0), constraints.get(name)))
            for syst, (down, up) in self.variations.get(name, {}).items():
                mods.append(HistoSys(syst, down, up))
                if syst not in systs:
                    systs.append(syst)
            samples.append(Sample(name, template, tuple(mods)))
        params += [Parameter.nuisance(s) for s in systs]
        return BinnedLikelihood(BinnedModel(samples, params), self.observed)


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


def read_binned_csv(path: str | Path) -> BinnedData:
    """Read binned data from a CSV file (layout in the module docstring).

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
    return BinnedData(tuple(names), tuple(units[a] for a in names),
                      tuple(e * k for e, k in zip(edges, scales, strict=True)), observed,
                      templates, variations, tuple(scales))
