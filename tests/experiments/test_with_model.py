"""Analyses under new-physics models: exact templates, every nuisance kept, Asimov closure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cevns.cli.main import app
from cevns.detectors.coherent import csi_2021_prediction
from cevns.experiments.csi2021 import build_csi_2021
from cevns.experiments.joint import build_joint
from cevns.experiments.lar2020 import build_lar_2020
from cevns.models import VectorNSI, get_model
from cevns.stats import BinnedLikelihood, fit

RNG = np.random.default_rng(2022)


@pytest.fixture(scope="module")
def csi(csi_dir: Path):  # type: ignore[no-untyped-def]
    return build_csi_2021(csi_dir)


def test_csi_nsi_templates_equal_full_prediction(csi, csi_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """QuadraticTemplate from the full prediction: equal at random points to ≤ 1e-9 relative,
    nominal and the ±1σ quenching variation."""
    ana = csi.with_model(VectorNSI(), pois=["eps_uV_ee", "eps_dV_ee", "eps_uV_mumu"])
    assert {"quenching_0", "quenching_1", "efficiency", "beam_timing", "flux",
            "form_factor"} <= set(ana.model.parameter_names)
    assert "mu_cevns" not in ana.model.parameter_names
    for _ in range(3):
        v = {"eps_uV_ee": RNG.uniform(-0.5, 0.5), "eps_dV_ee": RNG.uniform(-0.5, 0.5),
             "eps_uV_mumu": RNG.uniform(-0.5, 0.5)}
        full = csi_2021_prediction(csi_dir, model=VectorNSI(**v))
        x = ana.model.vector(v)
        np.testing.assert_allclose(ana.model.expected_by_sample(x)["cevns"], full.counts,
                                   rtol=1e-9)
        x_q = ana.model.vector({**v, "quenching_0": 1.0})
        moved = full.with_nuisances(quenching=[1.0, 0.0]).counts
        np.testing.assert_allclose(ana.model.expected_by_sample(x_q)["cevns"], moved,
                                   rtol=1e-9)


def test_csi_asimov_closure_weak_angle_and_nsi(csi) -> None:  # type: ignore[no-untyped-def]
    """Asimov data at a non-trivial point fit back to it within 0.05σ.

    The NSI pair is ε^uV_ee with ε^uV_μμ (told apart by the prompt/delayed timing): ε^uV_ee
    and ε^dV_ee enter CsI only through (2Z+N) ε^u + (Z+2N) ε^d, nearly the same combination
    for Cs and I, so that pair has an almost flat direction and a near-singular covariance.
    """
    for model, truth in ((get_model("weak-angle"), {"sin2_theta_w": 0.25}),
                         (VectorNSI(), {"eps_uV_ee": 0.08, "eps_uV_mumu": -0.05})):
        ana = csi.with_model(model, pois=list(truth))
        x = ana.model.vector({**truth, "beam_timing": 0.3})
        asimov = ana.model.expected(x).reshape(ana.model.shape)
        # Asimov data: counts and auxiliary measurements both at the truth (with the auxiliary
        # left at 0, beam_timing = 0.3 is pulled back and the nearly degenerate NSI pair moves
        # along its valley to compensate).
        aux = x[ana.model.constrained_index]
        best = fit(BinnedLikelihood(ana.model, asimov, aux), start=x)
        for name, value in truth.items():
            assert abs(best.value(name) - value) < 0.05 * best.error(name), name


def test_csi_asimov_closure_zprime_mass_and_coupling_together(csi) -> None:  # type: ignore[no-untyped-def]
    """Two nonlinear parameters fitted at once: a universal Z′ with g = 1e-4 and M = 20 MeV
    (below the coupling that reverses the weak charge), its mass interpolated on a 7-node grid,
    fit back from 20 % away in both to within 0.05σ each (HESSE). Measured: 0.003σ and 0.003σ,
    errors 8.4e-6 and 10 MeV, correlation 0.96; at M ≪ q the data see only g²/M², so the mass
    is measured here only because 20 MeV is comparable to the CsI momentum transfers."""
    ana = csi.with_model("zprime", ["g_zp", "mass_zp"], grid=np.geomspace(3.0, 100.0, 7))
    truth = {"g_zp": 1e-4, "mass_zp": 20.0}
    x = ana.model.vector(truth)
    asimov = ana.model.expected(x).reshape(ana.model.shape)
    start = ana.model.vector({"g_zp": 0.8e-4, "mass_zp": 24.0})
    best = fit(BinnedLikelihood(ana.model, asimov, x[ana.model.constrained_index]), start=start)
    for name, value in truth.items():
        assert abs(best.value(name) - value) < 0.05 * best.error(name), name
    assert best.error("mass_zp") < 0.75 * truth["mass_zp"]  # both really constrained


def test_csi_asimov_closure_weak_angle_with_free_neutron_radius(csi) -> None:  # type: ignore[no-untyped-def]
    """sin²θ_W and the shared Cs/I neutron radius fitted together, with the tree-level weak
    charge: Asimov data at sin²θ_W = 0.23, R_n = 5.2 fm (radius interpolated every 0.25 fm)
    fit back from (0.21, 5.6 fm) to within 0.05σ each (HESSE). Measured: 0.004σ and 0.004σ,
    errors 0.070 and 1.08 fm, correlation +0.93: both move the CEvNS rate (the radius also
    the recoil shape), so from CsI alone the two are nearly degenerate; Huang & Chen
    (arXiv:1902.07625) find the same strong positive correlation with the 2017 CsI data."""
    model = get_model("weak-angle+neutron-radius", couplings="tree-level", target="CsI")
    ana = csi.with_model(model, ["sin2_theta_w", "r_n"], grid=np.linspace(4.0, 7.0, 13))
    truth = {"sin2_theta_w": 0.23, "r_n": 5.2}
    x = ana.model.vector(truth)
    asimov = ana.model.expected(x).reshape(ana.model.shape)
    start = ana.model.vector({"sin2_theta_w": 0.21, "r_n": 5.6})
    best = fit(BinnedLikelihood(ana.model, asimov, x[ana.model.constrained_index]), start=start)
    for name, value in truth.items():
        assert abs(best.value(name) - value) < 0.05 * best.error(name), name
    i, j = (best.parameter_names.index(n) for n in truth)
    assert best.correlation[i, j] > 0.5  # a larger radius is made up by a larger |Q_W|


def test_null_model_analysis_equals_standard_model(csi) -> None:  # type: ignore[no-untyped-def]
    """At the null values every model's CEvNS expectation equals the SM analysis (1e-12)."""
    sm = csi.model.expected_by_sample(csi.model.vector({}))["cevns"]
    for name, pois in (("nsi", ["eps_uV_ee", "eps_dV_ee"]), ("magnetic-moment", ["mu_nue"]),
                       ("charge-radius", ["r2_numu"]), ("zprime", ["g_zp"]),
                       ("sterile", ["ue4_sq", "umu4_sq"]), ("scalar", ["g_phi"])):
        model = get_model(name)
        ana = csi.with_model(model, pois=pois)
        null = {p: model.parameter(p).null for p in pois}
        got = ana.model.expected_by_sample(ana.model.vector(null))["cevns"]
        np.testing.assert_allclose(got, sm, rtol=1e-12, err_msg=name)


