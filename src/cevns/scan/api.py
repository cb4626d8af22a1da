"""One call to run a profile-likelihood scan: :func:`run_scan`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from cevns.scan.engine import (
    METHODS,
    ScanPayload,
    make_payload,
    run_chunks,
    scan_hash,
)
from cevns.scan.grid import ScanGrid
from cevns.scan.profiler import Profiler
from cevns.scan.results import ScanResult
from cevns.scan.store import ScanStore
from cevns.stats.likelihood import BinnedLikelihood, fit
from cevns.types import FloatArray

__all__ = ["STORE_NAME", "best_fit", "run_scan"]

#: Grid rows per chunk (profiled in lockstep) of the batched method's default chunking.
LANES = 25

#: File name of the checkpoint store inside the output folder.
STORE_NAME = "scan.sqlite"


def best_fit(likelihood: BinnedLikelihood, payload_profiler: Profiler) -> tuple[FloatArray, float]:
    """Global minimum: MIGRAD's fit polished by the Newton profiler (the lower of the two).

    Parameters entering through parametric templates are fitted by MIGRAD only (the Newton
    polish holds them at MIGRAD's values).
    """
    model = payload_profiler.model
    start = likelihood.model.init.copy()
    migrad_nll = float("inf")
    with contextlib.suppress(ValueError, RuntimeError):
        result = fit(likelihood, require_convergence=False)
        start, migrad_nll = result.values, result.nll
    template = [model.parameter_names.index(n) for n in model.template_parameters]
    model.set_templates({model.parameter_names[i]: float(start[i]) for i in template})
    polished = payload_profiler.minimise(start, fixed=template)
    candidates = [polished]
    if not template:
        candidates.append(payload_profiler.minimise(likelihood.model.init.copy()))
    best = min(candidates, key=lambda c: c.nll)
    if migrad_nll < best.nll:
        return start, migrad_nll
    return best.x, best.nll


def run_scan(
    likelihood: BinnedLikelihood,
    grid: ScanGrid,
    *,
    out: str | Path | None = None,
    executor: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 5.0,
    chunk_size: int | None = None,
    fc_toys: int = 0,
    seed: int = 0,
    on_chunk: Callable[[int, int], None] | None = None,
    on_ready: Callable[[ScanPayload, int], None] | None = None,
    method: str = "batched",
) -> ScanResult:
    """Profile ``likelihood`` over ``grid``, checkpointing into ``out/scan.sqlite``.

    Parameters
    ----------
    likelihood
        The binned likelihood; the grid's names are its parameters of interest.
    grid
        Points to profile (validated against the parameters' names and ranges).
    out
        Folder of the checkpoint store (and of the outputs the caller writes); ``None`` keeps
        the store in memory (no resume).
    executor
        ``"serial"``, ``"processes"`` (local worker processes) or ``"dask"``.
    workers
        Worker processes (``"processes"``, or a Dask ``LocalCluster``).
    scheduler
        Address of an existing Dask scheduler (implies ``executor="dask"``).
    timeout
        Seconds to wait for the Dask scheduler before a clear error.
    chunk_size
        Points per chunk (default: the last axis, i.e. one row of a 2-D grid, ≤ 100 points;
        with the batched method :data:`LANES` rows of a 2-D grid).
    fc_toys
        Feldman–Cousins toys per point (0: none).
    seed
        Seed of the toys.
    on_chunk
        Called with ``(chunk index, points)`` after each committed chunk.
    on_ready
        Called with ``(payload, points already done)`` before the chunks run.
    method
        ``"batched"`` (default): the points of a chunk are profiled together on stacked
        arrays (:mod:`cevns.scan.batched`), the fast path; ``"pointwise"``: one point after the
        other, each warm-started from its neighbour. Both converge to ``EDM < 1e-9``; their
        ``−2Δln L`` agree to ≲ 1e-6 where it is below 50 (the region of intervals and
        contours); far outside, either may stop in another local minimum of the nuisances.
        The method is part of the scan's hash.
    """
    model = likelihood.model
    grid.validate(model.parameter_names, model.bounds)
    if fc_toys < 0:
        raise ValueError(f"fc_toys: must be ≥ 0, got {fc_toys}")
    templated = tuple(getattr(model, "template_parameters", ()))
    scanned_templated = [n for n in grid.names if n in templated]
    if fc_toys and scanned_templated:
        if len(grid.names) != 1:
            raise ValueError(f"fc_toys: Feldman–Cousins toys over a parameter of parametric "
                             f"templates ({scanned_templated[0]}) need a 1-D scan, got "
                             f"{list(grid.names)}")
        lo, hi = model.bounds[model.index(grid.names[0])]
        if lo is None or hi is None:
            raise ValueError(f"fc_toys: {grid.names[0]} needs finite bounds for the "
                             "Feldman–Cousins search over its allowed range")
    if method not in METHODS:
        raise ValueError(f"method: must be one of {list(METHODS)}, got {method!r}")
    if chunk_size is None:
        chunk_size = min(grid.shape[-1], 100) if grid.axes else min(grid.size, 100)
        if method == "batched" and len(grid.axes) >= 2 and grid.shape[-1] <= 100:
            # Several rows per chunk: the rows (lanes) are profiled in lockstep.
            chunk_size = grid.shape[-1] * min(LANES, grid.size // grid.shape[-1])
    if chunk_size < 1:
        raise ValueError(f"chunk_size: need at least 1 point per chunk, got {chunk_size}")
    if scheduler is not None:
        executor = "dask"
    payload = make_payload(likelihood, grid, chunk_size=chunk_size, fc_toys=fc_toys, seed=seed,
                           best=model.init, best_nll=0.0, method=method)
    digest = scan_hash(payload.model, payload.observed, payload.auxiliary, payload.pois, grid,
                       chunk_size, fc_toys, seed, method)
    config = {"parameters": list(grid.names), "grid": grid.as_dict(),
              "chunk_size": chunk_size, "fc_toys": fc_toys, "seed": seed, "method": method,
              "model_parameters": list(model.parameter_names)}
    path: str | Path = ":memory:" if out is None else Path(out) / STORE_NAME
    store = ScanStore(path, digest, config, payload.n_chunks)
    try:
        stored = store.get_meta("best")
        if stored is None:
            profiler = Profiler(payload.model, payload.observed, payload.auxiliary)
            best, best_nll = best_fit(likelihood, profiler)
            store.set_meta("best", json.dumps({"x": [float(v).hex() for v in best],
                                               "nll": float(best_nll).hex()}))
        else:
            doc = json.loads(stored)
            best = np.array([float.fromhex(v) for v in doc["x"]])
            best_nll = float.fromhex(doc["nll"])
        payload = ScanPayload(**{**vars(payload), "best": best, "best_nll": best_nll})
        if on_ready is not None:
            done = store.done()
            on_ready(payload, sum(len(payload.chunk_points(i)) for i in done))
        stats = run_chunks(payload, store, executor=executor, workers=workers,
                           scheduler=scheduler, timeout=timeout, on_chunk=on_chunk)
        blobs = store.load()
        store.set_meta("complete", "true")
    finally:
        store.close()
    if len(blobs) != payload.n_chunks:
        raise RuntimeError(f"store: {len(blobs)} of {payload.n_chunks} chunks present")
    rows = np.concatenate([np.frombuffer(blobs[i]).reshape(-1, payload.n_columns)
                           for i in range(payload.n_chunks)])
    ordered = np.empty_like(rows)
    ordered[grid.c_index] = rows
    stats["scan_hash"] = digest
    return ScanResult(grid, model.parameter_names, ordered, best, best_nll, fc_toys, stats)

