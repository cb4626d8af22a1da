"""The batched profiler (many scan points on stacked arrays) against the single-point path.

* :class:`BatchedModel` gives the counts, the Jacobian and the second-order Hessian term of
  :class:`CompiledModel` at every point of a stack, to rounding (relative 1e-12), on the
  synthetic model with every modifier kind (nuisances up to ±3σ, where the smooth floor and the
  tabulated shift are active) and on the joint CsI 2021 + CENNS-10 NSI model.
* A 2-D NSI scan of the joint likelihood with the batched method equals the same scan with the
  pointwise method: −2ΔlnL within 1e-6 at every point (both stop at EDM < 1e-9 in −ln L).
  Independent MIGRAD fits at random points are in ``test_against_minuit.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.scan import ScanGrid, parse_axis, run_scan
from cevns.scan.batched import BatchedModel, BatchProfiler
from cevns.scan.compiled import CompiledModel
from cevns.stats import BinnedLikelihood
from cevns.stats.templates import QuadraticTemplate, evaluate, evaluate_many


def _compare(model, observed, spread: float, template=None) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(11)
    cm = CompiledModel(model)
    ti = [cm.parameter_names.index(n) for n in cm.template_parameters]
    x = np.clip(model.init + rng.normal(0.0, spread, (9, cm.n_params)), cm.lower, cm.upper)
    if ti:
        x[:, ti] = template(rng, 9)
    batch = BatchedModel(cm, x[:, ti] if ti else None)
    nu, jac, hess = batch.second_order(x, np.arange(9), observed)
    assert hess is not None
    for k in range(9):
        if ti:
            cm.set_templates(dict(zip(cm.template_parameters, x[k, ti], strict=True)))
        nu1, jac1, hess1 = cm.second_order(x[k], observed=observed)
        assert hess1 is not None
        np.testing.assert_allclose(nu[k], nu1, rtol=1e-12, atol=1e-12 * np.abs(nu1).max())
        np.testing.assert_allclose(jac[k], jac1, rtol=1e-12, atol=1e-12 * np.abs(jac1).max())
        np.testing.assert_allclose(hess[k], hess1, rtol=1e-10, atol=1e-12 * np.abs(hess1).max())


@pytest.mark.parametrize("spread", [0.3, 1.5, 3.0])
def test_batched_model_equals_compiled_model(synthetic: BinnedLikelihood, spread: float) -> None:
    _compare(synthetic.model, synthetic.observed.ravel(), spread)


def test_batched_model_equals_compiled_model_joint_nsi(joint) -> None:  # type: ignore[no-untyped-def]
    ana = joint.with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
    for spread in (0.5, 2.5):
        _compare(ana.model, ana.likelihood.observed.ravel(), spread,
                 lambda rng, k: rng.uniform(-0.5, 0.5, (k, 2)))


def test_evaluate_many_equals_pointwise_evaluation() -> None:
    rng = np.random.default_rng(3)
    t = QuadraticTemplate(("a", "b"), rng.random((3, 4)), rng.random((2, 3, 4)),
                          rng.random((2, 2, 3, 4)), np.array([0.1, 0.2]), (1, 2))
    a, b = rng.uniform(-1, 1, 6), rng.uniform(0, 1, 6)
    many = evaluate_many(t, {"a": a, "b": b}, 6)
    for k in range(6):
        np.testing.assert_allclose(many[k], np.ravel(evaluate(t, {"a": a[k], "b": b[k]})),
                                   rtol=1e-14)
    fixed = np.arange(5.0)
    assert evaluate_many(fixed, {}, 3).shape == (3, 5)


def test_batch_profiler_converges_like_the_single_point_profiler(
        synthetic: BinnedLikelihood) -> None:
    from cevns.scan import Profiler

    cm = CompiledModel(synthetic.model)
    starts = np.tile(synthetic.model.init, (5, 1))
    starts[:, 0] = np.linspace(0.2, 2.5, 5)  # μ fixed at five values
    fit = BatchProfiler(cm, synthetic.observed).minimise(BatchedModel(cm), starts, [0])
    single = Profiler(cm, synthetic.observed)
    assert np.all(fit.status == 0)
    for k in range(5):
        ref = single.minimise(starts[k], [0])
        assert fit.nll[k] == pytest.approx(ref.nll, abs=1e-8)


def test_batched_scan_equals_pointwise_scan_joint_nsi(joint) -> None:  # type: ignore[no-untyped-def]
    """Tolerance: 1e-6 on −2ΔlnL at every point of a 6 × 6 grid (both methods stop at
    EDM < 1e-9; the batched lanes follow the pointwise warm starts point for point)."""
    ana = joint.with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
    grid = ScanGrid.from_axes([parse_axis("eps_uV_ee=-0.3:0.5:6"),
                               parse_axis("eps_dV_ee=-0.3:0.5:6")])
    batched = run_scan(ana.likelihood, grid)
    pointwise = run_scan(ana.likelihood, grid, method="pointwise")
    assert batched.stats["chunks_total"] == 1  # six rows profiled in lockstep
    np.testing.assert_allclose(batched.delta_chi2, pointwise.delta_chi2, rtol=0, atol=1e-6)
    assert {s.removesuffix("-unguarded") for s in batched.summary()["status_counts"]} <= {
        "newton", "lbfgsb", "minuit"}


def test_unknown_method_is_a_clear_error(synthetic: BinnedLikelihood) -> None:
    with pytest.raises(ValueError, match="method: must be one of"):
        run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:4")]), method="fast")
