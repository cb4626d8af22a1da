"""Speed of the projection engine against the naive path, measured in the same run.

Target: a 20-exposure Asimov curve (significance, precision and the nuisance ranking) of
COH-Ar-750 over one SNS year in ≤ 2 s. The fast path predicts once and scales the templates,
takes the precision from the Fisher information and the significance from one Newton profile
fit per exposure; the naive path re-predicts the plan at every exposure and fits it with MIGRAD
(free fit, μ = 0 fit, and HESSE). Toy bands: 100 toys at 3 exposures on the serial executor
here; ``benchmarks/projection_toys.py`` runs 1000 toys per exposure on processes or Dask.
"""

from __future__ import annotations

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from cevns.projections import Projection, load_plan, load_setup
from cevns.projections.projection import MU, exposure_scales
from cevns.stats import BinnedLikelihood, discovery_significance, fit

SCALES = exposure_scales(0.05, 5.0, 20)


@pytest.fixture(scope="module")
def argon() -> Projection:
    return Projection(load_setup("coh-ar-750"), load_plan("sns-year"))


def _naive_curve(projection: Projection) -> list[tuple[float, float]]:
    out = []
    for s in SCALES:
        fresh = Projection(projection.setup, projection.plan.scaled(float(s)))
        model = fresh.binned_model(1.0)
        like = BinnedLikelihood(model, model.expected(model.init).reshape(model.shape))
        best = fit(like)
        out.append((discovery_significance(like, MU, 0.0, best_fit=best), best.error(MU)))

    return out


def test_bench_projection_curve_fast(benchmark: BenchmarkFixture, argon: Projection) -> None:
    points = benchmark(argon.asimov, SCALES)
    assert len(points) == 20
    naive = _naive_curve(argon)  # the same numbers by the slow road (checked once)
    np.testing.assert_allclose([p.significance for p in points], [z for z, _ in naive],
                               rtol=2e-3)
    # (MIGRAD's numerical HESSE errors scatter by up to ~40 % between neighbouring exposures
    # here, so σ_μ is checked against the exact Poisson Fisher formula in the tests instead)


def test_bench_projection_curve_naive(benchmark: BenchmarkFixture, argon: Projection) -> None:
    curve = benchmark.pedantic(_naive_curve, args=(argon,), rounds=1, iterations=1)
    assert len(curve) == 20


def test_bench_toy_bands_serial(benchmark: BenchmarkFixture, argon: Projection) -> None:
    bands = benchmark.pedantic(argon.toys, args=([0.1, 1.0, 5.0],),
                               kwargs={"n_toys": 100, "seed": 1, "chunk": 50},
                               rounds=1, iterations=1)
    assert bands.significance.shape == (3, 5)
