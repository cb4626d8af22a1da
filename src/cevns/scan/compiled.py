"""Expected counts and their exact Jacobian for a HistFactory-style binned model.

:class:`CompiledModel` is built from the public structure of a
:class:`~cevns.stats.model.BinnedModel` (samples, modifiers, parameters) and evaluates

    ν_b(θ) = Σ_s F_s(θ) · floor( n_{s,b} + Σ_{shape mods} Δ_{s,b}(α) ),
    F_s(θ) = Π_{norm mods of s} f_m(θ),

together with ``∂ν_b/∂θ_p`` in closed form (Cranmer et al., CERN-OPEN-2012-016, for the
structure; the interpolation codes are those of :mod:`cevns.stats.model`). The Jacobian gives
the gradient of the Poisson + Gaussian-constraint negative log likelihood

    g_p = Σ_b (1 − n_b/ν_b) ∂ν_b/∂θ_p + (θ_p − a_p)/σ_p²

and its Gauss–Newton (Fisher) approximation of the Hessian ``Jᵀ diag(1/ν) J + diag(1/σ²)``
used by the profiler (:mod:`cevns.scan.profiler`). The object is small and picklable (only the
bins a tabulated variation touches are kept), so it is what scan workers receive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cevns.stats.model import (
    BinnedModel,
    GridSys,
    HistoSys,
    NormFactor,
    NormSys,
    _code4_coefficients,
    floor_scale,
    gridsys_coefficients,
    pchip_evaluate,
    smooth_floor,
)
from cevns.stats.templates import evaluate, is_parametric
from cevns.types import FloatArray

__all__ = ["CompiledModel"]

_NF, _LIN, _EXP, _CODE4 = 0, 1, 2, 3


@dataclass(frozen=True, eq=False)
class _GridRow:
    sample: int
    param: int
    nodes: FloatArray
    ratio_coef: FloatArray  # (4, n_nodes − 1, n_mult): cubic of t(α)/t₀
    mult: np.ndarray  # bins where the ratio varies
    add_coef: FloatArray  # (4, n_nodes − 1, n_add): cubic of t(α) where t₀ = 0
    add: np.ndarray  # bins with an additive part


class CompiledModel:
    """Dense arrays of a :class:`~cevns.stats.model.BinnedModel` with an exact Jacobian.

    Parameters
    ----------
    model
        The binned model; its parameter order is kept.
    """

    def __init__(self, model: BinnedModel) -> None:
        names = model.parameter_names
        index = {n: i for i, n in enumerate(names)}
        self.parameter_names: tuple[str, ...] = names
        self.n_params = len(names)
        self.template_parameters: tuple[str, ...] = tuple(
            getattr(model, "template_parameters", ()))
        at_init = dict(zip(names, model.init.tolist(), strict=True))
        self._param_nominal: list[tuple[int, Any]] = []
        self._param_hs: list[tuple[int, Any, Any]] = []
        for s_i, sample in enumerate(model.samples):
            if is_parametric(sample.nominal):
                self._param_nominal.append((s_i, sample.nominal))
        self.nominal = np.stack([np.ravel(evaluate(s.nominal, at_init)) for s in model.samples])
        n_samples, n_bins = self.nominal.shape
        self.n_bins = n_bins
        norm_rows: list[tuple[int, int, int, float, float]] = []
        coef4: list[FloatArray] = []
        hs_rows: list[tuple[int, int, FloatArray, FloatArray, bool]] = []
        grid: list[_GridRow] = []
        for s_i, sample in enumerate(model.samples):
            nom = self.nominal[s_i]
            for mod in sample.modifiers:
                p_i = index[mod.parameter]
                if isinstance(mod, NormFactor):
                    norm_rows.append((s_i, p_i, _NF, 1.0, 1.0))
                    coef4.append(np.zeros(6))
                elif isinstance(mod, NormSys):
                    kind = {"linear": _LIN, "exponential": _EXP, "code4": _CODE4}[
                        mod.interpolation]
                    norm_rows.append((s_i, p_i, kind, mod.lo, mod.hi))
                    coef4.append(_code4_coefficients(mod.lo, mod.hi) if kind == _CODE4
                                 else np.zeros(6))
                elif isinstance(mod, HistoSys):
                    if is_parametric(mod.lo) or is_parametric(mod.hi):
                        self._param_hs.append((len(hs_rows), mod.lo, mod.hi))
                    up = np.ravel(evaluate(mod.hi, at_init)) - nom
                    dn = nom - np.ravel(evaluate(mod.lo, at_init))
                    hs_rows.append((s_i, p_i, up, dn, mod.interpolation == "code4p"))
                elif isinstance(mod, GridSys):
                    nodes = np.asarray(mod.nodes, dtype=np.float64)
                    temps = np.stack([np.ravel(np.asarray(t, dtype=np.float64))
                                      for t in mod.templates])
                    ratio_coef, add_coef = gridsys_coefficients(nodes, temps)
                    # Keep only the bins the variation touches.
                    mult = np.nonzero(np.any(ratio_coef[:3] != 0, axis=(0, 1)))[0]
                    add = np.nonzero(np.any(add_coef != 0, axis=(0, 1)))[0]
                    grid.append(_GridRow(s_i, p_i, nodes, ratio_coef[:, :, mult], mult,
                                         add_coef[:, :, add], add))
        self._norm_sample = np.array([r[0] for r in norm_rows], dtype=np.intp)
        self._norm_param = np.array([r[1] for r in norm_rows], dtype=np.intp)
        self._norm_kind = np.array([r[2] for r in norm_rows], dtype=np.intp)
        self._norm_lo = np.array([r[3] for r in norm_rows], dtype=np.float64)
        self._norm_hi = np.array([r[4] for r in norm_rows], dtype=np.float64)
        self._norm_coef = np.array(coef4, dtype=np.float64).reshape(len(norm_rows), 6)
        with np.errstate(divide="ignore"):
            self._norm_loglo = np.log(self._norm_lo)
            self._norm_loghi = np.log(self._norm_hi)
        # Modifiers of the same sample, for the product of the other factors.
        n_norm = len(norm_rows)
        self._others_mask = (self._norm_sample[:, None] == self._norm_sample[None, :]) & ~np.eye(
            n_norm, dtype=bool)
        self._norm_onehot = np.zeros((n_norm, len(names)))
        self._norm_onehot[np.arange(n_norm), self._norm_param] = 1.0
        pairs = [(m, k) for m in range(n_norm) for k in range(n_norm)
                 if self._norm_sample[m] == self._norm_sample[k]]
        self._pair_m = np.array([p[0] for p in pairs], dtype=np.intp)
        self._pair_k = np.array([p[1] for p in pairs], dtype=np.intp)
        self._pair_same = self._pair_m == self._pair_k
        self._pair_mask = np.array(
            [self._others_mask[m] & (self._others_mask[k] if k != m else True)
             for m, k in pairs], dtype=bool).reshape(len(pairs), n_norm)
        self._norm_to_sample = np.zeros((n_samples, n_norm))
        self._norm_to_sample[self._norm_sample, np.arange(n_norm)] = 1.0
        n_hs = len(hs_rows)
        self._hs_sample = np.array([r[0] for r in hs_rows], dtype=np.intp)
        self._hs_param = np.array([r[1] for r in hs_rows], dtype=np.intp)
        self._hs_up = np.array([r[2] for r in hs_rows]).reshape(n_hs, n_bins)
        self._hs_dn = np.array([r[3] for r in hs_rows]).reshape(n_hs, n_bins)
        self._hs_smooth = np.array([r[4] for r in hs_rows], dtype=bool)
        self._hs_sum = 0.5 * (self._hs_up + self._hs_dn)
        self._hs_asym = 0.0625 * (self._hs_up - self._hs_dn)
        self._hs_to_sample = np.zeros((n_samples, n_hs))
        self._hs_to_sample[self._hs_sample, np.arange(n_hs)] = 1.0
        self._hs_onehot = np.zeros((n_hs, len(names)))
        self._hs_onehot[np.arange(n_hs), self._hs_param] = 1.0
        self._hs_any_smooth = bool(self._hs_smooth.any())
        self._grid = tuple(grid)
        self._floor = floor_scale(self.nominal, self._hs_to_sample @ np.abs(self._hs_up),
                                  self._hs_to_sample @ np.abs(self._hs_dn))
        self._shaped = bool(n_hs or grid)
        self.lower = np.array([-np.inf if lo is None else lo for lo, _ in model.bounds])
        self.upper = np.array([np.inf if hi is None else hi for _, hi in model.bounds])
        self.init = model.init.copy()
        self.constrained_index = model.constrained_index.copy()
        self.constraint_mean = model.constraint_mean.copy()
        self.constraint_sigma = model.constraint_sigma.copy()

    def set_templates(self, values: Mapping[str, float]) -> None:
        """Evaluate the parametric templates (nominals, HistoSys ±1σ) at ``values`` (every
        name of :attr:`template_parameters`); the parameters of the templates are then held
        fixed (a scan sets them at each point: the "frozen" model of that point)."""
        if not self.template_parameters:
            return
        for s_i, template in self._param_nominal:
            self.nominal[s_i] = np.ravel(evaluate(template, values))
        if self._hs_param.size:
            for row, lo, hi in self._param_hs:
                nom = self.nominal[self._hs_sample[row]]
                self._hs_up[row] = np.ravel(evaluate(hi, values)) - nom
                self._hs_dn[row] = nom - np.ravel(evaluate(lo, values))
            self._hs_sum = 0.5 * (self._hs_up + self._hs_dn)
            self._hs_asym = 0.0625 * (self._hs_up - self._hs_dn)
        self._floor = floor_scale(self.nominal, self._hs_to_sample @ np.abs(self._hs_up),
                                  self._hs_to_sample @ np.abs(self._hs_dn))

    # ------------------------------------------------------------------ pieces
    def _norm_factors(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Each normalisation modifier's factor and its first and second derivatives."""
        a = x[self._norm_param]
        kind = self._norm_kind
        f = np.ones_like(a)
        d = np.zeros_like(a)
        d2 = np.zeros_like(a)
        nf = kind == _NF
        f[nf], d[nf] = a[nf], 1.0
        lin = kind == _LIN
        if lin.any():
            al, hi, lo = a[lin], self._norm_hi[lin] - 1.0, self._norm_lo[lin] - 1.0
            fl = 1.0 + np.where(al >= 0, al * hi, -al * lo)
            dl = np.where(al >= 0, hi, -lo)
            f[lin], d[lin] = np.maximum(fl, 0.0), np.where(fl > 0, dl, 0.0)
        ex = (kind == _EXP) | (kind == _CODE4)
        if ex.any():
            ae = a[ex]
            rate = np.where(ae >= 0, self._norm_loghi[ex], -self._norm_loglo[ex])
            fe = np.exp(ae * rate)
            de = fe * rate
            de2 = de * rate
            poly = (kind[ex] == _CODE4) & (np.abs(ae) < 1.0)
            if poly.any():
                c = self._norm_coef[ex][poly]
                ap = ae[poly]
                powers = ap[:, None] ** np.arange(0, 7)
                i = np.arange(1, 7)
                fe[poly] = 1.0 + np.sum(c * powers[:, 1:], axis=1)
                de[poly] = np.sum(c * i * powers[:, :-1], axis=1)
                de2[poly] = np.sum((c * i * (i - 1))[:, 1:] * powers[:, :-2], axis=1)
            f[ex], d[ex], d2[ex] = fe, de, de2
        return f, d, d2

    def _state(self, x: FloatArray, order: int) -> _State:
        """Counts per sample and the derivatives of every piece up to ``order`` (0, 1, 2)."""
        x = np.asarray(x, dtype=np.float64)
        base = self.nominal
        st = _State()
        if self._hs_param.size:
            a = x[self._hs_param][:, None]
            pos = a >= 0
            delta = np.where(pos, a * self._hs_up, a * self._hs_dn)
            if order:
                st.hs_slope = np.where(pos, self._hs_up, self._hs_dn)
            if order > 1:
                st.hs_curv = np.zeros_like(delta)
            if self._hs_any_smooth:
                a2 = a * a
                inside = (np.abs(a) < 1.0) & self._hs_smooth[:, None]
                if inside.any():
                    poly = a * (self._hs_sum
                                + a * self._hs_asym * (15.0 + a2 * (3.0 * a2 - 10.0)))
                    delta = np.where(inside, poly, delta)
                    if order:
                        dpoly = self._hs_sum + self._hs_asym * (
                            30.0 * a + a2 * a * (18.0 * a2 - 40.0))
                        st.hs_slope = np.asarray(np.where(inside, dpoly, st.hs_slope))
                    if order > 1:
                        d2poly = self._hs_asym * (30.0 + a2 * (90.0 * a2 - 120.0))
                        st.hs_curv = np.asarray(np.where(inside, d2poly, st.hs_curv))
            base = base + self._hs_to_sample @ delta
        if self._hs_param.size:
            base, fslope = smooth_floor(base, self._floor)
            if order and st.hs_slope is not None and not np.all(fslope == 1.0):
                # Below the floor the counts follow the variations through the floor's slope
                # f′ (chain rule) and curvature f″ = f′/ε (used by second_order).
                if order > 1:
                    st.hs_pre = st.hs_slope
                    low = fslope != 1.0
                    st.floor_curv = np.where(low, fslope / np.where(low, self._floor, 1.0), 0.0)
                    if st.hs_curv is not None:
                        st.hs_curv = st.hs_curv * fslope[self._hs_sample]
                st.hs_slope = st.hs_slope * fslope[self._hs_sample]
        if self._grid:
            hs_scale = np.ones_like(base) if st.hs_slope is not None else None
            base = base.copy()
            for g in self._grid:
                a = np.asarray(x[g.param])
                held = base[g.sample, g.mult]
                ratio, dratio, d2ratio = pchip_evaluate(g.nodes, g.ratio_coef, a, curvature=True)
                value, dvalue, d2value = pchip_evaluate(g.nodes, g.add_coef, a, curvature=True)
                base[g.sample, g.mult] = held * ratio
                base[g.sample, g.add] += value
                if hs_scale is not None:
                    hs_scale[g.sample, g.mult] = ratio
                bins = np.concatenate([g.mult, g.add])
                st.grid.append((g.sample, g.param, bins,
                                np.concatenate([held * dratio, dvalue]),
                                np.concatenate([held * d2ratio, d2value])))
                st.grid_dratio.append((g.sample, g.param, g.mult, dratio))
            if hs_scale is not None and order:
                st.scale = hs_scale
                st.hs_raw = st.hs_slope
                st.hs_slope = st.hs_slope * hs_scale[self._hs_sample]  # type: ignore[operator]
                if st.hs_curv is not None:
                    st.hs_curv = st.hs_curv * hs_scale[self._hs_sample]
        st.base = base
        st.f, st.d, st.d2 = self._norm_factors(x)
        st.factor = np.prod(np.where(self._norm_to_sample > 0, st.f[None, :], 1.0), axis=1)
        return st

    # ------------------------------------------------------------------ public
    def expected(self, x: FloatArray) -> FloatArray:
        """Expected counts per bin (flattened), as :meth:`BinnedModel.expected`."""
        st = self._state(x, 0)
        total: FloatArray = st.factor @ st.base
        return total

    def expected_and_jacobian(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Expected counts ``ν`` (``(n_bins,)``) and ``∂ν/∂θ`` (``(n_bins, n_params)``)."""
        st = self._state(x, 1)
        nu, jac, _ = self._jacobian(st)
        return nu, jac

    def _jacobian(self, st: _State) -> tuple[FloatArray, FloatArray, FloatArray]:
        # ∂F_s/∂θ_p: derivative of one factor times the product of the others (no division,
        # so a factor at zero, e.g. a signal strength μ = 0, is handled exactly).
        others = np.prod(np.where(self._others_mask, st.f[None, :], 1.0), axis=1)
        dfactor = self._norm_to_sample @ ((st.d * others)[:, None] * self._norm_onehot)
        jac = st.base.T @ dfactor
        if st.hs_slope is not None:
            jac += (st.hs_slope * st.factor[self._hs_sample][:, None]).T @ self._hs_onehot
        for s, p, b, gs, _ in st.grid:
            jac[b, p] += st.factor[s] * gs
        nu: FloatArray = st.factor @ st.base
        return nu, jac, dfactor

    def second_order(self, x: FloatArray, residual: FloatArray | None = None,
                     observed: FloatArray | None = None
                     ) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        """``ν``, ``J = ∂ν/∂θ`` and, given ``observed`` counts, the contraction
        ``Σ_b (1 − n_b/ν_b) ∂²ν_b/∂θ_p∂θ_q`` (the part of the NLL Hessian beyond Gauss–Newton).
        """
        st = self._state(x, 2 if observed is not None else 1)
        nu, jac, dfactor = self._jacobian(st)
        if observed is None:
            return nu, jac, None
        r = 1.0 - observed / np.maximum(nu, 1e-300)
        n_p = self.n_params
        # Σ_b r_b B_s,b per sample, and the second derivatives of the factors F_s.
        rb = st.base @ r
        m_s = self._norm_sample
        f, d, d2 = st.f, st.d, st.d2
        h = np.zeros((n_p, n_p))
        if self._pair_m.size:
            pm, pk = self._pair_m, self._pair_k
            rest = np.prod(np.where(self._pair_mask, f[None, :], 1.0), axis=1)
            val = np.where(self._pair_same, d2[pm], d[pm] * d[pk]) * rest * rb[m_s[pm]]
            np.add.at(h, (self._norm_param[pm], self._norm_param[pk]), val)
        # Cross terms ∂F_s/∂p · Σ_b r_b ∂B_s,b/∂q.
        dbr = np.zeros((self.nominal.shape[0], n_p))
        diag = np.zeros(n_p)
        if st.hs_slope is not None:
            np.add.at(dbr, (self._hs_sample, self._hs_param), st.hs_slope @ r)
            if st.hs_curv is not None:
                np.add.at(diag, self._hs_param,
                          st.factor[self._hs_sample] * (st.hs_curv @ r))
        for s, p, b, gs, gc in st.grid:
            dbr[s, p] += float(gs @ r[b])
            diag[p] += st.factor[s] * float(gc @ r[b])
        cross = dfactor.T @ dbr
        h += cross + cross.T
        # Floor curvature: ∂²f(u)/∂α_r∂α_r' = f″(u) ∂u/∂α_r ∂u/∂α_r' (same sample).
        if st.floor_curv is not None and st.hs_pre is not None:
            w = r[None, :] * st.floor_curv * st.factor[:, None]
            if st.scale is not None:
                w = w * st.scale
            pre = st.hs_pre
            gram = (pre * w[self._hs_sample]) @ pre.T
            gram *= self._hs_sample[:, None] == self._hs_sample[None, :]
            rows_p = np.broadcast_to(self._hs_param[:, None], gram.shape)
            cols_p = np.broadcast_to(self._hs_param[None, :], gram.shape)
            np.add.at(h, (rows_p, cols_p), gram)
        # Shape × tabulated: ∂²B/∂α_r∂α_g = (∂Δ_r/∂α_r) · ∂ratio/∂α_g on the scaled bins.
        if st.hs_raw is not None:
            for s, p, mult, dratio in st.grid_dratio:
                rows = np.nonzero(self._hs_sample == s)[0]
                if rows.size:
                    mixed = st.factor[s] * (st.hs_raw[rows][:, mult] @ (r[mult] * dratio))
                    cols = np.full(rows.size, p, dtype=np.intp)
                    np.add.at(h, (self._hs_param[rows], cols), mixed)
                    np.add.at(h, (cols, self._hs_param[rows]), mixed)
        h[np.diag_indices(n_p)] += diag
        return nu, jac, h


class _State:
    """Intermediate values of one evaluation."""

    def __init__(self) -> None:
        self.base: FloatArray = np.empty(0)
        self.f: FloatArray = np.empty(0)
        self.d: FloatArray = np.empty(0)
        self.d2: FloatArray = np.empty(0)
        self.factor: FloatArray = np.empty(0)
        self.hs_slope: FloatArray | None = None
        self.hs_curv: FloatArray | None = None
        self.grid: list[tuple[int, int, np.ndarray, FloatArray, FloatArray]] = []
        self.grid_dratio: list[tuple[int, int, np.ndarray, FloatArray]] = []
        self.hs_raw: FloatArray | None = None
        self.hs_pre: FloatArray | None = None
        self.floor_curv: FloatArray | None = None
        self.scale: FloatArray | None = None
