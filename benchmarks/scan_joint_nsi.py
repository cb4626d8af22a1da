"""Timed 2-D NSI scan of the joint CsI 2021 + CENNS-10 likelihood (run by hand or ``make
bench-scan``; not collected by pytest).

    python benchmarks/scan_joint_nsi.py --n 100 --executor dask --workers 2 --out /tmp/nsi

Measures the wall time including the template building (``with_model``), the per-point cost,
the peak memory (max RSS of this process and of its children), and compares with the naive
path measured in the same run: a full re-prediction of the analysis at the point
(``Analysis.with_model`` with the model's values set) plus an iminuit fit with the POIs fixed,
timed on a few points and extrapolated to the grid. With ``--compare`` it runs the scan once
more on a Dask LocalCluster with 1 worker and checks the tables are byte-identical.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--executor", default="processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/cevns-bench-scan"))
    parser.add_argument("--naive-points", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()

    from cevns.experiments.joint import build_joint
    from cevns.scan import ScanGrid, parse_axis, run_scan
    from cevns.stats import fit

    def run(executor: str, workers: int, out: Path) -> tuple[float, float, object]:
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        t0 = time.perf_counter()
        base = build_joint(SHARED / "coherent-csi-2021", SHARED / "coherent-lar-2020")
        ana = base.with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
        t1 = time.perf_counter()
        grid = ScanGrid.from_axes([parse_axis(f"eps_uV_ee=-0.5:0.5:{args.n}"),
                                   parse_axis(f"eps_dV_ee=-0.5:0.5:{args.n}")])
        result = run_scan(ana.likelihood, grid, out=out, executor=executor, workers=workers)
        t2 = time.perf_counter()
        result.to_csv(out / "scan.csv")
        return t1 - t0, t2 - t1, result

    build, scan, result = run(args.executor, args.workers, args.out)
    report = {
        "grid": f"{args.n}x{args.n}", "executor": args.executor, "workers": args.workers,
        "template_build_seconds": build, "scan_seconds": scan, "total_seconds": build + scan,
        "seconds_per_point": scan / args.n**2,
        "stats": result.stats,  # type: ignore[attr-defined]
        "load_average": list(__import__("os").getloadavg()),
    }
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
        report["byte_identical_to_1_worker"] = same
        report["speedup_2_vs_1"] = scan1 / scan
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report["max_rss_mib"] = {"driver": self_rss, "largest_worker": child_rss}
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
