"""Tests of the Poisson likelihood, fits, profiles, significance and toys.

References: Wilks' theorem and the asymptotic formulae of Cowan, Cranmer, Gross, Vitells,
EPJC 71 (2011) 1554 (q0 = Z², profile interval q = 1 ↔ ±1σ for a Gaussian-like case);
toy pulls of an unbiased estimator are N(0, 1). Tolerances stated per test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns.stats import (
    BinnedLikelihood,
    BinnedModel,
    ConvergenceError,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
    discovery_significance,
    fit,
    profile,
    toy_pulls,
)

SIG = np.array([5.0, 20.0, 40.0, 20.0, 5.0])
BKG = np.full(5, 30.0)


def _model() -> BinnedModel:
    return BinnedModel(
        [
            Sample("sig", SIG, (NormFactor("mu"), HistoSys("shape", SIG * 0.9, SIG * 1.1))),
            Sample("bkg", BKG, (NormSys("bnorm", 0.95, 1.05),)),
        ],
        [Parameter("mu", 1.0, (0.0, 20.0)), Parameter.nuisance("shape"),
         Parameter.nuisance("bnorm")],
    )


def test_asimov_fit_returns_truth_and_chi2_zero() -> None:
    """Fitting the expectation itself gives the truth (tolerance 1e-3) and deviance ≈ 0."""
    m = _model()
    lik = BinnedLikelihood(m, m.expected(m.init).reshape(m.shape))
    res = fit(lik)
    assert res.converged
    np.testing.assert_allclose(res.values, m.init, atol=1e-3)
    assert res.chi2 == pytest.approx(0.0, abs=1e-6)
    assert res.ndof == 5 - 1
    assert res.correlation.shape == (3, 3)
    np.testing.assert_allclose(np.diag(res.correlation), 1.0)
    d = res.as_dict()
    assert set(d["parameters"]) == {"mu", "shape", "bnorm"}


def test_single_bin_poisson_error_matches_analytic() -> None:
    """One bin, n = 100, ν = μ·100: μ̂ = 1, HESSE σ = 1/√100 = 0.1 (tolerance 1e-3)."""
    m = BinnedModel([Sample("s", np.array([100.0]), (NormFactor("mu"),))],
                    [Parameter("mu", 0.5, (0.0, 5.0))])
    res = fit(BinnedLikelihood(m, np.array([100.0])), minos=["mu"])
    assert res.value("mu") == pytest.approx(1.0, abs=1e-4)
    assert res.error("mu") == pytest.approx(0.1, abs=1e-3)
    lo, hi = res.minos["mu"]
    assert lo < 0 < hi and hi > -lo  # Poisson: upper MINOS error larger


def test_profile_interval_and_significance_asimov() -> None:
    """Profile q = 1 crossing ≈ HESSE error (10 %), and √q0 equals √(2ΔNLL) by construction."""
    m = _model()
    lik = BinnedLikelihood(m, m.expected(m.init).reshape(m.shape))
    best = fit(lik)
    scan = profile(lik, "mu", np.linspace(0.5, 1.5, 21), best_fit=best)
    lo, hi = scan.interval(1.0)
    err = best.error("mu")
    assert (hi - lo) / 2 == pytest.approx(err, rel=0.1)
    assert scan.q.min() == pytest.approx(0.0, abs=1e-3)
    z = discovery_significance(lik, "mu", best_fit=best)
    null = fit(lik, fixed={"mu": 0.0})
    assert z == pytest.approx(math.sqrt(2 * (null.nll - best.nll)), rel=1e-4)
    assert z > 5


def test_toy_pulls_have_unit_width() -> None:
    """300 seeded toys: pull mean 0 ± 0.15 and width 1 ± 0.12 (≈ 3σ of the sampling spread
    1/√300 ≈ 0.06 and 1/√600 ≈ 0.04, plus a small asymptotic bias)."""
    m = _model()
    lik = BinnedLikelihood(m, m.expected(m.init).reshape(m.shape))
    pulls = toy_pulls(lik, "mu", m.init, 300, seed=20260101)
    assert len(pulls) >= 290
    assert abs(pulls.mean()) < 0.15
    assert abs(pulls.std() - 1.0) < 0.12


def test_non_convergence_is_reported_not_silent() -> None:
    """A parameter with no effect leaves a flat direction: MIGRAD flags it, fit raises."""
    m = BinnedModel([Sample("s", np.ones(3) * 10, (NormFactor("a"),))],
                    [Parameter("a", 1.0), Parameter("b", 1.0)])
    lik = BinnedLikelihood(m, np.array([10.0, 12.0, 8.0]))
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        fit(lik)
    assert info.value.result.converged is False
    assert info.value.result.message
    res = fit(lik, require_convergence=False)
    assert not res.converged


def test_observed_bad_input() -> None:
    m = _model()
    with pytest.raises(ValueError, match=r"^observed: counts of shape \(4,\)"):
        BinnedLikelihood(m, np.ones(4))
    with pytest.raises(ValueError, match=r"^observed: counts must be finite; NaN/inf in bin \[2\]"):
        BinnedLikelihood(m, np.array([1.0, 2.0, np.nan, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^observed: counts must be ≥ 0"):
        BinnedLikelihood(m, np.array([1.0, -2.0, 1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^n_toys:"):
        toy_pulls(BinnedLikelihood(m, np.ones(5)), "mu", m.init, 0, seed=1)
    with pytest.raises(ValueError, match=r"^values: need an increasing"):
        profile(BinnedLikelihood(m, np.ones(5)), "mu", [1.0])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 200), min_size=5, max_size=5),
    mu=st.floats(0.01, 5.0),
    bnorm=st.floats(-3.0, 3.0),
)
def test_deviance_is_non_negative_and_zero_at_saturation(counts: list[int], mu: float,
                                                         bnorm: float) -> None:
    """Poisson deviance 2(−ln L)_data ≥ 0 for any expectation, = 0 when ν = n (Baker–Cousins)."""
    m = _model()
    lik = BinnedLikelihood(m, np.array(counts, dtype=float))
    x = m.vector({"mu": mu, "bnorm": bnorm})
    assert lik.data_nll(x) >= -1e-9
    sat = BinnedLikelihood(m, m.expected(x).reshape(m.shape))
    assert sat.data_nll(x) == pytest.approx(0.0, abs=1e-9)


def test_observed_events_in_a_bin_no_sample_can_populate_is_an_error() -> None:
    """A bin with data but an exactly-zero prediction is refused, naming the bin (it used
    to be clamped to ν = 1e-300 silently)."""
    model = BinnedModel(
        [Sample("sig", np.array([[1.0, 2.0], [0.0, 3.0]]), (NormFactor("mu"),))],
        [Parameter("mu", 1.0, (0.0, 10.0))],
    )
    with pytest.raises(ValueError, match=r"observed: bin \(1, 0\) has 4 observed events"):
        BinnedLikelihood(model, np.array([[1.0, 2.0], [4.0, 3.0]]))
    # an empty bin with no data is fine
    BinnedLikelihood(model, np.array([[1.0, 2.0], [0.0, 3.0]]))


def test_fit_tries_the_further_starts_and_keeps_the_lowest_minimum() -> None:
    """One bin: ``20 + 10 (1 − g²)²`` expected, 30 observed, and a unit Gaussian constraint on
    ``g`` around 0.2: the count is matched at g ≈ 0 and again at g = √2 (the charge reversed),
    where the constraint costs ≈ 0.75 more. From ``init`` = 1.5 alone MIGRAD ends at √2; with
    ``starts = (0.01,)`` a plain fit keeps the minimum near 0; an explicit start is used alone."""
    from cevns.stats.templates import QuadraticTemplate

    signal = QuadraticTemplate.from_function(
        lambda v: np.array([10.0 * (1.0 - v["g"] ** 2) ** 2]), ["g"], [0.0], [1.0], [2], [True])

    def likelihood(starts: tuple[float, ...]) -> BinnedLikelihood:
        model = BinnedModel([Sample("s", signal), Sample("b", np.array([20.0]))],
                            [Parameter("g", 1.5, (0.0, 3.0), (0.2, 1.0), starts=starts)])
        return BinnedLikelihood(model, np.array([30.0]))

    alone = fit(likelihood(()))
    assert alone.value("g") == pytest.approx(math.sqrt(2.0), abs=0.03)
    best = fit(likelihood((0.01,)))
    assert best.value("g") < 0.2 and best.nll < alone.nll - 0.5
    assert fit(likelihood((0.01,)), start={"g": 1.5}).value("g") == pytest.approx(
        math.sqrt(2.0), abs=0.03)
