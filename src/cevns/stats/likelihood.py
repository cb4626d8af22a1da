"""Binned Poisson likelihood with Gaussian-constrained parameters, and its fits.

    −ln L(θ) = Σ_b [ν_b(θ) − n_b ln ν_b(θ) − (n_b − n_b ln n_b)]  +  ½ Σ_c ((θ_c − a_c)/σ_c)²

The constant makes ``2 (−ln L)`` of the data term the Poisson deviance ("likelihood χ²" of
Baker & Cousins, NIM 221 (1984) 437), so a good fit gives ``2 (−ln L)_data ≈ n_dof``. ``a_c`` are
the auxiliary measurements of the constrained parameters (the constraint means), which toy
experiments fluctuate. Fits use iminuit's MIGRAD + HESSE (James & Roos, CPC 10 (1975) 343)
with ``errordef = 0.5``; a failed minimisation raises :class:`ConvergenceError` carrying the
diagnostics, it never returns a silent number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from iminuit import Minuit

from cevns.stats.model import BinnedModel
from cevns.types import FloatArray

__all__ = [
    "BinnedLikelihood",
    "ConvergenceError",
    "FitResult",
    "ProfileScan",
    "discovery_significance",
    "fit",
    "profile",
    "toy_pulls",
]

#: Floor on ν in bins with observed events, reached only at parameter points where every
#: sample that can populate the bin is scaled to zero (e.g. μ = 0 for a signal-only bin):
#: −ln L there is then large but finite so that MIGRAD stays on a finite surface. A bin
#: that no sample can populate at all is refused when the likelihood is built.
_TINY = 1e-300


class ConvergenceError(RuntimeError):
    """The minimiser did not converge; ``.result`` holds the diagnostics of the attempt."""

    def __init__(self, message: str, result: FitResult) -> None:
        super().__init__(message)
        self.result = result


class BinnedLikelihood:
    """Poisson likelihood of observed counts given a :class:`BinnedModel`.

    Parameters
    ----------
    model
        Expected counts as a function of parameters.
    observed
        Observed counts (events per bin) with the model's template shape; finite and ≥ 0.
    auxiliary
        Auxiliary measurements for the constrained parameters (defaults to the constraint
        means declared on the parameters).
    """

    def __init__(
        self,
        model: BinnedModel,
        observed: object,
        auxiliary: FloatArray | None = None,
    ) -> None:
        data = np.asarray(observed, dtype=np.float64)
        if data.shape != model.shape:
            raise ValueError(
                f"observed: counts of shape {data.shape} do not match the model binning "
                f"{model.shape}"
            )
        if not np.all(np.isfinite(data)):
            bad = np.argwhere(~np.isfinite(data))[0].tolist()
            raise ValueError(f"observed: counts must be finite; NaN/inf in bin {bad}")
        if np.any(data < 0):
            bad = np.argwhere(data < 0)[0].tolist()
            raise ValueError(f"observed: counts must be ≥ 0; negative in bin {bad}")
        _check_support(model, data)
        self.model = model
        self.observed = data
        self._n = data.ravel()
        self._pos = self._n > 0
        self._n_pos = self._n[self._pos]
        self._saturated = float(np.sum(self._n_pos - self._n_pos * np.log(self._n_pos)))
        aux = model.constraint_mean if auxiliary is None else np.asarray(auxiliary, float)
        if aux.shape != model.constraint_mean.shape:
            raise ValueError(
                f"auxiliary: need {model.constraint_mean.size} values (one per constrained "
                f"parameter), got {aux.size}"
            )
        self.auxiliary = aux
        self._cidx = model.constrained_index
        self._inv_sigma = 1.0 / model.constraint_sigma

    def data_nll(self, x: FloatArray) -> float:
        """Data part of ``−ln L`` (half the Poisson deviance), dimensionless."""
        nu = self.model.expected(x)
        nu_pos = np.maximum(nu[self._pos], _TINY)
        return float(np.sum(nu) - np.dot(self._n_pos, np.log(nu_pos)) - self._saturated)

    def constraint_nll(self, x: FloatArray) -> float:
        """Gaussian constraint part of ``−ln L``."""
        pulls = (x[self._cidx] - self.auxiliary) * self._inv_sigma
        return 0.5 * float(np.dot(pulls, pulls))

    def nll(self, x: FloatArray) -> float:
        """Full ``−ln L(θ)`` (data + constraints, saturated constant removed)."""
        return self.data_nll(x) + self.constraint_nll(x)

    def __call__(self, x: FloatArray) -> float:
        return self.nll(np.asarray(x, dtype=np.float64))

    def with_data(self, observed: object, auxiliary: FloatArray | None = None) -> BinnedLikelihood:
        """Same model, other observation (used for toys)."""
        return BinnedLikelihood(self.model, observed, auxiliary)


def _check_support(model: BinnedModel, data: FloatArray) -> None:
    """Refuse observed events in a bin that every sample predicts to be exactly empty."""
    empty = (data.ravel() > 0) & ~model.can_populate()
    if np.any(empty):
        flat = int(np.flatnonzero(empty)[0])
        index = tuple(int(i) for i in np.unravel_index(flat, model.shape))
        raise ValueError(
            f"observed: bin {index if len(index) > 1 else index[0]} has "
            f"{data.ravel()[flat]:g} observed events but every sample "
            f"({', '.join(s.name for s in model.samples)}) predicts exactly zero there "
            f"[{int(empty.sum())} such bin(s)]; add a component that populates it or "
            "drop the bin from the region of interest"
        )


@dataclass(frozen=True)
class FitResult:
    """Outcome of a maximum-likelihood fit.

    Attributes
    ----------
    parameter_names, values, errors
        Best-fit values and HESSE (parabolic) errors, in the parameter vector order.
    covariance, correlation
        HESSE covariance and correlation matrices (fixed parameters have zero rows).
    nll
        ``−ln L`` at the minimum; ``chi2 = 2 × data part`` is the Poisson deviance.
    converged
        MIGRAD's validity flag (EDM below tolerance, call budget not exhausted) and a HESSE
        covariance that did not have to be forced positive definite; ``message`` gives the
        diagnostics when it is false.
    minos
        Asymmetric (MINOS) errors ``(lower, upper)`` by parameter name, when requested.
    """

    parameter_names: tuple[str, ...]
    values: FloatArray
    errors: FloatArray
    covariance: FloatArray
    correlation: FloatArray
    nll: float
    chi2: float
    n_bins: int
    n_free: int
    converged: bool
    edm: float
    nfcn: int
    message: str
    fixed: tuple[str, ...] = ()
    minos: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def ndof(self) -> int:
        """Bins minus free parameters (constrained nuisances are counted as measured)."""
        return self.n_bins - self.n_free

    def value(self, name: str) -> float:
        """Best-fit value of ``name``."""
        return float(self.values[self._i(name)])

    def error(self, name: str) -> float:
        """Parabolic error of ``name``."""
        return float(self.errors[self._i(name)])

    def _i(self, name: str) -> int:
        try:
            return self.parameter_names.index(name)
        except ValueError:
            raise ValueError(
                f"name: unknown parameter {name!r}; allowed: {list(self.parameter_names)}"
            ) from None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary with every parameter, error, correlation and diagnostic."""
        return {
            "converged": self.converged,
            "message": self.message,
            "nll": self.nll,
            "chi2": self.chi2,
            "n_bins": self.n_bins,
            "n_free_parameters": self.n_free,
            "ndof": self.ndof,
            "edm": self.edm,
            "nfcn": self.nfcn,
            "parameters": {
                n: {
                    "value": float(v),
                    "error": float(e),
                    "fixed": n in self.fixed,
                    **({"minos": list(self.minos[n])} if n in self.minos else {}),
                }
                for n, v, e in zip(self.parameter_names, self.values, self.errors, strict=True)
            },
            "correlation": {
                "parameters": list(self.parameter_names),
                "matrix": self.correlation.tolist(),
            },
        }


