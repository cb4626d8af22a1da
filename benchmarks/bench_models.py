"""Speed of new-physics predictions and fits (targets: re-predicting an analysis after a
coupling change ≤ 1 ms through the quadratic templates; a new mediator mass or neutron radius
≤ 20 ms through the interpolated templates). Each is reported next to the naive path measured
in the same run (a full re-prediction with the new model), so the ratio is what the templates
buy. The third target, one profiled joint CsI + CENNS-10 point under NSI ≤ 10 ms, is
``bench_scan.py::test_bench_profiled_point_newton`` (the Newton profiler a scan uses), with
MIGRAD on the frozen model as its naive path in the same file.

Run timed with ``make bench``; in the normal test run each benchmark executes once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.experiments.analysis import Analysis

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CSI_DIR = SHARED / "coherent-csi-2021"
LAR_DIR = SHARED / "coherent-lar-2020"

pytestmark = pytest.mark.skipif(
    not (CSI_DIR.is_dir() and LAR_DIR.is_dir()), reason="../shared/data releases not present"
)


@pytest.fixture(scope="module")
def csi_nsi() -> Analysis:
    from cevns.experiments.csi2021 import build_csi_2021

    return build_csi_2021(CSI_DIR).with_model("nsi", ["eps_uV_ee", "eps_dV_ee"])


def test_bench_template_repredict_after_coupling_change(benchmark, csi_nsi: Analysis) -> None:  # type: ignore[no-untyped-def]
    """All CEvNS counts (nominal and the eight ±1σ response variations) at new ε."""
    model = csi_nsi.model
    x = model.vector({"eps_uV_ee": 0.1, "eps_dV_ee": -0.05})
    counts = benchmark(model.expected, x)
    assert counts.shape == (model.n_bins,)


def test_bench_naive_repredict_after_coupling_change(benchmark) -> None:  # type: ignore[no-untyped-def]
    """The naive path for the ratio: the full CsI 2021 prediction with the new model."""
    from cevns.detectors.coherent import csi_2021_prediction
    from cevns.models import VectorNSI

    pred = benchmark(csi_2021_prediction, CSI_DIR, model=VectorNSI(eps_uV_ee=0.1))
    assert pred.total > 0


def test_bench_template_new_mediator_mass(benchmark) -> None:  # type: ignore[no-untyped-def]
    """Counts at a new Z′ mass (interpolated template, 41 nodes, quadratic in g²)."""
    from cevns.experiments.csi2021 import build_csi_2021

    ana = build_csi_2021(CSI_DIR).with_model("zprime", ["mass_zp", "g_zp"],
                                             grid=np.geomspace(1.0, 1e4, 17))
    x = ana.model.vector({"mass_zp": 37.0, "g_zp": 1e-4})
    counts = benchmark(ana.model.expected, x)
    assert np.all(np.isfinite(counts))

