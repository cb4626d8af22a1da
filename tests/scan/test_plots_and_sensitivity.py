"""Expected sensitivity (Asimov and toy bands) and the scan figures (written, not compared to
baselines: the layout follows cevns.plotting's style; the numbers are checked here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.scan import ScanGrid, parse_axis, run_scan
from cevns.scan.sensitivity import expected_sensitivity, upper_limits
from cevns.stats import BinnedLikelihood


def test_asimov_limit_inside_the_toy_band(synthetic: BinnedLikelihood) -> None:
    """The Asimov limit on μ (null μ = 0) lies inside the toy ±1σ band and near its median."""
    grid = ScanGrid.from_axes([parse_axis("mu=0:2:21")])
    sens = expected_sensitivity(synthetic, grid, {"mu": 0.0}, n_toys=15, seed=1, level=0.90)
    lo1, med, hi1 = sens.bands[0, 1:4]
    assert lo1 <= sens.asimov[0] <= hi1
    assert sens.asimov[0] == pytest.approx(med, rel=0.25)
    assert np.all(np.diff(sens.bands[0]) >= 0)


def test_upper_limits_per_slice(synthetic: BinnedLikelihood) -> None:
    grid = ScanGrid.from_axes([parse_axis("mu=0:3:31"), parse_axis("shift=-1:1:3")])
    result = run_scan(synthetic, grid)
    limits = upper_limits(grid, result.delta_chi2, 0.90)
    finite = limits[np.isfinite(limits)]  # NaN: no 90 % set in that slice of the grid
    assert limits.shape == (3,) and finite.size >= 2 and np.all((finite > 1) & (finite < 3))


def test_scan_figures_are_written(synthetic: BinnedLikelihood, tmp_path: Path) -> None:
    from cevns.plotting.scan import plot_scan, read_published_curve

    curve = tmp_path / "published.csv"
    curve.write_text("# digitised\nmu,dchi2\n0.5,3.0\n1.3,0.0\n2.0,2.5\n")
    published = read_published_curve(curve)
    one = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:16")]))
    sens = expected_sensitivity(synthetic, one.grid, {"mu": 0.0}, n_toys=3, seed=2)
    paths = plot_scan(one, tmp_path / "one", published=published, sensitivity=sens)
    two = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:16"),
                                                  parse_axis("shift=-2:2:9")]))
    paths += plot_scan(two, tmp_path / "two")
    names = sorted(p.name for p in paths)
    assert names == ["scan_contours.png", "scan_delta_chi2.png", "scan_exclusion.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,x\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: need two numbers"):
        read_published_curve(bad)
