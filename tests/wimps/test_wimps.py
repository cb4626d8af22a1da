"""WIMP recoil spectra, discovery limits, the neutrino fog's opacity and floor."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from cevns.sources.atmospheric import AtmosphericSource
from cevns.wimps import (
    SHM_OHARE_2021,
    NeutrinoBackground,
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
    with pytest.raises(ValueError, match=r"^mass: -1\.0 is outside the allowed range \[1e-06, "):
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


def test_ohare_halo_is_the_one_of_his_floor_code() -> None:
    """The halo of O'Hare's floor: ``MeanInverseSpeed_SHM`` defaults in ``src/WIMPFuncs.py`` of
    github.com/cajohare/NeutrinoFog (σ_v = 167 km/s, v_esc = 533 km/s, v_lab = 245.6 km/s) and
    ρ = 0.3 GeV cm⁻³ of its ``dRdE``; exact."""
    assert SHM_OHARE_2021.v0 == pytest.approx(167.0 * math.sqrt(2.0), rel=1e-12)
    assert (SHM_OHARE_2021.density, SHM_OHARE_2021.v_escape, SHM_OHARE_2021.v_earth) == (
        0.3, 533.0, 245.6)


# O'Hare, PRL 127 (2021) 251802, argon SI floor as published with the paper's code
# (github.com/cajohare/NeutrinoFog, data/floors/Ar_SI.txt): mass (GeV) -> σ_p (cm²).
OHARE_AR = {10.234: 1.5967e-47, 20.491: 7.1224e-49, 51.709: 6.8599e-49, 97.712: 1.0947e-48,
            988.50: 8.7826e-48}
# Akerib et al. (Snowmass 2021 CF1), arXiv:2203.08084, xenon SI floor made with O'Hare's code
# (github.com/bloer/snowmass2021-wp-cf1-neutrinofloor, data/floors/Xe_SI.txt).
SNOWMASS_XE = {10.155: 3.9117e-48, 20.309: 3.5005e-49, 51.172: 3.5187e-49, 98.472: 5.0522e-49,
               992.33: 4.0048e-48}


def test_floor_argon_against_ohare_2021(argon: object) -> None:
    """Argon SI neutrino floor of O'Hare, PRL 127 (2021) 251802 (values in ``OHARE_AR``) from
    10 GeV to 1 TeV, tolerance 20 %. Measured ratios with his halo: 0.97 (10.2 GeV), 1.07
    (20.5), 0.98 (51.7), 0.95 (97.7), 0.96 (988.5); at 5.1 GeV 1.19, at 14.5 GeV 0.91.

    With the halo of his ``Params.py`` (v₀ = 220 km/s, v_esc = 544 km/s) instead of the one
    his floor code calls, the ratios below 30 GeV were 1.2–1.7 (and 7 at 9.1 GeV, on the
    steep ⁸B edge of the floor, where a few per cent in the WIMP velocity scale moves the
    edge in mass). His A = 39 argon and 5.16 × 10⁶ cm⁻² s⁻¹ ⁸B flux change our floor by
    < 3 % at 10–20 GeV and are not the cause."""
    masses = list(OHARE_AR)
    floor = neutrino_floor(masses, argon, SHM_OHARE_2021)  # type: ignore[arg-type]
    for mass, value in zip(masses, floor, strict=True):
        assert value == pytest.approx(OHARE_AR[mass], rel=0.20), mass


# The inputs of that Snowmass calculation (its src/Params.py and src/WIMPFuncs.py): halo
# σ_v = 168.3 km/s (v₀ = 238 km/s), v_esc = 544 km/s, v_lab = 238 km/s; ⁸B 5.25e6 cm⁻² s⁻¹ ± 4 %,
# ⁷Be ± 2 %, atmospheric 10.5 cm⁻² s⁻¹ ± 20 %.
SNOWMASS_HALO = StandardHalo(0.3, 168.3 * math.sqrt(2.0), 544.0, 238.0)
SNOWMASS_UNCERTAINTIES = {"atm": 0.20, "b8": 0.04, "be7": 0.02}
SNOWMASS_AR = {10.155: 1.7071e-47, 20.309: 7.2726e-49, 51.172: 5.8416e-49, 98.472: 9.1373e-49,
               992.33: 7.2091e-48}


def _with_snowmass_fluxes(background: NeutrinoBackground) -> NeutrinoBackground:
    """The background rescaled to the Snowmass ⁸B (5.25e6) and atmospheric (10.5) fluxes."""
    scale = {"b8": 5.25 / 5.46, "atm": 10.5 / AtmosphericSource().total_flux()}
    factors = np.array([scale.get(name, 1.0) for name in background.names])
    return dataclasses.replace(background, rates=background.rates * factors[:, None])


def test_floor_xenon_and_argon_against_snowmass_2021() -> None:
    """Xenon and argon SI floors of the Snowmass 2021 CF1 white paper (Akerib et al.,
    arXiv:2203.08084; made with O'Hare's code; values in ``SNOWMASS_XE`` and ``SNOWMASS_AR``),
    the only published xenon n = 2 floor file we found, computed with that paper's own inputs
    (``SNOWMASS_HALO``, ``SNOWMASS_UNCERTAINTIES``, its ⁸B and atmospheric fluxes). Tolerance
    20 %; measured xenon 1.00, 1.16, 1.10, 1.07, 1.06 at 10, 20, 51, 98 and 992 GeV,
    argon 0.98, 1.08, 1.03, 1.00, 0.97 at 10, 20, 51, 98 and 992 GeV.

    With O'Hare's 2021 inputs instead (his halo, atmospheric ± 25 %, ⁸B 5.16e6 ± 2 %) our xenon
    floor is 26–31 % above this file and our argon 15 % above the Snowmass argon file while
    within 10 % of O'Hare's own: the two publications differ mainly by the atmospheric-flux
    uncertainty (20 % against 25 %), which sets the floor above ~20 GeV (that change alone
    takes the xenon ratios to 1.07–1.14 at 20 GeV–1 TeV). The xenon background
    uses ¹³¹Xe, the nucleus of that code, for speed (natural xenon: ratios higher by 0.5 %)."""
    cases = (("131Xe", SNOWMASS_XE), ("Ar", SNOWMASS_AR))
    for target, reference in cases:
        background = _with_snowmass_fluxes(
            neutrino_background(target, uncertainties=SNOWMASS_UNCERTAINTIES))
        masses = list(reference)
        floor = neutrino_floor(masses, background, SNOWMASS_HALO)
        ratios = floor / np.array([reference[m] for m in masses])
        np.testing.assert_allclose(ratios, 1.0, rtol=0.20, err_msg=target)
