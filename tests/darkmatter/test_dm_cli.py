"""``cevns fit coherent-csi-2021 --model dark-photon|leptophobic``: limits, JSON, the plot."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from cevns.cli import fit as fit_cli

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command("version")
    def version() -> None:  # a second command so that groups are addressed by name
        typer.echo("x")

    fit_cli.register(app)
    return app


def test_dark_photon_limits_json_and_plot(csi_dir: Path, tmp_path: Path) -> None:
    res = runner.invoke(_app(), ["fit", "coherent-csi-2021", "--data", str(csi_dir),
                                 "--model", "dark-photon", "--param", "chi_masses=5:20:2",
                                 "--json", "--plot", str(tmp_path)])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout[res.stdout.index("{"):res.stdout.rindex("}") + 1])
    assert [round(x["chi_mass_MeV"], 6) for x in payload["limits"]] == [5.0, 20.0]
    assert all(x["Y_90"] > 0 and x["mediator_mass_MeV"] == 3 * x["chi_mass_MeV"]
               for x in payload["limits"])
    assert (tmp_path / "dark_matter_limit.png").is_file()


def test_bad_dark_matter_input_is_one_error_line(csi_dir: Path) -> None:
    for params, message in ((["chi_mass=50"], "mediator_mass: 150 MeV is not below"),
                            (["chi_masses=40:5:3"], "chi_masses: expected LOW:HIGH:N"),
                            (["chi_mass=10", "epsilon=-1"], "epsilon: must be finite and >= 0")):
        args = ["fit", "coherent-csi-2021", "--data", str(csi_dir), "--model", "dark-photon"]
        for p in params:
            args += ["--param", p]
        res = runner.invoke(_app(), args)
        assert res.exit_code != 0
        assert message in res.output and "Traceback" not in res.output
