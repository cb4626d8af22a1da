"""predict(): totals against direct integrals, decompositions, nuisances, scaling, bad input."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns import units as u
from cevns.detectors import (
    ConstantQuenching,
    ConstantTimeEfficiency,
    Detector,
    ExponentialTimeEfficiency,
    Exposure,
    NoSmearing,
    ObservableBinning,
    ResponseChain,
    SteadySource,
    StepEfficiency,
    load_detector,
    predict,
)
from cevns.engine.cross_section import flux_averaged_cross_section
from cevns.flavours import Flavour
from cevns.physics.targets import Target
from cevns.sources.facilities import facility
from cevns.sources.stopped_pion import stopped_pion_spectra

POT = 1e23


def _rate_detector(target: str = "Ar", mass: float = 10.0, distance: float = 20 * u.m) -> Detector:
    """True-recoil-energy 'detector': quenching 1, perfect resolution, no threshold."""
    return Detector(
        name="rate",
        target=Target.parse(target),
        mass=mass,
        distance=distance,
        response=ResponseChain(ConstantQuenching(1.0), NoSmearing()),
        binning=ObservableBinning((0.0, 1.0 * u.MeV), "energy"),
        recoil_energy_min=1e-9 * u.MeV,
    )


def test_total_rate_equals_flux_averaged_cross_section() -> None:
    """N = N_nuclei · POT/(4πL²) · Σ_f Y_f ⟨σ⟩_f (engine's flux average); 2e-4 relative
    (the recoil grid starts at 1e-9 MeV and the visible grid interpolates linearly)."""
    det = _rate_detector()
    spectra = stopped_pion_spectra()
    source = SteadySource({f: s.scaled(0.09) for f, s in spectra.items()}, "POT")
    pred = predict(source, det, POT)
    nuclei = det.target.nuclei_per_kg() * det.mass
    expected = 0.0
    for f, s in spectra.items():
        for iso, n in zip(det.target.isotopes, nuclei, strict=True):
            sigma = flux_averaged_cross_section(s, iso, f)
            expected += n * POT * 0.09 * s.total * sigma / (4 * np.pi * det.distance**2)
    assert pred.total == pytest.approx(expected, rel=2e-4)


@pytest.mark.parametrize("target", ["Ar", "CsI", "Ge"])
def test_zero_threshold_total_integrates_from_zero(target: str) -> None:
    """Without ``recoil_energy_min`` the recoil integral starts at T = 0: the total equals
    N_nuclei · POT/(4πL²) · Σ_f Y_f ⟨σ⟩_f (full cross section, no threshold) to 1e-6 (the
    grid used to start at 1e-3 T_max and lost ~0.7 % of CsI events)."""
    det = replace(_rate_detector(target), recoil_energy_min=None)
    spectra = stopped_pion_spectra()
    source = SteadySource({f: s.scaled(0.09) for f, s in spectra.items()}, "POT")
    pred = predict(source, det, POT)
    nuclei = det.target.nuclei_per_kg() * det.mass
    expected = sum(
        n * POT * 0.09 * s.total * flux_averaged_cross_section(s, iso, f)
        / (4 * np.pi * det.distance**2)
        for f, s in spectra.items()
        for iso, n in zip(det.target.isotopes, nuclei, strict=True)
    )
    assert pred.total == pytest.approx(expected, rel=1e-6)
    nodes = np.concatenate([t for t, _ in pred.recoil_spectrum().values()])
    assert nodes.min() < 1e-4 * nodes.max()  # below the old 1e-3 T_max start


def test_decompositions_add_up() -> None:
    pred = predict(None, load_detector("csi-2021"))
    total = pred.counts.sum()
    assert sum(v.sum() for v in pred.by_flavour().values()) == pytest.approx(total, rel=1e-12)
    assert sum(v.sum() for v in pred.by_isotope().values()) == pytest.approx(total, rel=1e-12)
    assert pred.energy_counts().sum() == pytest.approx(total, rel=1e-12)
    assert pred.time_counts().sum() == pytest.approx(total, rel=1e-12)
    assert set(pred.isotopes) == {"Cs133", "I127"}
    assert set(pred.flavours) == {Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR}


def test_time_bins_cover_all_arrivals() -> None:
    """Time probabilities integrate to 1 over a wide window (no time efficiency): 1e-9."""
    det = load_detector("cenns10-2020")
    wide = replace(det.binning, time_edges=(-5000.0, 0.0, 1000.0, 60000.0), psd_edges=None)
    det_t = replace(det.with_binning(wide), response=replace(det.response, psd=None))
    det_n = det_t.with_binning(replace(wide, time_edges=None))
    with_time = predict(None, det_t)
    without = predict(None, det_n)
    assert with_time.total == pytest.approx(without.total, rel=1e-9)


def test_roi_totals_with_partial_bins() -> None:
    pred = predict(None, load_detector("csi-2021"))
    e = np.asarray(pred.detector.binning.energy_edges)
    assert pred.total_in() == pytest.approx(pred.total, rel=1e-12)
    # half of the 8-12 PE bin plus everything above 12 PE
    counts_e = pred.energy_counts()
    expected = 0.5 * counts_e[1] + counts_e[2:].sum()
    assert pred.total_in(energy=(10.0, e[-1])) == pytest.approx(expected, rel=1e-12)
    t_counts = pred.time_counts()
    assert pred.total_in(time=(0.0, 1000.0)) == pytest.approx(t_counts[:8].sum(), rel=1e-12)
    with pytest.raises(ValueError, match=r"^energy:"):
        pred.total_in(energy=(5.0, 1.0))


def test_nuisances_reuse_physics() -> None:
    pred = predict(None, load_detector("csi-2021"))
    same = pred.with_nuisances(quenching=[0.0, 0.0], efficiency=0.0, time_efficiency=0.0)
    np.testing.assert_allclose(same.counts, pred.counts, rtol=1e-12)
    doubled = pred.with_nuisances(normalisation=2.0)
    np.testing.assert_allclose(doubled.counts, 2 * pred.counts, rtol=1e-12)
    # More light per keVnr (CENNS-10 QF intercept +1σ) moves events to higher keVee.
    lar = predict(None, load_detector("cenns10-2020"))
    up = lar.with_nuisances(quenching=[1.0, 0.0])
    edges = np.asarray(lar.detector.binning.energy_edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    mean_nom = np.sum(lar.energy_counts() * centres) / lar.total
    mean_up = np.sum(up.energy_counts() * centres) / up.total
    assert mean_up > mean_nom
    # The efficiency variant with the lower midpoint accepts more events.
    assert pred.with_nuisances(efficiency=1.0).total > pred.total > pred.with_nuisances(
        efficiency=-1.0
    ).total
    # Replacing a step by an object works too.
    swapped = pred.with_nuisances(quenching=pred.detector.response.quenching)
    np.testing.assert_allclose(swapped.counts, pred.counts, rtol=1e-12)


def test_nuisance_changes_match_full_recompute() -> None:
    """The fast path (reused physics/kernel) equals a prediction from scratch to 1e-4: they
    differ only by where the E_ee interpolation grid sits (built from the nominal curve)."""
    det = load_detector("csi-2021")
    pred = predict(None, det)
    fast = pred.with_nuisances(quenching=[0.7, -0.4], efficiency=-0.5)
    q = det.response.quenching.shifted([0.7, -0.4])
    e = det.response.efficiency.shifted(-0.5)  # type: ignore[union-attr]
    slow = predict(None, det.with_response(quenching=q, efficiency=e))
    np.testing.assert_allclose(fast.counts, slow.counts, rtol=1e-4, atol=1e-12)


def test_scaling_law_exercise() -> None:
    """Scholberg, MPA Summer School 2021 exercise: 100 counts in 10 kg Ar at 20 m → 250 in 100 kg
    at 40 m (exact, 1e-12)."""
    source = facility("sns", "lar2020")
    near = predict(source, _rate_detector("Ar", 10.0, 20 * u.m), POT)
    far = predict(source, _rate_detector("Ar", 100.0, 40 * u.m), POT)
    scaled = 100.0 * far.total / near.total
    assert scaled == pytest.approx(250.0, rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(
    mass=st.floats(min_value=0.1, max_value=1e4),
    distance_m=st.floats(min_value=1.0, max_value=1e3),
)
def test_counts_scale_with_mass_over_distance_squared(mass: float, distance_m: float) -> None:
    source = facility("sns", "lar2020")
    ref = predict(source, _rate_detector("Ar", 1.0, 1 * u.m), POT)
    other = predict(source, _rate_detector("Ar", mass, distance_m * u.m), POT)
    assert other.total == pytest.approx(ref.total * mass / distance_m**2, rel=1e-10)


def test_exposure_object_and_recoil_outputs() -> None:
    det = load_detector("cenns10-2020")
    exposure = Exposure.from_beam_energy(6.12 * u.GWh, 0.997 * u.GeV)
    pred = predict(None, det, exposure)
    assert exposure.units == pytest.approx(1.38e23, rel=2e-3)  # release: 6.12 GWh = 13.8e22 POT
    spectra = pred.recoil_spectrum()
    assert set(spectra) == {"Ar36", "Ar38", "Ar40"}
    t, r = spectra["Ar40"]
    assert r.shape == (len(pred.flavours), t.size) and np.all(r >= 0)
    edges = np.linspace(0, 0.2, 41) * u.MeV
    counts_t = pred.recoil_counts(edges)
    counts_ee = pred.visible_counts(edges)
    assert counts_t.sum() == pytest.approx(counts_ee.sum(), rel=1e-3)


def test_bad_input() -> None:
    det = _rate_detector()
    with pytest.raises(ValueError, match=r"^source:"):
        predict(None, det, POT)
    with pytest.raises(ValueError, match=r"^exposure:"):
        predict(facility("sns", "lar2020"), det, -1.0)
    with pytest.raises(ValueError, match=r"^exposure:"):
        predict(facility("sns", "lar2020"), det)
    timed = det.with_binning(ObservableBinning((0.0, 1.0), "energy", time_edges=(0.0, 1000.0)))
    steady = SteadySource(stopped_pion_spectra())
    with pytest.raises(ValueError, match=r"^time_edges:"):
        predict(steady, timed, POT)
    with pytest.raises(ValueError, match=r"^mass:"):
        det.with_mass(-1.0)
    with pytest.raises(ValueError, match=r"^normalisation:"):
        predict(steady, det, POT).with_nuisances(normalisation=-1.0)
    with pytest.raises(ValueError, match=r"^efficiency:"):
        predict(steady, det, POT).with_nuisances(efficiency=1.0)


def test_nuisances_are_relative_to_nominal_and_light_yield() -> None:
    pred = predict(None, load_detector("csi-2021"))
    once = pred.with_nuisances(quenching=[1.0, 0.0])
    twice = once.with_nuisances(quenching=[1.0, 0.0])
    np.testing.assert_allclose(twice.counts, once.counts, rtol=1e-12)
    back = once.with_nuisances(quenching=[0.0, 0.0])
    np.testing.assert_allclose(back.counts, pred.counts, rtol=1e-12)
    same = pred.with_nuisances(light_yield=1.0)
    np.testing.assert_allclose(same.counts, pred.counts, rtol=1e-9)
    brighter = pred.with_nuisances(light_yield=1.1)
    assert brighter.total > pred.total  # more light: more events above the PE threshold
    restored = brighter.with_nuisances(efficiency=0.0)
    np.testing.assert_allclose(restored.counts, pred.counts, rtol=1e-9)
    with pytest.raises(ValueError, match=r"^light_yield:"):
        pred.with_nuisances(light_yield=0.0)


def test_response_matrix_reproduces_counts() -> None:
    """Σ_k R[e, f, k] · Σ_flavour w_k dN/dT(T_k) equals the time-summed counts (1e-10)."""
    det = load_detector("cenns10-2020")
    pred = predict(None, det)
    total = np.zeros(pred.counts.shape[:-1])
    for name, (t, rates) in pred.recoil_spectrum().items():
        nodes, matrix = pred.response_matrix(name)
        np.testing.assert_array_equal(nodes, t)
        weights = pred._physics.recoil_weights[pred.isotopes.index(name)]
        assert matrix.shape == (*pred.counts.shape[:-1], t.size)
        assert np.all(matrix >= 0) and np.all(matrix.sum(axis=(0, 1)) <= 1 + 1e-9)
        total += matrix @ (rates.sum(axis=0) * weights)
    time_integrated = predict(None, det.with_binning(replace(det.binning, time_edges=None)))
    np.testing.assert_allclose(total, time_integrated.counts, rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match=r"^isotope:"):
        pred.response_matrix("Xe131")


def test_time_efficiency_acts_on_the_arrival_density() -> None:
    """Counts in a time window do not depend on how it is binned (1e-6, the 10 ns sub-bins):
    the time efficiency weights the arrival-time density inside each bin, it is not averaged
    uniformly over the bin (that lost 5 % of the CsI 2021 counts in a single 0–6 µs bin)."""
    det = load_detector("csi-2021")
    one = predict(None, det.with_binning(replace(det.binning, time_edges=(0.0, 6000.0))))
    fine = predict(None, det.with_binning(replace(
        det.binning, time_edges=tuple(np.arange(0.0, 6000.1, 125.0)))))
    default = predict(None, det)
    assert one.total == pytest.approx(fine.total, rel=1e-6)
    assert default.total == pytest.approx(fine.total, rel=1e-6)
    np.testing.assert_allclose(default.counts[:, :8].sum(axis=1), fine.counts[:, :8].sum(axis=1),
                               rtol=1e-6)


def test_survival_probability_acts_at_the_detector() -> None:
    """A constant survival probability P = 0.5 halves every bin (reactor source, exact)."""
    det = load_detector("conus")
    full = predict(None, det)
    half = predict(None, det, survival=lambda e, length, flavour: np.full_like(e, 0.5))
    np.testing.assert_allclose(half.counts, 0.5 * full.counts, rtol=1e-12)
    with pytest.raises(ValueError, match=r"^survival:"):
        predict(SteadySource(stopped_pion_spectra()), _rate_detector(), POT, survival=lambda *a: 1)


def test_time_shift_nuisance_matches_moved_edges() -> None:
    """Delaying arrivals by 100 ns equals predicting with time edges moved by −100 ns (1e-12).

    The time efficiency stays attached to the measured (unshifted) times, so the moved-edge
    prediction carries it moved by −100 ns too: ``∫_a^b p(t − δ) ε(t) dt`` over the measured
    bin equals ``∫_{a−δ}^{b−δ} p(t′) ε(t′ + δ) dt′``.
    """
    det = load_detector("csi-2021")
    pred = predict(None, det)
    late = pred.with_nuisances(time_shift=100.0)
    moved_edges = tuple(t - 100.0 for t in det.binning.time_edges or ())
    te = det.response.time_efficiency
    assert isinstance(te, ExponentialTimeEfficiency)
    moved_det = det.with_binning(replace(det.binning, time_edges=moved_edges)).with_response(
        time_efficiency=replace(te, start=te.start - 100.0))
    moved = predict(None, moved_det)
    np.testing.assert_allclose(late.counts, moved.counts, rtol=1e-12)
    back = late.with_nuisances(time_shift=0.0)
    np.testing.assert_allclose(back.counts, pred.counts, rtol=1e-12)
    with pytest.raises(ValueError, match=r"^time_shift:"):
        predict(None, load_detector("d2o")).with_nuisances(time_shift=1.0)


_CSI = predict(None, load_detector("csi-2021"))
_CSI_NO_EFF = _CSI.with_nuisances(
    efficiency=StepEfficiency(0.0), time_efficiency=ConstantTimeEfficiency(1.0)
)


@settings(max_examples=25, deadline=None)
@given(
    q0=st.floats(min_value=-3, max_value=3),
    q1=st.floats(min_value=-3, max_value=3),
    eff=st.floats(min_value=-3, max_value=3),
    shift=st.floats(min_value=-300, max_value=300),
)
def test_counts_non_negative_and_bounded_by_full_efficiency(
    q0: float, q1: float, eff: float, shift: float
) -> None:
    """Invariant: any nuisance point gives counts >= 0, and efficiencies <= 1 never add events."""
    moved = _CSI.with_nuisances(quenching=[q0, q1], efficiency=eff, time_shift=shift)
    assert np.all(moved.counts >= 0)
    unit = _CSI_NO_EFF.with_nuisances(quenching=[q0, q1], time_shift=shift)
    assert np.all(moved.counts <= unit.counts * (1 + 1e-12) + 1e-15)
