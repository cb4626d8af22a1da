"""New-physics limits from the COHERENT data: cross-checks between models and our figures.

No published reanalysis number for these models could be read and checked against a paper's
text (only the abstracts of Miranda et al. arXiv:2003.12050, Atzori Corona et al.
arXiv:2202.11002, De Romeri et al. arXiv:2211.11905, Coloma et al. arXiv:2202.10829 and
Cadeddu et al. arXiv:2008.05022 were readable, and they state no number), so the tests here
check what the models must satisfy among themselves and that the limit machinery is exact on
a counting experiment; ``benchmarks/bsm_limits.py`` prints all our 90 % CL figures, which the
new-physics how-to tabulates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest
from scipy.optimize import brentq

from cevns.constants import FERMI_CONSTANT
from cevns.experiments.analysis import Analysis
from cevns.experiments.bsm import allowed_segments, upper_limit
from cevns.experiments.csi2021 import build_csi_2021
from cevns.experiments.lar2020 import build_lar_2020
from cevns.flavours import Flavour
from cevns.models import StandardModel
from cevns.models.base import ModelParameter, NewPhysics
from cevns.stats import BinnedLikelihood, BinnedModel, NormFactor, Parameter, Sample, fit
from cevns.stats.templates import QuadraticTemplate
from cevns.types import FloatArray


@dataclass(frozen=True)
class UniversalNSI(NewPhysics):
    """One-parameter vector NSI ``ε^{uV}_{αα} = ε^{dV}_{αα} = ε`` for every flavour: the contact
    limit of a universal Z′ (``ε = g²/(√2 G_F M²)``), shifting ``g_V^p`` and ``g_V^n`` by 3ε."""

    eps: float = 0.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "universal-nsi"
    summary: ClassVar[str] = "flavour-universal vector NSI with ε^u = ε^d"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return (ModelParameter("eps", "", 0.0, (0.0, 1.0), "ε^u = ε^d for every flavour",
                               "quadratic", step=0.01),)

    def vector_shifts(self, flavour: Flavour, q: FloatArray) -> tuple[float, float] | None:
        return None if self.eps == 0.0 else (3.0 * self.eps, 3.0 * self.eps)


@pytest.fixture(scope="module")
def lar(lar_dir: Path) -> Analysis:
    return build_lar_2020(lar_dir)


def test_heavy_zprime_limit_equals_the_nsi_limit_it_maps_onto(lar: Analysis) -> None:
    """CENNS-10 2020, 90 % CL, all nuisances profiled: the universal Z′ at M = 10⁵ MeV excludes
    ``g`` above g₉₀; ``ε(g₉₀) = g₉₀²/(√2 G_F M²)`` equals the 90 % CL limit on the flavour-
    universal NSI ``ε^u = ε^d = ε ≥ 0`` it maps onto to 1 % (the propagators differ by
    ``q²/M² ≤ 1e-5``; the rest is the root finding, 1e-4). Measured: 1 − 5e-5 here, 1 − 2e-7
    on CsI 2021 (``benchmarks/bsm_limits.py``)."""
    mass = 1e5
    g90 = upper_limit(lar.with_model("zprime", ["g_zp"], mass_zp=mass).likelihood, "g_zp")
    eps_zp = g90**2 / (math.sqrt(2.0) * float(FERMI_CONSTANT) * mass**2)
    eps_nsi = upper_limit(lar.with_model(UniversalNSI(), ["eps"]).likelihood, "eps")
    assert eps_zp / eps_nsi == pytest.approx(1.0, abs=0.01)
    assert 1e-3 < eps_nsi < 0.5  # a real constraint, not a bound of the parameter range


def test_light_universal_zprime_limit_is_taken_below_the_sign_flipped_minimum(
        lar: Analysis) -> None:
    """A 10 MeV universal Z′ on CENNS-10: MIGRAD started at the coupling's natural step alone
    ends in the second minimum, where the Z′ reverses the sign of the weak charge (g ≈ 5e-5);
    the limit is taken from the global minimum near g = 0 and is the lowest excluded coupling
    (2.98e-5, below the 6.8e-5 at 100 MeV: a lighter mediator is constrained more)."""
    like = lar.with_model("zprime", ["g_zp"], mass_zp=10.0).likelihood
    flipped = fit(like, start={"g_zp": 1e-4}, require_convergence=False)
    g90 = upper_limit(like, "g_zp")
    assert g90 < 0.7 * flipped.value("g_zp")
    assert g90 == pytest.approx(2.98e-5, rel=0.02)  # our own figure, not a published one


def test_lmu_ltau_limit_on_cenns10_is_not_monotonic_in_the_mass(lar: Analysis) -> None:
    """CENNS-10, L_μ−L_τ Z′: the lowest excluded coupling is 2.00e-3 at 1 MeV but 1.59e-3 at
    16 MeV (our figures, 2 %). Physics, not the fit: the Z′ lowers the ν_μ/ν̄_μ weak charge
    (``δg_V^p > 0`` against ``Q_W < 0``) until it cancels, and its shift ∝ 1/(q² + M²) varies
    across the recoil spectrum, most for M ≪ q: at 1 MeV no coupling cancels every bin at once
    (the CEvNS count at nominal nuisances bottoms out at 58 % of the Standard Model, against 49 %
    at 16 MeV and 31 %, the ν_e part, for a heavy Z′), so the profile ``q`` peaks at 2.16 near
    g = 1.6e-3, below χ²₁(0.90) = 2.706, and the limit lies on the far side, where the reversed
    ν_μ charge overshoots. At 16 MeV the peak (3.3 near 1.9e-3) is above the level and the limit
    is on the near side. The same profile from three starts agrees to 1e-3 and a constant loop
    function L(q) = L(0) moves the peak by 0.02 (measured while diagnosing; not repeated here).
    The overshoot that restores the observed count (≈ 158 events at 2.4e-3) is no competing
    minimum: its spectrum is wrong, ``q = 14``."""
    level = 2.705543454
    like_light = lar.with_model("zprime", ["g_zp"], coupling="Lmu-Ltau", mass_zp=1.0).likelihood
    like_heavy = lar.with_model("zprime", ["g_zp"], coupling="Lmu-Ltau",
                                mass_zp=16.0).likelihood
    lowest = {}
    for mass, like in ((1.0, like_light), (16.0, like_heavy)):
        model = like.model
        grid = np.linspace(0.0, 4e-3, 81)
        counts = [model.expected_by_sample(model.vector({"g_zp": g}))["cevns"].sum()
                  for g in grid]
        lowest[mass] = min(counts) / counts[0]
    assert lowest[1.0] == pytest.approx(0.58, abs=0.01)
    assert lowest[16.0] == pytest.approx(0.49, abs=0.01)
    best = fit(like_light, require_convergence=False)
    peak = max(2.0 * (fit(like_light, fixed={"g_zp": g}, start=best.values,
                          require_convergence=False).nll - best.nll) for g in (1.5e-3, 1.6e-3,
                                                                                1.7e-3))
    assert peak == pytest.approx(2.16, abs=0.05) and peak < level
    best_heavy = fit(like_heavy, require_convergence=False)
    assert 2.0 * (fit(like_heavy, fixed={"g_zp": 1.9e-3}, start=best_heavy.values,
                      require_convergence=False).nll - best_heavy.nll) > level
    g_light, g_heavy = upper_limit(like_light, "g_zp"), upper_limit(like_heavy, "g_zp")
    assert g_light == pytest.approx(2.00e-3, rel=0.02) and g_light > 1.7e-3
    assert g_heavy == pytest.approx(1.59e-3, rel=0.02) and g_heavy < g_light


def test_plain_fit_of_a_light_zprime_keeps_the_global_minimum(lar: Analysis,
                                                              csi_dir: Path) -> None:
    """A plain ``fit()`` of a mediator coupling starts from the coupling's natural step, from
    just above its null value and from the coupling that reverses the weak charge (where the
    CEvNS count returns to the Standard Model's), and keeps the lowest minimum. CENNS-10 at
    10 MeV: the minimum near g = 0 (6.5e-6), not the sign-reversed one (5.2e-5, ΔNLL = 2.56)
    that the natural step alone reaches. CsI 2021 at 100 MeV: the sign-reversed minimum
    (2.0e-4) is the global one, 1.15 below the one near 3.8e-5 that the step and the null
    reach. (Our figures; tolerance 5 % on the couplings.)"""
    lar10 = lar.with_model("zprime", ["g_zp"], mass_zp=10.0)
    best = lar10.fit()
    flipped = fit(lar10.likelihood, start={"g_zp": 1e-4})
    assert best.value("g_zp") == pytest.approx(6.5e-6, rel=0.05)
    assert flipped.value("g_zp") == pytest.approx(5.2e-5, rel=0.05)
    assert flipped.nll - best.nll == pytest.approx(2.56, abs=0.05)
    csi100 = build_csi_2021(csi_dir).with_model("zprime", ["g_zp"], mass_zp=100.0)
    best = csi100.fit(minos=["g_zp"])
    near = fit(csi100.likelihood, start={"g_zp": 1e-4})
    assert best.value("g_zp") == pytest.approx(2.0e-4, rel=0.05)
    assert near.value("g_zp") == pytest.approx(3.8e-5, rel=0.05)
    assert near.nll - best.nll == pytest.approx(1.15, abs=0.05)
    assert best.minos["g_zp"][0] < 0.0 < best.minos["g_zp"][1]


@pytest.mark.parametrize(("name", "truth", "fixed"), [
    ("magnetic-moment", {"mu_numu": 40.0}, {}),
    ("charge-radius", {"r2_numu": 20.0}, {}),
    ("zprime", {"g_zp": 3e-5}, {"mass_zp": 30.0}),
    ("scalar", {"g_phi": 5e-5}, {"mass_phi": 30.0}),
    ("sterile", {"ue4_sq": 0.3}, {"dm2_41": 1e4}),
])
def test_asimov_closure_of_every_new_physics_model(lar: Analysis, name: str,
                                                   truth: dict[str, float],
                                                   fixed: dict[str, float]) -> None:
    """CENNS-10 Asimov data (counts and auxiliary measurements) at a non-trivial point fit
    back to it within 0.05σ (HESSE), the fit started 20 % away. (Weak angle and NSI: the CsI
    closure test in test_with_model.py.) The Z′ point, g = 3e-5 at 30 MeV, lies below the
    coupling where the weak charge changes sign, so the minimum is unique."""
    ana = lar.with_model(name, list(truth), **fixed)
    (parameter, value), = truth.items()
    x = ana.model.vector(truth)
    asimov = ana.model.expected(x).reshape(ana.model.shape)
    start = x.copy()
    start[ana.model.index(parameter)] *= 0.8
    best = fit(BinnedLikelihood(ana.model, asimov, x[ana.model.constrained_index]), start=start)
    assert abs(best.value(parameter) - value) < 0.05 * best.error(parameter)


def _counting(observed: float, background: float, bounds: tuple[float, float]) -> BinnedLikelihood:
    """One bin: ``s·10`` signal events plus a fixed background."""
    model = BinnedModel([Sample("signal", np.array([10.0]), (NormFactor("s"),)),
                         Sample("background", np.array([background]))],
                        [Parameter("s", 0.005, bounds)])
    return BinnedLikelihood(model, np.array([observed]))


def _poisson_q(n: float, b: float, s_hat: float) -> Callable[[float], float]:
    def q(s: float) -> float:
        nu, nu0 = 10.0 * s + b, 10.0 * s_hat + b
        return 2.0 * ((nu - n * math.log(nu)) - (nu0 - n * math.log(nu0)))
    return q


def test_upper_limit_matches_the_analytic_counting_limit() -> None:
    """One bin, n = 5 observed over b = 8 (best fit at the s = 0 bound): the 90 % CL limit
    solves the analytic Poisson ``q(s) = 2.706`` (1e-3 relative)."""
    q = _poisson_q(5.0, 8.0, 0.0)
    exact = brentq(lambda s: q(s) - 2.705543454, 1e-9, 10.0)
    assert upper_limit(_counting(5.0, 8.0, (0.0, 10.0)), "s") == pytest.approx(exact, rel=1e-3)
    with pytest.raises(ValueError, match=r"s: no 90% CL upper limit below its bound 0\.01"):
        upper_limit(_counting(5.0, 8.0, (0.0, 0.01)), "s")


def _cancelling(scale: float) -> BinnedLikelihood:
    """One bin: 20 background events plus ``10 (1 − g²/scale²)²`` signal events, 30 observed
    (a coupling whose shift cancels the charge at ``g = scale`` and reverses it beyond)."""
    signal = QuadraticTemplate.from_function(
        lambda v: np.array([10.0 * (1.0 - v["g"] ** 2 / scale**2) ** 2]), ["g"], [0.0],
        [scale], [2], [True])
    model = BinnedModel([Sample("signal", signal), Sample("background", np.array([20.0]))],
                        [Parameter("g", 1e-4, (0.0, 1.0))])
    return BinnedLikelihood(model, np.array([30.0]))


def test_upper_limit_is_the_lowest_crossing_when_q_is_not_monotonic() -> None:
    """``q(g)`` rises to 4.33 at the cancellation (``g = 1.6e-3``), falls to 0 where the
    reversed charge restores the count (``√2 × 1.6e-3``) and rises again: excluded band
    [1.206e-3, 1.915e-3], allowed again up to 2.485e-3. The doubling trial 2.048e-3 lands in
    the second allowed band; the lowest excluded coupling is still the first crossing (analytic
    Poisson profile, 1e-3 relative)."""
    scale = 1.6e-3

    def q(g: float) -> float:
        nu = 10.0 * (1.0 - g**2 / scale**2) ** 2 + 20.0
        return 2.0 * ((nu - 30.0 * math.log(nu)) - (30.0 - 30.0 * math.log(30.0)))

    first = brentq(lambda g: q(g) - 2.705543454, 1e-4, scale)
    assert first == pytest.approx(1.206e-3, rel=1e-3)
    assert q(2.048e-3) < 2.705543454  # the trial that used to hide the excluded band
    assert upper_limit(_cancelling(scale), "g") == pytest.approx(first, rel=1e-3)


def test_allowed_segments_finds_both_edges_of_a_two_sided_interval() -> None:
    """n = 30 over b = 10 (ŝ = 2): both 90 % CL edges match the analytic Poisson profile
    (1e-4); a span that ends inside the interval leaves that end open."""
    q = _poisson_q(30.0, 10.0, 2.0)
    lo = brentq(lambda s: q(s) - 2.705543454, 0.0, 2.0)
    hi = brentq(lambda s: q(s) - 2.705543454, 2.0, 10.0)
    out = allowed_segments(_counting(30.0, 10.0, (-0.9, 10.0)), "s", (0.0, 6.0), points=13)
    [[a, b]] = out["segments"]  # type: ignore[misc]
    assert a == pytest.approx(lo, rel=1e-4) and b == pytest.approx(hi, rel=1e-4)
    assert out["best_fit"] == pytest.approx(2.0, abs=1e-3)
    cut = allowed_segments(_counting(30.0, 10.0, (-0.9, 10.0)), "s", (0.0, 2.5), points=6)
    assert cut["segments"][0][1] is None  # type: ignore[index]
    with pytest.raises(ValueError, match="span: need low < high"):
        allowed_segments(_counting(30.0, 10.0, (-0.9, 10.0)), "s", (1.0, 1.0))
