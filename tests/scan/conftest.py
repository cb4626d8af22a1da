"""Shared fixtures of the scan tests: a small synthetic model with every modifier kind, and the
joint COHERENT analysis (the release folders come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest

from cevns.scan import CompiledModel, Profiler, ScanGrid, run_scan
from cevns.scan.engine import FC_LEVELS, fc_statistic
from cevns.stats import BinnedLikelihood
from cevns.stats.model import (
    BinnedModel,
    GridSys,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
)


def synthetic_model() -> BinnedModel:
    """Two samples over 12 bins using every modifier kind and interpolation code."""
    rng = np.random.default_rng(7)
    n = 12
    sig = 20.0 * np.exp(-0.5 * ((np.arange(n) - 4.0) / 2.0) ** 2) + 0.5
    bkg = np.linspace(30.0, 10.0, n)
    nodes = np.linspace(-5.0, 5.0, 21)
    shifted = np.stack([20.0 * np.exp(-0.5 * ((np.arange(n) - 4.0 - 0.6 * a) / 2.0) ** 2) + 0.5
                        for a in nodes])
    sig_up = sig * (1.0 + 0.1 * rng.uniform(-1, 1, n))
    sig_dn = sig * (1.0 - 0.08 * rng.uniform(-1, 1, n))
    bkg_up = bkg * (1.0 + 0.05 * np.linspace(-1, 1, n))
    bkg_dn = bkg * (1.0 - 0.03 * np.linspace(-1, 1, n))
    return BinnedModel(
        [
            Sample("signal", sig, (
                NormFactor("mu"),
                NormSys("flux", 0.9, 1.12, "linear"),
                NormSys("xs", 0.95, 1.07, "code4"),
                HistoSys("shape", sig_dn, sig_up, "code4p"),
                GridSys("shift", nodes, shifted),
            )),
            Sample("background", bkg, (
                NormFactor("b_norm"),
                NormSys("flux", 0.9, 1.12, "linear"),
                NormSys("eff", 0.8, 1.15, "exponential"),
                HistoSys("b_shape", bkg_dn, bkg_up, "code0"),
            )),
        ],
        [
            Parameter("mu", 1.0, (0.0, 10.0)),
            Parameter("b_norm", 1.0, (0.0, 5.0), (1.0, 0.1)),
            Parameter.nuisance("flux"),
            Parameter.nuisance("xs"),
            Parameter.nuisance("shape"),
            Parameter.nuisance("shift"),
            Parameter.nuisance("eff"),
            Parameter.nuisance("b_shape"),
        ],
    )


@pytest.fixture(scope="session")
def synthetic() -> BinnedLikelihood:
    model = synthetic_model()
    truth = model.vector({"mu": 1.3, "flux": 0.4, "shift": 0.7})
    observed = np.random.default_rng(3).poisson(model.expected(truth)).astype(float)
    return BinnedLikelihood(model, observed)


@pytest.fixture(scope="session")
def joint(csi_dir: Path, lar_dir: Path):  # type: ignore[no-untyped-def]
    from cevns.experiments.joint import build_joint

    return build_joint(csi_dir, lar_dir)


def fc_coverage(model: BinnedModel, truth_values: Mapping[str, float], n_toys: int,
                n_pseudo: int, seed: int) -> dict[float, float]:
    """Coverage of the engine's Feldman–Cousins critical values at one true point.

    The critical values come from ``n_toys`` seeded toys of a one-point scan whose observed
    data are the Asimov expectation of the truth; ``n_pseudo`` independent pseudo-experiments
    (seed ``seed + 1000``) then give the fraction with ``t(truth) ≤ t_c`` at every FC level.
    Parametric templates are held at the truth for the pseudo-experiments' statistic.
    """
    truth = model.vector(dict(truth_values))
    asimov = model.expected(truth)
    grid = ScanGrid.from_points(list(truth_values), [list(truth_values.values())])
    result = run_scan(BinnedLikelihood(model, asimov), grid, fc_toys=n_toys, seed=seed)
    crit = result.fc_critical[0]  # type: ignore[index]
    compiled = CompiledModel(model)
    compiled.set_templates(truth_values)
    prof = Profiler(compiled, asimov)
    rng = np.random.default_rng(seed + 1000)
    t = np.empty(n_pseudo)
    for i in range(n_pseudo):
        counts = rng.poisson(asimov).astype(float)
        aux = rng.normal(truth[model.constrained_index], model.constraint_sigma)
        t[i] = fc_statistic(prof.with_data(counts, aux), truth, [0])
    return {lv: float(np.mean(t <= c)) for lv, c in zip(FC_LEVELS, crit, strict=True)}


@pytest.fixture(scope="session")
def coverage_of_fc() -> Callable[..., dict[float, float]]:
    """:func:`fc_coverage`, for the coverage tests of the scalar and template parameters."""
    return fc_coverage
