"""`cevns sources` / `cevns source NAME` (registered on a local typer app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cevns.cli.sources import register

app = typer.Typer()
register(app)
runner = CliRunner()


def test_sources_lists_catalogue() -> None:
    result = runner.invoke(app, ["sources", "--json"])
    assert result.exit_code == 0, result.output
    keys = {row["key"] for row in json.loads(result.output)}
    assert {"sns", "sns_ppu", "sns_sts", "csns", "isis", "lujan", "jparc_mlf", "ess"} <= keys
    assert {"conus", "connie", "supernova"} <= keys
    table = runner.invoke(app, ["sources"])
    assert table.exit_code == 0 and "SNS" in table.output


def test_source_sns_json() -> None:
    """SNS at 20 m with the CsI 2017 yield: flux per second; 1.7 MW catalogue power."""
    args = ["source", "sns", "--distance", "20 m", "--yield", "csi2017", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["flux_unit"] == "1/cm2/s"
    # 1.7 MW, 1 GeV, 0.08/flavour: 3 × 0.08 × 1.061e16 / 5.027e7 = 5.07e7
    assert data["total_flux"] == pytest.approx(5.07e7, rel=0.01)
    assert data["timing"]["duty_factor_10us"] == pytest.approx(6e-4)


def test_source_reactor_and_supernova() -> None:
    conus = json.loads(runner.invoke(app, ["source", "conus", "--json"]).output)
    assert conus["distance_m"] == pytest.approx(17.0)
    assert set(conus["flux"]) == {"nu_e_bar"}
    sn = json.loads(runner.invoke(app, ["source", "supernova", "--json"]).output)
    assert sn["flux_unit"] == "1/cm2 per burst"


def test_source_table_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "sns.png"
    result = runner.invoke(app, ["source", "sns", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 1000
    assert "duty factor" in result.output
    png2 = tmp_path / "conus.png"
    assert runner.invoke(app, ["source", "conus", "--plot", str(png2)]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["source", "nope"], "name"),
        (["source", "sns", "--distance", "20"], "distance"),
        (["source", "sns", "--distance", "-20 m"], "distance"),
        (["source", "ess"], "neutrino_yield"),
        (["source", "conus", "--yield", "0.1"], "--yield"),
    ],
)
def test_bad_input(args: list[str], field: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert field in result.output