def _minuit(
    likelihood: BinnedLikelihood,
    start: FloatArray,
    fixed: Mapping[str, float],
) -> Minuit:
    model = likelihood.model
    x0 = start.copy()
    for name, val in fixed.items():
        x0[model.index(name)] = float(val)
    m = Minuit(likelihood, x0, name=model.parameter_names)
    m.errordef = Minuit.LIKELIHOOD
    m.strategy = 1
    m.print_level = 0
    for i, (lo, hi) in enumerate(model.bounds):
        m.limits[i] = (-math.inf if lo is None else lo, math.inf if hi is None else hi)
    # Start steps: 10 % of the value or 0.1 for nuisances centred on zero.
    m.errors = np.where(np.abs(x0) > 0, 0.1 * np.abs(x0), 0.1)
    for name in fixed:
        m.fixed[name] = True
    return m


def fit(
    likelihood: BinnedLikelihood,
    *,
    fixed: Mapping[str, float] | None = None,
    start: FloatArray | Mapping[str, float] | None = None,
    minos: Iterable[str] = (),
    require_convergence: bool = True,
) -> FitResult:
    """Maximum-likelihood fit with MIGRAD, errors from HESSE (and MINOS on request).

    Parameters
    ----------
    likelihood
        What to minimise.
    fixed
        Parameters held at the given values.
    start
        Start vector (or overrides by name). By default the fit starts from the parameters'
        ``init`` and, where parameters declare further ``starts`` (a coupling whose likelihood
        can have a second minimum), also from those, and keeps the lowest minimum (a converged
        one before one that is not).
    minos
        Names of parameters for which asymmetric MINOS errors are computed.
    require_convergence
        If true (default), a fit that MIGRAD flags invalid raises :class:`ConvergenceError`
        (its ``.result`` holds the diagnostics); if false the result is returned with
        ``converged = False``.
    """
    model = likelihood.model
    fixed = dict(fixed or {})
    if isinstance(start, Mapping):
        x0 = model.vector(start)
    elif start is None:
        x0 = model.init.copy()
    else:
        x0 = np.asarray(start, dtype=np.float64).copy()
        if x0.shape != model.init.shape:
            raise ValueError(f"start: need {model.init.size} values, got {x0.size}")
    m = _migrad(likelihood, x0, fixed)
    if start is None:
        for other_start in _further_starts(model, fixed):
            other = _migrad(likelihood, other_start, fixed)
            if (_healthy(other), -other.fval) > (_healthy(m), -m.fval):
                m = other
    valid = _healthy(m)
    minos_errors: dict[str, tuple[float, float]] = {}
    if valid:
        for name in minos:
            model.index(name)
            m.minos(name)
            me = m.merrors[name]
            minos_errors[name] = (float(me.lower), float(me.upper))
    n = len(model.parameter_names)
    values = np.array(m.values, dtype=np.float64)
    errors = np.array(m.errors, dtype=np.float64)
    free = [i for i in range(n) if model.parameter_names[i] not in fixed]
    covariance = np.zeros((n, n))
    if m.covariance is not None:
        covariance = np.array(m.covariance, dtype=np.float64)
    for i in range(n):
        if i not in free:
            errors[i] = 0.0
            covariance[i, :] = 0.0
            covariance[:, i] = 0.0
    diag = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = np.where(np.outer(diag, diag) > 0, covariance / np.outer(diag, diag), 0.0)
    np.fill_diagonal(correlation, [1.0 if i in free else 0.0 for i in range(n)])
    fmin = m.fmin
    message = "converged" if valid else _diagnose(m)
    n_unconstrained_free = sum(
        1 for i in free if model.parameters[i].constraint is None
    )
    result = FitResult(
        parameter_names=model.parameter_names,
        values=values,
        errors=errors,
        covariance=covariance,
        correlation=correlation,
        nll=float(m.fval),
        chi2=2.0 * likelihood.data_nll(values),
        n_bins=model.n_bins,
        n_free=n_unconstrained_free,
        converged=valid,
        edm=float(fmin.edm) if fmin is not None else math.nan,
        nfcn=int(m.nfcn),
        message=message,
        fixed=tuple(fixed),
        minos=minos_errors,
    )
    if require_convergence and not valid:
        raise ConvergenceError(f"fit did not converge: {message}", result)
    return result


