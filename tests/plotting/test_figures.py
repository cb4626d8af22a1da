"""Visual regression: every figure type rendered from fixed inputs against a stored PNG.

Each case renders with the Agg backend, matplotlib's default ``rcParams`` under the cevns
style (fonts: matplotlib's bundled DejaVu Sans, so no system font enters), at a small fixed
resolution, and compares with ``tests/plotting/baseline/<case>.png`` using
``matplotlib.testing.compare.compare_images`` with an RMS tolerance of ``TOLERANCE`` (grey
levels, 0-255): enough to absorb anti-aliasing differences between freetype builds, far
below a moved legend, a changed colour or a missing panel.

Regenerate the baselines after an intended change with ``make baseline`` (runs this file
with ``CEVNS_UPDATE_BASELINES=1``), then look at every changed PNG before committing it.
"""

from __future__ import annotations

import math
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

BASELINE = Path(__file__).parent / "baseline"
TOLERANCE = 2.0
DPI = 60
UPDATE = os.environ.get("CEVNS_UPDATE_BASELINES") == "1"


@dataclass(frozen=True)
class _FitStub:
    best: float

    def value(self, name: str) -> float:
        return self.best


@dataclass(frozen=True)
class _Scan:
    """A profile scan with the attributes the profile figure reads."""

    parameter: str
    values: Any
    q: Any
    best_fit: _FitStub

    def interval(self, level: float = 1.0) -> tuple[float, float]:
        raise ValueError("not used")


def _prediction(name: str) -> Any:
    from cevns.detectors import load_detector, predict

    return predict(None, load_detector(name))


def _case_prediction_timed() -> Any:
    from cevns.plotting import prediction_figure

    return prediction_figure(_prediction("csi-2021"))


def _case_prediction_untimed() -> Any:
    from cevns.plotting import prediction_figure

    return prediction_figure(_prediction("conus"))


def _case_source_pulsed() -> Any:
    from cevns import units as u
    from cevns.plotting import source_figure
    from cevns.sources.catalogue import get_source

    return source_figure(get_source("sns"), 20 * u.m)


def _case_source_reactor() -> Any:
    from cevns import units as u
    from cevns.plotting import source_figure
    from cevns.sources.catalogue import get_source

    return source_figure(get_source("conus"), 17 * u.m)


def _projection_inputs() -> tuple[Any, Any, dict[str, Any], Any]:
    from cevns.experiments.analysis import Axis

    edges = np.array([0.0, 8, 12, 16, 20, 24, 32, 40, 50, 60])
    centres = 0.5 * (edges[1:] + edges[:-1])
    width = np.diff(edges)
    cevns = 60.0 * np.exp(-0.5 * ((centres - 15.0) / 7.0) ** 2) * width / 4
    fitted = {
        "steady_state": 20.0 * width,
        "brn": 0.4 * cevns,
        "nin": 0.05 * cevns,
        "cevns": cevns,
    }
    total = sum(fitted.values())
    rng = np.random.default_rng(20210801)
    data = rng.poisson(total).astype(float)
    return Axis("energy", edges, "PE", 1.0), data, fitted, 1.15 * cevns


def _case_projection() -> Any:
    from cevns.plotting import projection_figure

    axis, data, fitted, sm = _projection_inputs()
    return projection_figure(axis, data, fitted, sm, title="Projection test")


def _case_projection_unitless() -> Any:
    from cevns.experiments.analysis import Axis
    from cevns.plotting import projection_figure

    _, data, fitted, _ = _projection_inputs()
    axis = Axis("F90", np.linspace(0.5, 0.95, data.size + 1), "", 1.0)
    return projection_figure(axis, data, {"cevns": fitted["cevns"],
                                          "delayed_brn": fitted["brn"],
                                          "steady_state": fitted["steady_state"]}, None)


def _case_profile() -> Any:
    from cevns.plotting import profile_figure

    mu = np.linspace(0.3, 1.5, 25)
    q = ((mu - 0.87) / 0.13) ** 2
    return profile_figure(_Scan("mu_cevns", mu, q, _FitStub(0.87)), (0.74, 1.02),
                          title="Profile test")


