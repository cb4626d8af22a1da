"""Speed of the scan engine against the naive path, measured in the same run.

* One profiled point of the joint CsI 2021 + CENNS-10 likelihood under NSI (POIs fixed at
  ε_uV_ee = 0.05, ε_dV_ee = 0.02, every nuisance free, warm start from the best fit): the
  Newton profiler on the compiled model (target ≤ 2 ms) against MIGRAD on the frozen
  ``BinnedModel`` (the naive path).
* A 10 × 10 serial NSI scan of the joint likelihood (per-point cost inside a scan, with warm
  starts and the local-minimum guards). The 100 × 100 scan on two workers, with template
  building, memory and the Dask comparison, is ``benchmarks/scan_joint_nsi.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.stats import BinnedLikelihood, fit

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CSI_DIR = SHARED / "coherent-csi-2021"
LAR_DIR = SHARED / "coherent-lar-2020"

pytestmark = pytest.mark.skipif(
    not (CSI_DIR.is_dir() and LAR_DIR.is_dir()), reason="../shared/data releases not present"
)
POINT = {"eps_uV_ee": 0.05, "eps_dV_ee": 0.02}


@pytest.fixture(scope="module")
def joint_nsi():  # type: ignore[no-untyped-def]
    from cevns.experiments.joint import build_joint

    ana = build_joint(CSI_DIR, LAR_DIR).with_model("nsi", ["eps_uV_ee", "eps_dV_ee"])
    return ana, fit(ana.likelihood)


def test_bench_profiled_point_newton(benchmark, joint_nsi) -> None:  # type: ignore[no-untyped-def]
    from cevns.scan import CompiledModel, Profiler

    ana, best = joint_nsi
    compiled = CompiledModel(ana.model)
    compiled.set_templates(POINT)
    prof = Profiler(compiled, ana.likelihood.observed)
    x = best.values.copy()
    pois = [ana.model.index(n) for n in POINT]
    x[pois] = list(POINT.values())
    result = benchmark(prof.minimise, x, pois)
    assert result.status == 0
    # Same minimum as MIGRAD on the frozen model (to 1e-6 in −ln L, or lower).
    frozen = ana.model.frozen(POINT)
    naive = fit(BinnedLikelihood(frozen, ana.likelihood.observed),
                start=np.delete(x, pois), require_convergence=False)
    assert result.nll <= naive.nll + 1e-6


def test_bench_profiled_point_migrad_naive(benchmark, joint_nsi) -> None:  # type: ignore[no-untyped-def]
    ana, best = joint_nsi
    frozen = ana.model.frozen(POINT)
    like = BinnedLikelihood(frozen, ana.likelihood.observed)
    start = np.array([best.value(n) for n in frozen.parameter_names])
    result = benchmark(fit, like, start=start)
    assert result.converged


def test_bench_scan_joint_nsi_10x10(benchmark, joint_nsi) -> None:  # type: ignore[no-untyped-def]
    from cevns.scan import ScanGrid, parse_axis, run_scan

    ana, _ = joint_nsi
    grid = ScanGrid.from_axes([parse_axis("eps_uV_ee=-0.5:0.5:10"),
                               parse_axis("eps_dV_ee=-0.5:0.5:10")])
    result = benchmark.pedantic(run_scan, args=(ana.likelihood, grid), rounds=1, iterations=1)
    assert result.grid.size == 100


def test_bench_scan_joint_nsi_10x10_pointwise(benchmark, joint_nsi) -> None:  # type: ignore[no-untyped-def]
    """The same 10 × 10 scan point by point: the ratio to the batched one above is the gain of
    profiling the rows in lockstep."""
    from cevns.scan import ScanGrid, parse_axis, run_scan

    ana, _ = joint_nsi
    grid = ScanGrid.from_axes([parse_axis("eps_uV_ee=-0.5:0.5:10"),
                               parse_axis("eps_dV_ee=-0.5:0.5:10")])
    result = benchmark.pedantic(run_scan, args=(ana.likelihood, grid),
                                kwargs={"method": "pointwise"}, rounds=1, iterations=1)
    assert result.grid.size == 100
