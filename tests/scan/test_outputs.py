"""Scan outputs: the Parquet table equals the CSV table (same columns, same values bit for bit),
the command line writes it, and the expected limits come out of ``cevns scan --expected``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cevns.cli.main import app
from cevns.scan import ScanGrid, parse_axis, run_scan
from cevns.stats import BinnedLikelihood

runner = CliRunner()


def test_parquet_table_equals_the_csv_table(synthetic: BinnedLikelihood, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    result = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:6"),
                                                      parse_axis("shift=-1:1:3")]))
    table = pq.read_table(result.to_parquet(tmp_path / "scan.parquet"))
    assert table.column_names == result.columns()
    assert not (tmp_path / "scan.parquet.tmp").exists()  # written atomically
    with open(result.to_csv(tmp_path / "scan.csv"), newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == table.column_names
    for j, name in enumerate(table.column_names):
        column = table.column(name).to_pylist()
        if name == "status":
            assert column == [r[j] for r in rows[1:]]
        else:
            assert column == [type(v)(r[j]) for v, r in zip(column, rows[1:], strict=True)]
    np.testing.assert_array_equal(np.array(table.column("delta_chi2").to_pylist()),
                                  result.delta_chi2)


def test_cli_writes_parquet_and_expected_limits(csi_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    args = ["scan", "coherent-csi-2021", "--axis", "mu_cevns=0:2:11", "--out", str(tmp_path),
            "--data", str(csi_dir), "--expected", "--expected-toys", "4", "--null",
            "mu_cevns=0", "--json"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    exp = summary["expected"]
    assert exp["null"] == {"mu_cevns": 0.0} and exp["level"] == 0.9 and exp["n_toys"] == 4
    # No CEvNS at the null: the Asimov 90 % CL upper limit on μ lies below the SM value 1.
    assert 0 < exp["asimov"][0] < 1.0
    assert (tmp_path / "scan.parquet").is_file() and (tmp_path / "expected.json").is_file()


@pytest.mark.parametrize(("extra", "message"), [
    (["--null", "mu_cevns"], "--null: 'mu_cevns' is not of the form NAME=VALUE"),
    (["--null", "nope=1"], "--null nope: unknown parameter"),
    (["--expected-toys", "-1"], "--expected-toys: must be ≥ 0"),
    (["--cl", "1.5"], "--cl: confidence level must be in"),
])
def test_cli_expected_bad_input(csi_dir: Path, tmp_path: Path, extra: list[str],
                                message: str) -> None:
    args = ["scan", "coherent-csi-2021", "--axis", "mu_cevns=0:2:3", "--out", str(tmp_path),
            "--data", str(csi_dir), "--expected", "--expected-toys", "0", *extra]
    res = runner.invoke(app, args)
    assert res.exit_code != 0
    assert message in res.output and "Traceback" not in res.output


def test_points_beyond_the_guard_are_flagged_in_the_status(synthetic: BinnedLikelihood,
                                                           tmp_path: Path) -> None:
    """Points at −2ΔlnL ≥ 50 (to the global fit), where the restarts against local minima do
    not run, read ``<method>-unguarded`` in the table's status column and in the summary; the
    others carry the plain method name."""
    from cevns.scan.engine import GUARD_DELTA_CHI2

    result = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:10:11")]))
    q = 2.0 * (result.nll - result.best_nll)
    assert np.any(q >= GUARD_DELTA_CHI2) and np.any(q < GUARD_DELTA_CHI2)
    np.testing.assert_array_equal(result.guarded, q < GUARD_DELTA_CHI2)
    with result.to_csv(tmp_path / "scan.csv").open() as fh:
        status = [row["status"] for row in csv.DictReader(fh)]
    assert status == ["newton" if g else "newton-unguarded" for g in result.guarded]
    counts = result.summary()["status_counts"]
    assert counts == {"newton": int(result.guarded.sum()),
                      "newton-unguarded": int((~result.guarded).sum())}