def _exposure_points() -> list[Any]:
    """Fixed projection points: σ/σ = √(stat²/x + 0.05²), Z ∝ √x on six exposures."""
    from cevns import units as u
    from cevns.projections.projection import ProjectionPoint

    points = []
    for x in np.geomspace(1.0, 300.0, 6):
        stat = 0.4 / math.sqrt(x)
        points.append(ProjectionPoint(
            scale=float(x), beam_energy=float(x) * u.GWh, protons_on_target=1e22 * x,
            signal=40.0 * x, steady_state=80.0 * x, beam_neutrons=4.0 * x,
            significance=2.5 * math.sqrt(x), sigma_mu=math.hypot(stat, 0.05), sigma_stat=stat))
    return points


def _case_exposure() -> Any:
    from cevns.plotting.exposure import exposure_figure
    from cevns.projections.projection import ToyBands

    points = _exposure_points()
    spread = np.array([0.7, 0.85, 1.0, 1.15, 1.35])
    sigma = np.array([p.sigma_mu for p in points])[:, None] * spread
    z = np.array([p.significance for p in points])[:, None] * spread[::-1] ** 0.5
    bands = ToyBands(np.array([p.scale for p in points]), np.sort(z, axis=1), sigma, 100, 0)
    return exposure_figure(points, bands=bands, title="Exposure test")


def _case_exposure_parameter() -> Any:
    from dataclasses import replace

    from cevns.plotting.exposure import exposure_figure

    points = [replace(p, sigma_mu=0.1 * p.sigma_mu) for p in _exposure_points()]
    return exposure_figure(points, measure="sin2_theta_w", title="Exposure test")


def _case_impacts() -> Any:
    from cevns.plotting.impacts import impacts_figure
    from cevns.projections.impacts import NuisanceImpact, PullsImpacts

    rows = (
        NuisanceImpact("flux", 0.0, 1.0, 0.3, 0.98, 0.3, 0.98, -0.09, 0.11, -0.09, 0.11),
        NuisanceImpact("det-a/brn_norm", 1.0, 0.26, 0.9, 0.05, -0.38, 0.19, -0.015, 0.016,
                       -0.24, 0.28),
        NuisanceImpact("det-a/quenching", 0.0, 1.0, -0.4, 0.7, -0.4, 0.7, 0.008, -0.009,
                       0.012, -0.013),
        NuisanceImpact("det-b/ss_norm", 1.0, 0.11, 1.1, 0.1, 0.9, 0.9, -0.002, 0.002,
                       -0.003, 0.003),
    )
    return impacts_figure(PullsImpacts("mu", 1.02, 0.11, "toy, seed 1", rows))


CASES: dict[str, Callable[[], Any]] = {
    "prediction_timed": _case_prediction_timed,
    "prediction_untimed": _case_prediction_untimed,
    "source_pulsed": _case_source_pulsed,
    "source_reactor": _case_source_reactor,
    "projection": _case_projection,
    "projection_unitless": _case_projection_unitless,
    "profile": _case_profile,
    "exposure": _case_exposure,
    "exposure_parameter": _case_exposure_parameter,
    "impacts": _case_impacts,
}


@pytest.fixture
def clean_rc() -> Any:
    """matplotlib defaults (no user matplotlibrc) for the duration of one render."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        yield


@pytest.mark.parametrize("case", sorted(CASES))
def test_figure_matches_baseline(case: str, tmp_path: Path, clean_rc: Any) -> None:
    """The rendering matches the baseline; no legend covers a data point or error bar, and
    no panel is empty."""
    from matplotlib.testing.compare import compare_images

    from cevns.plotting.analysis import legend_covers_data

    fig = CASES[case]()
    for ax in fig.axes:
        assert not legend_covers_data(ax), f"{case}: legend over data in {ax.get_title()!r}"
        drawn = ax.get_lines() + ax.collections + ax.patches + ax.images
        assert drawn, f"{case}: empty panel {ax.get_title()!r}"
    actual = tmp_path / f"{case}.png"
    fig.savefig(actual, dpi=DPI, metadata={"Software": None})
    expected = BASELINE / f"{case}.png"
    if UPDATE:
        BASELINE.mkdir(exist_ok=True)
        shutil.copyfile(actual, expected)
        return
    assert expected.is_file(), f"no baseline {expected}; create it with `make baseline`"
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result

