"""The `cevns` command line: demo table, JSON output, clear errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cevns.cli.main import app

runner = CliRunner()


def test_xsec_json_lists_every_target_and_flavour() -> None:
    result = runner.invoke(app, ["xsec", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["unit"] == "cm2"
    assert set(payload["cross_sections"]) == {"CsI", "NaI", "Ar", "Ge", "Xe", "C"}
    csi = payload["cross_sections"]["CsI"]
    assert set(csi) == {"nu_mu", "nu_e", "nu_mu_bar", "total"}
    assert 183e-40 < csi["total"] < 195e-40  # Konovalov, COHERENT talk 2021: 189 ± 6


def test_xsec_table_and_bad_target() -> None:
    ok = runner.invoke(app, ["xsec", "-t", "D2O"])
    assert ok.exit_code == 0 and "D2O" in ok.output
    bad = runner.invoke(app, ["xsec", "-t", "Unobtainium"])
    assert bad.exit_code == 2
    assert "target" in bad.output


def test_demo_runs_prediction_and_fit(shared_data: object) -> None:
    """`make demo`: cross-section table, CsI 2021 prediction, and the CsI 2021 fit."""
    result = runner.invoke(app, ["demo", "--data", str(shared_data)])
    assert result.exit_code == 0, result.output
    assert "191" in result.output  # CsI ⟨σ⟩ in 10⁻⁴⁰ cm²
    assert "341 ± 11" in result.output  # the published prediction is quoted next to ours
    assert "significance" in result.output
