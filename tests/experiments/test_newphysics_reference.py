"""New-physics fits of CsI 2021 against published numbers, and the diagnosis of where we differ.

Every comparison names its source and tolerance. Where a published number could not be checked
against the paper's text, the test says so and tests only what we derive ourselves.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy.optimize import brentq, minimize_scalar

from cevns import units as u
from cevns.detectors.coherent import csi_2021_prediction
from cevns.experiments.analysis import Analysis
from cevns.experiments.coverage import interval_coverage
from cevns.experiments.csi2021 import build_csi_2021, sm_normalisation_budget
from cevns.models import StandardModel, get_model
from cevns.physics.couplings import TreeLevel
from cevns.stats import fit

#: COHERENT, PRL 129 (2022) 081801 (Konovalov, COHERENT talk 2021): sin²θ_W = 0.220 +0.028 −0.026
#: and the SM prediction 341 events in the region of interest.
PUBLISHED_SIN2 = (0.220, 0.026, 0.028)
PUBLISHED_SM_COUNTS = 341.0


@pytest.fixture(scope="module")
def csi(csi_dir: Path) -> Analysis:
    return build_csi_2021(csi_dir)


def _sin2(ana: Analysis, **fixed: float) -> float:
    best = fit(ana.likelihood, fixed=fixed, start=ana.model.vector({}))
    return best.value("sin2_theta_w")


def test_sin2_theta_w_gap_comes_from_our_sm_normalisation(csi_dir: Path, csi: Analysis) -> None:
    """Diagnosis of the 0.33σ gap between our sin²θ_W (0.2112) and the published 0.220.

    * The beam-timing width is not the cause: with a 0 ns instead of the assumed 200 ns
      one-sigma beam-timing shift the value moves by 0.001 (tolerance 0.002).
    * The fitted CEvNS count agrees with the published 306 (ours 309), but our SM prediction is
      354.9 events against the published 341 (+4.1 %): sin²θ_W is read from the ratio of the
      two. Scaling our prediction to 341 with the flux nuisance (held at that pull) brings the
      value within 0.3σ (σ = mean published half-width) of 0.220: the gap is the SM
      normalisation (decomposed in test_csi_sm_normalisation_budget), which we report rather
      than tune away.
    """
    weak = csi.with_model("weak-angle")
    nominal = _sin2(weak)
    no_timing = _sin2(build_csi_2021(csi_dir, timing_uncertainty=1e-9).with_model("weak-angle"))
    assert abs(no_timing - nominal) < 0.002

    ours = csi_2021_prediction(csi_dir).total
    assert ours / PUBLISHED_SM_COUNTS - 1.0 == pytest.approx(0.041, abs=0.003)
    x0 = weak.model.vector({})

    def excess(alpha: float) -> float:
        x = x0.copy()
        x[weak.model.index("flux")] = alpha
        return float(weak.model.expected(x).sum() - weak.model.expected(x0).sum())

    alpha = brentq(lambda a: excess(a) - (PUBLISHED_SM_COUNTS - ours), -1.0, 0.0)
    rescaled = _sin2(weak, flux=alpha)
    sigma = 0.5 * (PUBLISHED_SIN2[1] + PUBLISHED_SIN2[2])
    assert abs(rescaled - PUBLISHED_SIN2[0]) < 0.3 * sigma
    assert abs(nominal - PUBLISHED_SIN2[0]) > 0.3 * sigma  # the gap this test explains


def test_csi_sm_normalisation_budget(csi_dir: Path, csi: Analysis) -> None:
    """Where our CsI 2021 SM prediction (354.9 events) differs from the published 341.

    Published (PRL 129 (2022) 081801; Konovalov, COHERENT talk 2021 table, read there): SM
    prediction 341 ± 11 (th) ± 42 (exp) events, SM flux-averaged cross section 189 ± 6 and
    measured 165 +30 −25 × 10⁻⁴⁰ cm², fitted CEvNS 306 ± 20 events.

    * ``N = (N/⟨σ⟩) · ⟨σ⟩``: ours is +1.2 % in ⟨σ⟩ (191.2) and +2.9 % in events per unit
      cross section (tolerance 0.3 % each; their product is the +4.1 %).
    * The detector response behaves as theirs: the published numbers imply an SM prediction at
      the fitted nuisances of 306 · 189/165 = 350.5 = 1.028 × 341; our fit moves ours from
      354.9 to 364.6 (× 1.027, the efficiency pull +0.33σ). Tolerance 0.5 %.
    * The couplings are not the cause: tree-level couplings (no radiative corrections) move
      ⟨σ⟩ and N by −2.0 % together and leave events per ⟨σ⟩ unchanged (to 0.2 %).
    * The neutron distribution is the one ingredient that moves both numbers to the published
      pair: our default puts the neutrons at the proton (Helm, Lewin–Smith) radius, 4.80 fm
      (Cs) and 4.74 fm (I); a shared neutron rms radius of 4.88–4.90 fm (a 0.1 fm neutron
      skin) gives 340–342 events and 188 × 10⁻⁴⁰ cm² (tested: N within 1 % of 341 and ⟨σ⟩
      within 1 % of 189 at 4.89 fm). Whether the published prediction used a neutron skin
      could not be checked in the paper's text; it is a theory input, not a bug, and our
      default is left as it is.
    """
    budget = sm_normalisation_budget(csi_dir)
    assert budget["events"] == pytest.approx(354.9, abs=0.2)
    assert budget["cross_section_ratio"] - 1 == pytest.approx(0.012, abs=0.003)
    assert budget["events_per_sigma_ratio"] - 1 == pytest.approx(0.029, abs=0.003)
    assert budget["events_ratio"] == pytest.approx(
        budget["cross_section_ratio"] * budget["events_per_sigma_ratio"], rel=1e-12)

    published_at_fit = 306.0 * 189.0 / 165.0 / PUBLISHED_SM_COUNTS
    best = csi.fit()
    at_fit = best.values.copy()
    at_fit[csi.model.index("mu_cevns")] = 1.0
    ours_at_fit = (csi.model.expected_by_sample(at_fit)["cevns"].sum()
                   / csi.model.expected_by_sample(csi.model.vector({}))["cevns"].sum())
    assert ours_at_fit == pytest.approx(published_at_fit, rel=0.005)

    tree = sm_normalisation_budget(csi_dir, StandardModel(couplings=TreeLevel()))
    assert tree["events"] / budget["events"] - 1 == pytest.approx(-0.020, abs=0.002)
    assert tree["events_per_sigma_ratio"] == pytest.approx(budget["events_per_sigma_ratio"],
                                                           rel=0.002)

    skin = sm_normalisation_budget(csi_dir, StandardModel(
        neutron_radii={"Cs133": 4.89 * u.fm, "I127": 4.89 * u.fm}))
    assert skin["events_ratio"] == pytest.approx(1.0, abs=0.01)
    assert skin["cross_section_ratio"] == pytest.approx(1.0, abs=0.01)


def test_sin2_theta_w_with_the_measured_cesium_neutron_radius(csi: Analysis) -> None:
    """Huang et al., arXiv:2403.03566 (abstract): with the point-neutron radius 4.86(21) fm of
    ¹³³Cs from proton scattering, sin²θ_W = 0.227(28) from the CsI 2021 data.

    We fix a shared Cs/I radius of 4.86 fm (Helm) and fit sin²θ_W with every nuisance: 0.216.
    Tolerance 0.5σ (σ = 0.028): the same 4.1 % SM-normalisation difference as in the test above
    pulls our value down by ≈ 0.006; the paper's treatment of the iodine radius and of the
    form-factor uncertainty is not known to us.
    """
    ana = csi.with_model(get_model("weak-angle+neutron-radius", r_n=4.86), ["sin2_theta_w"])
    assert abs(_sin2(ana) - 0.227) < 0.5 * 0.028


def _lma_dark_delta_chi2(csi: Analysis, quark: str, difference: float) -> float:
    """min over ε_μμ of Δχ² on the line ε^q_ee − ε^q_μμ = ``difference`` (vs the best fit)."""
    ee, mumu = f"eps_{quark}V_ee", f"eps_{quark}V_mumu"
    ana = csi.with_model("nsi", [ee, mumu])
    best = ana.fit()

    def q(eps_mumu: float) -> float:
        res = fit(ana.likelihood, fixed={ee: eps_mumu + difference, mumu: eps_mumu},
                  start=best.values, require_convergence=False)
        return 2.0 * (res.nll - best.nll)

    found = minimize_scalar(q, bounds=(0.2, 0.8), method="bounded", options={"xatol": 1e-2})
    return float(found.fun)


@pytest.mark.parametrize(("quark", "per_electron"), [("u", 2.47), ("d", 1.95)])
def test_lma_dark_is_disfavoured_by_csi_2021(csi: Analysis, quark: str,
                                             per_electron: float) -> None:
    """LMA-Dark needs NSI that reverse the matter potential: ``N_q/N_e (ε^q_ee − ε^q_μμ) ≈ −2``
    (the H → −H* degeneracy of the oscillation Hamiltonian, Coloma & Schwetz,
    arXiv:1604.05772). With the solar-core composition (n/p ≈ 0.47: N_u/N_e = 2.47,
    N_d/N_e = 1.95, our estimate) that is ε^u_ee − ε^u_μμ ≈ −0.81 or ε^d_ee − ε^d_μμ ≈ −1.03.
    Along that line, profiling ε_μμ and every nuisance, CsI 2021 gives Δχ² ≈ 71 (u) and ≈ 168
    (d) with respect to its best fit: excluded well beyond 5σ (we test Δχ² > 25).
    For comparison (abstracts): Giunti, arXiv:1909.00466, excluded the LMA-Dark fit at 5.6σ (u)
    and 7.2σ (d) with the 2017 CsI data; Coloma et al., arXiv:1708.02899, at 3.1σ (u) and 3.6σ
    (d) combined with the global oscillation fit. The oscillation-fit LMA-Dark points were not
    checked here: the line is derived. Closer to zero the exclusion weakens fast
    (ε_ee − ε_μμ = −0.4 is the CEvNS-degenerate point where the ν_μ coupling flips sign:
    Δχ² ≈ 0.3 there).
    """
    difference = -2.0 / per_electron
    assert _lma_dark_delta_chi2(csi, quark, difference) > 25.0


@pytest.mark.slow
def test_weak_angle_interval_coverage_smoke(csi: Analysis) -> None:
    """12 seeded toys (the 1000-toy figure, 67.5 ± 1.5 % with seed 7, comes from
    benchmarks/weak_angle_coverage.py): every toy converges and the coverage is within 3
    binomial σ (±0.40) of 68.27 %; the chunked random streams give the same figure on the
    process executor as serially."""
    ana = csi.with_model("weak-angle")
    result = interval_coverage(ana, "sin2_theta_w", 12, seed=3, chunk_size=4)
    assert result.converged == 12
    assert abs(result.coverage - 0.6827) < 3.0 * math.sqrt(0.6827 * 0.3173 / 12)
    serial = interval_coverage(ana, "sin2_theta_w", 4, seed=5, chunk_size=2)
    pool = interval_coverage(ana, "sin2_theta_w", 4, seed=5, chunk_size=2,
                             executor="processes", workers=2)
    assert (pool.covered, pool.converged) == (serial.covered, serial.converged)
    with pytest.raises(ValueError, match=r"^parameter:"):
        interval_coverage(ana, "sin2", 4, seed=5)
    with pytest.raises(ValueError, match=r"^n_toys:"):
        interval_coverage(ana, "sin2_theta_w", 0, seed=5)
    with pytest.raises(ValueError, match=r"^cl:"):
        interval_coverage(ana, "sin2_theta_w", 4, seed=5, cl=1.5)
    with pytest.raises(ValueError, match=r"^chunk_size:"):
        interval_coverage(ana, "sin2_theta_w", 4, seed=5, chunk_size=0)
