"""Every ``--plot`` writes PDF, SVG and PNG with provenance in the metadata (the output rule
of :func:`cevns.plotting.figure.output_paths`), and refuses a target it cannot follow."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from cevns.cli import predict as predict_cli
from cevns.cli import sources as sources_cli

app = typer.Typer()
predict_cli.register(app)
sources_cli.register(app)
runner = CliRunner()


def test_predict_plot_folder_gets_three_formats_with_provenance(tmp_path: Path) -> None:
    out = tmp_path / "figs"
    result = runner.invoke(app, ["predict", "conus", "--json", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "conus_prediction.pdf", "conus_prediction.png", "conus_prediction.svg"]
    from PIL import Image

    with Image.open(out / "conus_prediction.png") as img:
        text = dict(img.text)  # type: ignore[attr-defined]
    assert text["Data conus"].startswith("built-in, sha256 ")
    assert "cevns" in text["Software"] and text["Command"]


def test_plot_with_unknown_suffix_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["source", "sns", "--plot", str(tmp_path / "sns.jpg")])
    assert result.exit_code == 2
    assert "--plot" in result.output and ".png" in result.output
    assert not list(tmp_path.iterdir())
