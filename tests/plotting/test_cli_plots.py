"""Every ``--plot`` writes PDF, SVG and PNG with provenance in the metadata (the output rule
of :func:`cevns.plotting.figure.output_paths`), and refuses a target it cannot follow."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from cevns.cli import fit as fit_cli
from cevns.cli import predict as predict_cli
from cevns.cli import sources as sources_cli

app = typer.Typer()
predict_cli.register(app)
sources_cli.register(app)
fit_cli.register(app)
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


TOY = """# toy: 2 energy bins x 2 time bins
E_low [keVee], E_high [keVee], t_low [us], t_high [us], observed, signal, bkg
0, 10, 0, 1, 30, 20, 8
0, 10, 1, 6, 14, 5, 10
10, 20, 0, 1, 12, 8, 3
10, 20, 1, 6, 9, 2, 6
"""


def test_fit_user_csv_plot(tmp_path: Path) -> None:
    """``cevns fit DATA.csv --plot DIR``: one projection per axis, the signal named by the
    user drawn as the signal."""
    data = tmp_path / "toy.csv"
    data.write_text(TOY)
    out = tmp_path / "figs"
    result = runner.invoke(app, ["fit", str(data), "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.png")) == ["toy_E.png", "toy_t.png"]
    assert len(list(out.iterdir())) == 6
