"""Flux-averaged inelastic cross sections: every nuclear channel × every πDAR flavour.

Target: ≤ 50 ms for all registered nuclear channels and the three stopped-pion flavours.
The fast path is :func:`cevns.inelastic.averaging.flux_averaged_cross_section` (vectorised
Gauss–Legendre over all levels at once); the naive path, measured in the same run, is adaptive
``scipy.integrate.quad`` of one scalar cross-section call at a time. The ratio is recorded in
``extra_info["ratio_naive_to_fast"]``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy import integrate

from cevns.inelastic import get_channel
from cevns.inelastic.averaging import flux_averaged_cross_section
from cevns.sources.stopped_pion import stopped_pion_spectra

NAMES = ("12c-cc", "12c-nc", "40ar-cc")
SPECTRA = stopped_pion_spectra()


def _fast() -> dict[tuple[str, str], float]:
    out = {}
    for name in NAMES:
        channel = get_channel(name)
        for flavour, spectrum in SPECTRA.items():
            out[(name, flavour.value)] = flux_averaged_cross_section(channel, spectrum, flavour)
    return out


def _naive() -> dict[tuple[str, str], float]:
    out = {}
    for name in NAMES:
        channel = get_channel(name)
        for flavour, spectrum in SPECTRA.items():
            thr = channel.threshold(flavour)
            total = 0.0
            if spectrum.density is not None and thr < spectrum.support[1]:
                density = spectrum.density
                total += integrate.quad(
                    lambda e, c=channel, f=flavour, d=density: (
                        float(c.cross_section(e, f)) * float(d(e))
                    ),
                    thr,
                    spectrum.support[1],
                    limit=400,
                )[0]
            for line in spectrum.lines:
                total += line.intensity * float(channel.cross_section(line.energy, flavour))
            out[(name, flavour.value)] = total / spectrum.total
    return out


def test_bench_flux_averaged_inelastic(benchmark: Any) -> None:
    """All nuclear channels × πDAR flavours (target ≤ 50 ms), with the naive-path ratio."""
    fast = benchmark(_fast)
    start = time.perf_counter()
    naive = _naive()
    naive_seconds = time.perf_counter() - start
    start = time.perf_counter()
    _fast()
    fast_seconds = time.perf_counter() - start
    benchmark.extra_info["ratio_naive_to_fast"] = naive_seconds / fast_seconds
    for key, value in fast.items():
        assert np.isclose(value, naive[key], rtol=2e-3, atol=1e-46), key
