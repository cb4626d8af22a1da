"""Arrival-time PDFs: analytic convolutions against direct numerical integration.

The pulse ⊗ π⁺ ⊗ μ⁺ convolution is required "to better than 10⁻³"; the analytic
forms are checked here against adaptive quadrature of the defining convolution integrals
to 1e-7 (absolute, in 1/ns scaled by the peak) — far inside that requirement.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from cevns.constants import CHARGED_PION_LIFETIME, MUON_LIFETIME
from cevns.sources.timing import (
    GaussianPulse,
    TabulatedPulse,
    decay_chain_cdf,
    decay_chain_pdf,
)

TAU_PI = float(CHARGED_PION_LIFETIME)
TAU_MU = float(MUON_LIFETIME)
SNS = GaussianPulse(440.0, 150.0)  # LAr 2020 release, LArParametersAnlA.yaml


def _numerical_prompt(t: float, pulse: GaussianPulse, tau: float) -> float:
    """∫ pulse(s) e^{-(t-s)/τ}/τ ds by adaptive quadrature."""
    f = lambda s: float(pulse.pdf(np.array(s))) * math.exp(-(t - s) / tau) / tau  # noqa: E731
    return quad(f, -3000.0, t, limit=400, points=[440.0], epsabs=1e-14)[0]


def _numerical_delayed(t: float, pulse: GaussianPulse) -> float:
    """∫ prompt(s) e^{-(t-s)/τ_μ}/τ_μ ds with the prompt PDF itself from quadrature-free formula."""
    f = lambda s: float(decay_chain_pdf(pulse, np.array(s), (TAU_PI,))) * math.exp(  # noqa: E731
        -(t - s) / TAU_MU
    ) / TAU_MU
    return quad(f, -3000.0, t, limit=400, points=[440.0, 600.0], epsabs=1e-14)[0]


@pytest.mark.parametrize("t", [-200.0, 100.0, 440.0, 700.0, 1500.0, 5000.0, 12000.0])
def test_prompt_matches_quadrature(t: float) -> None:
    """Gaussian ⊗ Exp(τ_π) = exponentially modified Gaussian; tolerance 1e-9 /ns absolute."""
    analytic = float(decay_chain_pdf(SNS, np.array(t), (TAU_PI,)))
    assert analytic == pytest.approx(_numerical_prompt(t, SNS, TAU_PI), abs=1e-9)


@pytest.mark.parametrize("t", [0.0, 440.0, 1000.0, 3000.0, 9000.0])
def test_delayed_matches_quadrature(t: float) -> None:
    """Gaussian ⊗ Exp(τ_π) ⊗ Exp(τ_μ) via the hypo-exponential mixture; tolerance 1e-10 /ns."""
    analytic = float(decay_chain_pdf(SNS, np.array(t), (TAU_PI, TAU_MU)))
    assert analytic == pytest.approx(_numerical_delayed(t, SNS), abs=1e-10)


@pytest.mark.parametrize("lifetimes", [(), (TAU_PI,), (TAU_PI, TAU_MU)])
def test_pdf_integrates_to_cdf(lifetimes: tuple[float, ...]) -> None:
    """CDF(b) − CDF(a) equals ∫_a^b pdf on a 0.1-ns trapezoid grid to 1e-6."""
    grid = np.arange(-2000.0, 60000.0, 0.1)
    pdf = decay_chain_pdf(SNS, grid, lifetimes)
    integral = np.concatenate(([0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]) * 0.1)))
    cdf = decay_chain_cdf(SNS, grid, lifetimes)
    assert np.max(np.abs(integral - (cdf - cdf[0]))) < 1e-6
    assert cdf[0] == pytest.approx(0.0, abs=1e-9)
    assert float(decay_chain_cdf(SNS, np.array(1e7), lifetimes)) == pytest.approx(1.0, abs=1e-12)


def test_no_overflow_far_from_pulse() -> None:
    """Far tails stay finite and non-negative (erfcx branches); warnings are errors here."""
    t = np.array([-1e5, -1e4, 0.0, 1e5, 1e6, 1e8])
    for lifetimes in [(TAU_PI,), (TAU_PI, TAU_MU)]:
        pdf = decay_chain_pdf(SNS, t, lifetimes)
        cdf = decay_chain_cdf(SNS, t, lifetimes)
        assert np.all(np.isfinite(pdf)) and np.all(pdf >= 0)
        assert np.all(np.diff(cdf) >= 0)


def test_narrow_pulse_limit_is_exponential() -> None:
    """σ → 0: prompt PDF → e^{-t/τ}/τ (tolerance 1e-4 relative at σ = 0.01 ns)."""
    pulse = GaussianPulse(0.0, 0.01)
    t = np.array([5.0, 26.0, 100.0])
    expected = np.exp(-t / TAU_PI) / TAU_PI
    np.testing.assert_allclose(decay_chain_pdf(pulse, t, (TAU_PI,)), expected, rtol=1e-4)


def test_tabulated_trace_of_gaussian_matches_gaussian() -> None:
    """A 1-ns histogram of the SNS Gaussian reproduces the analytic PDFs to 1e-3 of the peak."""
    centres = np.arange(-500.0, 1400.0, 1.0) + 0.5
    trace = TabulatedPulse.from_samples(centres, SNS.pdf(centres))
    t = np.linspace(-200.0, 10000.0, 2001)
    for lifetimes in [(TAU_PI,), (TAU_PI, TAU_MU)]:
        exact = decay_chain_pdf(SNS, t, lifetimes)
        approx = decay_chain_pdf(trace, t, lifetimes)
        assert np.max(np.abs(exact - approx)) < 1e-3 * exact.max()
        np.testing.assert_allclose(
            decay_chain_cdf(trace, t, lifetimes), decay_chain_cdf(SNS, t, lifetimes), atol=1e-4
        )


def test_rectangular_pulse_exact() -> None:
    """Flat top of width W ⊗ Exp(τ): CDF(W) = 1 − τ(1 − e^{−W/τ})/W (closed form)."""
    width = 600.0
    pulse = TabulatedPulse.rectangular(0.0, width)
    expected = 1.0 - TAU_PI * (1.0 - math.exp(-width / TAU_PI)) / width
    assert float(decay_chain_cdf(pulse, np.array(width), (TAU_PI,))) == pytest.approx(
        expected, rel=1e-12
    )
    assert float(pulse.cdf(np.array(300.0))) == pytest.approx(0.5)
    assert float(pulse.pdf(np.array(300.0))) == pytest.approx(1.0 / width)


def test_double_bunch_is_average_of_shifted_pulses() -> None:
    """Two equal bunches 540 ns apart = mean of two single-bunch PDFs (exact)."""
    double = GaussianPulse(100.0, 40.0, (0.0, 540.0), (1.0, 1.0))
    single_a = GaussianPulse(100.0, 40.0)
    single_b = GaussianPulse(640.0, 40.0)
    t = np.linspace(0, 5000, 101)
    np.testing.assert_allclose(
        decay_chain_pdf(double, t, (TAU_PI,)),
        0.5 * (decay_chain_pdf(single_a, t, (TAU_PI,)) + decay_chain_pdf(single_b, t, (TAU_PI,))),
        rtol=1e-12,
    )


def test_fwhm_conversion() -> None:
    """σ = FWHM / 2.3548 (Gaussian)."""
    assert GaussianPulse.from_fwhm(0.0, 2.3548200450309493).sigma == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(
    mean=st.floats(-500, 2000),
    sigma=st.floats(1.0, 1000.0),
    t=st.lists(st.floats(-5000, 50000), min_size=2, max_size=20),
)
def test_cdf_monotone_and_bounded(mean: float, sigma: float, t: list[float]) -> None:
    """Invariant: every chain CDF is non-decreasing and within [0, 1]."""
    pulse = GaussianPulse(mean, sigma)
    ts = np.sort(np.array(t))
    for lifetimes in [(), (TAU_PI,), (TAU_PI, TAU_MU)]:
        cdf = decay_chain_cdf(pulse, ts, lifetimes)
        assert np.all((cdf >= 0) & (cdf <= 1))
        assert np.all(np.diff(cdf) >= -1e-12)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: GaussianPulse(440.0, 0.0), "sigma"),
        (lambda: GaussianPulse(440.0, -1.0), "sigma"),
        (lambda: GaussianPulse(float("nan"), 150.0), "mean"),
        (lambda: GaussianPulse.from_fwhm(0.0, 0.0), "fwhm"),
        (lambda: TabulatedPulse.rectangular(0.0, 0.0), "width"),
        (lambda: TabulatedPulse((0.0, 10.0, 5.0), (1.0, 1.0)), "edges"),
        (lambda: TabulatedPulse((0.0, 10.0), (-1.0,)), "weights"),
        (lambda: TabulatedPulse.from_samples([0.0, 2.0, 1.0], [1, 1, 1]), "times"),
        (lambda: decay_chain_pdf(SNS, [0.0], (TAU_PI, TAU_PI)), "lifetimes"),
        (lambda: decay_chain_pdf(SNS, [0.0], (-1.0,)), "lifetimes"),
        (lambda: decay_chain_pdf(SNS, [float("nan")], (TAU_PI,)), "time"),
    ],
)
def test_bad_input_names_the_field(build: object, field: str) -> None:
    """Bad pulse parameters raise ValueError whose message starts with the field name."""
    with pytest.raises(ValueError, match=rf"^{field}"):
        build()  # type: ignore[operator]


def test_trace_csv(tmp_path: object) -> None:
    """A trace CSV needs its time unit in the header; µs are converted to ns."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    good = folder / "trace.csv"
    good.write_text("time [us],current\n0.0,0\n0.1,1\n0.2,2\n0.3,1\n0.4,0\n")
    pulse = TabulatedPulse.from_csv(good)
    assert pulse.edges[0] == pytest.approx(-50.0)
    assert pulse.edges[-1] == pytest.approx(450.0)
    bad = folder / "bad.csv"
    bad.write_text("time,current\n0,0\n1,1\n2,0\n")
    with pytest.raises(ValueError, match=r"^time"):
        TabulatedPulse.from_csv(bad)


