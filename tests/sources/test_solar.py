"""Solar neutrino source: SSM fluxes, spectra, MSW-LMA survival probability, CEvNS on xenon."""

from __future__ import annotations

import numpy as np
import pytest

from cevns import units as u
from cevns.engine.rates import recoil_spectrum
from cevns.flavours import Flavour
from cevns.physics.targets import Target
from cevns.sources import NeutrinoSource, get_source
from cevns.sources.solar import (
    ASTRONOMICAL_UNIT,
    SOLAR_COMPONENTS,
    OscillationParameters,
    SolarSource,
    solar_model_fluxes,
    survival_probability,
    unit_spectrum,
)
from cevns.wimps import neutrino_background

#: Vinyoles et al., ApJ 835 (2017) 202, Table 6 (cm⁻² s⁻¹, relative 1σ): GS98 then AGSS09met.
TABLE6 = {
    "pp": ((5.98e10, 0.006), (6.03e10, 0.005)),
    "pep": ((1.44e8, 0.010), (1.46e8, 0.009)),
    "hep": ((7.98e3, 0.30), (8.25e3, 0.30)),
    "be7": ((4.93e9, 0.06), (4.50e9, 0.06)),
    "b8": ((5.46e6, 0.12), (4.50e6, 0.12)),
    "n13": ((2.78e8, 0.15), (2.04e8, 0.14)),
    "o15": ((2.05e8, 0.17), (1.44e8, 0.16)),
    "f17": ((5.29e6, 0.20), (3.26e6, 0.18)),
}


@pytest.mark.parametrize("model,column", [("B16-GS98", 0), ("B16-AGSS09met", 1)])
def test_fluxes_match_ssm_table(model: str, column: int) -> None:
    """Shipped fluxes and uncertainties equal Vinyoles et al. (2017) Table 6 (tolerance 1 %)."""
    table = solar_model_fluxes(model)
    for comp, rows in TABLE6.items():
        flux, rel = rows[column]
        assert table[comp].flux * u.s == pytest.approx(flux, rel=0.01)
        assert table[comp].relative_uncertainty == pytest.approx(rel)


@pytest.mark.parametrize("component", SOLAR_COMPONENTS)
def test_unit_spectra_are_normalised(component: str) -> None:
    """Each spectrum integrates to one neutrino (1 %); the source flux at 1 AU equals Table 6."""
    assert unit_spectrum(component).total == pytest.approx(1.0, rel=0.01)
    sun = SolarSource(components=(component,), oscillation=None)
    flux = sun.flux_at(ASTRONOMICAL_UNIT)[Flavour.NU_E]
    assert flux.total == pytest.approx(TABLE6[component][0][0], rel=0.01)


def test_be7_lines_and_pep() -> None:
    """⁷Be: 0.862 MeV (89.7 %) and 0.384 MeV lines; pep 1.442 MeV (Bahcall 1989)."""
    be7 = unit_spectrum("be7")
    energies = sorted((ln.energy, ln.intensity) for ln in be7.lines)
    assert energies[0][0] == pytest.approx(0.3843) and energies[0][1] == pytest.approx(0.103)
    assert energies[1][0] == pytest.approx(0.8618) and energies[1][1] == pytest.approx(0.897)
    assert unit_spectrum("pep").lines[0].energy == pytest.approx(1.442)


def test_n13_allowed_shape_matches_bahcall_table() -> None:
    """Our allowed β⁺ ¹³N spectrum vs the tabulated spectrum of Bahcall & Ulrich, Rev. Mod. Phys.
    60 (1988) 297 (normalised per MeV; points read from the published table), within 1 %."""
    reference = {
        0.11990: 0.11157,
        0.29975: 0.53869,
        0.59950: 1.2636,
        0.76137: 1.3996,
        1.0012: 1.0717,
        1.1450: 0.47947,
    }
    spec = unit_spectrum("n13")
    e = np.array(list(reference))
    np.testing.assert_allclose(spec.continuous(e), list(reference.values()), rtol=0.01)


def test_b8_shape_winter() -> None:
    """Winter et al. (2006) ⁸B spectrum: peak near 6.4–6.5 MeV, mean energy ≈ 6.7 MeV (2 %)."""
    spec = unit_spectrum("b8")
    e = np.linspace(0.1, 15.0, 1491)
    assert 6.3 <= e[np.argmax(spec.continuous(e))] <= 6.6
    assert spec.mean_energy() == pytest.approx(6.7, rel=0.02)


