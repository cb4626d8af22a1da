"""`cevns project`: listing, tables, JSON, figures and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cevns.cli.main import app

runner = CliRunner()


def test_list_shows_setups_and_plans() -> None:
    res = runner.invoke(app, ["project", "--list"])
    assert res.exit_code == 0, res.output
    assert "coh-ar-750" in res.output and "sns-ppu-3yr" in res.output


def test_json_cross_section_with_toys_and_plot(tmp_path: Path) -> None:
    res = runner.invoke(app, ["project", "ge-mini", "--exposure", "0.1:1:2", "--toys", "6",
                              "--pulls-seed", "3", "--plot", str(tmp_path / "fig.png"),
                              "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["plan"] == "sns-year" and len(doc["points"]) == 2
    assert doc["points"][1]["signal"] == pytest.approx(10 * doc["points"][0]["signal"])
    assert len(doc["toys"]["significance"]) == 2
    assert doc["pulls_impacts"]["data"] == "toy, seed 3" and doc["pulls_impacts"]["scale"] == 1
    assert {p.suffix for p in tmp_path.iterdir()} == {".pdf", ".svg", ".png"}
    assert {p.name for p in tmp_path.iterdir()} >= {"fig.png", "fig-impacts.png"}


def test_table_for_a_model_parameter_with_toys() -> None:
    res = runner.invoke(app, ["project", "csi-cryo", "--measure", "sin2_theta_w",
                              "--exposure", "1", "--toys", "3", "--pulls"])
    assert res.exit_code == 0, res.output
    assert "wrote" not in res.output and "Traceback" not in res.output
    assert "pulls and impacts on sin2_theta_w" in res.output
    res = runner.invoke(app, ["project", "csi-cryo", "--measure", "sin2_theta_w",
                              "--exposure", "1", "--toys", "3", "--json"])
    doc = json.loads(res.stdout)
    assert len(doc["toys"]["half_width"][0]) == 5
    lo, hi = doc["points"][0]["interval"]["68%"]
    assert lo < 0.23857 < hi


@pytest.mark.parametrize(("args", "message"), [
    (["project"], "SETUP: give a projection set-up"),
    (["project", "mars"], "detector: no projection set-up 'mars'"),
    (["project", "ge-mini", "--exposure", "0:1:3"], "--exposure: scales:"),
    (["project", "ge-mini", "--exposure", "a:b"], "--exposure: cannot read 'a:b'"),
    (["project", "ge-mini", "ess-ge"], "--measure: the cross section is per detector"),
    (["project", "ge-mini", "--measure", "sin2"], "measure: unknown parameter 'sin2'"),
    (["project", "ge-mini", "--param", "x"], "--param: expected NAME=VALUE"),
    (["project", "ge-mini", "--plan", "mars"], "plan: unknown plan 'mars'"),
    (["project", "ge-mini", "--pulls-seed", "-1"], "--pulls-seed: must be an integer >= 0"),
])
def test_bad_input_is_one_line(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output


def test_several_setups_with_toys_and_pulls() -> None:
    """Two ESS detectors fitted together: toy bands, and the pulls and impacts with the flux
    shared (one ``flux`` nuisance, the backgrounds per detector)."""
    res = runner.invoke(app, ["project", "ess-ge", "ess-xe", "--measure", "sin2_theta_w",
                              "--exposure", "1", "--toys", "2", "--pulls", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["toys"]["half_width"]) == 1
    ranking = doc["pulls_impacts"]
    names = [n["name"] for n in ranking["nuisances"]]
    assert names.count("flux") == 1 and "ess-ge/ss_norm" in names
    assert ranking["data"] == "asimov" and ranking["poi"] == "sin2_theta_w"
