"""Engine speed: run with `make bench`.

Targets: dσ/dT on a 1000 × 1000 (E, T) grid for one isotope < 50 ms; flux-averaged cross
sections for all six demo targets and all three πDAR flavours < 100 ms.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cevns.cli.main import stopped_pion_cross_section_table
from cevns.engine.cross_section import differential_cross_section
from cevns.physics.targets import Isotope


def test_bench_differential_cross_section_grid(benchmark: Any) -> None:
    cs = Isotope.parse("Cs133")
    energy = np.linspace(1.0, 60.0, 1000)[:, None]
    recoil = np.linspace(0.0, 0.05, 1000)[None, :]
    result = benchmark(differential_cross_section, energy, recoil, cs, "nu_mu")
    assert result.shape == (1000, 1000)


def test_bench_flux_averaged_cross_sections_six_targets(benchmark: Any) -> None:
    table = benchmark(stopped_pion_cross_section_table)
    assert set(table) == {"CsI", "NaI", "Ar", "Ge", "Xe", "C"}
