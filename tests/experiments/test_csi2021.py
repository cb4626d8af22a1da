"""CsI[Na] 2021 fit against the published results.

Source: COHERENT, PRL 129 (2022) 081801 (arXiv:2110.07730) and
A. Konovalov, COHERENT talk 2021 (table "After 2D likelihood fit"): CEvNS 306 ± 20,
steady state 1273 ± 24, BRN 17.3 ± 4.5, NIN 5.5 ± 2.0, null rejected at 11.6σ,
χ²/dof = 82.6/98, ⟨σ⟩ = 165 (+30 −25) × 10⁻⁴⁰ cm².

What we reach (factorised steady state, all nuisances, beam timing ±200 ns tabulated every
0.1σ and applied multiplicatively, so the timing shift is smooth and non-negative):
CEvNS 309 ± 32, SS 1278 ± 24, BRN 17.1 ± 4.5, NIN 5.5 ± 2.0, 11.5σ, χ² 81.1/98,
σ = 162.0 (+28.2 −24.1) × 10⁻⁴⁰ cm² (the
former ±1σ interpolation of the timing shift, clipped at zero, gave 314, 11.5σ, χ² 79.7 and
165.5). Tolerances:
* yields within 3 % (CEvNS), 1 % (SS), 0.5 events (BRN, NIN): the signal is our own SM
  prediction (354.9 events vs the published 341) and our bin edges are a choice (the release
  does not publish them);
* the CEvNS error: ours is 32, the published 20. A counting estimate √(306 + 1300) ≈ 40 and
  the published significance 306/11.6 ≈ 26 both say ±20 cannot be the full fit error with
  this ROI and background; we test 25–40 and flag the difference in the report;
* significance 11.6 ± 0.6σ; χ² within ±5 of 82.6 at 98 dof; σ within 10 × 10⁻⁴⁰ cm² and its
  errors within 5 × 10⁻⁴⁰ cm² (the ±10 % flux dominates both).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from cevns.experiments.analysis import AnalysisResult
from cevns.experiments.csi2021 import (
    CSI_ENERGY_EDGES,
    CSI_TIME_EDGES,
    build_csi_2021,
    csi_timing_efficiency,
)
from cevns.experiments.releases import load_csi_2021
from cevns.stats import fit, toy_pulls


@pytest.fixture(scope="module")
def csi_result(csi_dir: Path) -> AnalysisResult:
    pytest.importorskip("cevns.detectors.coherent")
    return build_csi_2021(csi_dir).run(scan=np.linspace(0.4, 1.4, 21))


def test_published_yields(csi_result: AnalysisResult) -> None:
    y = csi_result.yields
    assert csi_result.fit.converged
    assert y["cevns"][0] == pytest.approx(306, rel=0.03)
    assert 25 < y["cevns"][1] < 40
    assert y["steady_state"][0] == pytest.approx(1273, rel=0.01)
    assert y["steady_state"][1] == pytest.approx(24, rel=0.1)
    assert y["brn"][0] == pytest.approx(17.3, abs=0.5)
    assert y["brn"][1] == pytest.approx(4.5, abs=0.3)
    assert y["nin"][0] == pytest.approx(5.5, abs=0.5)
    assert y["nin"][1] == pytest.approx(2.0, abs=0.2)


def test_significance_chi2_cross_section(csi_result: AnalysisResult) -> None:
    assert csi_result.significance == pytest.approx(11.6, abs=0.6)
    assert csi_result.fit.ndof == 98
    assert csi_result.fit.chi2 == pytest.approx(82.6, abs=5.0)
    value, lo, hi = csi_result.cross_section  # type: ignore[misc]
    assert value == pytest.approx(165e-40, abs=10e-40)
    assert lo == pytest.approx(25e-40, abs=5e-40)
    assert hi == pytest.approx(30e-40, abs=5e-40)
    # SM ⟨σ⟩ from our engine vs 189 ± 6 (published): within 2σ
    assert csi_result.sm_cross_section == pytest.approx(189e-40, abs=12e-40)


def test_profile_curve(csi_result: AnalysisResult) -> None:
    scan = csi_result.profile
    assert scan is not None
    assert scan.q.min() < 0.05
    lo, hi = scan.interval(1.0)
    mu, mlo, mhi = csi_result.signal_strength
    assert lo == pytest.approx(mu + mlo, abs=0.01)
    assert hi == pytest.approx(mu + mhi, abs=0.01)
    d = csi_result.as_dict()
    assert d["data_version"].startswith("coherent-csi-2021@")
    assert set(d["fit"]["parameters"]) >= {"mu_cevns", "flux", "quenching_0", "quenching_1",
                                           "efficiency", "beam_timing", "ss_norm", "brn_norm",
                                           "nin_norm"}


def test_toy_pulls(csi_dir: Path) -> None:
    """200 seeded toys generated at the best-fit yields with the systematic nuisances at their
    nominal 0: CEvNS-strength pull mean 0 ± 0.2, width 1 ± 0.15 (≈ 3σ of the sampling spread
    for 200 toys: 0.21 and 0.15)."""
    pytest.importorskip("cevns.detectors.coherent")
    ana = build_csi_2021(csi_dir)
    truth = fit(ana.likelihood).values.copy()
    for name in ana.systematics:
        truth[ana.model.index(name)] = 0.0
    pulls = toy_pulls(ana.likelihood, "mu_cevns", truth, 200, seed=2021)
    assert len(pulls) >= 195
    assert abs(pulls.mean()) < 0.2
    assert abs(pulls.std() - 1.0) < 0.15


def test_timing_efficiency_matches_companion_form() -> None:
    """Bin average of 1 (t < 0.52 µs) / exp(−0.0494 µs⁻¹ (t − 0.52 µs)), exact integral."""
    e = csi_timing_efficiency(np.array([0.0, 520.0, 1520.0]))
    assert e[0] == pytest.approx(1.0)
    assert e[1] == pytest.approx((1 - np.exp(-0.0494)) / 0.0494, rel=1e-12)
    with pytest.raises(ValueError, match=r"^edges:"):
        csi_timing_efficiency(np.array([1.0]))


def _flat_signal(shape: tuple[int, int]):  # type: ignore[no-untyped-def]
    def signal(theta: Mapping[str, float]) -> np.ndarray:
        return np.full(shape, 3.0) * (1 + 0.05 * sum(theta.values()))
    return signal


def test_signal_callable_and_bad_inputs(csi_dir: Path) -> None:
    rel = load_csi_2021(csi_dir)
    shape = (CSI_ENERGY_EDGES.size - 1, CSI_TIME_EDGES.size - 1)
    ana = build_csi_2021(rel, signal=_flat_signal(shape))
    assert ana.model.shape == shape
    assert ana.likelihood.observed.sum() == 1578  # coincidence events in 0–60 PE, 0–6 µs
    with pytest.raises(ValueError, match=r"^signal: template shape \(3, 3\) does not match"):
        build_csi_2021(rel, signal=_flat_signal((3, 3)))
    with pytest.raises(ValueError, match=r"^energy_edges: must lie inside the release ROI"):
        build_csi_2021(rel, signal=_flat_signal(shape), energy_edges=[0, 30, 90])
    with pytest.raises(ValueError, match=r"^time_edges: need at least two increasing"):
        build_csi_2021(rel, signal=_flat_signal(shape), time_edges=[0.0, 3000.0, 2000.0])
    with pytest.raises(ValueError, match=r"^steady_state: must be"):
        build_csi_2021(rel, signal=_flat_signal(shape), steady_state="smooth")
