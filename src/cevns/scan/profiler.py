"""Fast profiling: minimise the Poisson + constraint NLL over the nuisances at fixed POIs.

At every scan point the parameters of interest are held fixed and all others are re-fitted by a
projected Newton method with the Gauss–Newton (Fisher) Hessian ``Jᵀ diag(1/ν) J + diag(1/σ²)``
built from the analytic Jacobian of :class:`~cevns.scan.compiled.CompiledModel`, a backtracking
(Armijo) line search, and bounds handled by an active set (Bertsekas, SIAM J. Control Optim. 20
(1982) 221). Convergence is declared when the estimated distance to the minimum
``EDM = ½ gᵀ H⁻¹ g`` (the MIGRAD criterion) falls below ``edm_tol``. A point that does not
converge is retried with L-BFGS-B (Byrd, Lu, Nocedal & Zhu, SIAM J. Sci. Comput. 16 (1995) 1190;
analytic gradient) and then with MIGRAD (iminuit, analytic gradient); its status records which
one succeeded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cevns.scan.compiled import CompiledModel
from cevns.types import FloatArray

__all__ = ["STATUS", "PointFit", "Profiler"]

_TINY = 1e-300

#: Fit status codes stored in the scan table.
STATUS = {0: "newton", 1: "lbfgsb", 2: "minuit", 3: "failed"}


def poisson_data_terms(model: CompiledModel, observed: FloatArray, auxiliary: FloatArray | None
                       ) -> tuple[FloatArray, np.ndarray, float, FloatArray]:
    """The data side of ``−ln L``: observed counts (checked against the model's bins), the mask
    of bins with counts, the saturated constant ``Σ (n − n ln n)`` over them, and the auxiliary
    data of the constraints (their means when ``auxiliary`` is None)."""
    counts = np.ravel(np.asarray(observed, dtype=np.float64))
    if counts.size != model.n_bins:
        raise ValueError(f"observed: need {model.n_bins} counts, got {counts.size}")
    positive = counts > 0
    n_pos = counts[positive]
    saturated = float(np.sum(n_pos - n_pos * np.log(n_pos)))
    aux = (model.constraint_mean.copy() if auxiliary is None
           else np.asarray(auxiliary, dtype=np.float64))
    return counts, positive, saturated, aux


@dataclass(frozen=True)
class PointFit:
    """Result of one profile fit: parameter vector, ``−ln L``, status code, iterations, EDM."""

    x: FloatArray
    nll: float
    status: int
    iterations: int
    edm: float


class Profiler:
    """Negative log likelihood with analytic gradient, and its bounded minimisation.

    Parameters
    ----------
    model
        Compiled expectation model.
    observed
        Observed counts (flattened to the model's bins).
    auxiliary
        Auxiliary measurements of the constrained parameters (default: the constraint means).
    edm_tol
        Convergence threshold on ``½ gᵀ H⁻¹ g`` (in units of ``−ln L``).
    """

    def __init__(
        self,
        model: CompiledModel,
        observed: FloatArray,
        auxiliary: FloatArray | None = None,
        edm_tol: float = 1e-9,
    ) -> None:
        self.model = model
        self.observed, self._pos, self._saturated, self.auxiliary = poisson_data_terms(
            model, observed, auxiliary)
        self._cidx = model.constrained_index
        self._inv_var = 1.0 / model.constraint_sigma**2
        self.edm_tol = edm_tol
        self._fisher: tuple[FloatArray, FloatArray] = (np.empty((0, 0)), np.empty(0))

    def with_data(self, observed: FloatArray, auxiliary: FloatArray | None = None) -> Profiler:
        """The same model with other observed counts (toys, Asimov data)."""
        return Profiler(self.model, observed, auxiliary, self.edm_tol)

    # ------------------------------------------------------------------ NLL
    def nll(self, x: FloatArray) -> float:
        """``−ln L`` (data + constraints, saturated constant removed), as
        :meth:`cevns.stats.likelihood.BinnedLikelihood.nll`."""
        x = np.asarray(x, dtype=np.float64)
        nu = self.model.expected(x)
        return self._nll_from(x, nu)

    def _nll_from(self, x: FloatArray, nu: FloatArray) -> float:
        nu_pos = np.maximum(nu[self._pos], _TINY)
        pulls = x[self._cidx] - self.auxiliary
        return float(np.sum(nu) - np.dot(self.observed[self._pos], np.log(nu_pos))
                     - self._saturated + 0.5 * np.dot(pulls * self._inv_var, pulls))

    def nll_grad(self, x: FloatArray) -> tuple[float, FloatArray]:
        """``−ln L`` and its analytic gradient."""
        value, grad, _ = self._evaluate(x, hessian=False)
        return value, grad

    def _evaluate(self, x: FloatArray, hessian: bool) -> tuple[float, FloatArray, FloatArray]:
        """``−ln L``, gradient and (if ``hessian``) the exact Hessian, or the Fisher matrix
        ``Jᵀ diag(1/ν) J`` where the exact one is not positive definite."""
        nu, jac, curv = self.model.second_order(x, observed=self.observed if hessian else None)
        safe = np.maximum(nu, _TINY)
        value = self._nll_from(x, nu)
        ratio = self.observed / safe
        grad = jac.T @ (1.0 - ratio)
        grad[self._cidx] += (x[self._cidx] - self.auxiliary) * self._inv_var
        hess = np.empty((0, 0))
        if hessian:
            assert curv is not None
            hess = jac.T @ (jac * (ratio / safe)[:, None]) + curv
            hess[self._cidx, self._cidx] += self._inv_var
            self._fisher = (jac, safe)
        return value, grad, hess

    def _fisher_matrix(self) -> FloatArray:
        jac, safe = self._fisher
        fisher = jac.T @ (jac * (1.0 / safe)[:, None])
        fisher[self._cidx, self._cidx] += self._inv_var
        return np.asarray(fisher)

    # ------------------------------------------------------------------ minimisation
    def minimise(
        self,
        start: FloatArray,
        fixed: Sequence[int] = (),
        *,
        max_iter: int = 100,
        fallback: bool = True,
    ) -> PointFit:
        """Minimise over every parameter not in ``fixed`` (indices), starting from ``start``.

        The fixed parameters keep their values in ``start``.
        """
        lo, hi = self.model.lower, self.model.upper
        x = np.clip(np.asarray(start, dtype=np.float64), lo, hi)
        free_mask = np.ones(x.size, dtype=bool)
        free_mask[list(fixed)] = False
        result = self._newton(x, free_mask, max_iter)
        if result.status == 0 or not fallback:
            return result
        best = result
        for status, method in ((1, self._lbfgsb), (2, self._minuit)):
            try:
                attempt = method(best.x, free_mask)
            except (ValueError, RuntimeError, FloatingPointError):
                continue
            if attempt.nll <= best.nll + 1e-9:
                best = attempt
            # Polish with Newton from the fallback's point, which certifies the minimum.
            polished = self._newton(best.x, free_mask, max_iter)
            if polished.status == 0:
                return PointFit(polished.x, polished.nll, status, polished.iterations,
                                polished.edm)
        return PointFit(best.x, best.nll, 3, best.iterations, best.edm)

    def _newton(self, x: FloatArray, free: np.ndarray, max_iter: int) -> PointFit:
        lo, hi = self.model.lower, self.model.upper
        f, g, h = self._evaluate(x, hessian=True)
        edm = math.inf
        for it in range(1, max_iter + 1):
            # ε-active set (Bertsekas 1982): variables within ε of a bound with the gradient
            # pushing outwards move by a scaled gradient step onto the bound; the others by
            # Newton. ε shrinks with the projected-gradient norm, so near the solution the
            # active set is the exact one.
            width = float(np.linalg.norm((x - np.clip(x - g, lo, hi))[free]))
            eps = min(1e-2, width)
            at_lo = (x - lo <= eps) & (g > 0)
            at_hi = (hi - x <= eps) & (g < 0)
            bound = free & (at_lo | at_hi)
            active = free & ~bound
            idx = np.nonzero(active)[0]
            if idx.size == 0 and not bound.any():
                return PointFit(x, f, 0, it, 0.0)
            gf = g[idx]
            hf = h[np.ix_(idx, idx)]
            if idx.size:
                try:
                    np.linalg.cholesky(hf)
                except np.linalg.LinAlgError:
                    # Far from the minimum the exact Hessian may be indefinite: use the Fisher
                    # information (positive semi-definite), regularised.
                    hf = self._fisher_matrix()[np.ix_(idx, idx)]
                    hf += np.eye(idx.size) * 1e-12 * max(float(np.max(np.diag(hf))), 1.0)
                try:
                    step = -np.linalg.solve(hf, gf)
                except np.linalg.LinAlgError:
                    step = -np.linalg.lstsq(hf, gf, rcond=None)[0]
            else:
                step = np.zeros(0)
            edm = 0.5 * float(-np.dot(gf, step))
            if not math.isfinite(edm):
                break
            if edm < self.edm_tol and not bound.any():
                return PointFit(x, f, 0, it, edm)
            bidx = np.nonzero(bound)[0]
            if bidx.size:
                curv = np.maximum(np.abs(np.diag(h))[bidx], 1e-12)
                bstep = -g[bidx] / curv
                if edm < self.edm_tol:
                    # Newton part converged: only the bound variables remain; snap them.
                    snapped = x.copy()
                    snapped[bidx] = np.clip(x[bidx] + bstep, lo[bidx], hi[bidx])
                    if np.array_equal(snapped, x):
                        return PointFit(x, f, 0, it, edm)
            t = 1.0
            accepted = False
            for _ in range(40):
                trial = x.copy()
                trial[idx] = np.clip(x[idx] + t * step, lo[idx], hi[idx])
                if bidx.size:
                    trial[bidx] = np.clip(x[bidx] + t * bstep, lo[bidx], hi[bidx])
                ft, gt, ht = self._evaluate(trial, hessian=True)
                decrease = 1e-4 * float(np.dot(g, trial - x))
                if math.isfinite(ft) and ft <= f + decrease:
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                # No descent along the Newton direction: leave it to the fallbacks.
                break
            if f - ft < 1e-13 * max(1.0, abs(f)) and edm < 1e3 * self.edm_tol:
                return PointFit(trial, ft, 0, it, edm)
            x, f, g, h = trial, ft, gt, ht
        return PointFit(x, f, 3, max_iter, edm)

    def _lbfgsb(self, x: FloatArray, free: np.ndarray) -> PointFit:
        from scipy.optimize import minimize

        idx = np.nonzero(free)[0]
        base = x.copy()

        def fun(z: FloatArray) -> tuple[float, FloatArray]:
            full = base.copy()
            full[idx] = z
            value, grad = self.nll_grad(full)
            return value, grad[idx]

        bounds = [(None if not math.isfinite(self.model.lower[i]) else self.model.lower[i],
                   None if not math.isfinite(self.model.upper[i]) else self.model.upper[i])
                  for i in idx]
        res = minimize(fun, x[idx], jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9})
        full = base.copy()
        full[idx] = res.x
        return PointFit(full, float(res.fun), 1 if res.success else 3, int(res.nit), math.nan)

    def _minuit(self, x: FloatArray, free: np.ndarray) -> PointFit:
        from iminuit import Minuit

        def fcn(z: FloatArray) -> float:
            return self.nll(z)

        def grad(z: FloatArray) -> FloatArray:
            return self.nll_grad(z)[1]

        m = Minuit(fcn, x.copy(), grad=grad)
        m.errordef = Minuit.LIKELIHOOD
        m.print_level = 0
        m.strategy = 1
        for i in range(x.size):
            m.limits[i] = (self.model.lower[i], self.model.upper[i])
            m.fixed[i] = not free[i]
        m.errors = np.where(np.abs(x) > 0, 0.1 * np.abs(x), 0.1)
        m.migrad()
        fmin = m.fmin
        ok = bool(m.valid)
        return PointFit(np.array(m.values, dtype=np.float64), float(m.fval), 2 if ok else 3,
                        int(m.nfcn), float(fmin.edm) if fmin is not None else math.nan)
