"""Analytic counts, Jacobian and Hessian of the compiled model against the binned model and
finite differences; smoothness and non-negativity of every nuisance of the COHERENT analyses.

Tolerances: counts equal to the binned model to 1e-12 relative (same formulas); gradients
against central differences (step 1e-6) to 1e-5 relative + 1e-6 absolute, which is the
finite-difference truncation/rounding level for these NLL magnitudes (~10²–10³).
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.scan import CompiledModel, Profiler
from cevns.stats import BinnedLikelihood


def _random_points(model, n: int, seed: int, spread: float = 2.5):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] if b[0] is not None else -5 for b in model.bounds])
    hi = np.array([b[1] if b[1] is not None else 5 for b in model.bounds])
    for _ in range(n):
        x = model.init + rng.uniform(-spread, spread, model.init.size) * np.where(
            model.init != 0, 0.3, 1.0)
        yield np.clip(x, lo, hi)


def _fd_gradient(fun, x, h=1e-6):  # type: ignore[no-untyped-def]
    return np.array([(fun(x + e) - fun(x - e)) / (2 * h) for e in np.eye(x.size) * h])


def test_counts_match_binned_model(synthetic: BinnedLikelihood) -> None:
    model = synthetic.model
    cm = CompiledModel(model)
    for x in _random_points(model, 30, 1):
        np.testing.assert_allclose(cm.expected(x), model.expected(x), rtol=1e-12, atol=1e-12)
        nu, _ = cm.expected_and_jacobian(x)
        np.testing.assert_allclose(nu, model.expected(x), rtol=1e-12, atol=1e-12)


def test_gradient_and_hessian_against_finite_differences(synthetic: BinnedLikelihood) -> None:
    cm = CompiledModel(synthetic.model)
    prof = Profiler(cm, synthetic.observed)
    for x in _random_points(synthetic.model, 20, 2):
        value, grad = prof.nll_grad(x)
        assert value == pytest.approx(synthetic.nll(x), rel=1e-12)
        fd = _fd_gradient(synthetic.nll, x)
        np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-5)
        # Hessian: finite differences of the analytic gradient.
        _, _, hess = prof._evaluate(x, hessian=True)
        fd_h = np.array([(prof.nll_grad(x + e)[1] - prof.nll_grad(x - e)[1]) / 2e-6
                         for e in np.eye(x.size) * 1e-6])
        np.testing.assert_allclose(hess, fd_h, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("which", ["csi", "lar", "joint"])
def test_every_nuisance_smooth_and_non_negative(which: str, csi_dir, lar_dir,  # type: ignore[no-untyped-def]
                                                joint) -> None:
    """Across ±3σ of every nuisance (others at the best fit) the analytic NLL gradient agrees
    with central differences and no expected count is negative."""
    from cevns.experiments.csi2021 import build_csi_2021
    from cevns.experiments.lar2020 import build_lar_2020

    ana = {"csi": lambda: build_csi_2021(csi_dir), "lar": lambda: build_lar_2020(lar_dir),
           "joint": lambda: joint}[which]()
    model = ana.model
    prof = Profiler(CompiledModel(model), ana.likelihood.observed)
    best = prof.minimise(model.init).x
    nuisances = [p.name for p in model.parameters if p.constraint == (0.0, 1.0)]
    assert nuisances
    # Off-node values (the tabulated timing nodes sit every 0.1σ) and the node values too.
    values = np.concatenate([np.linspace(-3.0, 3.0, 13), np.linspace(-2.95, 2.95, 7)])
    for name in nuisances:
        i = model.index(name)
        for v in values:
            x = best.copy()
            x[i] = v
            assert np.all(model.sample_counts(x) >= 0.0), (name, v)
            _, grad = prof.nll_grad(x)
            fd = (prof.nll(x + 1e-6 * np.eye(x.size)[i]) - prof.nll(x - 1e-6 * np.eye(x.size)[i])
                  ) / 2e-6
            assert grad[i] == pytest.approx(fd, rel=1e-5, abs=2e-5), (name, v)


def test_csi_timing_grid_follows_the_direct_prediction(csi_dir) -> None:  # type: ignore[no-untyped-def]
    """The tabulated beam-timing shift between nodes agrees with the directly shifted
    prediction: measured worst relative error over bins with > 1 event at 40 random shifts
    within ±3σ; tolerance 2e-3 (nodes every 0.1σ = 20 ns against 125 ns bins)."""
    from cevns.experiments.csi2021 import build_csi_2021, default_csi_signal

    ana = build_csi_2021(csi_dir)
    signal = default_csi_signal(csi_dir)
    model = ana.model
    i = model.index("beam_timing")
    nominal = signal({})
    worst = 0.0
    for a in np.random.default_rng(5).uniform(-3, 3, 40):
        x = model.vector({"beam_timing": a})
        got = model.expected_by_sample(x)["cevns"]
        want = signal({"beam_timing": float(a)})
        big = want > 1.0
        worst = max(worst, float(np.max(np.abs(got[big] / want[big] - 1))))
        assert np.all(got >= 0)
        assert x[i] == a
    assert worst < 2e-3
    assert nominal.sum() > 0
