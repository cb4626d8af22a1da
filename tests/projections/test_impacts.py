"""Post-fit pulls, constraints and impacts of the nuisances (the ranking)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cevns.projections import Projection, load_plan, load_setup
from cevns.projections.impacts import pulls_and_impacts, toy_data
from cevns.projections.projection import projected_pulls_impacts
from cevns.stats.model import BinnedModel, NormFactor, NormSys, Parameter, Sample


def _counting(signal: float, background: float, flux: float, bkg_sigma: float) -> BinnedModel:
    """One bin: mu × s × (1 + flux α) + b × n_b, α ~ N(0, 1), n_b ~ N(1, bkg_sigma)."""
    return BinnedModel(
        [Sample("cevns", np.array([signal]),
                (NormFactor("mu"), NormSys("flux", 1.0 - flux, 1.0 + flux))),
         Sample("bkg", np.array([background]), (NormFactor("b_norm"),))],
        [Parameter("mu", 1.0, (0.0, 10.0)), Parameter.nuisance("flux"),
         Parameter("b_norm", 1.0, (0.0, 5.0), (1.0, bkg_sigma))])


def test_counting_experiment_impacts_are_exact() -> None:
    """One bin, Asimov data s + b: the flux is degenerate with mu, so the data do not
    constrain it (constraint 1, to the 1 % of MINUIT's numerical HESSE) and fixing it at
    θ₀ ± 1σ moves the fit to μ̂ = 1/(1 ± 0.1): pre-fit impacts −0.0909 and +0.1111, post-fit
    ones 1/(1 ± 0.1 σ̂) − 1 (exact; tolerance 1e-3, 1 % of the impact: MIGRAD stops at
    an EDM of 1e-4, about 1e-3 σ_μ). The background normalisation moves μ̂
    by ∓ b σ_b / s."""
    res = pulls_and_impacts(_counting(100.0, 20.0, 0.10, 0.05), "mu")
    assert res.data == "asimov" and res.poi_value == pytest.approx(1.0, abs=1e-5)
    flux, bkg = res.nuisances
    assert flux.name == "flux" and bkg.name == "b_norm"
    assert flux.pull == pytest.approx(0.0, abs=1e-5)
    assert flux.constraint == pytest.approx(1.0, abs=0.01)
    assert flux.prefit_impact_up == pytest.approx(1 / 1.1 - 1, abs=1e-3)
    assert flux.prefit_impact_down == pytest.approx(1 / 0.9 - 1, abs=1e-3)
    width = flux.postfit_sigma
    assert flux.impact_up == pytest.approx(1 / (1 + 0.1 * width) - 1, abs=1e-3)
    assert flux.impact_down == pytest.approx(1 / (1 - 0.1 * width) - 1, abs=1e-3)
    assert bkg.prefit_impact_up == pytest.approx(-20 * 0.05 / 100, abs=1e-3)
    assert bkg.prefit_impact_down == pytest.approx(20 * 0.05 / 100, abs=1e-3)
    # the POI error is the quadrature of statistics and the two systematics
    stat = math.sqrt(120.0) / 100.0
    assert res.poi_error == pytest.approx(math.hypot(stat, 0.1, 0.01), rel=0.05)


def test_prefit_impacts_are_taken_about_the_best_fit() -> None:
    """A nuisance pulled by the data: its pre-fit impacts shift it by ±σ₀ about its best fit θ̂
    (the ranking of the scikit-hep package cabinetry, ``cabinetry.fit.ranking``), so they do
    not depend on the pull. Here the auxiliary measurement pulls b_norm to about 1.2 (σ₀ = 0.2,
    pull ≈ +1); shifting from θ₀ = 1 instead would give a pre-fit "+1σ" impact near zero and a
    "−1σ" one twice the size. The background is linear in b_norm, so each impact is
    ∓ b σ₀/s (tolerance 2 %)."""
    model = _counting(100.0, 20.0, 0.10, 0.20)
    res = pulls_and_impacts(model, "mu", observed=np.array([124.0]),
                            auxiliary=np.array([0.0, 1.2]))
    (bkg,) = [n for n in res.nuisances if n.name == "b_norm"]
    assert bkg.pull == pytest.approx(1.0, abs=0.05)
    flux = next(n for n in res.nuisances if n.name == "flux")
    scale = 20 * 0.20 / (100 * (1 + 0.1 * flux.postfit))  # Δμ for b_norm moved by σ₀
    assert bkg.prefit_impact_up == pytest.approx(-scale, rel=0.02)
    assert bkg.prefit_impact_down == pytest.approx(scale, rel=0.02)


def test_a_toy_pulls_the_nuisances_and_the_ranking_is_ordered() -> None:
    """A seeded toy: finite pulls away from zero, constraints in (0, 1.1], the ranking by the
    largest post-fit impact, and the same toy for the same seed."""
    setup = load_setup("ge-mini")
    proj = Projection(setup, load_plan(setup.plan))
    one = projected_pulls_impacts({"ge-mini": proj}, 1.0, seed=11)
    two = projected_pulls_impacts({"ge-mini": proj}, 1.0, seed=11)
    assert one == two and one.data == "toy, seed 11"
    assert {n.name for n in one.nuisances} == {"flux", "ss_norm", "brn_norm"}
    assert any(abs(n.pull or 0.0) > 1e-3 for n in one.nuisances)
    for n in one.nuisances:
        assert n.constraint is not None and 0 < n.constraint <= 1.1
        assert math.isfinite(n.impact_up) and math.isfinite(n.impact_down)
    impacts = [n.impact for n in one.nuisances]
    assert impacts == sorted(impacts, reverse=True)
    asimov = projected_pulls_impacts({"ge-mini": proj}, 1.0)
    assert all(abs(n.pull or 0.0) < 1e-4 for n in asimov.nuisances)
    assert asimov.poi_error == pytest.approx(proj.asimov([1.0])[0].sigma_mu, rel=0.02)


def test_toy_data_is_seeded() -> None:
    model = _counting(10.0, 5.0, 0.1, 0.2)
    a = toy_data(model, model.init, 1)
    b = toy_data(model, model.init, 1)
    c = toy_data(model, model.init, 2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not (np.array_equal(a[0], c[0]) and np.array_equal(a[1], c[1]))
    with pytest.raises(ValueError, match=r"^seed: must be an integer >= 0"):
        toy_data(model, model.init, -1)


def test_bad_input() -> None:
    """Bad input is a one-line ValueError naming the parameter."""
    model = _counting(10.0, 5.0, 0.1, 0.2)
    with pytest.raises(ValueError, match=r"^poi: unknown parameter 'nope'; allowed:"):
        pulls_and_impacts(model, "nope")
    with pytest.raises(ValueError, match=r"^observed: counts of shape \(2,\) do not match"):
        pulls_and_impacts(model, "mu", observed=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"^projections:"):
        projected_pulls_impacts({}, 1.0)
    setup = load_setup("ge-mini")
    proj = Projection(setup, load_plan(setup.plan))
    with pytest.raises(ValueError, match=r"^projections: the cross section is per detector"):
        projected_pulls_impacts({"a": proj, "b": proj}, 1.0)
