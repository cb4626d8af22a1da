"""The ``fit`` and ``data`` command groups (registered on a local typer app, as the lead's
main app does), run through typer's CliRunner on the shared releases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cevns.cli import data as data_cli
from cevns.cli import fit as fit_cli


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command("version")
    def version() -> None:  # a second command so that groups are addressed by name
        typer.echo("x")

    fit_cli.register(app)
    data_cli.register(app)
    return app


runner = CliRunner()


def test_fit_lar_json_and_plots(lar_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(_app(), ["fit", "coherent-lar-2020", "--data", str(lar_dir), "--json",
                                 "--plot", str(tmp_path), "--pyhf", str(tmp_path / "ws.json")])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout[res.stdout.index("{"):])
    assert payload["data_version"].startswith("coherent-lar-2020@")
    assert payload["detectors"] == "COHERENT CENNS-10 LAr 2020 (Analysis A)"
    assert "mu_cevns" in payload["fit"]["parameters"]
    assert payload["fit"]["correlation"]["matrix"]
    assert payload["yields"]["cevns"]["value"] == pytest.approx(159, rel=0.03)
    ws = json.loads((tmp_path / "ws.json").read_text())
    assert ws["measurements"][0]["config"]["poi"] == "mu_cevns"
    assert len(ws["observations"][0]["data"]) == 960
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["coherent-lar-2020_F90.png", "coherent-lar-2020_energy.png",
                     "coherent-lar-2020_profile.png", "coherent-lar-2020_time.png"]


def test_fit_csi_table(csi_dir: Path) -> None:
    pytest.importorskip("cevns.detectors.coherent")
    res = runner.invoke(_app(), ["fit", "coherent-csi-2021", "--data", str(csi_dir.parent)])
    assert res.exit_code == 0, res.output
    assert "significance" in res.stdout and "306 ± 20" in res.stdout
    assert "COHERENT CsI[Na] 2021: CEvNS significance" in res.stdout.replace("\n", " ")


def test_fit_missing_and_damaged_data(lar_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(_app(), ["fit", "coherent-lar-2020", "--data", str(tmp_path / "none")])
    assert res.exit_code == 2
    assert "cevns data fetch coherent-lar-2020" in res.output
    bad = tmp_path / "coherent-lar-2020"
    bad.mkdir()
    for f in lar_dir.iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "bkgpdf.txt").write_text("5 0.525 0.15 nan\n")
    res = runner.invoke(_app(), ["fit", "coherent-lar-2020", "--data", str(bad)])
    assert res.exit_code == 2
    assert "bkgpdf.txt:1: NaN" in res.output.replace("\n", "")


def test_data_verify_and_fetch_offline(lar_dir: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    res = runner.invoke(_app(), ["data", "verify", "coherent-lar-2020", str(lar_dir)])
    assert res.exit_code == 0 and "match" in res.output
    res = runner.invoke(_app(), ["data", "verify", "coherent-csi-2021", str(lar_dir)])
    assert res.exit_code == 1

    def offline(url: str, timeout: float = 0) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    res = runner.invoke(_app(), ["data", "fetch", "coherent-csi-2021", "--to", str(tmp_path)])
    assert res.exit_code == 1
    assert "by hand" in res.output.replace("\n", " ")
    res = runner.invoke(_app(), ["data", "fetch", "nope", "--to", str(tmp_path)])
    assert res.exit_code == 2


def test_demo_fit_runs_or_explains(csi_dir: Path, tmp_path: Path) -> None:
    from rich.console import Console

    pytest.importorskip("cevns.detectors.coherent")
    out = Console(record=True, width=120)
    assert fit_cli.run_demo_fit(csi_dir, out) is True
    assert "coherent-csi-2021" in out.export_text()
    out = Console(record=True, width=200)
    assert fit_cli.run_demo_fit(tmp_path / "absent", out) is False
    assert "cevns data fetch coherent-csi-2021" in out.export_text()


def test_non_converged_fit_exits_3_with_diagnostics(lar_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from cevns.experiments.analysis import Analysis
    from cevns.stats import (
        BinnedLikelihood,
        BinnedModel,
        ConvergenceError,
        NormFactor,
        Parameter,
        Sample,
        fit,
    )

    flat = BinnedModel([Sample("s", np.ones(3), (NormFactor("a"),))],
                       [Parameter("a", 1.0), Parameter("unused", 1.0)])
    failed = fit(BinnedLikelihood(flat, np.ones(3)), require_convergence=False)

    def broken_run(self: Analysis, **kwargs: object) -> None:
        raise ConvergenceError("fit did not converge: " + failed.message, failed)

    monkeypatch.setattr(Analysis, "run", broken_run)
    res = runner.invoke(_app(), ["fit", "coherent-lar-2020", "--data", str(lar_dir), "--json"])
    assert res.exit_code == 3
    assert "did not converge" in res.output
    payload = json.loads(res.stdout[res.stdout.index("{"):])
    assert payload["converged"] is False and payload["fit"]["message"]
