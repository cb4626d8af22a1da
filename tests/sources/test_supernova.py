"""Supernova pinched-thermal spectra, fluence at Earth, snewpy adapter."""

from __future__ import annotations

import enum
import importlib.util
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import ERG, PinchedThermal, SupernovaSource, spectra_from_snewpy, total_flux


@settings(max_examples=30, deadline=None)
@given(
    mean=st.floats(5.0, 30.0),
    alpha=st.floats(0.0, 6.0),
)
def test_pinched_thermal_moments(mean: float, alpha: float) -> None:
    """Keil-Raffelt-Janka 2003: N = E_tot/⟨E⟩, mean ⟨E⟩, ⟨E²⟩ = ⟨E⟩²(α+2)/(α+1) (1e-6)."""
    p = PinchedThermal(5e52 * ERG, mean, alpha)
    s = p.spectrum()
    assert s.total == pytest.approx(p.number, rel=1e-6)
    assert s.mean_energy() == pytest.approx(mean, rel=1e-6)
    second = s.integrate(lambda e: e * e) / s.total
    assert second == pytest.approx(mean**2 * (alpha + 2) / (alpha + 1), rel=1e-6)


def test_default_burst_fluence() -> None:
    """3e53 erg over six species; fluence = N / (4π (10 kpc)²) (exact)."""
    sn = SupernovaSource()
    emitted = sum(s.integrate(lambda e: e) for s in sn.spectra().values())
    assert emitted == pytest.approx(3e53 * ERG, rel=1e-6)
    n = sum(s.total for s in sn.spectra().values())
    assert total_flux(sn.fluence()) == pytest.approx(n / (4 * math.pi * (10 * u.kpc) ** 2))
    assert float(ERG) == pytest.approx(6.241509074e5)  # 1 erg = 1e-7 J in MeV


def test_luminosity_form() -> None:
    """L × duration = E_tot."""
    p = PinchedThermal.from_luminosity(1e52 * ERG / u.s, 10 * u.s, 12.0)
    assert p.total_energy == pytest.approx(1e53 * ERG)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PinchedThermal(-1.0, 12.0), "total_energy"),
        (lambda: PinchedThermal(1.0, -12.0), "mean_energy"),
        (lambda: PinchedThermal(1.0, 12.0, -0.5), "alpha"),
        (lambda: SupernovaSource(distance=-1.0), "distance"),
        (lambda: SupernovaSource(duration=0.0), "duration"),
    ],
)
def test_bad_input(build: Any, field: str) -> None:
    """Negative energies, distance or duration → ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        build()


@pytest.mark.skipif(importlib.util.find_spec("snewpy") is not None, reason="snewpy installed")
def test_snewpy_missing_message() -> None:
    """Without the optional package, the adapter says how to install it."""
    with pytest.raises(ImportError, match=r"^snewpy: .*pip install 'cevns\[supernova\]'"):
        spectra_from_snewpy(object(), [0.0, 1.0], [0.0, 1.0])


class _FakeFlavor(enum.Enum):
    NU_E = 0
    NU_E_BAR = 1
    NU_X = 2
    NU_X_BAR = 3


class _FakeModel:
    """snewpy-like model: dN/dE dt = 1e50/(erg s) flat in E for 1 s (plain floats, no astropy)."""

    def get_initial_spectra(self, t: Any, energies: Any) -> dict[Any, Any]:
        t_s = float(getattr(t, "value", t))
        e = np.asarray(getattr(energies, "value", energies), dtype=float)
        value = 1e50 if 0 <= t_s <= 1.0 else 0.0
        return {f: np.full_like(e, value) for f in _FakeFlavor}


def test_snewpy_adapter_with_fake_model() -> None:
    """Time integration and the erg → MeV conversion: ∫ dt = 1 s, 1/erg = 1/(6.2415e5 MeV)."""
    spectra = spectra_from_snewpy(
        _FakeModel(),
        times=np.linspace(0.0, 1.0, 11) * u.s,
        energies=np.linspace(0.0, 50.0, 51),
        importer=lambda: _FakeFlavor,
    )
    assert set(spectra) == set(Flavour)
    expected = 1e50 / ERG * 50.0  # per MeV × 50 MeV
    assert spectra[Flavour.NU_TAU_BAR].total == pytest.approx(expected, rel=1e-9)
    sn = SupernovaSource(emission={}, tabulated=spectra)
    assert sn.parameters()["nu_e"] == "tabulated (snewpy)"
