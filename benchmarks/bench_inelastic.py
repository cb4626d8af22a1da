"""Inelastic channels: run with `make bench`.

Targets: flux-averaged cross sections of every registered channel for all πDAR flavours
≤ 50 ms; one inelastic channel prediction for a detector (D₂O, ν_e d → e⁻ p p, counts,
lepton spectrum and neutrons) ≤ 20 ms. The naive path for comparison integrates each
flavour with ``scipy.integrate.quad`` (the same run prints the ratio).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy.integrate import quad

from cevns.detectors import load_detector
from cevns.flavours import Flavour
from cevns.inelastic import channel_names, get_channel, predict_channels
from cevns.inelastic.averaging import flux_averaged_cross_sections
from cevns.sources.stopped_pion import michel_nu_e_density, stopped_pion_spectra


def _all_averages() -> dict[str, Any]:
    spectra = stopped_pion_spectra()
    return {name: flux_averaged_cross_sections(get_channel(name), spectra)
            for name in channel_names()}


def test_bench_flux_averages_all_channels(benchmark: Any) -> None:
    table = benchmark(_all_averages)
    assert "2h-cc" in table


def test_bench_inelastic_prediction_d2o(benchmark: Any) -> None:
    detector = load_detector("d2o")
    predict_channels(detector, channels=["2h-cc"])  # registry and tables loaded once
    pred = benchmark(predict_channels, detector, ["2h-cc"])
    assert pred["2h-cc"].total > 0
    # naive path, same run: scipy quad of σ × Michel for the one flavour
    channel = get_channel("2h-cc")
    start = time.perf_counter()
    naive = quad(lambda e: float(channel.cross_section(e, Flavour.NU_E))
                 * float(michel_nu_e_density(np.array([e]))[0]), 1.442, 52.83, limit=200)[0]
    naive_s = time.perf_counter() - start
    assert naive > 0
    print(f"\nD2O 2h-cc prediction vs a quad flux average of one flavour: "
          f"{naive_s:.4f} s naive")