def test_lar_and_joint_with_model(lar_dir: Path, csi_dir: Path) -> None:
    """CENNS-10 from our prediction and the joint fit accept a model; POIs are shared."""
    lar = build_lar_2020(lar_dir).with_model("weak-angle")
    assert lar.signal_parameter == "sin2_theta_w"
    assert {"cevns_f90", "cevns_timing_mean", "flux"} <= set(lar.model.parameter_names)
    joint = build_joint(csi_dir, lar_dir).with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
    assert joint.model.template_parameters == ("eps_uV_ee", "eps_dV_ee")
    frozen = joint.model.frozen({"eps_uV_ee": 0.1, "eps_dV_ee": 0.0})
    assert not frozen.template_parameters
    x = joint.model.vector({"eps_uV_ee": 0.1})
    np.testing.assert_allclose(frozen.expected(frozen.vector({})), joint.model.expected(x),
                               rtol=1e-12)
    # a CsI neutron radius does not act on argon: only the CsI channel depends on it
    rn = build_joint(csi_dir, lar_dir).with_model(
        "neutron-radius", target="CsI", grid=np.linspace(4.0, 6.5, 11))
    assert rn.model.template_parameters == ("r_n",)


def test_cli_fit_with_model(csi_dir: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["fit", "coherent-csi-2021", "--data", str(csi_dir.parent),
                              "--model", "weak-angle", "--json"])
    assert out.exit_code == 0, out.output
    import json

    payload = json.loads(out.stdout)
    assert payload["model"] == "weak-angle" and payload["couplings"] == "erler-su"
    cls = {round(r["cl"], 3) for r in payload["intervals"]}
    assert cls == {0.683, 0.9, 0.95}
    tree = runner.invoke(app, ["fit", "coherent-csi-2021", "--data", str(csi_dir.parent),
                               "--model", "weak-angle", "--param", "couplings=tree-level",
                               "--json"])
    assert tree.exit_code == 0, tree.output
    assert json.loads(tree.stdout)["couplings"] == "tree-level"
    bad = runner.invoke(app, ["fit", "coherent-csi-2021", "--data", str(csi_dir.parent),
                              "--model", "nsi", "--param", "eps_uV_xx=1"])
    assert bad.exit_code == 2 and "eps_uV_xx: unknown parameter" in bad.output
