"""Benchmarks for cevns.detectors (run with `make bench`; once as tests with --benchmark-disable).

Targets: the CsI 2021 prediction in its PE × time binning from scratch (physics,
kernel compilation, response) under 100 ms; re-prediction after changing only a quenching
or an efficiency nuisance under 2 ms.
"""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from cevns.detectors import load_detector, predict


def test_bench_csi_2021_prediction_from_scratch(benchmark: BenchmarkFixture) -> None:
    detector = load_detector("csi-2021")  # parsing the TOML is not part of the prediction
    pred = benchmark(predict, None, detector)
    assert pred.counts.shape == (9, 11)


def test_bench_csi_2021_quenching_nuisance(benchmark: BenchmarkFixture) -> None:
    pred = predict(None, load_detector("csi-2021"))
    shifted = benchmark(pred.with_nuisances, quenching=[0.4, -0.3])
    assert shifted.counts.shape == (9, 11)


def test_bench_csi_2021_efficiency_nuisance(benchmark: BenchmarkFixture) -> None:
    pred = predict(None, load_detector("csi-2021"))
    shifted = benchmark(pred.with_nuisances, efficiency=0.5)
    assert shifted.counts.shape == (9, 11)


def test_bench_cenns10_prediction_from_scratch(benchmark: BenchmarkFixture) -> None:
    detector = load_detector("cenns10-2020")
    pred = benchmark(predict, None, detector)
    assert pred.counts.shape == (12, 8, 10)


def test_bench_csi_2021_timing_nuisance(benchmark: BenchmarkFixture) -> None:
    pred = predict(None, load_detector("csi-2021"))
    shifted = benchmark(pred.with_nuisances, time_shift=50.0)
    assert shifted.counts.shape == (9, 11)
