"""COHERENT's inelastic detectors as detector files: predictions against the published
expectations (the gaps are stated, never tuned)."""

from __future__ import annotations

import math

import pytest

from cevns import units as u
from cevns.detectors import load_detector
from cevns.flavours import Flavour
from cevns.inelastic import channel_names, get_channel, predict_channels
from cevns.inelastic.averaging import flux_averaged_cross_section


def test_coh_ar_750_charged_current_per_year() -> None:
    """COH-Ar-750 (610 kg fiducial at 27.5 m, one file year = 1.4 MW × 5000 h = 7 GWh, the
    ~7000 MWh/year of Jeong, K-Neutrino Symposium 2024): ⁴⁰Ar(ν_e, e⁻) events equal
    ε X N_Ar ⟨σ⟩ Φ exactly (1e-9) for the file's default CC channel, the published table
    (``40ar-cc-table``), and for the allowed approximation (``40ar-cc``) a user can select
    instead. The file lists the table because it is the calculation that reproduces the ~340
    CC a year of the talk (see the test below); the allowed approximation is 45 % above it."""
    det = load_detector("coh-ar-750")
    assert "40ar-cc-table" in det.channels and "40ar-cc" not in det.channels
    spectra = det.source.spectra()  # type: ignore[attr-defined]
    assert det.exposure is not None
    fluence = det.exposure * spectra[Flavour.NU_E].total / (4 * math.pi * (27.5 * u.m) ** 2)
    for name in ("40ar-cc-table", "40ar-cc"):
        if name not in channel_names():
            pytest.skip(f"the {name} channel is not registered")
        pred = predict_channels(det, channels=[name])[name]
        sigma = flux_averaged_cross_section(get_channel(name), spectra[Flavour.NU_E],
                                            Flavour.NU_E)
        assert pred.total == pytest.approx(pred.targets * sigma * fluence, rel=1e-9)
        assert 200 < pred.total < 1000


def test_coh_ar_750_neutral_current_per_year() -> None:
    """⁴⁰Ar NC (SNOwGLoBES 1.3 table, 9.8 MeV level): 94.1 interactions a year in 610 kg,
    next to 487 allowed-approximation CC. Jeong, K-Neutrino Symposium 2024: "Detect ~340 CC
    and ~100 NC per year": the NC counts agree to 6 %; the NC/CC ratio is 0.19 with the
    allowed-approximation CC and 0.28 with the published CC table (0.29 in the talk), see the
    inelastic how-to. Pinned to 1e-3 so a change is noticed; the ratio to the quoted 100 is
    checked to lie in [0.5, 2]."""
    det = load_detector("coh-ar-750")
    assert "40ar-nc" in det.channels
    pred = predict_channels(det, channels=["40ar-nc", "40ar-cc"])
    nc = pred["40ar-nc"]
    assert nc.total == pytest.approx(94.09, rel=1e-3)
    assert 0.5 < nc.total / 100.0 < 2.0
    assert nc.neutrons == 0.0
    # every NC event is one 9.8 MeV γ: the γ spectrum holds all of them in the 8–12 MeV bin
    edges = list(det.inelastic.energy_edges)  # type: ignore[union-attr]
    assert nc.spectra.sum(axis=0)[edges.index(8.0)] == pytest.approx(nc.total, rel=1e-12)
    assert nc.total / pred["40ar-cc"].total == pytest.approx(0.193, abs=0.002)


def test_d2o_oxygen_against_the_published_expectation() -> None:
    """D₂O: Konovalov, COHERENT talk 2021 expects 1070 ν_e d and 390 ν_e O events per its
    exposure, a ratio 0.364 that does not depend on exposure or flux. With ¹⁶O(ν_e, e⁻) of
    Kolbe, Langanke & Vogel 2002 on the oxygen of 592 kg D₂O the ratio is 0.0813 (pinned,
    1e-3): 4.5 times below the talk's — the gap is stated, not tuned (more oxygen than the heavy
    water, or a larger ¹⁶O cross section; see the inelastic how-to)."""
    pred = predict_channels(load_detector("d2o"), channels=["2h-cc", "16o-cc"])
    ratio = pred["16o-cc"].total / pred["2h-cc"].total
    assert ratio == pytest.approx(0.0813, rel=1e-3)
    assert 390 / 1070 / ratio == pytest.approx(4.48, abs=0.02)
    assert pred["16o-cc"].by_flavour()[Flavour.NU_E] == pytest.approx(pred["16o-cc"].total)


