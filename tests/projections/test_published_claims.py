"""The talks' and papers' claims about future detectors, reproduced as projections.

Each test names its source and tolerance; where our number differs, the docstring gives the
measured gap and its diagnosis (nothing here is tuned: the inputs are the cited files).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from cevns import units as u
from cevns.detectors import Exposure, StepEfficiency, load_detector, predict
from cevns.models.registry import get_model
from cevns.projections import Projection, load_plan, load_setup, model_for_parameter
from cevns.projections.projection import combined_model_intervals
from cevns.projections.timing import timing_summary
from cevns.sources.facilities import facility


def _project(setup: str, plan: str | None = None) -> Projection:
    s = load_setup(setup)
    return Projection(s, load_plan(plan or s.plan))


@pytest.fixture(scope="module")
def argon_3yr() -> Projection:
    return _project("coh-ar-750", "sns-ppu-3yr")


def test_coh_ar_750_three_thousand_a_year() -> None:
    """Jeong, K-Neutrino Symposium 2024 (and Konovalov, COHERENT talk 2021): ~3000 CEvNS a
    year in 610 kg. One SNS year = 7000 MWh at 1.7 MW (the same talk). Tolerance ±25 % (a
    round number, no threshold curve published). We obtain 2981."""
    point = _project("coh-ar-750", "sns-year").asimov([1.0], impacts=False)[0]
    assert point.signal == pytest.approx(3000.0, rel=0.25)


def test_coh_ar_750_five_percent_in_three_years(argon_3yr: Projection) -> None:
    """Jeong, K-Neutrino Symposium 2024: "reduce uncertainty to 5 % within 3 years".

    Reproduced for the statistical uncertainty with the backgrounds profiled (flux and
    quenching known): 3.0 % ≤ 5 % after one year today and two after the power upgrade. With
    today's 10 % flux normalisation the cross section stays at 10.5 % (flux-limited: the
    ranking puts the flux first), so the talk's 5 % needs the flux normalised by the D₂O
    detector (its goal: 2 %, Efremenko, NuINT 2024), which gives 3.7 %.
    """
    today = argon_3yr.asimov([1.0])[0]
    assert next(iter(today.impacts)) == "flux"
    assert today.sigma_mu > 0.10
    setup = argon_3yr.setup
    stat = Projection(replace(setup, systematics={}, quenching=False), argon_3yr.plan)
    assert stat.asimov([1.0], impacts=False)[0].sigma_mu < 0.05
    normalised = Projection(replace(setup, systematics={"flux": 0.02}), argon_3yr.plan)
    assert normalised.asimov([1.0], impacts=False)[0].sigma_mu < 0.05


def test_nai_three_sigma_a_year() -> None:
    """Konovalov, COHERENT talk 2021: the multi-tonne NaI array, "13 keVnr threshold (Na
    recoils), 3σ /year expected". One SNS year (7000 MWh), Na recoils of 3338 kg of NaI.

    We obtain 5.4σ (Asimov, all nuisances profiled). Tolerance: 3σ to 2 × 3σ. The gap is the
    background assumption: no NaI[Tl] steady-state rate is published in the cited talks, so
    the CsI[Na] 2021 rate per kg per keVee per µs is used for the whole crystal mass; the
    significance falls below 3σ if the NaI rate is ~3.5 times that (Z ∝ 1/√B here).
    """
    point = _project("naivete-3t3").asimov([1.0])[0]
    assert 3.0 <= point.significance <= 6.0
    assert next(iter(point.impacts)) == "statistics"  # background-statistics limited


def test_germanium_five_hundred_a_year() -> None:
    """Konovalov, COHERENT talk 2021: COH-Ge-1, 16 kg, "500+ CEvNS/year at E_rec > 0.3 keVee".

    We obtain 419 for one SNS year of 7000 MWh (Jeong, K-Neutrino Symposium 2024), 16 % below.
    Diagnosis: the talk gives neither its beam-year nor its germanium quenching; our Lindhard
    model (k = 0.157) and a 7 GWh year are assumptions. Tolerance ±25 % of 500.
    """
    point = _project("ge-mini").asimov([1.0], impacts=False)[0]
    assert point.signal == pytest.approx(500.0, rel=0.25)


def test_ge_mini_first_observation_as_a_prediction() -> None:
    """Adamski et al. (COHERENT), arXiv:2406.13806 (PRL 134 (2025) 231801): 20.6 +7.1 −6.3
    counts for 10.22 GWh·kg above 1.5 keVee; the abstract: the result "agrees with the
    predicted standard model ... signal rate within 2σ".

    Our Standard-Model prediction for that exposure (1 kg × 10.22 GWh at 1.0 GeV, yield 0.09,
    the Ge-Mini response with a 1.5 keVee threshold) is 28.5, 1.1σ above the measurement
    (not within its 1σ error, but where the paper places the SM: above the data, inside 2σ;
    a later joint analysis, arXiv:2506.13555, calls it a ~2σ tension). Tolerance: above the
    measured value and within 2σ of it.
    """
    det = load_detector("ge-mini").with_mass(1.0).with_response(
        efficiency=StepEfficiency(1.5 * u.keVee))
    pred = predict(None, det, exposure=Exposure.from_beam_energy(10.22 * u.GWh, 1.0 * u.GeV))
    assert 20.6 < pred.total < 20.6 + 2 * 7.1


def test_cenns10_like_reproduces_the_first_argon_observation() -> None:
    """The same description applied to CENNS-10 (24.4 kg, its 6.12 GWh, its backgrounds:
    3152 steady-state and 497 beam-neutron events, LAr 2020 release) expects 3.4σ; the
    published observation was 3.5σ (PRL 126 (2021) 012002). Tolerance ±0.5σ. Its CEvNS count
    is 104 against the published 128 ± 17 prediction (sharp 20 keVnr threshold here instead
    of the release efficiency curve)."""
    point = _project("cenns10-like").asimov([1.0], impacts=False)[0]
    assert point.significance == pytest.approx(3.5, abs=0.5)
    assert point.steady_state == pytest.approx(3152.0, rel=0.01)
    assert point.beam_neutrons == pytest.approx(497.0, rel=0.01)


def test_cenns_1ton_nsi_ten_times_cenns_10(argon_3yr: Projection) -> None:
    """Jeong, K-Neutrino Symposium 2024: CENNS-1ton, "10 times higher sensitivity than
    CENNS-10" for NSI (ε^uV_ee). The 90 % CL interval of ε^uV_ee (others 0) is 10.2 times
    narrower after 3 years than CENNS-10's (the 68 % CL one: 5.2 times, where the 10 % flux
    uncertainty limits COH-Ar-750). Tolerance: 10 within a factor 1.5 at 90 % CL."""
    model = model_for_parameter("eps_uV_ee", "Ar")
    small = _project("cenns10-like").model_intervals(model, "eps_uV_ee", [1.0])[0]
    large = argon_3yr.model_intervals(model, "eps_uV_ee", [1.0])[0]
    lo_s, hi_s = small.interval["90%"]
    lo_l, hi_l = large.interval["90%"]
    assert None not in (lo_s, hi_s, lo_l, hi_l)
    ratio = (hi_s - lo_s) / (hi_l - lo_l)  # type: ignore[operator]
    assert 10 / 1.5 <= ratio <= 10 * 1.5


def test_ess_multi_target_weak_mixing_angle() -> None:
    """ESS, three years, cryogenic CsI (32 kg), HPGe (10 kg) and xenon gas (20 kg) fitted
    together with a shared 10 % flux: σ(sin²θ_W) = 0.0139 (68 % CL half-width).

    Published comparison: ±0.011 for the ESS detectors of Chattaraj, Majumdar, Papoulias &
    Srivastava, arXiv:2501.12443, a number quoted from that paper but not checked in it: the
    paper's full text was not available to us beyond its title, authors, abstract and the
    start of its introduction, so its table of detectors (masses, thresholds, distance), its
    neutrino yield, run time, flux and background assumptions and its own sin²θ_W number
    could not be read, nor the ESS study it builds on (Baxter et al., JHEP 02 (2020) 123,
    arXiv:1911.00762). Ratio 1.26 (ours / quoted). Diagnosis: our combination is limited by
    the flux normalisation (0.0014 without it, 0.0080 with 5 %, the CsI threshold moves it by
    0.4 %); the quoted ±0.011 corresponds to a 7-8 % flux normalisation in our set-ups
    (0.0107 at 7 %, 0.0118 at 8 %). Tolerance: within a factor 1.5.
    """
    projections = {n: _project(n) for n in ("ess-csi", "ess-ge", "ess-xe")}
    point = combined_model_intervals(projections, get_model("weak-angle"), "sin2_theta_w",
                                     [1.0])[0]
    assert point.sigma_mu == pytest.approx(0.011, rel=0.5)
    lo, hi = point.interval["68%"]
    assert lo is not None and hi is not None and lo < 0.23857 < hi


def test_ess_cryogenic_csi_twelve_thousand_a_year() -> None:
    """ESSCEvNS project description (European Research Council grant 101055120, CORDIS):
    seven undoped CsI crystals, 32 kg at 80 K at the ESS, "about 12 000 CEvNS events per
    year", with no threshold stated. In our ESS year (5 MW, 5000 h, 0.3 ν/flavour/POT, all
    assumed) 32 kg of CsI at 20 m give 13 600 recoils above 0.1 keVnr and 12 170 above
    1 keVnr, so the project's number is consistent with our flux and needs a recoil threshold
    near 1 keVnr; the ``ess-csi`` file's assumed 1 keVee cut with the CsI[Na] quenching
    (about 10 keVnr) keeps 2 320. Tolerance: 12 000 lies between our counts above 2 keVnr
    and above 0.1 keVnr."""
    from dataclasses import replace as replace_binning

    import numpy as np

    det = load_detector("ess-csi")
    assert det.mass == pytest.approx(32.0)
    edges = tuple(np.array([0.0, 0.5, 1, 2, 4, 8, 15, 30]) * u.keV)
    det = det.with_binning(replace_binning(det.binning, energy_edges=edges))

    def above(threshold: float) -> float:
        eff = StepEfficiency(threshold * u.keV, variable="recoil_energy")
        return float(predict(None, det.with_response(efficiency=eff)).total)

    assert above(2.0) < 12000 < above(0.1)
    assert above(1.0) == pytest.approx(12000, rel=0.05)
    assert predict(None, load_detector("ess-csi")).total < 12000 / 4


def test_ganess_seven_thousand_a_year() -> None:
    """GanESS talk abstract (agenda.infn.it/event/24250): a 20 kg xenon gas detector at the
    ESS gives "more than 7,000 CEvNS events per year". We obtain 7867 with a 1 keVnr threshold
    and the assumed ESS year (5 MW, 5000 h, 0.3 ν/flavour/POT, unverified). Tolerance: the
    claim is a lower bound."""
    point = _project("ess-xe").asimov([1 / 3], impacts=False)[0]
    assert point.signal > 7000.0


def test_what_timing_does_at_the_sns_and_cannot_do_at_the_ess() -> None:
    """Scholberg, MPA Summer School 2021: the SNS background rejection factor is "few × 10⁻⁴"
    (we get 6.4 × 10⁻⁴ for the 10.6 µs window holding 99 % of the delayed ν_e); the prompt
    window (90 % of ν_μ, 0.66 µs) holds 9 % of the delayed ν_e. At the ESS (3 ms flat pulse,
    14 Hz) the window is the pulse, ~65 times the SNS duty factor, and the 90 % ν_μ time holds
    ~90 % of the ν_e: no flavour separation (for a pulse ≫ τ_μ both arrive as the pulse).
    The Second Target Station's 15 Hz cuts the SNS value by 4 exactly."""
    sns = timing_summary(facility("sns"))
    ess = timing_summary(facility("ess", 0.3))
    sts = timing_summary(facility("sns_sts"))
    assert 1e-4 < sns.duty_factor < 1e-3
    assert sns.delayed_before_cut < 0.15
    assert ess.duty_factor / sns.duty_factor > 50
    assert ess.delayed_before_cut == pytest.approx(0.9, abs=0.02)
    assert sts.duty_factor == pytest.approx(sns.duty_factor / 4, rel=1e-9)


