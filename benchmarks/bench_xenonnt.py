"""Speed of the XENONnT ⁸B CEvNS fit (target: the full three-run fit, MINOS and significance
included, ≤ 2 s once the release is read).

The naive comparison path interpolates the efficiency and neutron templates (46 energies on
the 7 × 7 yield grid) and re-folds the ⁸B recoil spectrum at every likelihood evaluation; the
model used by the fit folds once per grid point and interpolates the folded signals. Run
timed with ``make bench``; in the normal test run each benchmark executes once as a test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
XENONNT_DIR = SHARED / "xenonnt-8b-2026"

pytestmark = pytest.mark.skipif(not XENONNT_DIR.is_dir(), reason="xenonnt-8b-2026 not present")


@pytest.fixture(scope="module")
def release():  # type: ignore[no-untyped-def]
    pytest.importorskip("h5py")
    from cevns.experiments.xenonnt import load_xenonnt_8b

    return load_xenonnt_8b(XENONNT_DIR)


def test_bench_xenonnt_full_fit(benchmark, release) -> None:  # type: ignore[no-untyped-def]
    from cevns.experiments.xenonnt import fit_b8

    result = benchmark(fit_b8, release)
    assert result.fit.converged and result.observed_events == 62


def test_bench_xenonnt_likelihood_evaluation(benchmark, release) -> None:  # type: ignore[no-untyped-def]
    from cevns.experiments.xenonnt import build_model
    from cevns.stats import BinnedLikelihood

    model, observed = build_model(release)
    likelihood = BinnedLikelihood(model, observed)
    x = model.vector({"t_ly": 0.3, "t_qy": -0.4})
    assert benchmark(likelihood, x) > 0


def test_bench_xenonnt_naive_evaluation(benchmark, release) -> None:  # type: ignore[no-untyped-def]
    """Naive path for the point of ``test_bench_xenonnt_likelihood_evaluation``: every call
    interpolates the efficiency and neutron templates bilinearly to (t_ly, t_qy) = (0.3, −0.4)
    and folds the ⁸B spectrum again, instead of interpolating pre-folded signals. Its expected
    counts equal the model's to 0.2 % per bin (60.39 against 60.37 events in all); the Poisson
    sum omits the nuisance constraints, so the two values are not compared."""
    from cevns.experiments.xenonnt import YIELD_GRID, b8_recoil_rate

    runs = list(release.runs.values())
    energies = runs[0].mono_energies
    rate = b8_recoil_rate(energies) * np.gradient(energies)
    grid = np.asarray(YIELD_GRID)

    def bilinear(table: np.ndarray, t_ly: float, t_qy: float) -> np.ndarray:
        i = int(np.clip(np.searchsorted(grid, t_ly) - 1, 0, grid.size - 2))
        j = int(np.clip(np.searchsorted(grid, t_qy) - 1, 0, grid.size - 2))
        u = (t_ly - grid[i]) / (grid[i + 1] - grid[i])
        v = (t_qy - grid[j]) / (grid[j + 1] - grid[j])
        return ((1 - u) * (1 - v) * table[:, i, j] + u * (1 - v) * table[:, i + 1, j]
                + (1 - u) * v * table[:, i, j + 1] + u * v * table[:, i + 1, j + 1])

    def naive() -> float:
        total = 0.0
        for run in runs:
            efficiency = bilinear(run.mono, 0.3, -0.4)
            neutron = bilinear(run.neutron[None], 0.3, -0.4)[0]
            signal = run.exposure * 5.46 * np.tensordot(rate, efficiency, axes=(0, 0))
            nu = signal + run.exposure * (run.ac + run.er + neutron)
            total += float(np.sum(nu - run.observed * np.log(np.maximum(nu, 1e-300))))
        return total

    assert np.isfinite(benchmark(naive))
