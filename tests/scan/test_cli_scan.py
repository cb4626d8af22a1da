"""``cevns scan`` end to end on the CsI 2021 release, and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cevns.cli.main import app

runner = CliRunner()


def test_scan_csi_json_and_resume(csi_dir: Path, tmp_path: Path) -> None:
    args = ["scan", "coherent-csi-2021", "--axis", "mu_cevns=0.4:1.6:13", "--out",
            str(tmp_path), "--data", str(csi_dir), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    (interval,) = summary["wilks_intervals"]["0.6827"]
    assert 0.6 < interval["low"] < summary["best_fit"]["mu_cevns"] < interval["high"] < 1.2
    assert summary["status_counts"] == {"newton": 13}
    table = (tmp_path / "scan.csv").read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert json.loads(again.stdout)["run"]["chunks_computed"] == 0
    assert (tmp_path / "scan.csv").read_bytes() == table
    # Another configuration into the same folder is refused.
    other = runner.invoke(app, [*args[:3], "mu_cevns=0.4:1.6:14", *args[4:]])
    assert other.exit_code == 2
    assert "holds a different scan" in other.output


@pytest.mark.parametrize("axis, message", [
    ("mu_cevns=0:2:0", "number of points must be ≥ 1"),
    ("nope=0:1:3", "unknown parameter"),
    ("mu_cevns=-1:2:5", "outside the allowed range"),
    ("mu_cevns=0:2", "NAME=LO:HI:N"),
])
def test_scan_bad_axes_are_one_line_errors(csi_dir: Path, tmp_path: Path, axis: str,
                                           message: str) -> None:
    result = runner.invoke(app, ["scan", "coherent-csi-2021", "--axis", axis, "--out",
                                 str(tmp_path), "--data", str(csi_dir)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_scan_unreachable_scheduler(csi_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    result = runner.invoke(app, ["scan", "coherent-csi-2021", "--axis", "mu_cevns=0.5:1.5:3",
                                 "--out", str(tmp_path), "--data", str(csi_dir),
                                 "--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"])
    assert result.exit_code == 2
    assert "no Dask scheduler answers" in result.output


def test_scan_unknown_analysis(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "coherent-xe-2030", "--axis", "mu=0:1:2", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown 'coherent-xe-2030'" in result.output
