"""WIMP recoil spectra, discovery limits, the neutrino fog's opacity and floor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns.wimps import (
    SHM_OHARE_2021,
    StandardHalo,
    discovery_limit,
    neutrino_background,
    neutrino_floor,
    opacity,
    wimp_recoil_rate,
)


def test_rate_at_zero_recoil_matches_lewin_smith_r0() -> None:
    """With v_E → 0 and v_esc → ∞ the spectrum at E_R → 0 is Lewin & Smith, Astropart. Phys. 6
    (1996) 87, Eq. 3.9: dR/dE(0) = R₀/(E₀ r), R₀ = 2/√π · ρ σ₀ v₀/(m_χ m_N) per unit target
    mass (their Eq. 3.1), E₀ = m_χ v₀²/2, r = 4 m_χ m_N/(m_χ + m_N)². Tolerance 0.5 % (escape
    speed 100 v₀, independent arithmetic below)."""
    halo = StandardHalo(0.3, 220.0, 22000.0, 1e-9)
    m_chi, sigma_p = 100.0, 1e-45
    rate0 = float(wimp_recoil_rate(m_chi, "Xe136", [1e-6], sigma_p, halo)[0])  # per t·y per keV
    # independent evaluation in SI-like units
    c = 2.99792458e10  # cm/s
    amu_gev = 0.93149410242
    m_n = 135.907214 * amu_gev - 54 * 0.000511  # GeV (nuclear)
    mp = 0.93827208816
    mu_n, mu_p = m_chi * m_n / (m_chi + m_n), m_chi * mp / (m_chi + mp)
    sigma0 = sigma_p * 136**2 * (mu_n / mu_p) ** 2
    v0 = 220e5 / c
    r0 = 2 / math.sqrt(math.pi) * (0.3 / m_chi) * sigma0 * v0 * c  # per nucleus per s
    e0r = 0.5 * m_chi * v0**2 * 4 * m_chi * m_n / (m_chi + m_n) ** 2 * 1e6  # keV
    nuclei_per_tonne = 1e6 / (135.907214) * 6.02214076e23
    expected = r0 / e0r * nuclei_per_tonne * 365.25 * 86400
    assert rate0 == pytest.approx(expected, rel=5e-3)


def test_spectrum_ends_at_the_kinematic_maximum() -> None:
    """No recoil above E_max = 2 μ_N² (v_esc + v_E)² / m_N (Lewin & Smith 1996, Eq. 3.8)."""
    e = np.array([1.0, 30.0, 200.0, 400.0])
    rate = wimp_recoil_rate(10.0, "Xe", e)
    assert rate[0] > 0 and rate[-1] == 0.0 and rate[-2] == 0.0


def test_bad_input_is_one_line_error() -> None:
    with pytest.raises(ValueError, match=r"^mass: WIMP masses"):
        wimp_recoil_rate(-1.0, "Xe", [1.0])
    with pytest.raises(ValueError, match=r"^recoil_energy:"):
        wimp_recoil_rate(10.0, "Xe", [float("nan")])
    with pytest.raises(ValueError, match=r"^v_escape: must exceed v0"):
        StandardHalo(0.3, 238.0, 200.0, 100.0)
    with pytest.raises(ValueError, match=r"^threshold:"):
        neutrino_background("Ar", threshold=0.0)
    with pytest.raises(ValueError, match=r"^uncertainties: unknown flux"):
        neutrino_background("Ar", uncertainties={"geo": 0.5})
    bg = neutrino_background("Ar", threshold=1.0, bins=10)
    with pytest.raises(ValueError, match=r"^exposures:"):
        discovery_limit([100.0], [0.0], bg)
    with pytest.raises(ValueError, match=r"^significance:"):
        discovery_limit([100.0], [1.0], bg, significance=-3.0)


def test_opacity_of_power_laws() -> None:
    """σ ∝ X⁻¹ gives n = 1 and σ ∝ X^{-1/2} gives n = 2 (O'Hare, PRL 127 (2021) 251802, Eq. 2)."""
    x = np.geomspace(1.0, 1e4, 9)
    np.testing.assert_allclose(opacity(x, 1.0 / x), 1.0)
    np.testing.assert_allclose(opacity(x, x**-0.5), 2.0)


@pytest.fixture(scope="module")
def argon() -> object:
    return neutrino_background("Ar")


def test_fog_shape_argon(argon: object) -> None:
    """Shape of the fog (O'Hare 2021, Fig. 1): n ≈ 1 at small exposure, > 2 where the 100 GeV
    signal meets the atmospheric background, back to 2 (Poisson, spectral differences) at
    the largest exposures."""
    x = np.geomspace(1e-5, 1e19, 60)
    sigma = discovery_limit([97.71], x, argon, SHM_OHARE_2021)  # type: ignore[arg-type]
    n = opacity(x, sigma)[0]
    assert n[0] == pytest.approx(1.0, abs=0.15)
    assert n.max() > 2.5
    assert n[-1] == pytest.approx(2.0, abs=0.01)


def test_floor_argon_against_ohare_2021(argon: object) -> None:
    """Argon SI neutrino floor of O'Hare, PRL 127 (2021) 251802, as published with the paper's
    code (data/floors/Ar_SI.txt): 6.8599e-49 cm² at 51.71 GeV, 1.0947e-48 cm² at 97.71 GeV and
    8.7826e-48 cm² at 988.5 GeV. Tolerance 20 %; measured −0.5 %, −5 % and −5 %.

    Known gap, not tuned: below ~30 GeV, where ⁸B and the DSNB dominate, we are 15–70 % higher
    (e.g. +32 % at 20.49 GeV, O'Hare 7.122e-49 cm²): O'Hare's argon nucleus has N = 21
    (A = 39) and his ⁸B flux is 5.16e6 cm⁻² s⁻¹, we use natural argon (N ≈ 22) and the
    B16-GS98 5.46e6, ~16 % more background where the floor scales with it."""
    floor = neutrino_floor([51.71, 97.71, 988.5], argon, SHM_OHARE_2021)  # type: ignore[arg-type]
    assert floor[0] == pytest.approx(6.8599e-49, rel=0.20)
    assert floor[1] == pytest.approx(1.0947e-48, rel=0.20)
    assert floor[2] == pytest.approx(8.7826e-48, rel=0.20)
