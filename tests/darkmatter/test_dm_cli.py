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
                            (["chi_mass=10", "epsilon=-1"], "epsilon: must be a number in [1e-12")):
        args = ["fit", "coherent-csi-2021", "--data", str(csi_dir), "--model", "dark-photon"]
        for p in params:
            args += ["--param", p]
        res = runner.invoke(_app(), args)
        assert res.exit_code != 0
        assert message in res.output and "Traceback" not in res.output


def test_off_shell_and_eta_from_the_command_line(csi_dir: Path) -> None:
    """``--param decay=off-shell`` and ``--param eta_per_pot=...`` reach the model and the
    production; η decays make a limit above the π⁰ phase space (m_χ = 60 MeV, m_V = 180 MeV)."""
    base = ["fit", "coherent-csi-2021", "--data", str(csi_dir), "--model", "dark-photon", "--json"]
    res = runner.invoke(_app(), [*base, "--param", "chi_mass=20", "--param", "mediator_mass=10",
                                 "--param", "decay=off-shell"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(_app(), [*base, "--param", "chi_mass=60", "--param", "eta_per_pot=1e-3"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout[res.stdout.index("{"):res.stdout.rindex("}") + 1])
    assert payload["limits"][0]["mediator_mass_MeV"] == 180.0 and payload["limits"][0]["Y_90"] > 0
    res = runner.invoke(_app(), [*base, "--param", "chi_mass=10", "--param", "eta_per_pot=-1"])
    assert res.exit_code != 0 and "eta_per_pot: must be a number > 0" in res.output
