"""Coverage of profile-likelihood intervals with seeded toys, run on the scan engine's executors.

The frequentist check of a Wilks interval (Wilks, Ann. Math. Stat. 9 (1938) 60): toys are drawn
at a true point (by default the data's best fit), each toy is fitted free and with the parameter
of interest held at its true value, and the toy covers when
``q = 2 [−ln L(θ_true, ν̂̂) + ln L(θ̂, ν̂)] < Δχ²(CL)``. Every toy fluctuates the counts (Poisson)
and the auxiliary measurements of the constrained nuisances (Gaussian around their true values),
so all nuisances are profiled as in the analysis.

The toys are split into chunks; chunk ``i`` draws from ``numpy.random.default_rng((seed, i))``,
so the figure does not depend on the executor (``"serial"``, ``"processes"``, ``"dask"``, see
:func:`cevns.scan.engine.map_chunks`) or on the number of workers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from cevns.experiments.analysis import Analysis
from cevns.scan.engine import map_chunks
from cevns.stats.likelihood import BinnedLikelihood, fit
from cevns.types import FloatArray

__all__ = ["CoverageResult", "interval_coverage"]


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of the ``cl`` profile-likelihood interval of ``parameter``.

    ``coverage`` is the fraction of converged toys whose interval holds the true value;
    ``binomial_error`` its standard error ``√(p(1−p)/n)``.
    """

    parameter: str
    true_value: float
    cl: float
    toys: int
    converged: int
    covered: int

    @property
    def coverage(self) -> float:
        return self.covered / max(self.converged, 1)

    @property
    def binomial_error(self) -> float:
        p = self.coverage
        return math.sqrt(p * (1.0 - p) / max(self.converged, 1))

    def as_dict(self) -> dict[str, float | int | str]:
        return {"parameter": self.parameter, "true_value": self.true_value, "cl": self.cl,
                "toys": self.toys, "converged": self.converged, "covered": self.covered,
                "coverage": self.coverage, "binomial_error": self.binomial_error}


@dataclass(frozen=True)
class _Payload:
    likelihood: BinnedLikelihood
    truth: FloatArray
    parameter: str
    threshold: float
    seed: int
    chunk_size: int
    n_toys: int


def _coverage_chunk(payload: _Payload, index: int) -> bytes:
    """Toys ``[index · chunk_size, …)``: ``{"covered": c, "converged": n}`` as JSON bytes."""
    lik = payload.likelihood
    model = lik.model
    truth = payload.truth
    true_value = float(truth[model.index(payload.parameter)])
    expected = model.expected(truth).reshape(model.shape)
    rng = np.random.default_rng((payload.seed, index))
    first = index * payload.chunk_size
    covered = converged = 0
    for _ in range(first, min(first + payload.chunk_size, payload.n_toys)):
        counts = rng.poisson(expected).astype(np.float64)
        aux = rng.normal(truth[model.constrained_index], model.constraint_sigma)
        toy = lik.with_data(counts, aux)
        free = fit(toy, start=truth, require_convergence=False)
        held = fit(toy, start=free.values, fixed={payload.parameter: true_value},
                   require_convergence=False)
        if free.converged and held.converged:
            converged += 1
            covered += int(2.0 * (held.nll - free.nll) < payload.threshold)
    return json.dumps({"covered": covered, "converged": converged}).encode()


def interval_coverage(
    analysis: Analysis,
    parameter: str,
    n_toys: int,
    seed: int,
    *,
    cl: float = 0.6827,
    truth: Mapping[str, float] | None = None,
    chunk_size: int = 10,
    executor: str = "serial",
    workers: int = 1,
) -> CoverageResult:
    """Coverage of the ``cl`` Wilks interval of ``parameter`` from ``n_toys`` seeded toys.

    Parameters
    ----------
    analysis
        The analysis (e.g. ``build_csi_2021(...).with_model("weak-angle")``).
    parameter
        Parameter of interest.
    n_toys, seed
        Number of toys (> 0) and the seed of the chunked random streams.
    cl
        Confidence level in (0, 1); the interval is ``q < Δχ²₁(cl)`` (1.0 for 68.27 %).
    truth
        Values the toys are drawn at (others at the data's best fit); default the best fit.
    chunk_size
        Toys per chunk (the unit of work an executor schedules).
    executor, workers
        As for :func:`cevns.scan.engine.map_chunks`.
    """
    if parameter not in analysis.model.parameter_names:
        raise ValueError(f"parameter: {parameter!r} is not a parameter of {analysis.name}; "
                         f"allowed: {list(analysis.model.parameter_names)}")
    if not (isinstance(n_toys, int) and n_toys > 0):
        raise ValueError(f"n_toys: need a positive integer, got {n_toys!r}")
    if not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"chunk_size: need a positive integer, got {chunk_size!r}")
    if not (0.0 < cl < 1.0):
        raise ValueError(f"cl: must be in (0, 1), got {cl!r}")
    best = analysis.fit()
    x = best.values.copy()
    for name, value in (truth or {}).items():
        x[analysis.model.index(name)] = float(value)
    payload = _Payload(analysis.likelihood, x, parameter, float(stats.chi2.ppf(cl, 1)),
                       int(seed), chunk_size, n_toys)
    n_chunks = -(-n_toys // chunk_size)
    blobs = map_chunks(_coverage_chunk, payload, range(n_chunks), executor=executor,
                       workers=workers)
    parts = [json.loads(blobs[i]) for i in range(n_chunks)]
    return CoverageResult(parameter, float(x[analysis.model.index(parameter)]), cl, n_toys,
                          sum(p["converged"] for p in parts), sum(p["covered"] for p in parts))
