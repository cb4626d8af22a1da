"""Feldman–Cousins coverage near a physical boundary (signal strength μ ≥ 0).

Set-up: 6-bin signal (≈ 8 events at μ = 1) on a background of ≈ 60 events whose normalisation
is constrained to ±10 %; the physical range is μ ∈ [0, 10]. At each true μ the engine's FC
critical values come from its seeded toys (observed data set to the Asimov expectation of the
truth, so the profiled nuisances are the true ones); independent pseudo-experiments (another
seed) then measure the coverage: the fraction with ``t(μ_true) ≤ t_c``.

Tolerance here: 300 toys and 300 pseudo-experiments per true value (binomial error 1.7 % at
90 % CL, plus the toy error of the critical value), so the test asks for |coverage − 0.90| <
0.06 and the 68.27 % level within 0.08. The full-statistics version (4000 + 4000 per point, the
2 % criterion) is ``benchmarks/fc_coverage.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from cevns.scan import ScanGrid, run_scan
from cevns.stats import BinnedLikelihood
from cevns.stats.model import BinnedModel, NormFactor, Parameter, Sample


def boundary_model() -> BinnedModel:
    """Signal strength μ ≥ 0 on a constrained background."""
    sig = np.array([0.5, 1.5, 2.5, 2.0, 1.0, 0.5])
    bkg = np.full(6, 10.0)
    return BinnedModel(
        [Sample("signal", sig, (NormFactor("mu"),)),
         Sample("background", bkg, (NormFactor("b"),))],
        [Parameter("mu", 1.0, (0.0, 10.0)), Parameter("b", 1.0, (0.0, 3.0), (1.0, 0.1))],
    )


@pytest.mark.parametrize("mu_true", [0.0, 0.3, 1.0])
def test_fc_coverage_near_the_boundary(
    mu_true: float, coverage_of_fc: Callable[..., dict[float, float]]
) -> None:
    cov = coverage_of_fc(boundary_model(), {"mu": mu_true}, 300, 300, seed=11)
    assert cov[0.90] == pytest.approx(0.90, abs=0.06)
    assert cov[0.6827] == pytest.approx(0.6827, abs=0.08)


def test_fc_interval_respects_the_boundary() -> None:
    """With no signal observed the FC 90 % set is an upper limit starting at μ = 0, while the
    Wilks set for the same data is also clipped at the boundary; FC is never empty."""
    model = boundary_model()
    lik = BinnedLikelihood(model, model.expected(model.vector({"mu": 0.0})) * 0.97)
    result = run_scan(lik, ScanGrid.from_points(["mu"], np.linspace(0, 3, 13)[:, None]),
                      fc_toys=150, seed=3)
    (fc,) = result.fc_intervals(0.90)
    assert fc.low == 0.0 and fc.low_open
    assert 0.5 < fc.high < 3.0
