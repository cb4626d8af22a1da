"""Speed of the COHERENT likelihoods and fits (targets: one CsI 2021 likelihood
evaluation < 1 ms after setup, a full CsI fit with all nuisances < 2 s, the joint fit < 5 s).

Run timed with ``.venv/bin/python -m pytest benchmarks/bench_fits.py --benchmark-enable``;
in the normal test run each benchmark executes once as a test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cevns.experiments.analysis import Analysis
from cevns.stats import fit

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CSI_DIR = SHARED / "coherent-csi-2021"
LAR_DIR = SHARED / "coherent-lar-2020"

pytestmark = pytest.mark.skipif(
    not (CSI_DIR.is_dir() and LAR_DIR.is_dir()), reason="../shared/data releases not present"
)


@pytest.fixture(scope="module")
def csi() -> Analysis:
    pytest.importorskip("cevns.detectors.coherent")
    from cevns.experiments.csi2021 import build_csi_2021

    return build_csi_2021(CSI_DIR)


@pytest.fixture(scope="module")
def joint() -> Analysis:
    pytest.importorskip("cevns.detectors.coherent")
    from cevns.experiments.joint import build_joint

    return build_joint(CSI_DIR, LAR_DIR)


def test_bench_csi_likelihood_evaluation(benchmark, csi: Analysis) -> None:  # type: ignore[no-untyped-def]
    x = csi.model.init.copy()
    value = benchmark(csi.likelihood, x)
    assert value > 0


def test_bench_csi_full_fit(benchmark, csi: Analysis) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(fit, csi.likelihood)
    assert result.converged and len(result.parameter_names) == 10


def test_bench_lar_full_fit(benchmark) -> None:  # type: ignore[no-untyped-def]
    from cevns.experiments.lar2020 import build_lar_2020

    ana = build_lar_2020(LAR_DIR)
    result = benchmark(fit, ana.likelihood)
    assert result.converged


def test_bench_joint_fit(benchmark, joint: Analysis) -> None:  # type: ignore[no-untyped-def]
    result = benchmark(fit, joint.likelihood)
    assert result.converged and "flux" in result.parameter_names
