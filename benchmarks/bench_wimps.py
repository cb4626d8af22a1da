"""Benchmark: a neutrino-floor curve over 50 WIMP masses for one target (target ≤ 5 s).

Run with `make bench`; once as a test with --benchmark-disable. The binned background is built
once (cached) outside the timed call; the ratio printed compares the batched discovery-limit
solve of all masses at once with one call per mass (the naive path), in the same run.
"""

from __future__ import annotations

import time

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

from cevns.wimps import SHM_OHARE_2021, neutrino_background, neutrino_floor

MASSES = np.geomspace(5.0, 1e4, 50)


def test_bench_floor_50_masses_argon(benchmark: BenchmarkFixture) -> None:
    background = neutrino_background("Ar")
    floor = benchmark(neutrino_floor, MASSES, background, SHM_OHARE_2021)
    assert floor.shape == (50,)
    assert np.all(floor[MASSES > 50] < 1e-46)


def test_batched_floor_against_one_call_per_mass() -> None:
    background = neutrino_background("Ar")
    few = MASSES[::25]
    t0 = time.perf_counter()
    batched = neutrino_floor(few, background, SHM_OHARE_2021)
    t1 = time.perf_counter()
    single = np.array([neutrino_floor([m], background, SHM_OHARE_2021)[0] for m in few])
    t2 = time.perf_counter()
    np.testing.assert_allclose(batched, single, rtol=1e-6)
    print(f"floor, {few.size} masses: batched {t1 - t0:.3f} s, per mass {t2 - t1:.3f} s")
