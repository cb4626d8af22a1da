"""Inelastic channels: run with `make bench`.

Targets: flux-averaged cross sections of every registered channel (²H, ¹²C, ¹⁶O, ⁴⁰Ar, ¹²⁷I,
²⁰⁸Pb and ν–e) for all πDAR flavours ≤ 50 ms; one inelastic channel prediction for a detector
(D₂O, ν_e d → e⁻ p p, counts, lepton spectrum and neutrons) ≤ 20 ms. The naive path, measured
in the same run, is adaptive ``scipy.integrate.quad`` of one scalar cross-section call at a time
(plus the spectral lines); the ratios are recorded in ``extra_info["ratio_naive_to_fast"]``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy import integrate

from cevns.detectors import load_detector
from cevns.flavours import Flavour
from cevns.inelastic import Channel, channel_names, get_channel, predict_channels
from cevns.inelastic.averaging import flux_averaged_cross_section
from cevns.sources.spectrum import Spectrum
from cevns.sources.stopped_pion import stopped_pion_spectra

SPECTRA = stopped_pion_spectra()


def _fast() -> dict[tuple[str, str], float]:
    return {(name, flavour.value): flux_averaged_cross_section(get_channel(name), spectrum,
                                                                flavour)
            for name in channel_names() for flavour, spectrum in SPECTRA.items()}


def _naive_average(channel: Channel, spectrum: Spectrum, flavour: Flavour) -> float:
    if flavour not in channel.flavours:
        return 0.0
    threshold = channel.threshold(flavour)
    total = 0.0
    if spectrum.density is not None and threshold < spectrum.support[1]:
        density = spectrum.density
        total += integrate.quad(
            lambda e: float(channel.cross_section(e, flavour)) * float(density(e)),
            threshold, spectrum.support[1], limit=400,
        )[0]
    for line in spectrum.lines:
        if line.energy > threshold:
            total += line.intensity * float(channel.cross_section(line.energy, flavour))
    return total / spectrum.total


def _naive() -> dict[tuple[str, str], float]:
    return {(name, flavour.value): _naive_average(get_channel(name), spectrum, flavour)
            for name in channel_names() for flavour, spectrum in SPECTRA.items()}


def _seconds(function: Any, *args: Any) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def test_bench_flux_averages_all_channels(benchmark: Any) -> None:
    """Every registered channel × πDAR flavour (target ≤ 50 ms), with the naive-path ratio."""
    fast = benchmark(_fast)
    start = time.perf_counter()
    naive = _naive()
    naive_seconds = time.perf_counter() - start
    benchmark.extra_info["ratio_naive_to_fast"] = naive_seconds / _seconds(_fast)
    assert ("2h-cc", "nu_e") in fast
    assert fast[("127i-cc", "nu_e")] > 0  # ¹²⁷I(ν_e, e⁻) is one of the averaged targets
    for key, value in fast.items():
        assert np.isclose(value, naive[key], rtol=2e-3, atol=1e-46), key


def test_bench_inelastic_prediction_d2o(benchmark: Any) -> None:
    """The D₂O ``2h-cc`` prediction (target ≤ 20 ms) against a ``quad`` flux average of its
    one flavour, the naive path of the same run."""
    detector = load_detector("d2o")
    predict_channels(detector, channels=["2h-cc"])  # registry and tables loaded once
    pred = benchmark(predict_channels, detector, ["2h-cc"])
    assert pred["2h-cc"].total > 0
    channel = get_channel("2h-cc")
    naive_seconds = _seconds(_naive_average, channel, SPECTRA[Flavour.NU_E], Flavour.NU_E)
    fast_seconds = _seconds(predict_channels, detector, ["2h-cc"])
    benchmark.extra_info["ratio_naive_to_fast"] = naive_seconds / fast_seconds
