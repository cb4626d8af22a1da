"""Benchmarks for cevns.sources (run with `make bench`; once as tests with --benchmark-disable).

Target: per-flavour arrival-time PDFs on a 1-ns grid over 0–10 µs plus their
time-window fractions in under 20 ms.
"""

from __future__ import annotations

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import TabulatedPulse, facility, total_flux
from cevns.sources.reactor import CONUS

GRID = np.arange(0.0, 10_000.0 + 1.0, 1.0)  # 1-ns grid, 0–10 µs (ns)


def _pdfs_and_windows(source: object) -> tuple[dict[Flavour, np.ndarray], dict[Flavour, float]]:
    src = source  # StoppedPionSource
    pdfs = src.arrival_time_pdfs(GRID)  # type: ignore[attr-defined]
    windows = {
        fl: src.time_window_fraction(fl, 0.0, 6000.0)  # type: ignore[attr-defined]
        for fl in src.flavours  # type: ignore[attr-defined]
    }
    return pdfs, windows


def test_bench_time_pdfs_gaussian(benchmark: BenchmarkFixture) -> None:
    """SNS Gaussian trace: 3 flavours × 10 001 points + window fractions (target < 20 ms)."""
    sns = facility("sns")
    pdfs, windows = benchmark(_pdfs_and_windows, sns)
    assert set(pdfs) == {Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR}
    assert all(0.0 < w <= 1.0 for w in windows.values())


def test_bench_time_pdfs_trace(benchmark: BenchmarkFixture) -> None:
    """A 100-bin (10-ns) measured trace instead of the Gaussian: same workload."""
    centres = np.arange(0.0, 1000.0, 10.0) + 5.0
    trace = TabulatedPulse.from_samples(centres, np.exp(-0.5 * ((centres - 440.0) / 150.0) ** 2))
    sns = facility("sns")
    from dataclasses import replace

    src = replace(sns, pulse=trace)
    pdfs, _ = benchmark(_pdfs_and_windows, src)
    assert pdfs[Flavour.NU_MU].shape == GRID.shape


def test_bench_time_bins(benchmark: BenchmarkFixture) -> None:
    """Bin probabilities on 10-ns edges over −1 to 20 µs for the three flavours."""
    sns = facility("sns")
    edges = np.arange(-1000.0, 20_000.0 + 10.0, 10.0)
    out = benchmark(lambda: {fl: sns.time_bin_probabilities(fl, edges) for fl in sns.flavours})
    assert len(out) == 3


def test_bench_reactor_flux(benchmark: BenchmarkFixture) -> None:
    """Integrated CONUS flux (four isotopes, Gauss–Legendre on 0–10 MeV)."""
    flux = benchmark(lambda: total_flux(CONUS.flux_rate_at(17 * u.m)))
    assert flux > 1e13