def test_pee_b8_against_sno() -> None:
    """P_ee of ⁸B at 10 MeV vs the SNO three-phase fit, PRC 88 (2013) 025501: c₀ = 0.317 ±
    0.016 (stat) ± 0.009 (syst) (day–night average; value recalled from the paper, not
    machine-verified). Tolerance 0.03 (≈ 1.6σ; our P_ee is day-time, no Earth regeneration)."""
    assert float(survival_probability(10.0, "b8")) == pytest.approx(0.317, abs=0.03)


def test_pee_limits() -> None:
    """Vacuum-averaged limit at low energy, matter-dominated limit at high energy."""
    osc = OscillationParameters()
    c13 = 1 - osc.sin2_theta13
    vacuum = c13**2 * (1 - 0.5 * (4 * osc.sin2_theta12 * (1 - osc.sin2_theta12))) + (
        osc.sin2_theta13**2
    )
    assert float(survival_probability(1e-4, "pp", osc)) == pytest.approx(vacuum, rel=1e-3)
    matter = c13**2 * osc.sin2_theta12 + osc.sin2_theta13**2
    assert float(survival_probability(1e4, "b8", osc)) == pytest.approx(matter, rel=1e-3)


def test_flavour_composition_conserves_flux() -> None:
    """ν_e + ν_μ + ν_τ at Earth equals the produced flux (unitarity of the conversion)."""
    sun = SolarSource(components=("b8",))
    flux = sun.flux_at()
    total = sum(s.total for s in flux.values())
    assert total == pytest.approx(5.46e6, rel=1e-6)
    assert set(flux) == {Flavour.NU_E, Flavour.NU_MU, Flavour.NU_TAU}


def test_source_interface_and_catalogue() -> None:
    sun = get_source("sun")
    assert isinstance(sun, NeutrinoSource)
    assert sun.normalisation_unit == "second"
    emitted = sun.spectra()[Flavour.NU_E].total
    assert emitted / (4 * np.pi * ASTRONOMICAL_UNIT**2) == pytest.approx(
        sum(row[0][0] for row in TABLE6.values()), rel=0.01
    )
    assert "model" in sun.parameters()


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="model"):
        SolarSource(model="SSM-2000")
    with pytest.raises(ValueError, match="component"):
        SolarSource(components=("b9",))
    with pytest.raises(ValueError, match="flux_scale"):
        SolarSource(flux_scale={"b8": -1.0})
    with pytest.raises(ValueError, match="sin2_theta12"):
        OscillationParameters(sin2_theta12=1.5)
    with pytest.raises(ValueError, match="energy"):
        survival_probability(-1.0)


def _helm(q_fm: np.ndarray, a: float) -> np.ndarray:
    """Helm form factor (Lewin & Smith, Astropart. Phys. 6 (1996) 87)."""
    s = 0.9
    r_n = np.sqrt((1.23 * a ** (1 / 3) - 0.6) ** 2 + 7 / 3 * np.pi**2 * 0.52**2 - 5 * s**2)
    qr = q_fm * r_n
    j1 = (np.sin(qr) - qr * np.cos(qr)) / qr**2
    return 3 * j1 / qr * np.exp(-((q_fm * s) ** 2) / 2)


@pytest.mark.parametrize("target,top", [("Xe", 6.0), ("Ar", 20.0)])
def test_b8_rate_against_independent_calculation(target: str, top: float) -> None:
    """⁸B CEvNS events per tonne-year on natural xenon and argon above 1 keVnr.

    The reference is an independent textbook calculation in the test (Freedman tree-level
    cross section with Q_W = N − (1 − 4 sin²θ_W) Z, Helm form factor, Winter et al. spectrum,
    B16-GS98 flux, trapezoid rule up to ``top`` keVnr, beyond the ⁸B endpoint recoil).
    Agreement within 5 % (different form factors and radiative treatment). The published
    numbers we could read are compared in the tests below.
    """
    sun = SolarSource(components=("b8",), oscillation=None)
    flux = sun.flux_at()[Flavour.NU_E]
    tg = Target.parse(target)
    nuclei_per_t = tg.nuclei_per_kg() * 1000.0
    t = np.linspace(1.0, top, 201) * u.keV
    ours = np.zeros_like(t)
    for iso, n in zip(tg.isotopes, nuclei_per_t, strict=True):
        ours += n * recoil_spectrum(flux, iso, Flavour.NU_E, t)
    year = 365.25 * 86400.0
    ours_total = float(np.trapezoid(ours, t)) * year  # per t per yr

    gf, hbarc, sw2 = 1.1663788e-11, 1.97326980e-11, 0.2386  # MeV⁻², MeV cm
    e_nu = np.linspace(0.05, 15.3, 3000)
    phi = flux.continuous(e_nu)
    ref = np.zeros_like(t)
    for iso, n in zip(tg.isotopes, nuclei_per_t, strict=True):
        m = iso.nuclear_mass
        qw = iso.N - (1 - 4 * sw2) * iso.Z
        q_fm = np.sqrt(2 * m * t) / 197.327  # fm⁻¹
        ff = _helm(q_fm, iso.A) ** 2
        kin = np.clip(1 - m * t[:, None] / (2 * e_nu[None, :] ** 2), 0, None)
        dsig = gf**2 * hbarc**2 / (4 * np.pi) * qw**2 * m * kin * ff[:, None]
        ref += n * np.trapezoid(dsig * phi, e_nu, axis=1)
    ref_total = float(np.trapezoid(ref, t)) * year
    assert 50.0 < ours_total < 200.0
    assert ours_total == pytest.approx(ref_total, rel=0.05)


