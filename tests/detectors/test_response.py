"""Response-chain steps: quenching, smearing, efficiencies, F90; invariants and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns import units as u
from cevns.detectors import (
    ConstantQuenching,
    ExponentialTimeEfficiency,
    GammaSmearing,
    GaussianF90,
    GaussianSmearing,
    LindhardQuenching,
    LinearQuenching,
    NoSmearing,
    PoissonSmearing,
    PolynomialQuenching,
    SigmoidEfficiency,
    StepEfficiency,
    TabulatedEfficiency,
    TabulatedQuenching,
)

CSI_QF = (0.0554628, 4.30681, -111.707, 840.384)  # CsI 2021 release, MeV → MeV


# ----------------------------------------------------------------------------- quenching
def test_polynomial_quenching_matches_release_formula() -> None:
    """Release scintRespCoefficients.txt: Eee = a x + b x² + c x³ + d x⁴ (x in MeVnr); exact."""
    q = PolynomialQuenching(CSI_QF)
    x = np.array([5e-3, 1e-2, 2e-2, 4e-2])
    a, b, c, d = CSI_QF
    expected = a * x + b * x**2 + c * x**3 + d * x**4
    np.testing.assert_allclose(q.visible_energy(x, 55, 133), expected, rtol=1e-14)


def test_polynomial_quenching_variations_interpolate() -> None:
    plus = (0.0613632, 3.51547, -85.5548, 595.562)
    minus = (0.0495624, 5.09815, -137.858, 1085.2)
    q = PolynomialQuenching(CSI_QF, ((plus, minus),))
    np.testing.assert_allclose(q.shifted(1.0).coefficients, plus)
    np.testing.assert_allclose(q.shifted(-1.0).coefficients, minus)
    half = np.asarray(q.shifted(0.5).coefficients)
    np.testing.assert_allclose(half, 0.5 * (np.asarray(CSI_QF) + np.asarray(plus)))
    assert q.shifted(0.0) == q


def test_linear_quenching_cenns10() -> None:
    """LAr 2020 release: QF = 0.246 + 0.00078 T/keVnr; at 20 keVnr QF = 0.2616 (exact)."""
    q = LinearQuenching(0.246, 0.00078 / u.keV, 0.006, 0.00009 / u.keV)
    t = 20 * u.keV
    assert q.visible_energy(t, 18, 40) == pytest.approx((0.246 + 0.00078 * 20) * t, rel=1e-12)
    up = q.shifted([1.0, 0.0])
    assert up.intercept == pytest.approx(0.252)


def test_lindhard_default_k_and_monotonic() -> None:
    """Lindhard k = 0.133 Z^(2/3) A^(-1/2): 0.157 for Ge-72 (Lewin & Smith 1996), to 1e-3."""
    q = LindhardQuenching()
    t = np.geomspace(0.1, 100, 50) * u.keV
    qf = q.factor(t, 32, 72)
    assert np.all(np.diff(qf) > 0)
    k = 0.133 * 32 ** (2 / 3) / np.sqrt(72)
    assert k == pytest.approx(0.157, abs=1e-3)
    # large-ε limit: g ≈ ε, QF → 1
    assert q.factor(1e4 * u.MeV, 32, 72) > 0.99


def test_tabulated_quenching() -> None:
    q = TabulatedQuenching((1 * u.keV, 10 * u.keV), (0.05, 0.10), relative_uncertainty=0.1)
    assert q.visible_energy(5.5 * u.keV, 55, 133) == pytest.approx(0.075 * 5.5 * u.keV)
    assert q.shifted(1.0).visible_energy(10 * u.keV, 55, 133) == pytest.approx(0.11 * 10 * u.keV)


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: ConstantQuenching(1.5), "factor"),
        (lambda: ConstantQuenching(0.1, -1.0), "uncertainty"),
        (lambda: LinearQuenching(0.0, 0.1), "intercept"),
        (lambda: PolynomialQuenching((-0.1, 1.0)), "coefficients"),
        (lambda: LindhardQuenching(k=-1.0), "k"),
        (lambda: TabulatedQuenching((1.0, 0.5), (0.1, 0.1)), "recoil_energies"),
        (lambda: TabulatedQuenching((0.5, 1.0), (0.1, 1.5)), "factors"),
    ],
)
def test_quenching_rejects_bad_input(factory: object, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}:"):
        factory()  # type: ignore[operator]


def test_quenching_rejects_wrong_nuisance_count() -> None:
    with pytest.raises(ValueError, match=r"^quenching:"):
        LinearQuenching(0.246, 0.78).shifted([1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------- smearing
SMEARINGS = [
    GaussianSmearing(stochastic=0.58 * np.sqrt(u.keV)),
    GaussianSmearing(noise=0.1 * u.keV, light_yield=10 / u.keV, observable="PE"),
    PoissonSmearing(13.35 / u.keV),
    GammaSmearing(0.0749 * u.keV, 9.56 / u.keV),
    NoSmearing(),
]


@pytest.mark.parametrize("smearing", SMEARINGS)
@settings(max_examples=40, deadline=None)
@given(e_kev=st.floats(min_value=0.2, max_value=20.0))
def test_smearing_probabilities_normalised(smearing: object, e_kev: float) -> None:
    """Invariant: bin probabilities are in [0, 1] and sum to 1 over a range covering all (1e-6)."""
    edges_pe = np.linspace(0.0, 2000.0, 4001)
    edges_e = np.linspace(0.0, 200.0, 4001) * u.keV
    edges = edges_pe if smearing.observable == "PE" else edges_e  # type: ignore[attr-defined]
    p = smearing.bin_probabilities(np.array([e_kev * u.keV]), edges)  # type: ignore[attr-defined]
    assert np.all(p >= -1e-15) and np.all(p <= 1 + 1e-12)
    lower_tail = 0.0
    if isinstance(smearing, GaussianSmearing):  # Gaussian mass below 0 is lost
        from scipy.special import ndtr

        mu = smearing.mean_observable(e_kev * u.keV)
        lower_tail = float(ndtr(-mu / smearing.sigma(e_kev * u.keV)))
    assert p.sum() == pytest.approx(1.0 - lower_tail, abs=1e-6)


def test_gamma_smearing_mean_and_width() -> None:
    """Gamma law of shape 1+b, rate a(1+b): mean 13.35 PE/keVee·E, rel. width 1/√(1+9.56 E)."""
    g = GammaSmearing(0.0749 * u.keV, 9.56 / u.keV)
    e = 3.0 * u.keV
    edges = np.linspace(0, 200, 20001)
    p = g.bin_probabilities(np.array([e]), edges)[:, 0]
    x = 0.5 * (edges[1:] + edges[:-1])
    mean = np.sum(p * x)
    var = np.sum(p * x**2) - mean**2
    assert mean == pytest.approx(3.0 / 0.0749, rel=1e-4)
    assert np.sqrt(var) / mean == pytest.approx(1 / np.sqrt(1 + 9.56 * 3.0), rel=1e-3)
    assert g.light_yield * u.keV == pytest.approx(13.351, rel=1e-3)


def test_poisson_smearing_integer_counts() -> None:
    s = PoissonSmearing(10 / u.keV)
    p = s.bin_probabilities(np.array([0.5 * u.keV]), np.array([0.0, 1.0, 2.0, 3.0]))[:, 0]
    mu = 5.0
    np.testing.assert_allclose(p, np.exp(-mu) * np.array([1.0, mu, mu**2 / 2]), rtol=1e-12)


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: GaussianSmearing(), "stochastic"),
        (lambda: GaussianSmearing(stochastic=-1.0), "stochastic"),
        (lambda: GaussianSmearing(stochastic=1.0, light_yield=2.0), "light_yield"),
        (lambda: PoissonSmearing(0.0), "light_yield"),
        (lambda: GammaSmearing(-1.0, 1.0), "alpha"),
    ],
)
def test_smearing_rejects_bad_input(factory: object, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}:"):
        factory()  # type: ignore[operator]


def test_smearing_rejects_bad_edges() -> None:
    with pytest.raises(ValueError, match=r"^edges:"):
        NoSmearing().bin_probabilities(np.array([1.0]), np.array([1.0, 0.5]))


# ----------------------------------------------------------------------------- efficiency
def test_sigmoid_efficiency_release_values() -> None:
    """CsI 2021 effCoefficients.txt nominal; ε(x) = a/(1+e^{−b(x−c)}) + d, clipped (1e-12)."""
    eff = SigmoidEfficiency(1.32045, 0.285979, 10.8646, -0.333322)
    x = np.array([0.0, 5.0, 10.8646, 20.0, 60.0])
    raw = 1.32045 / (1 + np.exp(-0.285979 * (x - 10.8646))) - 0.333322
    np.testing.assert_allclose(eff(x), np.clip(raw, 0, 1), rtol=1e-12, atol=1e-15)
    assert eff(0.0) == 0.0


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(min_value=-100, max_value=1e4),
    theta=st.floats(min_value=-3, max_value=3),
)
def test_efficiencies_stay_in_unit_interval(x: float, theta: float) -> None:
    effs = [
        SigmoidEfficiency(
            1.32045, 0.285979, 10.8646, -0.333322,
            (1.3439, 0.285366, 9.84596, -0.356364), (1.297, 0.286592, 11.8832, -0.31028),
        ),
        StepEfficiency(5.0, 0.9, 1.0),
        TabulatedEfficiency((1.0, 10.0, 20.0), (0.0, 0.8, 0.95), relative_uncertainty=0.1),
    ]
    for eff in effs:
        value = float(eff.shifted(theta)(x))
        assert 0.0 <= value <= 1.0


def test_efficiency_rejects_above_one() -> None:
    with pytest.raises(ValueError, match=r"^values:"):
        TabulatedEfficiency((1.0, 2.0), (0.5, 1.2))
    with pytest.raises(ValueError, match=r"^a:"):
        SigmoidEfficiency(1.2, 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"^value:"):
        StepEfficiency(1.0, 1.5)


def test_exponential_time_efficiency_bin_average() -> None:
    """CsI 2021 companion: 1 before 0.52 µs, then exp(−0.0494/µs (t − 0.52 µs)); exact averages."""
    te = ExponentialTimeEfficiency(520.0, 0.0494 / u.us)
    edges = np.array([0.0, 500.0, 1000.0, 6000.0])
    avg = te.bin_average(edges)
    lam = 0.0494 / 1000
    assert avg[0] == 1.0
    second = (20.0 + (1 - np.exp(-lam * 480)) / lam) / 500.0
    third = (np.exp(-lam * 480) - np.exp(-lam * 5480)) / lam / 5000.0
    np.testing.assert_allclose(avg[1:], [second, third], rtol=1e-12)


def test_f90_template_normalised_in_window() -> None:
    psd = GaussianF90(0.773, 0.213, 16 * u.keV, 0.031, 0.22 * np.sqrt(u.keV))
    edges = np.linspace(0.5, 0.9, 9)
    p = psd.bin_probabilities(np.array([5, 25, 55]) * u.keV, edges)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    mean = (p * 0.5 * (edges[1:] + edges[:-1])).sum(axis=1)
    assert np.all(np.diff(mean) > 0)  # nuclear-recoil F90 rises with energy (release cevnspdf)
    with pytest.raises(ValueError, match=r"^edges:"):
        psd.bin_probabilities(np.array([1.0]), np.array([0.4, 0.6]))


def test_tabulated_time_efficiency_exact_bin_averages() -> None:
    """Bin averages of the piecewise-linear table equal a fine numerical integral (1e-9)."""
    from cevns.detectors import TabulatedTimeEfficiency

    te = TabulatedTimeEfficiency((0.0, 500.0, 2000.0, 6000.0), (1.0, 1.0, 0.8, 0.5))
    edges = np.array([-500.0, 250.0, 1000.0, 1800.0, 5000.0, 8000.0])
    fine = np.linspace(edges[0], edges[-1], 2_000_001)
    values = te(fine)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (values[1:] + values[:-1]) * np.diff(fine))])
    expected = np.diff(np.interp(edges, fine, cum)) / np.diff(edges)
    np.testing.assert_allclose(te.bin_average(edges), expected, rtol=1e-9)
    assert te.shifted(0.0) == te
    with pytest.raises(ValueError, match=r"^values:"):
        TabulatedTimeEfficiency((0.0, 1.0), (0.5, 1.5))
