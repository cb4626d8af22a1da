"""Timed 2-D NSI scan of the joint CsI 2021 + CENNS-10 likelihood (run by hand or ``make
bench-scan``; not collected by pytest).

    python benchmarks/scan_joint_nsi.py --n 100 --executor dask --workers 2 --out /tmp/nsi

Measures the wall time including the template building (``with_model``), the per-point cost,
the peak memory (max RSS of this process and of its children), and compares in the same run
with

* the pointwise profiling method (``method="pointwise"``, one point after the other, same
  executor): time ratio and the largest difference of −2ΔlnL (``--pointwise``);
* the naive path: a full re-prediction of the analysis at the point (``Analysis.with_model``
  with the model's values set) plus an iminuit fit with the POIs fixed, timed on a few points
  and extrapolated to the grid;
* with ``--compare``, the same scan on a Dask LocalCluster with 1 worker: byte-identical
  tables, and the speed-up both of the whole run and of the chunk computation alone (the
  cluster start and the one-off scatter of the payload reported separately).

The load average (``os.getloadavg``) before and after is printed with the numbers: on a shared
machine the ratios, not the absolute times, are what carries over. The memory is the peak
resident set (``VmHWM``) of this process and of every worker process, polled while the scans
run (worker processes started by a fork server are not this process's children, so
``getrusage`` alone would miss them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import threading
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def _peak_memory_poller() -> tuple[dict[str, float], threading.Event, threading.Thread]:
    """Poll the peak RSS (``VmHWM``, MiB) of this process's descendants every 0.1 s."""
    peaks: dict[str, float] = {"largest_worker": 0.0}
    stop = threading.Event()

    def hwm(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def descendants() -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [os.getpid()]
        while todo:
            for c in children.get(todo.pop(), []):
                out.append(c)
                todo.append(c)
        return out

    def loop() -> None:
        while not stop.wait(0.1):
            for pid in descendants():
                peaks["largest_worker"] = max(peaks["largest_worker"], hwm(pid))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return peaks, stop, thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--executor", default="processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/cevns-bench-scan"))
    parser.add_argument("--naive-points", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--pointwise", action="store_true")
    args = parser.parse_args()
    load_before = list(os.getloadavg())
    peaks, stop, poller = _peak_memory_poller()

    from cevns.experiments.joint import build_joint
    from cevns.scan import ScanGrid, parse_axis, run_scan
    from cevns.stats import fit

    def run(executor: str, workers: int, out: Path, method: str = "batched"
            ) -> tuple[float, float, object]:
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        base = build_joint(SHARED / "coherent-csi-2021", SHARED / "coherent-lar-2020")
        ana = base.with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
        t1 = time.perf_counter()
        grid = ScanGrid.from_axes([parse_axis(f"eps_uV_ee=-0.5:0.5:{args.n}"),
                                   parse_axis(f"eps_dV_ee=-0.5:0.5:{args.n}")])
        result = run_scan(ana.likelihood, grid, out=out, executor=executor, workers=workers,
                          method=method)
        t2 = time.perf_counter()
        result.to_csv(out / "scan.csv")
        return t1 - t0, t2 - t1, result

    build, scan, result = run(args.executor, args.workers, args.out)
    report = {
        "grid": f"{args.n}x{args.n}", "executor": args.executor, "workers": args.workers,
        "template_build_seconds": build, "scan_seconds": scan, "total_seconds": build + scan,
        "seconds_per_point": scan / args.n**2,
        "stats": result.stats,  # type: ignore[attr-defined]
        "load_average_before": load_before,
    }
    if args.pointwise:
        _, scan_p, point = run(args.executor, args.workers,
                               args.out.with_name(args.out.name + "-pointwise"), "pointwise")
        q_b = 2.0 * (result.nll - result.best_nll)  # type: ignore[attr-defined]
        q_p = 2.0 * (point.nll - point.best_nll)  # type: ignore[attr-defined]
        both = (q_b < 50.0) & (q_p < 50.0)
        near = (q_b < 50.0) | (q_p < 50.0)
        report["pointwise_scan_seconds"] = scan_p
        report["speedup_batched_vs_pointwise"] = scan_p / scan
        report["max_abs_delta_chi2_difference_both_below_50"] = float(
            np.abs(q_b - q_p)[both].max())
        # Where one method is below 50 and the other not, or both beyond (no systematic
        # restarts there), count which one ends in the lower minimum.
        for name, mask in (("one_below_50", near & ~both), ("beyond_50", ~near)):
            report[f"points_batched_lower_{name}"] = int(np.sum((q_b < q_p - 1e-6) & mask))
            report[f"points_pointwise_lower_{name}"] = int(np.sum((q_p < q_b - 1e-6) & mask))
    # Naive path: full re-prediction + MIGRAD at a few grid points.
    from cevns.models.nsi import VectorNSI

    rng = np.random.default_rng(0)
    naive = []
    for _ in range(args.naive_points):
        u, d = rng.uniform(-0.5, 0.5, 2)
        t0 = time.perf_counter()
        model = VectorNSI().with_values(eps_uV_ee=float(u), eps_dV_ee=float(d))
        ana = build_joint(SHARED / "coherent-csi-2021", SHARED / "coherent-lar-2020"
                          ).with_model(model, pois=["eps_uV_ee"])
        fit(ana.likelihood, fixed={"eps_uV_ee": float(u)}, require_convergence=False)
        naive.append(time.perf_counter() - t0)
    report["naive_seconds_per_point"] = float(np.mean(naive))
    report["naive_extrapolated_seconds"] = float(np.mean(naive)) * args.n**2
    report["speedup_vs_naive"] = report["naive_extrapolated_seconds"] / (build + scan)
    if args.compare:
        _, scan1, one = run("dask", 1, args.out.with_name(args.out.name + "-dask1"))
        same = (one.to_csv(args.out / "one.csv").read_bytes()  # type: ignore[attr-defined]
                == (args.out / "scan.csv").read_bytes())
        report["dask_1_worker_seconds"] = scan1
        report["dask_1_worker_stats"] = one.stats  # type: ignore[attr-defined]
        report["byte_identical_to_1_worker"] = same
        report["speedup_2_vs_1"] = scan1 / scan
        two_stats = result.stats  # type: ignore[attr-defined]
        one_stats = one.stats  # type: ignore[attr-defined]
        if "cluster_start_seconds" in two_stats and "cluster_start_seconds" in one_stats:
            def compute(st: dict) -> float:  # type: ignore[type-arg]
                return float(st["wall_seconds"] - st["cluster_start_seconds"]
                             - st["scatter_seconds"])
            report["compute_speedup_2_vs_1"] = compute(one_stats) / compute(two_stats)
    stop.set()
    poller.join()
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report["max_rss_mib"] = {"driver": self_rss,
                             "largest_worker": max(child_rss, peaks["largest_worker"])}
    report["load_average_after"] = list(os.getloadavg())
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