def _b8_events(target: str, threshold: float, top: float) -> float:
    """⁸B CEvNS events per tonne-year above ``threshold`` keVnr (B16-GS98, MSW), through
    :func:`cevns.wimps.neutrino_background`, the function of the neutrino-fog how-to."""
    background = neutrino_background(target, threshold=threshold, max_energy=top, bins=20)
    return float(background.rates[background.names.index("b8")].sum())


def test_b8_rate_all_recoil_energies_against_strigari_2009() -> None:
    """Strigari, "Neutrino coherent scattering rates at direct dark matter detectors",
    arXiv:0903.3630, abstract (only the abstract was read): ⁸B neutrinos give "upwards of 10³
    events per ton-year over all recoil energies for the heaviest nuclear targets".

    Ours on natural xenon from 10⁻³ keVnr (the recoils below it add < 0.3 %): 997 per t·y at
    the B16-GS98 flux. Tolerance: the abstract's one significant figure, i.e. ours must round to
    1 × 10³ (0.95–1.5 × 10³). Caveats: the flux normalisation the paper used is not in the
    abstract (the rate is proportional to it, see the next test), nor is "ton" defined there
    (read as a metric tonne), nor which targets count as "the heaviest".
    """
    total = _b8_events("Xe", 1e-3, 10.0)
    assert 0.95e3 <= total < 1.5e3
    assert total == pytest.approx(997.2, rel=0.01)


def test_b8_rate_diagnosis_flux_normalisation_and_threshold() -> None:
    """Why published ⁸B rates above "1 keV" in xenon scatter, measured (not a comparison).

    1. Flux normalisation: the rate is proportional to the ⁸B flux, so B16-AGSS09met gives
       4.50/5.46 of the B16-GS98 rate (Vinyoles et al. 2017, Table 6; tolerance 1e-6), and any
       published number is compared per 10⁶ cm⁻² s⁻¹: 18.7 events per t·y above 1 keVnr.
    2. Threshold: xenon recoils from ⁸B end near 4 keVnr, so the rate above 1 keVnr (102 per
       t·y) is 19 times that above 2 keVnr (5.3), and moving a "1 keV" threshold by 0.1 keVnr
       changes it by 22 % (up) to 28 % (down); a threshold quoted in keVee sits at a higher
       recoil energy and removes most of it. Argon recoils reach further: 135 per t·y above
       1 keVnr and 69 above 2 keVnr.
    Pinned values at 1 %.
    """
    xe_1 = _b8_events("Xe", 1.0, 10.0)
    xe_11 = _b8_events("Xe", 1.1, 10.0)
    xe_2 = _b8_events("Xe", 2.0, 10.0)
    assert xe_1 == pytest.approx(102.08, rel=0.01)
    assert xe_2 == pytest.approx(5.306, rel=0.01)
    assert xe_1 / (TABLE6["b8"][0][0] / 1e6) == pytest.approx(18.70, rel=0.01)
    assert 1.0 - xe_11 / xe_1 == pytest.approx(0.222, abs=0.01)
    assert _b8_events("Ar", 1.0, 60.0) == pytest.approx(134.68, rel=0.01)
    assert _b8_events("Ar", 2.0, 60.0) == pytest.approx(68.85, rel=0.01)

    e = np.geomspace(1.0, 10.0, 300) * u.keV
    xe = Target.parse("Xe")
    per_model = {}
    for model in ("B16-GS98", "B16-AGSS09met"):
        flux = SolarSource(model=model, components=("b8",)).flux_at()
        rate = np.zeros_like(e)
        for iso, n in zip(xe.isotopes, xe.nuclei_per_kg(), strict=True):
            for flavour, spectrum in flux.items():
                rate += n * recoil_spectrum(spectrum, iso, flavour, e)
        per_model[model] = float(np.trapezoid(rate, e))
    ratio = per_model["B16-AGSS09met"] / per_model["B16-GS98"]
    assert ratio == pytest.approx(TABLE6["b8"][1][0] / TABLE6["b8"][0][0], rel=1e-6)
