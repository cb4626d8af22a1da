"""Feldman–Cousins for a parameter that enters through parametric templates.

Set-up: a magnetic-moment-like parameter ``m ≥ 0`` whose counts enter as ``m²`` (a
``QuadraticTemplate`` in ``u = m²``: CEvNS-like counts of ≈ 30 events plus ``m²`` times a
low-energy excess of ≈ 8 events at ``m = 1``) on a background of ≈ 60 events constrained to
±10 %; allowed range ``m ∈ [0, 3]``. The toys' global minimum over ``m`` is the template search
of the engine (batched Newton profiles on nodes spanning the range, then Brent's method).

* The engine's statistic equals independent MIGRAD fits of the ``BinnedModel`` (parametric
  template, ``m`` free from several starts) on a few pseudo-experiments, to 1e-4.
* Coverage at three true values (0, 0.5, 1.0): the engine's FC critical values from 200 seeded
  toys, then 200 independent pseudo-experiments (another seed); binomial error 2.1 % at 90 %
  CL plus the toy error of the critical value, so the test asks for |coverage − 0.90| < 0.07
  and the 68.27 % level within 0.09.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from cevns.scan import CompiledModel, Profiler, ScanGrid, run_scan
from cevns.scan.engine import fc_statistic
from cevns.stats import BinnedLikelihood, fit
from cevns.stats.model import BinnedModel, NormFactor, Parameter, Sample
from cevns.stats.templates import QuadraticTemplate


def moment_model() -> BinnedModel:
    cevns = np.array([9.0, 8.0, 6.0, 4.0, 2.0, 1.0])
    excess = np.array([3.0, 2.0, 1.3, 0.8, 0.5, 0.4])
    template = QuadraticTemplate(("m",), cevns, excess[None, :], np.zeros((1, 1, 6)),
                                 np.zeros(1), (2,))
    return BinnedModel(
        [Sample("cevns", template, ()), Sample("background", np.full(6, 10.0),
                                               (NormFactor("b"),))],
        [Parameter("m", 0.5, (0.0, 3.0)), Parameter("b", 1.0, (0.0, 3.0), (1.0, 0.1))],
    )


def _profiler(model: BinnedModel, observed: np.ndarray, m: float) -> Profiler:
    compiled = CompiledModel(model)
    compiled.set_templates({"m": m})
    return Profiler(compiled, observed)


def test_template_statistic_equals_independent_minuit_fits() -> None:
    model = moment_model()
    truth = model.vector({"m": 0.7})
    rng = np.random.default_rng(5)
    for _ in range(4):
        counts = rng.poisson(model.expected(truth)).astype(float)
        aux = rng.normal(truth[model.constrained_index], model.constraint_sigma)
        t = fc_statistic(_profiler(model, counts, 0.7).with_data(counts, aux), truth, [0])
        lik = BinnedLikelihood(model, counts, aux)
        fixed = fit(lik, fixed={"m": 0.7}, require_convergence=False)
        free = min((fit(lik, start=model.vector({"m": m0}), require_convergence=False)
                    for m0 in (0.0, 0.7, 1.5, 2.5)), key=lambda r: r.nll)
        assert t == pytest.approx(2.0 * (fixed.nll - min(free.nll, fixed.nll)), abs=1e-4)


@pytest.mark.parametrize("m_true", [0.0, 0.5, 1.0])
def test_fc_coverage_of_a_template_parameter(
    m_true: float, coverage_of_fc: Callable[..., dict[float, float]]
) -> None:
    cov = coverage_of_fc(moment_model(), {"m": m_true}, 200, 200, seed=17)
    assert cov[0.90] == pytest.approx(0.90, abs=0.07)
    assert cov[0.6827] == pytest.approx(0.6827, abs=0.09)


def test_fc_on_two_template_parameters_is_refused(joint) -> None:  # type: ignore[no-untyped-def]
    ana = joint.with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
    grid = ScanGrid.from_points(["eps_uV_ee", "eps_dV_ee"], [[0.0, 0.0]])
    with pytest.raises(ValueError, match="need a 1-D scan"):
        run_scan(ana.likelihood, grid, fc_toys=5)