def test_nubes_lead_neutrons_count_the_208pb_only() -> None:
    """NUBES lead (900 kg natural Pb at 18.88 m, Efremenko, SNvD 2023): ²⁰⁸Pb(ν_e, e⁻)Xn
    events equal N(²⁰⁸Pb) ⟨σ⟩ Φ exactly (1e-9), with N(²⁰⁸Pb) from the natural abundance
    (52.4 %); neutrons = 1 × (1n events) + 2 × (2n events). At 5 × 10²³ POT: 5073 CC and 744
    NC events (interaction counts; the 346 events COHERENT expected "from MARLEY simulation"
    are events in its scintillator cells, after an efficiency the talk does not give)."""
    det = load_detector("nubes-pb")
    assert {"208pb-cc", "208pb-nc"} <= set(det.channels)
    pred = predict_channels(det, channels=["208pb-cc", "208pb-nc"], exposure=5e23)
    cc = pred["208pb-cc"]
    spectra = det.source.spectra()  # type: ignore[attr-defined]
    sigma = flux_averaged_cross_section(get_channel("208pb-cc"), spectra[Flavour.NU_E],
                                        Flavour.NU_E)
    fluence = 5e23 * spectra[Flavour.NU_E].total / (4 * math.pi * (18.88 * u.m) ** 2)
    assert cc.total == pytest.approx(cc.targets * sigma * fluence, rel=1e-9)
    lead_atoms = 900.0 / 207.2 * 6.02214076e26  # natural lead, mean atomic mass 207.2
    assert cc.targets / lead_atoms == pytest.approx(0.524, abs=0.002)
    one, two = cc.counts.sum(axis=0)
    assert cc.neutrons == pytest.approx(one + 2 * two, rel=1e-12)
    assert cc.total == pytest.approx(5073, rel=2e-3)
    assert pred["208pb-nc"].total == pytest.approx(744, rel=2e-3)


def test_coh_ar_750_cc_and_nc_with_the_published_tables() -> None:
    """Jeong, K-Neutrino Symposium 2024: "Detect ~340 CC and ~100 NC per year" in the 610 kg
    argon detector. One file year (7 GWh, 0.09 ν/flavour/POT, 27.5 m) with the published
    tables gives 336.4 CC (Gil-Botella & Rubbia 2004 / Kolbe et al. 2003 table, −1 %) and 94.1
    NC (−6 %), efficiency 1. Tolerance: 10 % on the talk's two-digit numbers ("~"). The
    allowed-approximation ``40ar-cc`` gives 487 (+45 %), the same gap as its flux average."""
    pred = predict_channels(load_detector("coh-ar-750"),
                            channels=["40ar-cc-table", "40ar-nc", "40ar-cc"])
    assert pred["40ar-cc-table"].total == pytest.approx(340.0, rel=0.1)
    assert pred["40ar-nc"].total == pytest.approx(100.0, rel=0.1)
    assert pred["40ar-cc-table"].total == pytest.approx(336.4, rel=1e-3)
    assert pred["40ar-cc"].total / pred["40ar-cc-table"].total == pytest.approx(1.449, rel=1e-3)


def test_d2o_daily_rates_against_nuint_2024() -> None:
    """Efremenko, NuINT 2024: "We recorded 1 GWh or 2.25 · 10²² POT" and "With two detectors
    we expect to have ~3 ν d and ~3 ν O interactions per day" (one D₂O module, one H₂O-only
    module; the D₂O module has a 10 cm H₂O tail catcher and an outer light-water vessel).

    The file's year (7 GWh) is 2.247 × 10²² POT per GWh (0.2 % from the talk). One beam day at
    1.4 MW (33.6 MWh) gives 2.66 ν_e d → e⁻ p p in the 592 kg of D₂O (−11 % from "~3"; 20 %
    tolerance on a one-digit number), but only 0.22 ¹⁶O(ν_e, e⁻) on the oxygen of the heavy
    water: the talk's ν O count must come mostly from the light water of the two modules (not
    modelled), as the 390/1070 ratio of the 2021 talk already suggests."""
    det = load_detector("d2o")
    assert det.exposure is not None
    assert det.exposure / 7.0 == pytest.approx(2.25e22, rel=3e-3)
    day = 0.0336 / 7.0  # one beam day at 1.4 MW, as a fraction of the file's 7 GWh year
    pred = predict_channels(det, channels=["2h-cc", "16o-cc"])
    assert pred["2h-cc"].total * day == pytest.approx(3.0, rel=0.2)
    assert pred["2h-cc"].total * day == pytest.approx(2.656, rel=1e-3)
    assert pred["16o-cc"].total * day == pytest.approx(0.216, rel=2e-3)
