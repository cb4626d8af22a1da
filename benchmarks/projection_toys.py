"""Toy bands of a projection curve on the scan executors: N toys per exposure.

    python benchmarks/projection_toys.py --toys 1000 --exposures 20 --executor processes --workers 2

Prints the wall time per executor and checks that the bands are identical between executors
(toys are seeded per exposure and chunk).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cevns.projections import Projection, load_plan, load_setup
from cevns.projections.projection import exposure_scales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--setup", default="coh-ar-750")
    parser.add_argument("--plan", default="sns-year")
    parser.add_argument("--toys", type=int, default=1000)
    parser.add_argument("--exposures", type=int, default=20)
    parser.add_argument("--executor", default="processes",
                        choices=("serial", "processes", "dask"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", action="store_true", help="also run serially and compare")
    args = parser.parse_args()
    proj = Projection(load_setup(args.setup), load_plan(args.plan))
    scales = exposure_scales(0.05, 5.0, args.exposures)
    runs = [(args.executor, args.workers)] + ([("serial", 1)] if args.compare else [])
    results = []
    for executor, workers in runs:
        start = time.perf_counter()
        bands = proj.toys(scales, n_toys=args.toys, seed=0, executor=executor, workers=workers,
                          chunk=100)
        wall = time.perf_counter() - start
        n = args.toys * args.exposures
        print(f"{executor:9s} workers={workers}: {n} toys in {wall:.1f} s "
              f"({1e3 * wall / n:.2f} ms per toy)")
        results.append(bands)
    if len(results) == 2:
        same = np.array_equal(results[0].significance, results[1].significance)
        print("bands identical across executors:", same)


if __name__ == "__main__":
    main()
