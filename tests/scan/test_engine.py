"""Scan engine: checkpoint/resume (with a real SIGKILL), executors giving identical bytes,
configuration mismatches and unreachable schedulers as clear errors."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cevns.scan import ScanError, ScanGrid, StoreError, parse_axis, run_scan
from cevns.scan.api import STORE_NAME
from cevns.stats import BinnedLikelihood, fit


def _grid() -> ScanGrid:
    return ScanGrid.from_axes([parse_axis("mu=0:3:12"), parse_axis("shift=-2:2:10")])


#: Two grid rows per chunk: six chunks, each profiling two rows in lockstep.
CHUNK = 20


def test_serial_scan_matches_minuit_and_resumes(synthetic: BinnedLikelihood,
                                                tmp_path: Path) -> None:
    result = run_scan(synthetic, _grid(), out=tmp_path, chunk_size=CHUNK)
    assert result.stats["chunks_computed"] == 6
    assert set(result.summary()["status_counts"]) == {"newton"}
    first = result.to_csv(tmp_path / "a.csv").read_bytes()
    # Resume: nothing recomputed, identical table.
    again = run_scan(synthetic, _grid(), out=tmp_path, chunk_size=CHUNK)
    assert again.stats["chunks_computed"] == 0 and again.stats["chunks_resumed"] == 6
    assert again.to_csv(tmp_path / "b.csv").read_bytes() == first
    # Independent MIGRAD fits at a few points agree on −2ΔlnL (tolerance 1e-3).
    best = fit(synthetic)
    for k in (0, 37, 80, 119):
        mu, shift = result.points[k]
        fixed = fit(synthetic, fixed={"mu": mu, "shift": shift}, start=best.values,
                    require_convergence=False)
        assert result.delta_chi2[k] == pytest.approx(2 * (fixed.nll - best.nll), abs=1e-3)


def test_processes_give_identical_bytes(synthetic: BinnedLikelihood, tmp_path: Path) -> None:
    serial = run_scan(synthetic, _grid(), out=tmp_path / "s", chunk_size=CHUNK)
    parallel = run_scan(synthetic, _grid(), out=tmp_path / "p", executor="processes", workers=2,
                        chunk_size=CHUNK)
    assert (serial.to_csv(tmp_path / "s.csv").read_bytes()
            == parallel.to_csv(tmp_path / "p.csv").read_bytes())


def test_store_of_another_configuration_is_refused(synthetic: BinnedLikelihood,
                                                   tmp_path: Path) -> None:
    run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:5")]), out=tmp_path)
    with pytest.raises(StoreError, match="holds a different scan"):
        run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:6")]), out=tmp_path)
    bad = tmp_path / "junk"
    bad.mkdir()
    (bad / STORE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a scan store"):
        run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:5")]), out=bad)


def test_bad_scan_options(synthetic: BinnedLikelihood) -> None:
    grid = ScanGrid.from_axes([parse_axis("mu=0:3:5")])
    with pytest.raises(ValueError, match="executor"):
        run_scan(synthetic, grid, executor="threads")
    with pytest.raises(ValueError, match="workers"):
        run_scan(synthetic, grid, executor="processes", workers=0)
    with pytest.raises(ValueError, match="outside the allowed range"):
        run_scan(synthetic, ScanGrid.from_axes([parse_axis("shift=-9:0:5")]))


_KILL_SCRIPT = textwrap.dedent("""
    import pickle, sys, time
    from cevns.scan import ScanGrid, parse_axis, run_scan
    likelihood = pickle.load(open(sys.argv[1], "rb"))
    grid = ScanGrid.from_axes([parse_axis("mu=0:3:12"), parse_axis("shift=-2:2:10")])

    def committed(index, points):
        print(index, flush=True)
        time.sleep(0.3)

    run_scan(likelihood, grid, out=sys.argv[2], on_chunk=committed, chunk_size=20)