@settings(max_examples=30, deadline=None)
@given(
    weights=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
    widths=st.lists(st.floats(1.0, 500.0), min_size=30, max_size=30),
    tau=st.sampled_from([TAU_PI, TAU_MU]),
)
def test_trace_recursion_matches_direct_sum(
    weights: list[float], widths: list[float], tau: float
) -> None:
    """The bin recursion equals the direct sum Σ d_i [F(t−a_i) − F(t−b_i)] to 1e-12 (invariant)."""
    edges = np.concatenate(([0.0], np.cumsum(widths[: len(weights)])))
    pulse = TabulatedPulse(tuple(edges.tolist()), tuple(weights))
    t = np.linspace(-100.0, edges[-1] + 5 * tau, 301)
    lo, hi = edges[:-1], edges[1:]
    d = np.array(weights) / np.sum(weights) / (hi - lo)

    def big_f(x: np.ndarray) -> np.ndarray:
        return -np.expm1(-np.maximum(x, 0.0) / tau)

    direct = np.sum((big_f(t[:, None] - lo) - big_f(t[:, None] - hi)) * d, axis=1)
    np.testing.assert_allclose(pulse.exp_convolved_pdf(t, tau), direct, atol=1e-12 * d.max())


def test_rectangular_pdf_closed_form() -> None:
    """Flat bin [0, W] ⊗ Exp(τ): (1 − e^{−t/τ})/W inside, (e^{−(t−W)/τ} − e^{−t/τ})/W after."""
    width = 600.0
    pulse = TabulatedPulse.rectangular(0.0, width)
    t = np.array([-5.0, 100.0, 599.0, 700.0, 2000.0])
    expected = np.where(
        t < 0,
        0.0,
        np.where(
            t < width,
            -np.expm1(-t / TAU_PI) / width,
            (np.exp(-(t - width) / TAU_PI) - np.exp(-t / TAU_PI)) / width,
        ),
    )
    np.testing.assert_allclose(pulse.exp_convolved_pdf(t, TAU_PI), expected, rtol=1e-12, atol=0)
