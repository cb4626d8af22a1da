"""Monochromatic, tabulated (CSV with units) and callable sources."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import CallableSource, MonochromaticSource, TabulatedSource, total_flux


def test_monochromatic_line_stays_a_line() -> None:
    """A line is exact: one node, weight = intensity / 4πL²."""
    src = MonochromaticSource("line", energy=30.0, intensity=1e10, flavour=Flavour.NU_MU)
    flux = src.flux_at(10 * u.m)[Flavour.NU_MU]
    assert flux.lines[0].energy == 30.0
    assert flux.total == pytest.approx(1e10 / (4 * math.pi * 1000.0**2))
    assert flux.density is None


def _write(tmp: Path, text: str) -> Path:
    p = tmp / "table.csv"
    p.write_text(text)
    return p


def test_tabulated_csv_units(tmp_path: Path) -> None:
    """keV grid and 1/keV densities are converted to MeV; the table integrates exactly (linear)."""
    p = _write(
        tmp_path,
        "# a triangular spectrum\nenergy [keV],nu_e [1/keV/s],nu_mu_bar [1/keV/s]\n"
        "0,0,0\n1000,1,2\n2000,0,0\n",
    )
    src = TabulatedSource.from_csv(p)
    assert src.normalisation_unit == "s"
    spectra = src.spectra()
    # area of the triangle: ½ × 2 MeV × 1000 /MeV = 1000
    assert spectra[Flavour.NU_E].total == pytest.approx(1000.0, rel=1e-12)
    assert spectra[Flavour.NU_MU_BAR].total == pytest.approx(2000.0, rel=1e-12)
    assert spectra[Flavour.NU_E].mean_energy() == pytest.approx(1.0, rel=1e-12)
    assert total_flux(src.flux_at(1 * u.m)) == pytest.approx(3000.0 / (4 * math.pi * 1e4))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("energy,nu_e [1/MeV]\n0,1\n1,1\n", "energy"),
        ("energy [MeV],nu_e\n0,1\n1,1\n", "nu_e"),
        ("energy [MeV],nu_e [MeV]\n0,1\n1,1\n", "nu_e"),
        ("energy [m],nu_e [1/MeV]\n0,1\n1,1\n", "energy"),
        ("energy [MeV],nu_e [1/MeV]\n0,1\n2,1\n1,1\n", "energies"),
        ("energy [MeV],nu_e [1/MeV]\n-1,1\n2,1\n", "energies"),
        ("energy [MeV],nu_e [1/MeV]\n0,-1\n2,1\n", "densities"),
        ("energy [MeV],nu_q [1/MeV]\n0,1\n2,1\n", "flavour"),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, field: str) -> None:
    """No units, non-monotonic or negative energies, bad flavour → ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        TabulatedSource.from_csv(_write(tmp_path, text))


def test_callable_source() -> None:
    """A user density is used as given; bad ones are rejected at construction."""
    src = CallableSource(
        "flat", {Flavour.NU_E: lambda e: np.ones_like(e)}, support=(0.0, 10.0)
    )
    assert src.spectra()[Flavour.NU_E].total == pytest.approx(10.0)
    with pytest.raises(ValueError, match=r"^densities"):
        CallableSource("neg", {Flavour.NU_E: lambda e: -np.ones_like(e)}, support=(0.0, 1.0))
    with pytest.raises(ValueError, match=r"^support"):
        CallableSource("s", {Flavour.NU_E: lambda e: np.ones_like(e)}, support=(2.0, 1.0))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"energy": -1.0}, "energy"), ({"energy": 1.0, "intensity": -1.0}, "intensity")],
)
def test_bad_monochromatic(kwargs: dict[str, float], field: str) -> None:
    """Negative energy or intensity → ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        MonochromaticSource("x", **kwargs)
