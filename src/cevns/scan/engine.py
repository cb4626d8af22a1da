"""The scan engine: chunks of profiled points, executors, checkpointing.

A scan is split into chunks of consecutive points (snake order, so each fit starts from its
neighbour). A chunk is a pure function of the :class:`ScanPayload` (the compiled model, the
observed counts and auxiliary measurements, the best fit and the options: everything the
content hash covers) and the chunk index; the toys of a Feldman–Cousins point are seeded from
``(seed, point index)``. So a chunk computes the same bytes in any process, on any worker.

Feldman–Cousins (Feldman & Cousins, PRD 57 (1998) 3873) with nuisances profiled as in the
"profile construction" (Cranmer, PHYSTAT 2003; Sen, Walker & Woodroofe, Stat. Sinica 19
(2009) 301): at each point θ₀ toys are drawn from ``ν(θ₀, θ̂̂(θ₀))`` with auxiliary measurements
fluctuated around ``θ̂̂(θ₀)``; the test statistic ``t = 2 [−ln L(θ₀, θ̂̂) + ln L(θ̂, θ̂)]``
(the POIs' global minimum restricted to their allowed range, which is what makes the interval
respect a physical boundary) is computed for each toy; the point's p-value is the fraction of
toys with ``t ≥ t_obs`` and its critical values the toy quantiles.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from cevns import __version__
from cevns.scan.batched import BatchedModel, BatchProfiler, NewtonPool
from cevns.scan.compiled import CompiledModel
from cevns.scan.grid import ScanGrid
from cevns.scan.profiler import Profiler
from cevns.scan.store import ScanStore
from cevns.stats.likelihood import BinnedLikelihood
from cevns.types import FloatArray

__all__ = [
    "FC_LEVELS",
    "METHODS",
    "ScanError",
    "ScanPayload",
    "compute_chunk",
    "fc_statistic",
    "make_payload",
    "map_chunks",
    "run_chunks",
    "scan_hash",
]

#: Confidence levels of the Feldman–Cousins critical values stored per point.
FC_LEVELS = (0.6827, 0.90, 0.95)
#: Columns per point before the parameter vector: nll, status, iterations, edm.
N_HEAD = 4


class ScanError(ValueError):
    """A scan cannot run as asked (an unreachable scheduler, a missing optional executor)."""


@dataclass(frozen=True, eq=False)
class ScanPayload:
    """Everything a chunk needs (and what the scan's content hash covers)."""

    model: CompiledModel
    observed: FloatArray
    auxiliary: FloatArray
    pois: tuple[int, ...]
    grid: ScanGrid
    chunk_size: int
    best: FloatArray
    best_nll: float
    fc_toys: int
    seed: int
    #: ``"batched"``: every point of a chunk profiled together (:mod:`cevns.scan.batched`);
    #: ``"pointwise"``: one point after the other, each warm-started from its neighbour.
    method: str = "batched"

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return -(-self.grid.size // self.chunk_size)

    @property
    def n_columns(self) -> int:
        """Values stored per point."""
        return N_HEAD + self.model.n_params + (1 + len(FC_LEVELS) + 1 if self.fc_toys else 0)

    def chunk_points(self, index: int) -> range:
        """Point indices (visiting order) of chunk ``index``."""
        lo = index * self.chunk_size
        return range(lo, min(lo + self.chunk_size, self.grid.size))


def _array_digest(h: Any, obj: object) -> None:
    if isinstance(obj, np.ndarray):
        h.update(str(obj.dtype).encode() + str(obj.shape).encode())
        h.update(np.ascontiguousarray(obj).tobytes())
    elif isinstance(obj, list | tuple):
        h.update(b"[")
        for item in obj:
            _array_digest(h, item)
        h.update(b"]")
    elif hasattr(obj, "__dict__"):
        for key in sorted(vars(obj)):
            h.update(key.encode())
            _array_digest(h, vars(obj)[key])
    else:
        h.update(repr(obj).encode())


def scan_hash(model: CompiledModel, observed: FloatArray, auxiliary: FloatArray,
              pois: Sequence[int], grid: ScanGrid, chunk_size: int, fc_toys: int,
              seed: int, method: str = "pointwise") -> str:
    """SHA-256 of the scan's content: code version, compiled model, data, grid and options."""
    h = hashlib.sha256()
    h.update(f"cevns {__version__}".encode())
    _array_digest(h, model)
    h.update(b"observed")
    _array_digest(h, np.asarray(observed, dtype=np.float64))
    h.update(b"auxiliary")
    _array_digest(h, np.asarray(auxiliary, dtype=np.float64))
    h.update(json.dumps({"pois": list(pois), "grid": grid.as_dict(), "names": grid.names,
                         "chunk_size": chunk_size, "fc_toys": fc_toys, "seed": seed},
                        sort_keys=True).encode())
    if method != "pointwise":  # stores of the point-by-point method keep their hash
        h.update(f"method={method}".encode())
    _array_digest(h, grid.points)
    return h.hexdigest()


#: Profiling methods of a scan (see :attr:`ScanPayload.method`).
METHODS = ("batched", "pointwise")


def make_payload(likelihood: BinnedLikelihood, grid: ScanGrid, *, chunk_size: int,
                 fc_toys: int, seed: int, best: FloatArray, best_nll: float,
                 method: str = "batched") -> ScanPayload:
    """Assemble the payload of a scan of ``likelihood`` over ``grid``."""
    if method not in METHODS:
        raise ValueError(f"method: must be one of {list(METHODS)}, got {method!r}")
    model = likelihood.model
    return ScanPayload(
        model=CompiledModel(model),
        observed=likelihood.observed.ravel().copy(),
        auxiliary=np.asarray(likelihood.auxiliary, dtype=np.float64).copy(),
        pois=tuple(model.index(n) for n in grid.names),
        grid=grid,
        chunk_size=chunk_size,
        best=np.asarray(best, dtype=np.float64),
        best_nll=float(best_nll),
        fc_toys=fc_toys,
        seed=seed,
        method=method,
    )


def _global_fit(profiler: Profiler, start: FloatArray) -> float:
    return profiler.minimise(start, fixed=()).nll


def compute_chunk(payload: ScanPayload, index: int) -> bytes:
    """Profile every point of chunk ``index``; the rows as float64 bytes (C order).

    Row layout: ``nll, status, iterations, edm, θ̂̂ (every parameter)`` and, with toys,
    ``fc_pvalue, fc_crit (per FC_LEVELS), n_failed_toys``.
    """
    if payload.method == "batched":
        return _compute_chunk_batched(payload, index)
    profiler = Profiler(payload.model, payload.observed, payload.auxiliary)
    points = payload.chunk_points(index)
    out = np.zeros((len(points), payload.n_columns))
    pois = list(payload.pois)
    model = payload.model
    template = [model.parameter_names.index(n) for n in model.template_parameters]
    fixed = sorted(set(pois) | set(template))
    x = payload.best.copy()
    for row, k in enumerate(points):
        x = x.copy()
        x[pois] = payload.grid.points[k]
        model.set_templates({model.parameter_names[i]: float(x[i]) for i in template})
        fit = profiler.minimise(x, fixed=fixed)
        near = 2.0 * (fit.nll - payload.best_nll) < GUARD_DELTA_CHI2
        if row == 0 or fit.status != 0 or (near and _far_pulled(fit.x, payload)):
            # Guard against local minima (e.g. a timing nuisance pulled to −3.4σ): also start
            # from the global best fit's and the nominal nuisances, keep the lowest.
            for base in (payload.best, model.init):
                other = base.copy()
                other[pois] = payload.grid.points[k]
                other[template] = x[template]
                alt = profiler.minimise(other, fixed=fixed)
                if alt.nll < fit.nll - 1e-9:
                    fit = alt
        x = fit.x
        out[row, :N_HEAD] = (fit.nll, fit.status, fit.iterations, fit.edm)
        out[row, N_HEAD:N_HEAD + model.n_params] = fit.x
        if payload.fc_toys:
            out[row, N_HEAD + model.n_params:] = _feldman_cousins(
                profiler, fit.x, fit.nll, payload, k)
    return out.tobytes()


def _lanes(payload: ScanPayload, points: range) -> list[np.ndarray]:
    """The chunk's points split into lanes: runs along the grid's last axis (one row of a
    2-D grid, visited in snake order), or the whole chunk for a 1-D grid or a point list."""
    idx = np.arange(points.start, points.stop)
    grid = payload.grid
    if len(grid.axes) < 2:
        return [idx - points.start]
    row = idx // grid.shape[-1]
    cuts = np.nonzero(np.diff(row))[0] + 1
    return [lane - points.start for lane in np.split(idx, cuts)]


def _compute_chunk_batched(payload: ScanPayload, index: int) -> bytes:
    """:func:`compute_chunk` with the lanes of the chunk profiled in lockstep.

    Each lane (a grid row) is a continuation, as in the pointwise path: its first point starts
    from the global best fit, every later point from its neighbour's minimum. The fits of
    every lane's current point advance together, one Newton step per batch on stacked arrays
    (:class:`~cevns.scan.batched.NewtonPool`), and a lane moves on to its next point as soon as
    its current one (with any restarts) has converged, so no batch waits for the slowest lane.
    Guards against local minima restart a point from the global best fit and from the nominal
    nuisances (batched, keeping the lowest) at a lane's first point, after a failure and where
    the fit left its warm start's basin (a constrained nuisance moved more than :data:`JUMP`
    σ); where a nuisance is pulled beyond :data:`FAR_PULL` σ they restart it from the global
    best fit, at most once every :data:`GUARD_EVERY` points of a lane (a nuisance stays pulled
    all along a valley, so restarting at every such point costs fits for nothing); all of
    these only where −2ΔlnL < :data:`GUARD_DELTA_CHI2`. A restart that finds a lower minimum is then
    followed backwards along its lane (each earlier point refitted from its successor's
    minimum, for as long as that lowers it), so the points skipped between two restarts end
    in the same minimum. A point still not converged is refitted alone with the single-point
    profiler and its L-BFGS-B/MIGRAD fallbacks, and its status records which method succeeded.
    """
    model = payload.model
    points = payload.chunk_points(index)
    k = len(points)
    pois = list(payload.pois)
    template = [model.parameter_names.index(n) for n in model.template_parameters]
    fixed = sorted(set(pois) | set(template))
    poi_values = payload.grid.points[points.start:points.stop]
    values = np.tile(payload.best, (k, 1))
    values[:, pois] = poi_values
    lanes = _lanes(payload, points)
    # The batch holds the points step-major (point j of every lane together), so each step
    # reads a contiguous block of the per-point templates.
    order = np.array([lane[j] for j in range(max(len(ln) for ln in lanes))
                      for lane in lanes if j < len(lane)])
    slot = np.empty(k, dtype=np.intp)
    slot[order] = np.arange(k)
    batch = BatchedModel(model, values[order][:, template])
    prof = BatchProfiler(model, payload.observed, payload.auxiliary)
    x = np.zeros((k, model.n_params))
    nll = np.zeros(k)
    status = np.zeros(k, dtype=np.intp)
    iters = np.zeros(k, dtype=np.intp)
    edm = np.zeros(k)
    cidx, sigma = model.constrained_index, model.constraint_sigma
    last_guard = np.full(len(lanes), -GUARD_EVERY)
    # Every lane advances on its own: its next point starts as soon as its current point
    # (and that point's restarts) converged, so each Newton step of the pool is a large batch
    # instead of the whole row of lanes waiting for the slowest fit.
    pool = NewtonPool(prof, batch, fixed)
    entries: list[tuple[int, int, int]] = []  # per tag: (lane, step, 0 main / 1 restart)
    main_start = np.zeros((len(lanes), model.n_params))
    waiting = np.zeros(len(lanes), dtype=np.intp)
    gained = np.zeros(len(lanes), dtype=bool)
    improved: list[tuple[int, int]] = []  # (lane, step) where a restart found a lower minimum
    launch: list[tuple[int, int, int, FloatArray]] = []

    def advance(lane: int, step: int) -> None:
        if step + 1 < len(lanes[lane]):
            launch.append((lane, step + 1, 0, x[lanes[lane][step]]))

    for lane in range(len(lanes)):
        launch.append((lane, 0, 0, payload.best))
    while launch or pool.size:
        if launch:
            rows_new = np.array([lanes[i][j] for i, j, _, _ in launch])
            starts = np.array([v for *_, v in launch])
            starts[:, fixed] = values[rows_new][:, fixed]
            for (i, _j, kind, _), st in zip(launch, starts, strict=True):
                if kind == 0:
                    main_start[i] = st
            pool.add(starts, slot[rows_new], np.arange(len(entries), len(entries) + len(launch)))
            entries.extend((i, j, kind) for i, j, kind, _ in launch)
            launch = []
        done = pool.step()
        for t, xv, fv, sv, iv, ev in zip(done.tag, done.x, done.nll, done.status,
                                         done.iterations, done.edm, strict=True):
            lane, step, kind = entries[int(t)]
            r = lanes[lane][step]
            if kind == 0:
                x[r], nll[r], status[r], iters[r], edm[r] = xv, fv, sv, iv, ev
                near = 2.0 * (fv - payload.best_nll) < GUARD_DELTA_CHI2
                jumped = np.max(np.abs(xv[cidx] - main_start[lane][cidx]) / sigma) > JUMP
                far = near and bool(np.any(np.abs((xv[cidx] - payload.auxiliary) / sigma)
                                           > FAR_PULL))
                strong = step == 0 or sv != 0 or (near and jumped)
                if strong or (far and step - last_guard[lane] >= GUARD_EVERY):
                    last_guard[lane] = step
                    gained[lane] = False
                    # The nominal start too where the fit failed, jumped or starts a lane; a
                    # pulled nuisance alone restarts from the global best fit.
                    launch.append((lane, step, 1, payload.best))
                    if strong:
                        launch.append((lane, step, 1, model.init))
                    waiting[lane] = 2 if strong else 1
                else:
                    advance(lane, step)
            else:
                if fv < nll[r] - 1e-9:
                    x[r], nll[r], status[r], iters[r], edm[r] = xv, fv, sv, iv, ev
                    gained[lane] = True
                waiting[lane] -= 1
                if waiting[lane] == 0:
                    if gained[lane]:
                        improved.append((lane, step))
                    advance(lane, step)
    # A restart that found a lower minimum: the points before it in its lane may sit in the
    # same higher minimum (their restarts were skipped); continue backwards from it while the
    # refit keeps finding lower minima.
    frontier = improved
    while frontier:
        frontier = [(i, j - 1) for i, j in frontier if j > 0]
        if not frontier:
            break
        src = np.array([lanes[i][j + 1] for i, j in frontier])
        run = np.array([lanes[i][j] for i, j in frontier])
        start = x[src].copy()
        start[:, fixed] = values[run][:, fixed]
        alt = prof.minimise(batch, start, fixed, rows=slot[run])
        better = alt.nll < nll[run] - 1e-9
        take = run[better]
        x[take], nll[take] = alt.x[better], alt.nll[better]
        status[take], iters[take], edm[take] = (alt.status[better], alt.iterations[better],
                                                alt.edm[better])
        frontier = [f for f, ok in zip(frontier, better, strict=True) if ok]
    out = np.zeros((k, payload.n_columns))
    profiler = Profiler(model, payload.observed, payload.auxiliary)
    for row, kk in enumerate(points):
        if status[row] != 0 or payload.fc_toys:
            model.set_templates({model.parameter_names[i]: float(values[row, i])
                                 for i in template})
        if status[row] != 0:
            single = profiler.minimise(x[row], fixed=fixed)
            if single.nll <= nll[row] + 1e-9 or single.status != 3:
                x[row], nll[row] = single.x, single.nll
                status[row], iters[row], edm[row] = (single.status, single.iterations,
                                                     single.edm)
        out[row, :N_HEAD] = (nll[row], status[row], iters[row], edm[row])
        out[row, N_HEAD:N_HEAD + model.n_params] = x[row]
        if payload.fc_toys:
            out[row, N_HEAD + model.n_params:] = _feldman_cousins(
                profiler, x[row], float(nll[row]), payload, kk)
    return out.tobytes()


#: A profiled nuisance further than this many σ from its constraint mean triggers extra starts.
FAR_PULL = 2.5
#: ... at most once every this many points of a lane (a nuisance stays pulled along a whole
#: valley; a restart that finds a lower minimum is followed backwards along the lane).
GUARD_EVERY = 8
#: A fit whose constrained nuisances moved further than this many σ from its warm start (it
#: left its neighbour's basin) triggers extra starts at every such point.
JUMP = 1.0
#: ... at points with −2ΔlnL below this (where intervals and contours live); far outside, a
#: point keeps its warm-started minimum.
GUARD_DELTA_CHI2 = 50.0


def _far_pulled(x: FloatArray, payload: ScanPayload) -> bool:
    model = payload.model
    pulls = (x[model.constrained_index] - payload.auxiliary) / model.constraint_sigma
    return bool(np.any(np.abs(pulls) > FAR_PULL))


#: Nodes of the coarse search over a parametric-template parameter's allowed range, for the
#: global minimum of a Feldman–Cousins toy.
FC_TEMPLATE_NODES = 41


class _TemplateSearch:
    """Global minimum of ``−ln L`` over one parameter that enters through parametric templates
    (an NSI coupling, ``sin²θ_W``, a magnetic moment): profiles at :data:`FC_TEMPLATE_NODES`
    values spanning its allowed range, all at once with the batched profiler, then Brent's
    method (bounded; Brent, *Algorithms for Minimization without Derivatives*, 1973) between
    the neighbours of the lowest node, each evaluation a Newton profile of the nuisances. The
    coarse nodes find the right one of several separated minima (a quadratic coupling often
    has two); Brent refines it."""

    def __init__(self, model: CompiledModel, poi: int, x_null: FloatArray) -> None:
        lo, hi = float(model.lower[poi]), float(model.upper[poi])
        self.model, self.poi = model, poi
        self.template = [model.parameter_names.index(n) for n in model.template_parameters]
        self.nodes = np.linspace(lo, hi, FC_TEMPLATE_NODES)
        values = np.tile(x_null, (self.nodes.size, 1))
        values[:, poi] = self.nodes
        self.batch = BatchedModel(model, values[:, self.template])

    def _set(self, x: FloatArray) -> None:
        self.model.set_templates({self.model.parameter_names[i]: float(x[i])
                                  for i in self.template})

    def minimum(self, profiler: Profiler, x_null: FloatArray) -> tuple[float, bool]:
        """Lowest ``−ln L`` of the data held by ``profiler`` (templates restored to
        ``x_null``'s afterwards) and whether its fits converged."""
        from scipy.optimize import minimize_scalar

        prof = BatchProfiler(self.model, profiler.observed, profiler.auxiliary)
        starts = np.tile(x_null, (self.nodes.size, 1))
        starts[:, self.poi] = self.nodes
        fit = prof.minimise(self.batch, starts, self.template)
        i = int(np.argmin(fit.nll))
        lo = self.nodes[max(i - 1, 0)]
        hi = self.nodes[min(i + 1, self.nodes.size - 1)]
        start = fit.x[i].copy()

        def profile(theta: float) -> float:
            x = start.copy()
            x[self.poi] = theta
            self._set(x)
            return profiler.minimise(x, fixed=self.template).nll

        try:
            res = minimize_scalar(profile, bounds=(lo, hi), method="bounded",
                                  options={"xatol": 1e-6 * (self.nodes[-1] - self.nodes[0])})
            refined = float(res.fun)
        finally:
            self._set(x_null)
        return min(float(fit.nll[i]), refined), bool(fit.status[i] != 3)


def _template_search(model: CompiledModel, pois: Sequence[int], x_null: FloatArray
                     ) -> _TemplateSearch | None:
    """The search over a templated parameter of interest, or ``None`` if no POI is one."""
    template = {model.parameter_names.index(n) for n in model.template_parameters}
    if not template & set(pois):
        return None
    return _TemplateSearch(model, int(next(iter(template & set(pois)))), x_null)


def _statistic(profiler: Profiler, x_null: FloatArray, pois: Sequence[int],
               search: _TemplateSearch | None = None) -> tuple[float, bool]:
    model = profiler.model
    hold = [model.parameter_names.index(n) for n in model.template_parameters]
    fixed = profiler.minimise(x_null, fixed=sorted(set(pois) | set(hold)))
    if search is not None:
        # The POI enters through templates: minimum over its range by the template search.
        best_free, ok_free = search.minimum(profiler, x_null)
        return 2.0 * (fixed.nll - min(best_free, fixed.nll)), fixed.status != 3 and ok_free
    # Global minimum: from the truth and from the POIs' lower bounds (a physical boundary such
    # as μ ≥ 0 is where a second minimum hides). Parameters of templates stay held.
    free = profiler.minimise(x_null, fixed=hold)
    idx = list(pois)
    edge = x_null.copy()
    edge[idx] = np.where(np.isfinite(model.lower[idx]), model.lower[idx], edge[idx])
    other = profiler.minimise(edge, fixed=hold)
    best = min(free.nll, other.nll, fixed.nll)
    ok = fixed.status != 3 and min(free.status, other.status) != 3
    return 2.0 * (fixed.nll - best), ok


def fc_statistic(profiler: Profiler, x_null: FloatArray, pois: Sequence[int]) -> float:
    """Feldman–Cousins test statistic ``t = 2 [−ln L(θ₀, θ̂̂) − min −ln L]`` of the data held by
    ``profiler`` at the point ``x_null`` (POIs at indices ``pois`` fixed at their values there),
    the minimum taken over the POIs' allowed range. A POI that enters through parametric
    templates is searched over its allowed range (:data:`FC_TEMPLATE_NODES` batched profiles
    and Brent's method); the profiler's templates must be set at ``x_null``."""
    x = np.asarray(x_null, dtype=np.float64)
    return _statistic(profiler, x, pois, _template_search(profiler.model, pois, x))[0]


def _feldman_cousins(profiler: Profiler, x_null: FloatArray, nll_point: float,
                     payload: ScanPayload, point: int) -> FloatArray:
    model = payload.model
    t_obs = 2.0 * (nll_point - min(payload.best_nll, nll_point))
    rng = np.random.default_rng(np.random.SeedSequence([payload.seed, point]))
    nu = model.expected(x_null)
    cidx = model.constrained_index
    t = np.empty(payload.fc_toys)
    failed = 0
    pois = list(payload.pois)
    search = _template_search(model, pois, x_null)
    for i in range(payload.fc_toys):
        counts = rng.poisson(nu).astype(np.float64)
        aux = rng.normal(x_null[cidx], model.constraint_sigma)
        t[i], ok = _statistic(profiler.with_data(counts, aux), x_null, pois, search)
        failed += 0 if ok else 1
    crit = np.quantile(t, FC_LEVELS)
    pvalue = float(np.mean(t >= t_obs - 1e-12))
    return np.concatenate([[pvalue], crit, [failed]])


# ---------------------------------------------------------------------- executors
#: A chunk task: ``task(payload, index) -> bytes``, a module-level (picklable) function.
ChunkTask = Callable[[Any, int], bytes]

_WORKER_PAYLOAD: Any = None
_WORKER_TASK: ChunkTask | None = None


def _init_worker(payload: Any, task: ChunkTask = compute_chunk) -> None:
    global _WORKER_PAYLOAD, _WORKER_TASK
    _WORKER_PAYLOAD = payload
    _WORKER_TASK = task


def _worker_chunk(index: int) -> tuple[int, bytes]:
    assert _WORKER_PAYLOAD is not None and _WORKER_TASK is not None
    return index, _WORKER_TASK(_WORKER_PAYLOAD, index)


def _dask_chunk(payload: Any, index: int, task: ChunkTask = compute_chunk) -> tuple[int, bytes]:
    return index, task(payload, index)


def _serial(payload: Any, todo: Sequence[int], task: ChunkTask = compute_chunk
            ) -> Iterator[tuple[int, bytes]]:
    for index in todo:
        yield index, task(payload, index)


#: Thread counts of the numerical libraries in a worker process: one, as Dask's nanny sets for
#: its workers, so ``workers`` processes on as many cores do not each start a BLAS thread per
#: core and contend for them (the 100 × 100 joint NSI scan on 2 processes: 8.4 s against
#: 8.9–9.3 s with OpenBLAS's default). A value the user has set is kept.
WORKER_THREAD_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                             "MKL_NUM_THREADS": "1"}


@contextmanager
def _worker_environment() -> Iterator[None]:
    """Set :data:`WORKER_THREAD_ENVIRONMENT` (where unset) while worker processes start.

    The libraries read these variables when they load, so they reach processes started inside
    the block; with the ``forkserver`` start method they reach the server started by the first
    pool of a session, which later pools fork from."""
    added = [name for name in WORKER_THREAD_ENVIRONMENT if name not in os.environ]
    for name in added:
        os.environ[name] = WORKER_THREAD_ENVIRONMENT[name]
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _processes(payload: Any, todo: Sequence[int], workers: int,
               task: ChunkTask = compute_chunk) -> Iterator[tuple[int, bytes]]:
    import multiprocessing

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    with _worker_environment(), ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker,
            initargs=(payload, task)) as pool:
        pending: set[Future[tuple[int, bytes]]] = {pool.submit(_worker_chunk, i) for i in todo}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: f.result()[0]):
                yield fut.result()


