"""Expected sensitivity: Asimov data and toy bands of the limits.

The Asimov data set (Cowan, Cranmer, Gross & Vitells, EPJC 71 (2011) 1554) replaces the
observation by the expectation at the null hypothesis (and the auxiliary measurements by the
null values), so its scan gives the median expected ``Δχ²`` curve and limits. Toy experiments
drawn at the null give the spread: for each toy the whole grid is profiled and the limit
extracted; the bands are the 2.3/15.9/50/84.1/97.7 % quantiles (median, ±1σ, ±2σ) of the toy
limits. For a 2-D grid the limit is on the first axis for each value of the second (an
exclusion curve, e.g. a coupling against a mediator mass).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cevns.scan.engine import ScanPayload, compute_chunk, make_payload
from cevns.scan.grid import ScanGrid
from cevns.scan.profiler import Profiler
from cevns.scan.results import _segments, wilks_threshold
from cevns.stats.likelihood import BinnedLikelihood
from cevns.types import FloatArray

__all__ = ["BAND_QUANTILES", "Sensitivity", "expected_sensitivity", "upper_limits"]

#: Quantiles of the toy limits: −2σ, −1σ, median, +1σ, +2σ of a normal distribution.
BAND_QUANTILES = (0.02275, 0.15866, 0.5, 0.84134, 0.97725)


@dataclass(frozen=True)
class Sensitivity:
    """Expected limits on the first grid axis (one per value of the second axis, if any).

    Attributes
    ----------
    slices
        Values of the second axis (``[nan]`` for a 1-D grid).
    asimov
        Limit from the Asimov data set, per slice.
    bands
        Toy-limit quantiles :data:`BAND_QUANTILES`, shape ``(n_slices, 5)``.
    asimov_delta_chi2
        Asimov ``Δχ²`` on the grid (grid order).
    level
        Confidence level of the limits.
    """

    slices: FloatArray
    asimov: FloatArray
    bands: FloatArray
    asimov_delta_chi2: FloatArray
    level: float
    n_toys: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"level": self.level, "n_toys": self.n_toys, "slices": self.slices.tolist(),
                "asimov": self.asimov.tolist(), "quantiles": list(BAND_QUANTILES),
                "bands": self.bands.tolist()}


def upper_limits(grid: ScanGrid, delta_chi2_grid: FloatArray, level: float) -> FloatArray:
    """Upper end of the Wilks 1-dof set along the first axis, per value of the second axis
    (``delta_chi2_grid`` in grid C order); NaN where the set reaches the top of the axis."""
    if not grid.axes or len(grid.axes) > 2:
        raise ValueError("grid: limits need a 1-D or 2-D axis grid")
    a0 = grid.axes[0]
    n1 = grid.axes[1].n if len(grid.axes) == 2 else 1
    z = np.asarray(delta_chi2_grid).reshape(a0.n, n1)
    thr = wilks_threshold(level, 1)
    out = np.full(n1, np.nan)
    for j in range(n1):
        pieces = _segments(a0.values, z[:, j] - thr)
        if pieces and not pieces[-1].high_open:
            out[j] = pieces[-1].high
    return out


def _grid_delta_chi2(payload: ScanPayload) -> FloatArray:
    rows = np.concatenate([np.frombuffer(compute_chunk(payload, i)).reshape(-1, payload.n_columns)
                           for i in range(payload.n_chunks)])
    nll = np.empty(rows.shape[0])
    nll[payload.grid.c_index] = rows[:, 0]
    return np.asarray(2.0 * (nll - min(payload.best_nll, float(nll.min()))))


def expected_sensitivity(
    likelihood: BinnedLikelihood,
    grid: ScanGrid,
    null: Mapping[str, float],
    *,
    n_toys: int = 100,
    seed: int = 0,
    level: float = 0.90,
) -> Sensitivity:
    """Asimov and toy-band expected limits on the first axis of ``grid`` (see module doc).

    Parameters
    ----------
    likelihood
        The analysis likelihood (its model gives the expectation).
    grid
        1-D or 2-D axis grid; the limit is on the first axis.
    null
        Parameter values of the null hypothesis (e.g. ``{"mu_nu": 0}``); others at their
        starting values, the nuisances then fitted to the Asimov data.
    n_toys
        Toy experiments for the bands (0: Asimov only).
    """
    model = likelihood.model
    grid.validate(model.parameter_names, model.bounds)
    if n_toys < 0:
        raise ValueError(f"n_toys: must be ≥ 0, got {n_toys}")
    from cevns.scan.api import best_fit

    x_null = model.vector(dict(null))
    nu = model.expected(x_null).reshape(model.shape)
    aux = x_null[model.constrained_index]
    # Every row of a 2-D grid in one chunk: the rows are profiled in lockstep.
    chunk = grid.size if len(grid.axes) >= 2 else grid.shape[-1]

    templated = bool(getattr(model, "template_parameters", ()))

    def delta(observed: FloatArray, auxiliary: FloatArray) -> FloatArray:
        lik = BinnedLikelihood(model, observed, auxiliary)
        payload = make_payload(lik, grid, chunk_size=chunk, fc_toys=0, seed=0, best=x_null,
                               best_nll=0.0)
        prof = Profiler(payload.model, payload.observed, payload.auxiliary)
        if templated:
            # Parameters of parametric templates: MIGRAD's global fit polished by Newton.
            best_x, best_nll = best_fit(lik, prof)
        else:
            best = prof.minimise(x_null)
            best_x, best_nll = best.x, best.nll
        payload = ScanPayload(**{**vars(payload), "best": best_x, "best_nll": best_nll})
        return _grid_delta_chi2(payload)

    asimov_q = delta(nu, aux)
    asimov = upper_limits(grid, asimov_q, level)
    rng = np.random.default_rng(seed)
    limits = []
    for _ in range(n_toys):
        counts = rng.poisson(nu).astype(np.float64)
        toy_aux = rng.normal(aux, model.constraint_sigma)
        limits.append(upper_limits(grid, delta(counts, toy_aux), level))
    n_slices = asimov.size
    if limits:
        bands = np.nanquantile(np.array(limits), BAND_QUANTILES, axis=0).T
    else:
        bands = np.full((n_slices, len(BAND_QUANTILES)), np.nan)
    slices = grid.axes[1].values if len(grid.axes) == 2 else np.array([np.nan])
    return Sensitivity(slices, asimov, np.asarray(bands), asimov_q, level, n_toys)
