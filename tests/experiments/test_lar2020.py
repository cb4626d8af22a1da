"""CENNS-10 Analysis A fit reproduces the published results.

Source: COHERENT, PRL 126 (2021) 012002 Table I and the data release arXiv:2006.12659
(LArParametersAnlA.yaml best-fit entries): CEvNS 159 ± 43 (stat), prompt BRN 553 ± 34,
steady state 3131 ± 23, delayed BRN 10 ± 11, 2Δ(−ln L) = 15.0 (3.5σ with systematics),
σ = (2.2 ± 0.7) × 10⁻³⁹ cm².

The published fit floats the four normalisations with the prediction priors on the same
release PDFs, so the normalisation-only likelihood reproduces it to rounding: tolerances are
2 % on yields (the published numbers are rounded to integers: 159 vs 159.9), 5 % on errors,
0.3 on 2Δ(−ln L). With the shape systematics profiled CEvNS moves by < 2 % and its error grows
by the flux and shape nuisances (tolerance 10 %). The cross section uses our SM ⟨σ⟩ for
argon (1.87 × 10⁻³⁹ cm² from the engine; the paper's is 1.8 × 10⁻³⁹), so it agrees within
the quoted ±0.7 (tolerance 0.2 × 10⁻³⁹ on the value).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.experiments.lar2020 import build_lar_2020
from cevns.experiments.releases import load_lar_2020
from cevns.stats import fit, toy_pulls


@pytest.fixture(scope="module")
def stat_result(lar_dir: Path):  # type: ignore[no-untyped-def]
    return build_lar_2020(lar_dir, systematics=False).run()


def test_normalisation_fit_reproduces_published_yields(stat_result) -> None:  # type: ignore[no-untyped-def]
    y = stat_result.yields
    for key, (value, error) in {"cevns": (159, 43), "brn": (553, 34),
                                "steady_state": (3131, 23)}.items():
        assert y[key][0] == pytest.approx(value, rel=0.02), key
        assert y[key][1] == pytest.approx(error, rel=0.05), key
    assert y["delayed_brn"][0] == pytest.approx(10, abs=1.0)
    assert y["delayed_brn"][1] == pytest.approx(11, abs=0.6)
    assert stat_result.significance**2 == pytest.approx(15.0, abs=0.3)
    value, lo, hi = stat_result.cross_section
    assert value == pytest.approx(2.2e-39, abs=0.2e-39)
    assert 0.5e-39 < lo < 0.8e-39 and 0.5e-39 < hi < 0.8e-39


def test_fit_with_systematics(lar_dir: Path) -> None:
    res = build_lar_2020(lar_dir).run(scan=np.linspace(0.0, 3.0, 16))
    assert res.fit.converged
    cevns, err = res.yields["cevns"]
    assert cevns == pytest.approx(159, rel=0.02)
    assert err == pytest.approx(np.hypot(43, 14), rel=0.10)
    # published 3.5σ with systematics; ours 3.8σ (published stat-only 2Δ(−lnL) = 15 → 3.9σ)
    assert 3.3 < res.significance < 4.0
    lo, hi = res.profile.interval(1.0)
    mu, mlo, mhi = res.signal_strength
    assert lo == pytest.approx(mu + mlo, abs=0.03) and hi == pytest.approx(mu + mhi, abs=0.03)
    assert res.profile.q[0] == pytest.approx(res.significance**2, rel=1e-3)
    d = res.as_dict()
    assert d["data_version"].startswith("coherent-lar-2020@")
    assert len(d["fit"]["correlation"]["matrix"]) == len(d["fit"]["parameters"])


def test_own_cevns_template_and_bad_binning(lar_dir: Path) -> None:
    rel = load_lar_2020(lar_dir)
    same = build_lar_2020(rel, cevns_template=rel.histograms["cevns"]).fit()
    ref = build_lar_2020(rel).fit()
    np.testing.assert_allclose(same.values, ref.values, atol=1e-3)
    with pytest.raises(ValueError, match=r"^cevns_template: shape \(12, 8\)"):
        build_lar_2020(rel, cevns_template=np.ones((12, 8)))


def test_toy_pulls_of_cevns_strength(lar_dir: Path) -> None:
    """100 seeded toys at the best fit of the full likelihood (all nuisances): pull mean
    0 ± 0.3, width 1 ± 0.2 (3σ sampling spread 0.3 and 0.21 for 100 toys). At least 95 % of
    toys must converge (a toy whose HESSE covariance had to be forced positive definite is
    reported as not converged and dropped)."""
    ana = build_lar_2020(lar_dir)
    best = fit(ana.likelihood)
    pulls = toy_pulls(ana.likelihood, "mu_cevns", best.values, 100, seed=2020)
    assert len(pulls) >= 95
    assert abs(pulls.mean()) < 0.3
    assert abs(pulls.std() - 1.0) < 0.2


def test_own_prediction_as_signal(lar_dir: Path) -> None:
    """CEvNS from our own prediction (detectors layer, 124 SM events vs the release's 128):
    σ = 2.10 (+0.68 −0.63) × 10⁻³⁹ cm², within 0.2 × 10⁻³⁹ of the published 2.2 ± 0.7, and a
    significance within 3.0–4.0σ (published 3.5σ)."""
    pytest.importorskip("cevns.detectors.coherent")
    res = build_lar_2020(lar_dir, signal="prediction").run()
    assert res.fit.converged
    value, lo, hi = res.cross_section
    assert value == pytest.approx(2.2e-39, abs=0.2e-39)
    assert 0.5e-39 < lo < 0.8e-39 and 0.5e-39 < hi < 0.8e-39
    assert 3.0 < res.significance < 4.0
    with pytest.raises(ValueError, match=r"^signal: must be 'release' or 'prediction'"):
        build_lar_2020(lar_dir, signal="mine")
