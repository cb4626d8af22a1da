"""Coverage of the 68 % profile-likelihood interval of sin²θ_W from the CsI 2021 data.

    python benchmarks/weak_angle_coverage.py --toys 1000 --seed 7 --executor processes --workers 2

Prints the fraction of seeded toys (drawn at the best fit, every nuisance profiled) whose
interval covers the true value, with its binomial error, and whether it lies within the
68.3 % ± 3 % the measurement asks for. The toys run in chunks on the scan engine's executors
(:func:`cevns.experiments.coverage.interval_coverage`); the figure does not depend on the
executor. A handful of toys runs in tests/experiments/test_newphysics_reference.py.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def run(data: Path, toys: int, seed: int, executor: str, workers: int) -> dict[str, object]:
    from cevns.experiments.coverage import interval_coverage
    from cevns.experiments.csi2021 import build_csi_2021

    ana = build_csi_2021(data / "coherent-csi-2021").with_model("weak-angle")
    t0 = time.perf_counter()
    result = interval_coverage(ana, "sin2_theta_w", toys, seed, executor=executor,
                               workers=workers)
    out: dict[str, object] = dict(result.as_dict())
    out.update(nominal=0.6827, within_3_percent=abs(result.coverage - 0.6827) < 0.03,
               executor=executor, workers=workers, seconds=time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toys", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--executor", default="processes",
                        choices=["serial", "processes", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    default = Path(os.environ.get("CEVNS_DATA", HERE.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    print(json.dumps(run(args.data, args.toys, args.seed, args.executor, args.workers),
                     indent=1))


if __name__ == "__main__":
    main()