def _migrad(likelihood: BinnedLikelihood, x0: FloatArray, fixed: Mapping[str, float]) -> Minuit:
    """MIGRAD + HESSE from ``x0``; if unhealthy, retried with MINUIT's careful strategy, then
    from the model's nominal start (both strategies): a covariance that had to be forced
    positive-definite means the quadratic approximation (and hence every error) is not
    trustworthy."""
    model = likelihood.model
    m = _minuit(likelihood, x0, fixed)
    m.migrad()
    m.hesse()
    if not _healthy(m):
        for restart, strategy in ((x0, 2), (model.init.copy(), 1), (model.init.copy(), 2)):
            m = _minuit(likelihood, restart, fixed)
            m.strategy = strategy
            m.migrad()
            m.hesse()
            if _healthy(m):
                break
    return m


def _further_starts(model: BinnedModel, fixed: Mapping[str, float]) -> list[FloatArray]:
    """Start vectors besides ``init``: the k-th sets every free parameter that declares a k-th
    value in ``starts`` to it (the others at ``init``)."""
    out = []
    free = [(i, p) for i, p in enumerate(model.parameters) if p.starts and p.name not in fixed]
    for k in range(max((len(p.starts) for _, p in free), default=0)):
        x = model.init.copy()
        for i, p in free:
            if k < len(p.starts):
                x[i] = p.starts[k]
        out.append(x)
    return out


def _healthy(m: Minuit) -> bool:
    fmin = m.fmin
    return bool(m.valid and fmin is not None and not fmin.has_made_posdef_covar)


