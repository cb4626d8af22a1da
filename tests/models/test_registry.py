"""Model registry, parameter descriptions, composition and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from cevns.cli.main import app
from cevns.engine.cross_section import differential_cross_section
from cevns.flavours import Flavour
from cevns.models import (
    MODELS,
    AxialNSI,
    Composite,
    NeutronRadius,
    StandardModel,
    VectorNSI,
    catalogue,
    get_model,
)
from cevns.physics.couplings import COUPLING_SCHEMES, scheme_name
from cevns.physics.targets import Target


def test_every_model_lists_described_parameters() -> None:
    for row in catalogue():
        assert row["parameters"], row["name"]
        for p in row["parameters"]:
            lo, hi = p["bounds"]
            assert lo <= p["null"] <= hi
            assert p["description"] and p["kind"] in ("quadratic", "rate-linear", "nonlinear")


def test_get_model_sets_values_and_composes() -> None:
    m = get_model("nsi+neutron-radius", eps_uV_ee=0.1, r_n=5.0)
    assert isinstance(m, Composite)
    assert m.values()["eps_uV_ee"] == 0.1 and m.values()["r_n"] == 5.0
    moved = m.with_values(eps_dV_ee=-0.2)
    assert moved.values()["eps_dV_ee"] == -0.2 and moved.values()["eps_uV_ee"] == 0.1
    assert m.values()["eps_dV_ee"] == 0.0  # frozen: the original is unchanged
    assert get_model("zprime", coupling="B-L").coupling == "B-L"  # type: ignore[attr-defined]
    per = get_model("neutron-radius", target="CsI", shared=False)
    assert [p.name for p in per.parameters] == ["r_n_Cs133", "r_n_I127"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: get_model("warp-drive"), "model: unknown model 'warp-drive'"),
        (lambda: get_model("nsi", eps_uV_xx=1.0), "eps_uV_xx: unknown parameter"),
        (lambda: get_model("zprime", mass_zp=-5.0), "mass_zp: -5.0 is outside the allowed range"),
        (lambda: get_model("sterile", ue4_sq=1.5), "ue4_sq: 1.5 is outside the allowed range"),
        (lambda: get_model("sterile", ue4_sq=0.6, umu4_sq=0.6), "exceeds 1"),
        (lambda: get_model("weak-angle", sin2_theta_w=float("nan")), "sin2_theta_w"),
        (lambda: get_model("nsi+nsi"), "appear in more than one model"),
        (lambda: get_model("zprime", coupling="X"), "coupling: unknown"),
        (lambda: get_model("weak-angle", couplings="one-loop"),
         "couplings: unknown coupling scheme 'one-loop'; allowed: erler-su"),
    ],
)
def test_bad_input_is_one_line(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        call()  # type: ignore[operator]
    text = str(info.value)
    assert message in text and "\n" not in text


def test_couplings_option_sets_the_standard_model_every_model_deforms() -> None:
    """``couplings`` selects a named scheme for a model and for every part of a composite (a
    target only one part acts on gets that part alone, with the same couplings)."""
    tree = COUPLING_SCHEMES["tree-level"]
    m = get_model("weak-angle", couplings="tree_level", sin2_theta_w=0.25)
    assert m.base.couplings == tree and m.values()["sin2_theta_w"] == 0.25
    # tree level: g_V^p = 1/2 - 2 sin²θ_W exactly, g_V^n = -1/2
    shift = m.vector_shifts(Flavour.NU_MU, np.zeros(1))
    assert shift is not None
    g_p = tree.for_flavour(Flavour.NU_MU).g_V_p + float(shift[0])
    assert g_p == pytest.approx(0.5 - 2 * 0.25, abs=1e-15)
    both = get_model("nsi+neutron-radius", couplings="giunti")
    assert isinstance(both, Composite)
    assert {scheme_name(p.base.couplings) for p in (both, *both.parts)} == {"giunti"}
    assert scheme_name(get_model("nsi").base.couplings) == "erler-su"
    assert all("couplings" in row["options"] for row in catalogue())


def test_model_not_applicable_to_target() -> None:
    with pytest.raises(ValueError, match="eps_uA_ee: axial NSI do not act on target Ar40"):
        AxialNSI(eps_uA_ee=0.1).check_target(Target.parse("Ar40"))
    with pytest.raises(ValueError, match="r_n: the neutron radius of Cs133, I127 does not apply"):
        NeutronRadius().check_target(Target.parse("Ar"))


def test_null_models_equal_standard_model_exactly() -> None:
    """With every BSM parameter at its null value, dσ/dT equals the SM to 1e-12 (relative)."""
    e = np.linspace(5.0, 55.0, 40)[:, None]
    t = np.geomspace(1e-4, 3e-2, 30)[None, :]
    for iso in ("Cs133", "I127"):
        for flav in (Flavour.NU_E, Flavour.NU_MU, Flavour.NU_MU_BAR):
            sm = differential_cross_section(e, t, iso, flav, StandardModel())
            for name in MODELS:
                model = get_model(name, target="CsI", shared=False) if name == "neutron-radius" \
                    else get_model(name)
                model = model.null()
                got = differential_cross_section(e, t, iso, flav, model)
                np.testing.assert_allclose(got, sm, rtol=1e-12, atol=0, err_msg=name)


def test_flavour_changing_nsi_adds_in_quadrature() -> None:
    """A pure ε_eμ charge adds |G^{eμ}|²·[1 + (1−y)² − MT/E²] to the SM (Barranco et al.,
    JHEP 0512 (2005) 021)."""
    e, t = np.array([30.0]), np.array([0.01])
    sm = differential_cross_section(e, t, "Ar40", "nu_e")
    fc = differential_cross_section(e, t, "Ar40", "nu_e", VectorNSI(eps_uV_emu=0.1))
    fc2 = differential_cross_section(e, t, "Ar40", "nu_e", VectorNSI(eps_uV_emu=0.2))
    assert fc[0] > sm[0]
    np.testing.assert_allclose(fc2 - sm, 4 * (fc - sm), rtol=1e-12)


def test_cli_models_catalogue() -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["models", "--json"])
    assert out.exit_code == 0, out.output
    names = [m["name"] for m in json.loads(out.output)["models"]]
    assert {"weak-angle", "nsi", "zprime", "sterile"} <= set(names)
    table = runner.invoke(app, ["models", "weak-angle"])
    assert table.exit_code == 0 and "sin2_theta_w" in table.output
    bad = runner.invoke(app, ["models", "warp"])
    assert bad.exit_code == 2 and "unknown model" in bad.output


def test_model_from_toml_file(tmp_path: object) -> None:
    from pathlib import Path

    from cevns.models.registry import load_model_file

    folder = Path(str(tmp_path))
    good = folder / "zp.toml"
    good.write_text('[model]\nname = "zprime"\ncoupling = "B-L"\nmass_zp = 50.0\n'
                    'pois = ["g_zp"]\n', encoding="utf-8")
    model, pois = load_model_file(good)
    assert model.values()["mass_zp"] == 50.0 and pois == ["g_zp"]
    bad = folder / "bad.toml"
    bad.write_text('[model]\nname = "zprime"\nmass_zp = -1.0\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"mass_zp: -1\.0 is outside the allowed range"):
        load_model_file(bad)
    with pytest.raises(ValueError, match="needs a \\[model\\] table"):
        (folder / "empty.toml").write_text("x = 1\n", encoding="utf-8")
        load_model_file(folder / "empty.toml")
