"""Reactor ν̄_e: isotope spectra, low-energy extension, power → rate, presets, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import CONNIE, CONUS, ReactorSource, fission_isotopes, total_flux
from cevns.sources.reactor import JOIN_ENERGY


def test_coefficients_as_published() -> None:
    """Huber 2011 (U235, Pu239, Pu241) and Mueller 2011 (U238) a_0 and a_5, digit by digit."""
    iso = fission_isotopes()
    assert iso["U235"].spectrum_coefficients[0] == 4.367
    assert iso["U235"].spectrum_coefficients[5] == -0.002777
    assert iso["Pu239"].spectrum_coefficients[0] == 4.757
    assert iso["Pu241"].spectrum_coefficients[3] == -0.3343
    assert iso["U238"].spectrum_coefficients == (
        0.4833, 0.1927, -0.1283, -0.006762, 0.002233, -0.0001536
    )


def test_energy_per_fission() -> None:
    """Kopeikin et al. 2004: 201.92, 205.52, 209.99, 213.60 MeV (U235, U238, Pu239, Pu241)."""
    e = {k: v.energy_per_fission for k, v in fission_isotopes().items()}
    assert e == pytest.approx({"U235": 201.92, "U238": 205.52, "Pu239": 209.99, "Pu241": 213.60})


def test_fit_value_at_4_mev() -> None:
    """U235 at 4 MeV: exp(4.367 − 4.577·4 + 2.1·16 − 0.5294·64 + 0.06186·256 − 0.002777·1024)."""
    expected = math.exp(
        4.367 - 4.577 * 4 + 2.1 * 16 - 0.5294 * 64 + 0.06186 * 256 - 0.002777 * 1024
    )
    assert float(fission_isotopes()["U235"].density(np.array(4.0))) == pytest.approx(expected)


@pytest.mark.parametrize("name", ["U235", "U238", "Pu239", "Pu241"])
def test_low_energy_extension_continuous(name: str) -> None:
    """The Vogel–Engel extension joins the fit at 2 MeV without a jump (1e-6 relative)."""
    iso = fission_isotopes()[name]
    below = float(iso.density(np.array(JOIN_ENERGY - 1e-9)))
    above = float(iso.density(np.array(JOIN_ENERGY + 1e-9)))
    assert below == pytest.approx(above, rel=1e-6)
    # sensible totals: 5-6.5 ν̄_e per fission over 0-10 MeV
    assert 4.5 < iso.spectrum().total < 6.5


def test_antineutrinos_per_gw() -> None:
    """Scholberg, MPA Summer School 2021: '~2 × 10²⁰ s⁻¹ per GW'. We get 1.68 × 10²⁰ (typical PWR
    fractions).

    Tolerance 25 %: the talk gives one significant digit, and the model omits the ~0.6
    ν̄_e/fission from ²³⁸U neutron capture (²³⁹U/²³⁹Np decays), which would bring it to ~1.9e20.
    """
    rate = ReactorSource("1 GW", thermal_power=1 * u.GW).antineutrinos_per_second
    assert rate == pytest.approx(2e20, rel=0.25)
    # fissions per second per GW: 1e9 J/s / (205.24 MeV × 1.602e-13 J/MeV) = 3.04e19 (exact)
    r = ReactorSource("1 GW", thermal_power=1 * u.GW)
    assert r.fissions_per_second == pytest.approx(
        1e9 / (r.mean_energy_per_fission * 1.602176634e-13), rel=1e-12
    )


def test_presets_and_flux() -> None:
    """CONUS 3.9 GW at 17 m, CONNIE 3.8 GW at 32 m (Scholberg, MPA Summer School 2021); flux = rate
    / 4πL² (exact)."""
    assert (CONUS.thermal_power / u.GW, CONUS.distance / u.m) == pytest.approx((3.9, 17.0))
    assert (CONNIE.thermal_power / u.GW, CONNIE.distance / u.m) == pytest.approx((3.8, 32.0))
    flux = total_flux(CONUS.flux_rate_at())
    assert flux == pytest.approx(
        CONUS.antineutrinos_per_second / (4 * math.pi * 1700.0**2), rel=1e-9
    )
    assert flux == pytest.approx(1.8e13, rel=0.1)  # the ~1e13/cm²/s scale quoted for CONUS
    assert set(CONUS.spectra()) == {Flavour.NU_E_BAR}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"thermal_power": -1.0}, "thermal_power"),
        ({"thermal_power": 1.0, "fission_fractions": {"U235": 0.5, "Pu239": 0.4}}, "fission_"),
        ({"thermal_power": 1.0, "fission_fractions": {"U233": 1.0}}, "fission_fractions"),
        ({"thermal_power": 1.0, "fission_fractions": {"U235": 1.2, "U238": -0.2}}, "fission_"),
        ({"thermal_power": 1.0, "distance": -5.0}, "distance"),
    ],
)
def test_bad_input(kwargs: dict[str, object], field: str) -> None:
    """Negative power/distance, fractions not summing to one → ValueError naming the field."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        ReactorSource("bad", **kwargs)  # type: ignore[arg-type]


def test_missing_distance() -> None:
    """A reactor without a preset distance needs one for its flux."""
    with pytest.raises(ValueError, match=r"^distance"):
        ReactorSource("x", thermal_power=1 * u.GW).flux_at()
