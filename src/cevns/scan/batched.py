"""Profiling many scan points at once: the compiled model and the Newton profiler on stacks.

:class:`BatchedModel` evaluates a :class:`~cevns.scan.compiled.CompiledModel` at ``K`` parameter
vectors in one pass: the parametric templates (nominals, HistoSys ±1σ) of every point are
evaluated together (:func:`cevns.stats.templates.evaluate_many`, one contraction over
(points, bins) for the quadratic templates of couplings), and the expected counts ``ν``
``(K, n_bins)``, the Jacobian ``∂ν/∂θ`` ``(K, n_bins, n_params)`` and the second-order term of
the Hessian ``(K, n_params, n_params)`` are the same formulas as the single-point model's
(Cranmer et al., CERN-OPEN-2012-016 for the structure), written on a leading point axis.

:class:`BatchProfiler` runs the projected Newton method of :class:`~cevns.scan.profiler.Profiler`
(ε-active set, Bertsekas, SIAM J. Control Optim. 20 (1982) 221; Armijo backtracking; MIGRAD's
EDM criterion) on all points together: each point keeps its own active set, step length,
convergence test and status, and a point leaves the batch when it converges or fails. Points
that fail are handed back with status 3 so the caller can refit them one by one with the
single-point path and its L-BFGS-B/MIGRAD fallbacks. Per point the arithmetic is that of the
single-point method, so a converged point agrees with it to the convergence tolerance
(``EDM < 1e-9`` in ``−ln L``), not bit for bit (sums run in another order).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cevns.scan.compiled import _CODE4, _EXP, _LIN, _NF, CompiledModel
from cevns.scan.profiler import _TINY, poisson_data_terms
from cevns.stats.model import floor_scale, pchip_evaluate
from cevns.stats.templates import evaluate_many
from cevns.types import FloatArray

__all__ = ["BatchFit", "BatchProfiler", "BatchedModel", "NewtonPool", "PoolDone"]



@dataclass(frozen=True)
class BatchFit:
    """Profile fits of ``K`` points: parameters ``(K, n_params)``, ``−ln L``, status (0:
    converged, 3: not converged), iterations and EDM, each ``(K,)``."""

    x: FloatArray
    nll: FloatArray
    status: np.ndarray
    iterations: np.ndarray
    edm: FloatArray


@dataclass(frozen=True, eq=False)
class _ShapeBlock:
    """The HistoSys rows of one sample, kept only on the bins where the sample can be
    non-zero (``bins``); arrays carry the point axis first."""

    sample: int
    rows: np.ndarray  # HistoSys row indices
    params: np.ndarray  # their parameters
    smooth: np.ndarray  # code4p rows
    bins: np.ndarray
    nominal: FloatArray  # (K, nb)
    up: FloatArray  # (K, h, nb)
    dn: FloatArray
    floor: FloatArray  # (K, nb)
    grids: tuple[tuple[int, np.ndarray], ...]  # (grid index, positions of its mult bins)
    span: np.ndarray | slice  # ``bins`` as a slice where they are consecutive


class BatchedModel:
    """A compiled model evaluated at a stack of parameter vectors.

    A sample's HistoSys variations are handled on that sample's support only (the bins where
    its nominal or a variation is non-zero at some point of the batch; outside, its counts are
    zero at every parameter value), and ``Jᵀ W J`` is summed over blocks of bins sharing their
    non-zero Jacobian columns: in a combined fit every channel sees only its own nuisances,
    so both skip work on zeros. The values are those of the dense formulas.

    Parameters
    ----------
    model
        The compiled model (its single-point state is not modified).
    template_values
        ``(K, n_template)`` values of :attr:`CompiledModel.template_parameters` at each of the
        ``K`` points (ignored when the model has no parametric templates).
    """

    def __init__(self, model: CompiledModel, template_values: FloatArray | None = None) -> None:
        self.model = m = model
        n_t = len(m.template_parameters)
        values = (np.zeros((1, n_t)) if template_values is None or n_t == 0
                  else np.asarray(template_values, dtype=np.float64).reshape(-1, n_t))
        k = values.shape[0] if n_t else 1
        self.n_points = k
        n_s, n_b = m.nominal.shape
        named = {n: values[:, i] for i, n in enumerate(m.template_parameters)}
        # Per-point arrays only for what the templates change; the rest is shared (leading
        # axis of length 1).
        nominal: dict[int, FloatArray] = {s_i: m.nominal[s_i][None] for s_i in range(n_s)}
        up: dict[int, FloatArray] = {r: m._hs_up[r][None] for r in range(m._hs_param.size)}
        dn: dict[int, FloatArray] = {r: m._hs_dn[r][None] for r in range(m._hs_param.size)}
        if n_t:
            for s_i, template in m._param_nominal:
                nominal[s_i] = evaluate_many(template, named, k)
            for row, lo, hi in m._param_hs:
                nom = nominal[int(m._hs_sample[row])]
                up[row] = evaluate_many(hi, named, k) - nom
                dn[row] = nom - evaluate_many(lo, named, k)
        has_shape = bool(m._hs_param.size)
        sample_bins = np.zeros((n_s, n_b), dtype=bool)
        shared = m.nominal.copy()
        self._point_samples: list[tuple[int, FloatArray]] = []
        for s_i in range(n_s):
            nom = nominal[s_i]
            sample_bins[s_i] = np.any(nom != 0, axis=0)
            if s_i in m._hs_sample:
                continue  # handled by its shape block
            counts = _smooth_floor(nom, floor_scale(nom, 0.0 * nom, 0.0 * nom))[0] \
                if has_shape else nom
            if counts.shape[0] == 1:
                shared[s_i] = counts[0]
            else:
                self._point_samples.append((s_i, counts))
        for g in m._grid:
            sample_bins[g.sample, g.add] = True
            sample_bins[g.sample, g.mult] = True
        blocks = []
        for s_i in np.unique(m._hs_sample):
            rows = np.nonzero(m._hs_sample == s_i)[0]
            nom = nominal[int(s_i)]
            # The sample's support first, so the per-point arrays are cut to it before any
            # arithmetic (views where the support is a run of bins).
            support = sample_bins[s_i].copy()
            for r in rows:
                support |= np.any(up[int(r)] != 0, axis=0) | np.any(dn[int(r)] != 0, axis=0)
            bins = np.nonzero(support)[0]
            span = _as_slice(bins)
            bu = _stack([up[int(r)][:, span] for r in rows])  # (K or 1, h, bins)
            bd = _stack([dn[int(r)][:, span] for r in rows])
            nom = nom[:, span]
            floor = floor_scale(nom, np.sum(np.abs(bu), axis=1), np.sum(np.abs(bd), axis=1))
            grids = []
            for gi, g in enumerate(m._grid):
                if g.sample == s_i:
                    grids.append((gi, np.searchsorted(bins, g.mult)))
            blocks.append(_ShapeBlock(
                int(s_i), rows, m._hs_param[rows], m._hs_smooth[rows], bins,
                nom, bu, bd, floor, tuple(grids), span))
            sample_bins[s_i] = support
            shared[s_i] = 0.0
        self._shared = shared
        self._blocks = tuple(blocks)
        self._sample_bins = sample_bins
        p = m.n_params
        n_pairs = m._pair_m.size
        # Scatter matrix (one-hot) replacing np.add.at on a leading point axis.
        self._pair_scatter = np.zeros((n_pairs, p * p))
        self._pair_scatter[np.arange(n_pairs),
                           m._norm_param[m._pair_m] * p + m._norm_param[m._pair_k]] = 1.0
        self.blocks = self._bin_blocks()
        self._block_flat = [(params[:, None] * n_b + bins[None, :]).ravel()
                            for bins, params in self.blocks]
        self._sample_slices = [_as_slice(np.nonzero(sample_bins[s_i])[0]) for s_i in range(n_s)]

    def _bin_blocks(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Bins grouped by the set of parameters whose Jacobian column can be non-zero there
        (over every point of this batch): ``[(bins, parameters), ...]``."""
        m = self.model
        n_b = m.nominal.shape[1]
        support = np.zeros((m.n_params, n_b), dtype=bool)
        for s_i, p_i in zip(m._norm_sample, m._norm_param, strict=True):
            support[p_i] |= self._sample_bins[s_i]
        for blk in self._blocks:
            for p_i in blk.params:
                # The floor couples a sample's variations on its whole support.
                support[p_i, blk.bins] = True
        for g in m._grid:
            support[g.param, g.mult] = True
            support[g.param, g.add] = True
        keys = np.packbits(support, axis=0).T  # one signature per bin
        _, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = np.ravel(inverse)
        blocks = []
        for label in np.unique(inverse):
            bins = np.nonzero(inverse == label)[0]
            params = np.nonzero(support[:, bins[0]])[0]
            if params.size:
                blocks.append((bins, params))
        return blocks

    def gram(self, jac: FloatArray, weight: FloatArray) -> FloatArray:
        """``Jᵀ diag(w) J`` per point, ``(K, n_params, n_params)``, block by block."""
        k, n_b, n_p = jac.shape
        jt = np.ascontiguousarray(jac.transpose(0, 2, 1)).reshape(k, n_p * n_b)
        out = np.zeros((k, n_p, n_p))
        for (bins, params), flat in zip(self.blocks, self._block_flat, strict=True):
            # One gather of the block's (parameters × bins) entries.
            jb = jt[:, flat].reshape(k, params.size, bins.size)
            out[:, params[:, None], params[None, :]] += np.matmul(
                jb * weight[:, None, bins], jb.transpose(0, 2, 1))
        return out

    # ------------------------------------------------------------------ pieces
    def _norm_factors(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        m = self.model
        a = x[:, m._norm_param]
        kind = m._norm_kind[None, :]
        f = np.ones_like(a)
        d = np.zeros_like(a)
        d2 = np.zeros_like(a)
        nf = np.broadcast_to(kind == _NF, a.shape)
        f = np.where(nf, a, f)
        d = np.where(nf, 1.0, d)
        lin = np.broadcast_to(kind == _LIN, a.shape)
        if lin.any():
            hi, lo = m._norm_hi - 1.0, m._norm_lo - 1.0
            fl = 1.0 + np.where(a >= 0, a * hi, -a * lo)
            dl = np.where(a >= 0, hi, -lo)
            f = np.where(lin, np.maximum(fl, 0.0), f)
            d = np.where(lin, np.where(fl > 0, dl, 0.0), d)
        ex = np.broadcast_to((kind == _EXP) | (kind == _CODE4), a.shape)
        if ex.any():
            rate = np.where(ex, np.where(a >= 0, m._norm_loghi, -m._norm_loglo), 0.0)
            fe = np.exp(a * rate)
            de = fe * rate
            de2 = de * rate
            poly = np.broadcast_to(kind == _CODE4, a.shape) & (np.abs(a) < 1.0)
            if poly.any():
                c = m._norm_coef[None, :, :]  # (1, M, 6)
                powers = a[..., None] ** np.arange(0, 7)
                i = np.arange(1, 7)
                fp = 1.0 + np.sum(c * powers[..., 1:], axis=-1)
                dp = np.sum(c * i * powers[..., :-1], axis=-1)
                d2p = np.sum((c * i * (i - 1))[..., 1:] * powers[..., :-2], axis=-1)
                fe, de, de2 = (np.where(poly, fp, fe), np.where(poly, dp, de),
                               np.where(poly, d2p, de2))
            f, d, d2 = np.where(ex, fe, f), np.where(ex, de, d), np.where(ex, de2, d2)
        return f, d, d2

    def expected(self, x: FloatArray, rows: np.ndarray) -> FloatArray:
        """``ν`` ``(K, n_bins)`` alone at the parameter vectors ``x`` of the points ``rows``
        (the counts of :meth:`second_order` without any derivative)."""
        m = self.model
        x = np.asarray(x, dtype=np.float64)
        k = x.shape[0]
        if self.n_points == 1:
            rows = np.zeros(k, dtype=np.intp)
        pick = _as_slice(np.asarray(rows))
        base = np.empty((k, *self._shared.shape))
        base[:] = self._shared
        for s_i, counts in self._point_samples:
            base[:, s_i] = counts[pick]
        for blk in self._blocks:
            cu, cd = _histosys_coefficients(x[:, blk.params], blk.smooth, False)[:2]
            counts = (_take(blk.nominal, pick) + _contract(cu, _take(blk.up, pick))
                      + _contract(cd, _take(blk.dn, pick)))
            fl = np.broadcast_to(_take(blk.floor, pick), (k, blk.bins.size))
            base[:, blk.sample, blk.bins] = _smooth_floor(counts, fl)[0]
        for g in m._grid:
            a1 = x[:, g.param]
            base[:, g.sample, g.mult] *= pchip_evaluate(g.nodes, g.ratio_coef, a1)[0]
            base[:, g.sample, g.add] += pchip_evaluate(g.nodes, g.add_coef, a1)[0]
        f = self._norm_factors(x)[0]
        factor = np.prod(np.where((m._norm_to_sample > 0)[None], f[:, None, :], 1.0), axis=2)
        return np.asarray(np.einsum("ks,ksb->kb", factor, base))

    def second_order(self, x: FloatArray, rows: np.ndarray, observed: FloatArray | None
                     ) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        """``ν`` ``(K, n_bins)``, ``J`` ``(K, n_bins, n_params)`` and, given ``observed``
        counts, ``Σ_b (1 − n_b/ν_b) ∂²ν_b/∂θ_p∂θ_q`` ``(K, n_params, n_params)``, at the
        parameter vectors ``x`` ``(K, n_params)`` of the points ``rows`` (indices into the
        points whose templates this object holds)."""
        m = self.model
        x = np.asarray(x, dtype=np.float64)
        k = x.shape[0]
        if self.n_points == 1:  # no parametric templates: every point shares them
            rows = np.zeros(k, dtype=np.intp)
        pick = _as_slice(np.asarray(rows))
        second = observed is not None
        base = np.empty((k, *self._shared.shape))
        base[:] = self._shared
        for s_i, counts in self._point_samples:
            base[:, s_i] = counts[pick]
        # Per shape block: slope (after floor and grid scaling), the curvature coefficients
        # (up, down) and their per-bin multiplier, the slope before the floor, the floor's
        # curvature, the slope before the grid scaling.
        shape: list[_Shape] = []
        for blk in self._blocks:
            up, dn = _take(blk.up, pick), _take(blk.dn, pick)
            cu, cd, su, sd, eu, ed = _histosys_coefficients(x[:, blk.params], blk.smooth,
                                                            second)
            # Every HistoSys code is Δ = c_u(α)·up + c_d(α)·down bin by bin (code4p through
            # its half-sum and asymmetry), so the sum over variations is one contraction and
            # the slope two products, instead of element-wise branches over (K, h, bins).
            counts = _take(blk.nominal, pick) + _contract(cu, up) + _contract(cd, dn)
            slope = su[:, :, None] * up + sd[:, :, None] * dn
            fl = np.broadcast_to(_take(blk.floor, pick), (k, blk.bins.size))
            counts, fslope = _smooth_floor(counts, fl)
            base[:, blk.sample, blk.bins] = counts
            pre = fcurv = cmult = None
            if not np.all(fslope == 1.0):
                if second:
                    pre = slope
                    low = fslope != 1.0
                    fcurv = np.where(low, fslope / np.where(low, fl, 1.0), 0.0)
                    cmult = fslope
                slope = slope * fslope[:, None, :]
            curv = (eu, ed, cmult) if eu is not None and ed is not None else None
            shape.append(_Shape(blk, slope, curv, pre, fcurv, slope))
        grid_terms: list[tuple[int, int, np.ndarray, FloatArray, FloatArray]] = []
        grid_dratio: dict[int, FloatArray] = {}
        grid_ratio: dict[int, FloatArray] = {}
        if m._grid:
            for gi, g in enumerate(m._grid):
                a1 = x[:, g.param]
                held = base[:, g.sample, g.mult]
                ratio, dratio, d2ratio = pchip_evaluate(g.nodes, g.ratio_coef, a1,
                                                        curvature=True)
                value, dvalue, d2value = pchip_evaluate(g.nodes, g.add_coef, a1,
                                                        curvature=True)
                base[:, g.sample, g.mult] = held * ratio
                base[:, g.sample, g.add] += value
                bins = np.concatenate([g.mult, g.add])
                grid_terms.append((g.sample, g.param, bins,
                                   np.concatenate([held * dratio, dvalue], axis=1),
                                   np.concatenate([held * d2ratio, d2value], axis=1)))
                grid_dratio[gi] = dratio
                grid_ratio[gi] = ratio
            for i, sh in enumerate(shape):
                blk = sh.block
                if not blk.grids:
                    continue
                scale = np.ones((k, blk.bins.size))
                for gi, local in blk.grids:
                    scale[:, local] = grid_ratio[gi]
                curv = sh.curv
                if curv is not None:
                    eu, ed, cmult = curv
                    curv = (eu, ed, scale if cmult is None else cmult * scale)
                fcurv = None if sh.fcurv is None else sh.fcurv * scale
                shape[i] = _Shape(blk, sh.slope * scale[:, None, :], curv, sh.pre, fcurv,
                                  sh.slope)
        f, d, d2 = self._norm_factors(x)
        mask = m._norm_to_sample > 0
        factor = np.prod(np.where(mask[None], f[:, None, :], 1.0), axis=2)  # (K, S)
        # Jacobian, stored parameter-major (K, P, B) so that every column is a contiguous row
        # written only on its sample's bins; returned as its (K, B, P) view.
        others = np.prod(np.where(m._others_mask[None], f[:, None, :], 1.0), axis=2)
        dnorm = d * others  # ∂F_s/∂θ_p of each normalisation modifier
        dfactor = m._norm_to_sample @ (dnorm[:, :, None] * m._norm_onehot)  # (K, S, P)
        jt = np.zeros((k, m.n_params, base.shape[2]))
        for i, (s_i, p_i) in enumerate(zip(m._norm_sample, m._norm_param, strict=True)):
            on = self._sample_slices[s_i]
            jt[:, p_i, on] += dnorm[:, i, None] * base[:, s_i, on]
        for sh in shape:
            blk = sh.block
            weighted = sh.slope * factor[:, blk.sample][:, None, None]
            on = blk.span
            for j, p_i in enumerate(blk.params):
                jt[:, p_i, on] += weighted[:, j]
        for s, p, b, gs, _ in grid_terms:
            jt[:, p, b] += factor[:, s][:, None] * gs
        jac = jt.transpose(0, 2, 1)
        nu = np.einsum("ks,ksb->kb", factor, base)
        if observed is None:
            return nu, jac, None
        obs = np.broadcast_to(observed, nu.shape)
        r = 1.0 - obs / np.maximum(nu, _TINY)
        n_p = m.n_params
        rb = np.einsum("ksb,kb->ks", base, r)
        h = np.zeros((k, n_p * n_p))
        if m._pair_m.size:
            pm, pk = m._pair_m, m._pair_k
            rest = np.prod(np.where(m._pair_mask[None], f[:, None, :], 1.0), axis=2)
            val = (np.where(m._pair_same, d2[:, pm], d[:, pm] * d[:, pk]) * rest
                   * rb[:, m._norm_sample[pm]])
            h += val @ self._pair_scatter
        hess = h.reshape(k, n_p, n_p)
        n_s = m.nominal.shape[0]
        dbr = np.zeros((k, n_s, n_p))
        diag = np.zeros((k, n_p))
        for sh in shape:
            blk = sh.block
            rr = r[:, blk.bins]
            _add_at(dbr, (slice(None), blk.sample, blk.params),
                      np.einsum("khb,kb->kh", sh.slope, rr))
            fs = factor[:, blk.sample]
            if sh.curv is not None:
                eu, ed, cmult = sh.curv
                w = rr if cmult is None else rr * cmult
                up, dn = _take(blk.up, pick), _take(blk.dn, pick)
                _add_at(diag, (slice(None), blk.params),
                          fs[:, None] * (eu * _contract_bins(up, w)
                                         + ed * _contract_bins(dn, w)))
            if sh.fcurv is not None and sh.pre is not None:
                # ∂²f(u)/∂α_r∂α_r' = f″(u) ∂u/∂α_r ∂u/∂α_r' (same sample).
                # Only the bins below their floor (at some point of the stack) contribute.
                low = np.nonzero(np.any(sh.fcurv != 0.0, axis=0))[0]
                w = rr[:, low] * sh.fcurv[:, low] * fs[:, None]
                pre = sh.pre[:, :, low]
                gram = np.matmul(pre * w[:, None, :], pre.transpose(0, 2, 1))
                _add_at(hess, (slice(None), blk.params[:, None], blk.params[None, :]), gram)
            for gi, local in blk.grids:
                # ∂²B/∂α_r∂α_g = (∂Δ_r/∂α_r) · ∂ratio/∂α_g on the scaled bins.
                g = m._grid[gi]
                mixed = fs[:, None] * np.einsum("krm,km->kr", sh.raw[:, :, local],
                                                r[:, g.mult] * grid_dratio[gi])
                _add_at(hess, (slice(None), blk.params, g.param), mixed)
                _add_at(hess, (slice(None), g.param, blk.params), mixed)
        for s, p, b, gs, gc in grid_terms:
            dbr[:, s, p] += np.einsum("kb,kb->k", gs, r[:, b])
            diag[:, p] += factor[:, s] * np.einsum("kb,kb->k", gc, r[:, b])
        cross = np.matmul(dfactor.transpose(0, 2, 1), dbr)
        hess += cross + cross.transpose(0, 2, 1)
        idx = np.arange(n_p)
        hess[:, idx, idx] += diag
        return nu, jac, hess


class BatchProfiler:
    """The projected Newton profiler of :class:`~cevns.scan.profiler.Profiler` on a stack of
    points (see the module docstring).

    Parameters
    ----------
    model
        Compiled expectation model.
    observed
        Observed counts (flattened), shared by every point.
    auxiliary
        Auxiliary measurements of the constrained parameters (default: constraint means).
    edm_tol
        Convergence threshold on ``½ gᵀ H⁻¹ g``, as the single-point profiler.
    finish_edm
        Below this EDM (no parameter at a bound) the last Newton step is taken with a check
        of ``−ln L`` alone and the fit stops there: the EDM after a Newton step inside the
        quadratic basin is of order EDM², far below ``edm_tol``, so the full evaluation
        (Jacobian and Hessian) that would only confirm it is skipped. ``0`` switches it off.
    """

    def __init__(self, model: CompiledModel, observed: FloatArray,
                 auxiliary: FloatArray | None = None, edm_tol: float = 1e-9,
                 finish_edm: float = 3e-5) -> None:
        self.model = model
        self.observed, self._pos, self._saturated, self.auxiliary = poisson_data_terms(
            model, observed, auxiliary)
        self._obs_pos = self.observed[self._pos]
        self._cidx = model.constrained_index
        self._inv_var = 1.0 / model.constraint_sigma**2
        self.edm_tol = edm_tol
        self.finish_edm = finish_edm

    def _evaluate(self, batch: BatchedModel, x: FloatArray, rows: np.ndarray
                  ) -> tuple[FloatArray, FloatArray, FloatArray]:
        nu, jac, curv = batch.second_order(x, rows, self.observed)
        assert curv is not None
        safe = np.maximum(nu, _TINY)
        pulls = x[:, self._cidx] - self.auxiliary
        value = (np.sum(nu, axis=1) - np.log(np.maximum(nu[:, self._pos], _TINY)) @ self._obs_pos
                 - self._saturated + 0.5 * np.sum(pulls * self._inv_var * pulls, axis=1))
        ratio = self.observed / safe
        grad = np.matmul(jac.transpose(0, 2, 1), (1.0 - ratio)[:, :, None])[:, :, 0]
        grad[:, self._cidx] += pulls * self._inv_var
        hess = batch.gram(jac, ratio / safe) + curv
        hess[:, self._cidx, self._cidx] += self._inv_var
        return value, grad, hess

    def _value(self, batch: BatchedModel, x: FloatArray, rows: np.ndarray) -> FloatArray:
        """``−ln L`` alone (no derivatives)."""
        nu = batch.expected(x, rows)
        pulls = x[:, self._cidx] - self.auxiliary
        return np.asarray(np.sum(nu, axis=1)
                          - np.log(np.maximum(nu[:, self._pos], _TINY)) @ self._obs_pos
                          - self._saturated + 0.5 * np.sum(pulls * self._inv_var * pulls, axis=1))

    def _fisher(self, batch: BatchedModel, x: FloatArray, rows: np.ndarray) -> FloatArray:
        nu, jac, _ = batch.second_order(x, rows, None)
        safe = np.maximum(nu, _TINY)
        fisher = batch.gram(jac, 1.0 / safe)
        fisher[:, self._cidx, self._cidx] += self._inv_var
        return np.asarray(fisher)

    def nll(self, batch: BatchedModel, x: FloatArray) -> FloatArray:
        """``−ln L`` at each row of ``x`` (points of ``batch`` in order)."""
        return self._evaluate(batch, np.asarray(x, dtype=np.float64),
                              np.arange(np.shape(x)[0]))[0]

    def minimise(self, batch: BatchedModel, start: FloatArray, fixed: Sequence[int] = (),
                 *, rows: np.ndarray | None = None, max_iter: int = 100) -> BatchFit:
        """Minimise over the parameters not in ``fixed`` from each row of ``start``
        (``(K, n_params)``; the fixed parameters keep their values). Row ``i`` uses the
        templates of point ``rows[i]`` of ``batch`` (default: point ``i``)."""
        x0 = np.array(start, dtype=np.float64, ndmin=2)
        k = x0.shape[0]
        point = np.arange(k) if rows is None else np.asarray(rows, dtype=np.intp)
        pool = NewtonPool(self, batch, fixed, max_iter)
        pool.add(x0, point, np.arange(k))
        x = np.empty_like(x0)
        f = np.empty(k)
        status = np.empty(k, dtype=np.intp)
        iters = np.empty(k, dtype=np.intp)
        edm = np.empty(k)
        while pool.size:
            done = pool.step()
            t = done.tag
            x[t], f[t], status[t], iters[t], edm[t] = (done.x, done.nll, done.status,
                                                        done.iterations, done.edm)
        return BatchFit(x, f, status, iters, edm)


@dataclass(frozen=True)
class PoolDone:
    """Fits that finished in one round of a :class:`NewtonPool`: their tags and results."""

    tag: np.ndarray
    x: FloatArray
    nll: FloatArray
    status: np.ndarray
    iterations: np.ndarray
    edm: FloatArray


class NewtonPool:
    """Fits in progress, advanced together one projected Newton iteration per :meth:`step`
    (the method of :meth:`BatchProfiler.minimise`, which runs a pool until it is empty).

    New fits may join between steps (:meth:`add`), so a caller following many continuations
    (the lanes of a scan) starts a lane's next point as soon as its current one converges,
    instead of every lane waiting for the slowest one: each step then stays a large batch.
    Every fit keeps its own iteration count, active set, step length and status, so a fit
    computes the same values whichever others share its batches (to rounding)."""

    def __init__(self, profiler: BatchProfiler, batch: BatchedModel, fixed: Sequence[int],
                 max_iter: int = 100) -> None:
        m = profiler.model
        self.prof, self.batch, self.max_iter = profiler, batch, max_iter
        self.lo, self.hi = m.lower, m.upper
        n_p = m.n_params
        self.free = np.ones(n_p, dtype=bool)
        self.free[list(fixed)] = False
        self.x = np.empty((0, n_p))
        self.f = np.empty(0)
        self.g = np.empty((0, n_p))
        self.h = np.empty((0, n_p, n_p))
        self.it = np.empty(0, dtype=np.intp)
        self.point = np.empty(0, dtype=np.intp)
        self.tag = np.empty(0, dtype=np.intp)
        self.edm = np.empty(0)
        self.fresh_x: list[FloatArray] = []
        self.fresh_point: list[np.ndarray] = []
        self.fresh_tag: list[np.ndarray] = []

    @property
    def size(self) -> int:
        """Fits in progress (started or waiting for their first evaluation)."""
        return int(self.tag.size) + sum(t.size for t in self.fresh_tag)

    def add(self, start: FloatArray, points: np.ndarray, tags: np.ndarray) -> None:
        """Start fits from ``start`` (``(n, n_params)``) on the batch's points ``points``,
        labelled ``tags`` (returned with their results). They are evaluated in the next
        :meth:`step`, in the same batch as the other fits' trial points."""
        if len(tags) == 0:
            return
        x = np.clip(np.asarray(start, dtype=np.float64), self.lo, self.hi)
        self.fresh_x.append(x)
        self.fresh_point.append(np.asarray(points, dtype=np.intp))
        self.fresh_tag.append(np.asarray(tags, dtype=np.intp))

    def step(self) -> PoolDone:
        """One Newton iteration of every fit in progress; returns the fits that finished
        (converged: status 0; failed, or at the iteration limit: status 3)."""
        prof, batch, lo, hi, free = self.prof, self.batch, self.lo, self.hi, self.free
        n, n_p = self.x.shape
        if self.fresh_tag:
            new_x = np.concatenate(self.fresh_x)
            new_point = np.concatenate(self.fresh_point)
            new_tag = np.concatenate(self.fresh_tag)
            self.fresh_x, self.fresh_point, self.fresh_tag = [], [], []
        else:
            new_x, new_point = np.empty((0, n_p)), np.empty(0, dtype=np.intp)
            new_tag = np.empty(0, dtype=np.intp)
        n_new = new_tag.size
        xl, fl, gl, hl = self.x, self.f, self.g, self.h
        self.it = it = self.it + 1
        tol = prof.edm_tol
        eye = np.eye(n_p)
        status = np.full(n, 3)
        edm_out = self.edm.copy()
        x_out, f_out = xl.copy(), fl.copy()
        width = np.linalg.norm(np.where(free, xl - np.clip(xl - gl, lo, hi), 0.0), axis=1)
        eps = np.minimum(1e-2, width)[:, None]
        at_lo = (xl - lo <= eps) & (gl > 0)
        at_hi = (hi - xl <= eps) & (gl < 0)
        bound = free & (at_lo | at_hi)
        act = free & ~bound
        any_bound = bound.any(axis=1)
        finished = np.zeros(n, dtype=bool)
        empty = ~act.any(axis=1) & ~any_bound
        status[empty], edm_out[empty] = 0, 0.0
        finished |= empty
        pair = act[:, :, None] & act[:, None, :]
        hm = np.where(pair, hl, eye)
        gm = np.where(act, gl, 0.0)
        bad = ~_positive_definite(hm)
        if bad.any():
            # Far from the minimum the exact Hessian may be indefinite: the Fisher
            # information (positive semi-definite), regularised, as the single-point path.
            fis = prof._fisher(batch, xl[bad], self.point[bad])
            fdiag = np.where(act[bad], np.diagonal(fis, axis1=1, axis2=2), -np.inf)
            reg = 1e-12 * np.maximum(np.max(fdiag, axis=1), 1.0)
            fis = fis + reg[:, None, None] * eye
            hm[bad] = np.where(pair[bad], fis, eye)
        step = -_solve(hm, gm)
        edm = 0.5 * -np.sum(gm * step, axis=1)
        nonfinite = ~np.isfinite(edm) & ~finished
        edm_out[nonfinite] = edm[nonfinite]
        finished |= nonfinite  # status 3 (left to the fallbacks)
        conv = (edm < tol) & ~any_bound & ~finished
        status[conv], edm_out[conv] = 0, edm[conv]
        finished |= conv
        curv_b = np.maximum(np.abs(np.diagonal(hl, axis1=1, axis2=2)), 1e-12)
        bstep = np.where(bound, -gl / curv_b, 0.0)
        snap = (edm < tol) & any_bound & ~finished
        if snap.any():
            snapped = np.where(bound, np.clip(xl + bstep, lo, hi), xl)
            same = snap & np.all(snapped == xl, axis=1)
            status[same], edm_out[same] = 0, edm[same]
            finished |= same
        close = ~finished & ~any_bound & (edm < prof.finish_edm)
        if close.any():
            # Inside the quadratic basin a full Newton step leaves a distance to the minimum
            # of order EDM²: take it, check the decrease on the value alone (no Jacobian),
            # and stop there (reporting the EDM before the step, an upper bound).
            ci = np.nonzero(close)[0]
            xc = xl[ci]
            trial = xc + np.where(act[ci], step[ci], 0.0)
            inside = np.all((trial >= lo) & (trial <= hi), axis=1)
            fv = prof._value(batch, trial, self.point[ci])
            decrease = 1e-4 * np.sum(gl[ci] * (trial - xc), axis=1)
            done = inside & np.isfinite(fv) & (fv <= fl[ci] + decrease)
            pos = ci[done]
            x_out[pos], f_out[pos] = trial[done], fv[done]
            status[pos], edm_out[pos] = 0, edm[pos]
            finished[pos] = True
        go = np.nonzero(~finished)[0]
        keep = np.zeros(n, dtype=bool)
        new_f, new_g = np.empty(0), np.empty((0, n_p))
        new_h = np.empty((0, n_p, n_p))
        if go.size or n_new:
            # Backtracking line search, each fit with its own step length; the first trial
            # points are evaluated together with the starts of the fits that just joined.
            t = np.ones(go.size)
            pending = np.ones(go.size, dtype=bool)
            xt = xl[go].copy()
            ft = np.full(go.size, math.nan)
            gt = np.zeros((go.size, n_p))
            ht = np.zeros((go.size, n_p, n_p))
            for attempt in range(40):
                sel = np.nonzero(pending)[0]
                base_x = xl[go[sel]]
                tt = t[sel][:, None]
                trial = np.where(act[go[sel]], np.clip(base_x + tt * step[go[sel]], lo, hi),
                                 np.where(bound[go[sel]],
                                          np.clip(base_x + tt * bstep[go[sel]], lo, hi),
                                          base_x))
                if attempt == 0 and n_new:
                    fv, gv, hv = prof._evaluate(batch, np.concatenate([trial, new_x]),
                                                np.concatenate([self.point[go[sel]],
                                                                new_point]))
                    new_f, new_g, new_h = fv[sel.size:], gv[sel.size:], hv[sel.size:]
                    fv, gv, hv = fv[:sel.size], gv[:sel.size], hv[:sel.size]
                    if not sel.size:
                        break
                else:
                    fv, gv, hv = prof._evaluate(batch, trial, self.point[go[sel]])
                decrease = 1e-4 * np.sum(gl[go[sel]] * (trial - base_x), axis=1)
                ok = np.isfinite(fv) & (fv <= fl[go[sel]] + decrease)
                acc = sel[ok]
                xt[acc], ft[acc], gt[acc], ht[acc] = trial[ok], fv[ok], gv[ok], hv[ok]
                pending[acc] = False
                t[sel[~ok]] *= 0.5
                if not pending.any():
                    break
            stuck = pending  # no descent along the Newton direction: left to the fallbacks
            edm_out[go[stuck]] = edm[go[stuck]]
            finished[go[stuck]] = True
            moved = ~stuck
            small = moved & (fl[go] - ft < 1e-13 * np.maximum(1.0, np.abs(fl[go]))) & (
                edm[go] < 1e3 * tol)
            mv = go[moved]
            x_out[mv], f_out[mv] = xt[moved], ft[moved]
            self.g[mv], self.h[mv] = gt[moved], ht[moved]
            status[go[small]] = 0
            edm_out[go[moved]] = edm[go[moved]]
            finished[go[small]] = True
            keep[go[moved & ~small]] = True
        # At the iteration limit: status 3.
        limit = keep & (it >= self.max_iter)
        keep &= ~limit
        finished |= limit
        out = PoolDone(self.tag[finished], x_out[finished], f_out[finished], status[finished],
                       np.where(status[finished] == 0, it[finished], self.max_iter),
                       edm_out[finished])
        self.x = np.concatenate([x_out[keep], new_x])
        self.f = np.concatenate([f_out[keep], new_f])
        self.g = np.concatenate([self.g[keep], new_g])
        self.h = np.concatenate([self.h[keep], new_h])
        self.it = np.concatenate([self.it[keep], np.zeros(n_new, dtype=np.intp)])
        self.point = np.concatenate([self.point[keep], new_point])
        self.tag = np.concatenate([self.tag[keep], new_tag])
        self.edm = np.concatenate([edm_out[keep], np.full(n_new, math.inf)])
        return out


@dataclass(frozen=True, eq=False)
class _Shape:
    """One shape block evaluated at a stack of points: the slope ``∂counts/∂α`` per variation
    (after the floor and the tabulated scaling), the curvature as coefficients of up/down and
    a per-bin multiplier (``None`` without second order), the slope before the floor and the
    floor's curvature (``None`` where no bin is below its floor), the slope before the
    tabulated scaling."""

    block: _ShapeBlock
    slope: FloatArray
    curv: tuple[FloatArray, FloatArray, FloatArray | None] | None
    pre: FloatArray | None
    fcurv: FloatArray | None
    raw: FloatArray


def _histosys_coefficients(a: FloatArray, smooth: np.ndarray, second: bool
                           ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray,
                                      FloatArray | None, FloatArray | None]:
    """Coefficients of up and down in the HistoSys shift, its slope and its curvature at
    ``α`` (``(K, h)``): ``Δ = c_u·up + c_d·dn``, ``∂Δ/∂α = s_u·up + s_d·dn``,
    ``∂²Δ/∂α² = e_u·up + e_d·dn``. Piecewise linear outside ``|α| < 1`` (and everywhere for
    code 0); inside, code4p's polynomial ``α·(up + dn)/2 + α²(15 − 10α² + 3α⁴)·(up − dn)/16``
    (pyhf code 4p, as :meth:`cevns.stats.model.BinnedModel.sample_counts`)."""
    pos = a >= 0
    zero = np.zeros_like(a)
    cu, cd = np.where(pos, a, zero), np.where(pos, zero, a)
    su = pos.astype(np.float64)
    sd = 1.0 - su
    eu = ed = zero if second else None
    inside = (np.abs(a) < 1.0) & smooth[None, :]
    if inside.any():
        a2 = a * a
        c2 = a2 * (15.0 + a2 * (3.0 * a2 - 10.0)) * 0.0625
        d2 = (30.0 * a + a2 * a * (18.0 * a2 - 40.0)) * 0.0625
        cu, cd = np.where(inside, 0.5 * a + c2, cu), np.where(inside, 0.5 * a - c2, cd)
        su, sd = np.where(inside, 0.5 + d2, su), np.where(inside, 0.5 - d2, sd)
        if second:
            e2 = (30.0 + a2 * (90.0 * a2 - 120.0)) * 0.0625
            eu, ed = np.where(inside, e2, zero), np.where(inside, -e2, zero)
    return cu, cd, su, sd, eu, ed


def _contract(coef: FloatArray, rows: FloatArray) -> FloatArray:
    """``Σ_h coef[k, h] rows[k, h, b]`` (``rows`` shared when its leading axis is 1)."""
    if rows.shape[0] == 1:
        return np.asarray(coef @ rows[0])
    return np.asarray(np.matmul(coef[:, None, :], rows)[:, 0])


def _contract_bins(rows: FloatArray, w: FloatArray) -> FloatArray:
    """``Σ_b rows[k, h, b] w[k, b]`` (``rows`` shared when its leading axis is 1)."""
    if rows.shape[0] == 1:
        return np.asarray(w @ rows[0].T)
    return np.asarray(np.matmul(rows, w[:, :, None])[:, :, 0])


def _add_at(target: FloatArray, index: Any, values: FloatArray) -> None:
    """Unbuffered ``target[index] += values`` (repeated indices accumulate)."""
    np.add.at(target, index, values)


def _take(array: FloatArray, rows: np.ndarray | slice) -> FloatArray:
    """Rows of a per-point array, or the shared array itself (leading axis of length 1)."""
    return array if array.shape[0] == 1 else array[rows]


def _as_slice(rows: np.ndarray) -> np.ndarray | slice:
    """A run of consecutive indices as a slice (a view instead of a gathered copy)."""
    if rows.size and rows[-1] - rows[0] + 1 == rows.size and np.all(np.diff(rows) == 1):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _stack(arrays: Sequence[FloatArray]) -> FloatArray:
    """Stack ``(K or 1, B)`` arrays into ``(K, n, B)`` (``K = 1`` if all are shared)."""
    k = max(a.shape[0] for a in arrays)
    return np.stack([np.broadcast_to(a, (k, a.shape[1])) for a in arrays], axis=1)


def _smooth_floor(counts: FloatArray, eps: FloatArray) -> tuple[FloatArray, FloatArray]:
    """:func:`cevns.stats.model.smooth_floor`, with the exponential evaluated only in the bins
    below their floor (the same values)."""
    low = counts < eps
    if not low.any():
        return counts, np.ones_like(counts)
    where = np.nonzero(low)
    e_low = eps[where]
    e = e_low * np.exp(counts[where] / e_low - 1.0)
    out = counts.copy()
    slope = np.ones_like(counts)
    out[where] = e
    slope[where] = e / e_low
    return out, slope


def _positive_definite(h: FloatArray) -> np.ndarray:
    """Whether each matrix of the stack has a Cholesky factorisation."""
    try:
        np.linalg.cholesky(h)
        return np.ones(h.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        out = np.ones(h.shape[0], dtype=bool)
        for i in range(h.shape[0]):
            try:
                np.linalg.cholesky(h[i])
            except np.linalg.LinAlgError:
                out[i] = False
        return out


def _solve(h: FloatArray, g: FloatArray) -> FloatArray:
    """``h⁻¹ g`` for each point (least squares where a matrix is singular)."""
    try:
        return np.asarray(np.linalg.solve(h, g[:, :, None])[:, :, 0])
    except np.linalg.LinAlgError:
        out = np.empty_like(g)
        for i in range(g.shape[0]):
            try:
                out[i] = np.linalg.solve(h[i], g[i])
            except np.linalg.LinAlgError:
                out[i] = np.linalg.lstsq(h[i], g[i], rcond=None)[0]
        return out