""")


def test_sigkill_mid_scan_then_resume_is_byte_identical(synthetic: BinnedLikelihood,
                                                         tmp_path: Path) -> None:
    """SIGKILL a scan after three committed chunks; every reported chunk is in the store; the
    resumed scan computes only the rest and its table is byte-identical to an uninterrupted
    run."""
    pickled = tmp_path / "likelihood.pkl"
    pickled.write_bytes(pickle.dumps(synthetic))
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    reported = []
    with subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(pickled), str(out)],
                          stdout=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            reported.append(int(line))
            if len(reported) == 3:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    import sqlite3

    with sqlite3.connect(out / STORE_NAME) as db:
        stored = {r[0] for r in db.execute("SELECT idx FROM chunks")}
    assert set(reported) <= stored  # 0 lost finished chunks
    assert len(stored) < 6
    resumed = run_scan(synthetic, _grid(), out=out, chunk_size=CHUNK)
    assert resumed.stats["chunks_resumed"] == len(stored)
    assert resumed.stats["chunks_computed"] == 6 - len(stored)
    clean = run_scan(synthetic, _grid(), out=tmp_path / "clean", chunk_size=CHUNK)
    assert (resumed.to_csv(tmp_path / "r.csv").read_bytes()
            == clean.to_csv(tmp_path / "c.csv").read_bytes())


def test_dask_local_cluster_one_and_two_workers_identical(synthetic: BinnedLikelihood,
                                                          tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    one = run_scan(synthetic, _grid(), executor="dask", workers=1, chunk_size=CHUNK)
    two = run_scan(synthetic, _grid(), executor="dask", workers=2, chunk_size=CHUNK)
    serial = run_scan(synthetic, _grid(), chunk_size=CHUNK)
    a, b, c = (r.to_csv(tmp_path / f"{k}.csv").read_bytes()
               for k, r in (("1", one), ("2", two), ("s", serial)))
    assert a == b == c


def test_local_cluster_leaves_the_dashboard_port_alone(synthetic: BinnedLikelihood,
                                                       tmp_path: Path) -> None:
    """With port 8787 (Dask's default HTTP port) held by another process, a local-cluster scan
    neither warns (warnings are errors here) nor binds a fixed port: its scheduler serves its
    HTTP routes on a free loopback port."""
    distributed = pytest.importorskip("distributed")
    import socket

    from cevns.scan.engine import LOCAL_SCHEDULER_OPTIONS, local_cluster

    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        holder.bind(("0.0.0.0", 8787))
        holder.listen(1)
    except OSError:  # already held by someone else: the situation under test either way
        pass
    try:
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                      dashboard_address=None,
                                      scheduler_kwargs=LOCAL_SCHEDULER_OPTIONS) as cluster:
            port = cluster.scheduler.http_server.port
            assert port not in (0, 8787)
            assert cluster.scheduler.http_server.address == "127.0.0.1"
        with local_cluster(1) as cluster, distributed.Client(cluster) as client:
            port = cluster.scheduler.http_server.port
            assert port not in (0, 8787)
            # Dask's default trims freed memory at once (slow for large temporaries).
            trim = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
            assert set(trim.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}
        result = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:4")]),
                          executor="dask", workers=1)
        serial = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:4")]))
        assert (result.to_csv(tmp_path / "d.csv").read_bytes()
                == serial.to_csv(tmp_path / "s.csv").read_bytes())
    finally:
        holder.close()


def test_unreachable_scheduler_is_a_clear_error(synthetic: BinnedLikelihood) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(ScanError, match=r"no Dask scheduler answers at 'tcp://127\.0\.0\.1:9'"):
        run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0:3:4")]),
                 scheduler="tcp://127.0.0.1:9", timeout=1.0)


def test_wilks_interval_of_a_one_dimensional_scan(synthetic: BinnedLikelihood) -> None:
    """The 68 % interval from the scan agrees with MINOS on the same likelihood (to the grid's
    interpolation error, 2e-3 here)."""
    result = run_scan(synthetic, ScanGrid.from_axes([parse_axis("mu=0.5:2.5:201")]))
    (interval,) = result.intervals(0.6827)
    best = fit(synthetic, minos=["mu"])
    lo, hi = best.minos["mu"]
    assert interval.low == pytest.approx(best.value("mu") + lo, abs=2e-3)
    assert interval.high == pytest.approx(best.value("mu") + hi, abs=2e-3)
    assert not interval.low_open and not interval.high_open
    assert np.all(result.delta_chi2 >= 0)


def test_worker_processes_start_with_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process executor starts its workers with one thread per numerical library, as
    Dask's nanny does; a value the user set is kept, and the parent's environment is restored."""
    from cevns.scan.engine import WORKER_THREAD_ENVIRONMENT, _worker_environment

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    with _worker_environment():
        assert os.environ["OMP_NUM_THREADS"] == "1"
        assert os.environ["MKL_NUM_THREADS"] == "1"
        assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    assert "OMP_NUM_THREADS" not in os.environ and "MKL_NUM_THREADS" not in os.environ
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    assert set(WORKER_THREAD_ENVIRONMENT) == {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                              "MKL_NUM_THREADS"}