def test_d2o_five_percent_flux_in_two_years() -> None:
    """Konovalov, COHERENT talk 2021: the D₂O detector reaches a "5 % statistical unc-ty in
    2 years"; per its exposure 1070 ν_e d (912 in the region of interest), 390 ν_e O (159)
    and 20200 cosmic (293) events.

    Two SNS years (7000 MWh each; Jeong, K-Neutrino Symposium 2024) give 1107 ν_e d → e⁻ p p
    events in 592 kg (the deuteron CC channel, Nakamura et al. tables). With the talk's ROI
    acceptance 912/1070 and its ROI backgrounds scaled to our exposure (ν_e O predicted,
    cosmics subtracted with an equal off-beam sample): σ = √(S + B_O + 2 B_cosmic) / S = 4.4 %.
    Tolerance: at most the claimed 5 %, at least the background-free 1/√S = 3.3 %.
    """
    from cevns.inelastic.prediction import predict_channels

    detector = load_detector("d2o")
    plan = load_plan("sns-year").scaled(2.0)
    events = sum(
        predict_channels(detector, ["2h-cc"], source=p.source(),
                         exposure=p.protons_on_target).channels[0].total
        for p in plan.periods)
    scale = events / 1070.0  # our exposure relative to the talk's
    signal = events * 912.0 / 1070.0
    oxygen, cosmics = 159.0 * scale, 293.0 * scale
    sigma = (signal + oxygen + 2.0 * cosmics) ** 0.5 / signal
    assert events == pytest.approx(1107.0, rel=0.01)
    assert 1.0 / signal**0.5 < sigma <= 0.05