#: Options of the scheduler of a local Dask cluster: no dashboard, and its HTTP routes (the
#: scheduler serves them even without a dashboard, on port 8787 by default) on a free port of
#: the loopback interface, so another cluster holding 8787 neither clashes nor warns.
LOCAL_SCHEDULER_OPTIONS = {"dashboard": False, "dashboard_address": "127.0.0.1:0"}


def local_cluster(workers: int, processes: bool = True) -> Any:
    """A Dask ``LocalCluster`` for scans: one thread per worker, no dashboard, the scheduler's
    HTTP routes on a free loopback port (:data:`LOCAL_SCHEDULER_OPTIONS`), and worker
    processes started without Dask's default ``MALLOC_TRIM_THRESHOLD_=65536``. That setting
    returns freed memory to the system at once, so every large temporary array of a batched
    profile faults its pages in again: it made a chunk of the 100 × 100 joint NSI scan 2.4×
    slower (7.7 s against 3.2 s), while a scan's workers stay below 1 GiB anyway."""
    dist: Any = importlib.import_module("distributed")
    dask: Any = importlib.import_module("dask")
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        return dist.LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                 dashboard_address=None,
                                 scheduler_kwargs=LOCAL_SCHEDULER_OPTIONS)


def _dask(payload: Any, todo: Sequence[int], workers: int, scheduler: str | None,
          timeout: float, task: ChunkTask = compute_chunk,
          timing: dict[str, float] | None = None) -> Iterator[tuple[int, bytes]]:
    try:
        # Imported as a plain module object: distributed ships without type information.
        dist: Any = importlib.import_module("distributed")
    except ImportError:
        raise ScanError("executor: Dask is not installed; install the extra "
                        "`pip install 'cevns[dask]'`") from None
    cluster = None
    t0 = time.perf_counter()
    try:
        if scheduler is None:
            cluster = local_cluster(workers)
            client = dist.Client(cluster)
        else:
            client = dist.Client(scheduler, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise ScanError(f"scheduler: no Dask scheduler answers at {scheduler!r} within "
                        f"{timeout:g} s ({type(exc).__name__})") from None
    try:
        if scheduler is None:
            client.wait_for_workers(workers)
        t1 = time.perf_counter()
        # The payload (compiled model, data, grid) goes to every worker once; each task then
        # carries only its chunk index.
        shared = client.scatter(payload, broadcast=True)
        t2 = time.perf_counter()
        if timing is not None:
            timing["cluster_start_seconds"] = t1 - t0
            timing["scatter_seconds"] = t2 - t1
        futures = [client.submit(_dask_chunk, shared, i, task, pure=False) for i in todo]
        for fut in dist.as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def map_chunks(
    task: ChunkTask,
    payload: Any,
    indices: Sequence[int],
    *,
    executor: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 5.0,
) -> dict[int, bytes]:
    """Run ``task(payload, i)`` for every chunk index on the scan executors.

    The same executors as a scan (``"serial"``, ``"processes"``, ``"dask"``); ``task`` must be
    a module-level function and its result a pure function of ``(payload, i)`` (seed any
    randomness from the index), so the answer does not depend on the executor.
    """
    if workers < 1:
        raise ValueError(f"workers: need at least 1, got {workers}")
    if scheduler is not None:
        executor = "dask"
    if executor == "serial":
        stream = _serial(payload, indices, task)
    elif executor == "processes":
        stream = _processes(payload, indices, workers, task)
    elif executor == "dask":
        stream = _dask(payload, indices, workers, scheduler, timeout, task)
    else:
        raise ValueError(f"executor: must be 'serial', 'processes' or 'dask', got {executor!r}")
    return dict(stream)


def run_chunks(
    payload: ScanPayload,
    store: ScanStore,
    *,
    executor: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    timeout: float = 5.0,
    on_chunk: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Compute every chunk not yet in ``store`` and commit each as it finishes.

    Returns timing statistics (chunks computed, wall time, per-chunk mean).
    """
    if workers < 1:
        raise ValueError(f"workers: need at least 1, got {workers}")
    done = store.done()
    todo = [i for i in range(payload.n_chunks) if i not in done]
    start = time.perf_counter()
    timing: dict[str, float] = {}
    if executor == "serial":
        stream = _serial(payload, todo)
    elif executor == "processes":
        stream = _processes(payload, todo, workers)
    elif executor == "dask":
        stream = _dask(payload, todo, workers, scheduler, timeout, timing=timing)
    else:
        raise ValueError(f"executor: must be 'serial', 'processes' or 'dask', got {executor!r}")
    computed = 0
    for index, blob in stream if todo else iter(()):
        store.commit(index, blob)
        computed += 1
        if on_chunk is not None:
            on_chunk(index, len(payload.chunk_points(index)))
    wall = time.perf_counter() - start
    return {"chunks_total": payload.n_chunks, "chunks_resumed": len(done),
            "chunks_computed": computed, "wall_seconds": wall,
            "executor": executor, "workers": workers if executor != "serial" else 1,
            "pid": os.getpid(),
            "seconds_per_chunk": wall / computed if computed else math.nan, **timing}