def _diagnose(m: Minuit) -> str:
    fmin = m.fmin
    if fmin is None:
        return "MIGRAD did not run"
    reasons = []
    if fmin.has_reached_call_limit:
        reasons.append("call limit reached")
    if fmin.is_above_max_edm:
        reasons.append(f"EDM {fmin.edm:.3g} above tolerance")
    if not fmin.has_posdef_covar:
        reasons.append("covariance not positive definite")
    if fmin.has_made_posdef_covar:
        reasons.append("covariance had to be forced positive definite")
    if fmin.hesse_failed:
        reasons.append("HESSE failed")
    if not fmin.has_valid_parameters:
        reasons.append("invalid parameters")
    return "; ".join(reasons) or "MIGRAD reported an invalid minimum"


@dataclass(frozen=True)
class ProfileScan:
    """Profile-likelihood scan ``q(μ) = 2 [−ln L(μ, θ̂̂) + ln L(μ̂, θ̂)]`` of one parameter."""

    parameter: str
    values: FloatArray
    q: FloatArray
    best_fit: FitResult

    def interval(self, level: float = 1.0) -> tuple[float, float]:
        """Interval where ``q ≤ level`` (1 → 68.3 % CL for one parameter), linearly interpolated.

        Raises ``ValueError`` if the scan does not cross ``level`` on both sides.
        """
        i_min = int(np.argmin(self.q))
        left_q, left_x = self.q[: i_min + 1][::-1], self.values[: i_min + 1][::-1]
        right_q, right_x = self.q[i_min:], self.values[i_min:]
        bounds = []
        for qs, xs in ((left_q, left_x), (right_q, right_x)):
            above = np.nonzero(qs > level)[0]
            if above.size == 0:
                raise ValueError(f"level: scan of {self.parameter} does not reach q = {level}")
            k = int(above[0])
            bounds.append(float(np.interp(level, [qs[k - 1], qs[k]], [xs[k - 1], xs[k]])))
        return bounds[0], bounds[1]


def profile(
    likelihood: BinnedLikelihood,
    parameter: str,
    values: Sequence[float] | FloatArray,
    *,
    best_fit: FitResult | None = None,
    fixed: Mapping[str, float] | None = None,
) -> ProfileScan:
    """Profile the likelihood in ``parameter`` over ``values`` (others re-minimised each point)."""
    grid = np.asarray(values, dtype=np.float64)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError("values: need an increasing 1-D grid of at least two points")
    fixed = dict(fixed or {})
    best = best_fit or fit(likelihood, fixed=fixed)
    q = np.empty_like(grid)
    start = best.values
    # Scan outwards from the best fit so that each point starts from its neighbour.
    order = np.argsort(np.abs(grid - best.value(parameter)))
    starts: dict[int, FloatArray] = {}
    for k in order:
        neighbours = [j for j in (k - 1, k + 1) if j in starts]
        x0 = starts[neighbours[0]] if neighbours else start
        res = fit(likelihood, fixed={**fixed, parameter: float(grid[k])}, start=x0,
                  require_convergence=False)
        starts[int(k)] = res.values
        q[k] = 2.0 * (res.nll - best.nll)
    return ProfileScan(parameter, grid, np.maximum(q, 0.0), best)


def discovery_significance(
    likelihood: BinnedLikelihood,
    parameter: str,
    null_value: float = 0.0,
    *,
    best_fit: FitResult | None = None,
) -> float:
    """Significance ``√q₀`` (Wilks; Cowan et al., EPJC 71 (2011) 1554) of rejecting
    ``parameter = null_value``, other parameters profiled."""
    best = best_fit or fit(likelihood)
    null = fit(likelihood, fixed={parameter: null_value}, start=best.values)
    return math.sqrt(max(2.0 * (null.nll - best.nll), 0.0))


def toy_pulls(
    likelihood: BinnedLikelihood,
    parameter: str,
    truth: FloatArray,
    n_toys: int,
    *,
    seed: int,
) -> FloatArray:
    """Pulls ``(θ̂ − θ_true)/σ̂`` of ``parameter`` over seeded toy experiments.

    Each toy draws Poisson counts from ``ν(truth)`` and Gaussian auxiliary measurements around
    the true values of the constrained parameters, then refits. Non-converged toys are dropped
    (their number is ``n_toys − len(result)``).
    """
    if n_toys < 1:
        raise ValueError(f"n_toys: need at least 1 toy, got {n_toys}")
    rng = np.random.default_rng(seed)
    model = likelihood.model
    truth = np.asarray(truth, dtype=np.float64)
    nu = model.expected(truth).reshape(model.shape)
    i = model.index(parameter)
    pulls = []
    for _ in range(n_toys):
        counts = rng.poisson(nu).astype(np.float64)
        aux = rng.normal(truth[model.constrained_index], model.constraint_sigma)
        toy = likelihood.with_data(counts, aux)
        res = fit(toy, start=truth, require_convergence=False)
        if res.converged and res.errors[i] > 0:
            pulls.append((res.values[i] - truth[i]) / res.errors[i])
    return np.array(pulls)
