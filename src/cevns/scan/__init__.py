"""Profile-likelihood scans: analytic-gradient profiling, grids, executors, checkpoints.

Build a :class:`ScanGrid` (axes ``NAME=LO:HI:N[:log]`` or a list of points), run
:func:`run_scan` on a binned likelihood (serially, in local processes or on a Dask cluster,
checkpointed in SQLite so a killed scan resumes), and read the :class:`ScanResult`: the tidy
table (CSV/JSON/Parquet), Wilks intervals and contours, Feldman–Cousins intervals.
"""

from cevns.scan.api import run_scan
from cevns.scan.compiled import CompiledModel
from cevns.scan.engine import ScanError
from cevns.scan.grid import ScanAxis, ScanGrid, parse_axis
from cevns.scan.profiler import PointFit, Profiler
from cevns.scan.results import Interval, ScanResult, wilks_threshold
from cevns.scan.store import StoreError

__all__ = [
    "CompiledModel",
    "Interval",
    "PointFit",
    "Profiler",
    "ScanAxis",
    "ScanError",
    "ScanGrid",
    "ScanResult",
    "StoreError",
    "parse_axis",
    "run_scan",
    "wilks_threshold",
]
