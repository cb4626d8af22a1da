"""Coverage of the 68 % profile-likelihood interval of sin²θ_W from the CsI 2021 data (run by hand;
the reduced version is tests/experiments/test_newphysics_reference.py).

    python benchmarks/weak_angle_coverage.py --toys 1000 --seed 7

Prints the fraction of seeded toys (drawn at the best fit, every nuisance profiled) whose
interval covers the true value, with its binomial error, and whether it lies within the
68.3 % ± 3 % the measurement asks for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toys", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    here = Path(__file__).resolve().parents[1]
    default = Path(os.environ.get("CEVNS_DATA", here.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default)
    args = parser.parse_args()
    sys.path.insert(0, str(here / "tests" / "experiments"))
    from test_newphysics_reference import weak_angle_coverage

    from cevns.experiments.csi2021 import build_csi_2021

    ana = build_csi_2021(args.data / "coherent-csi-2021").with_model("weak-angle")
    t0 = time.perf_counter()
    fraction, used = weak_angle_coverage(ana, args.toys, args.seed)
    error = (fraction * (1 - fraction) / max(used, 1)) ** 0.5
    print(json.dumps({"toys": args.toys, "converged": used, "coverage": fraction,
                      "binomial_error": error, "nominal": 0.6827,
                      "within_3_percent": abs(fraction - 0.6827) < 0.03,
                      "seconds": time.perf_counter() - t0}, indent=1))


if __name__ == "__main__":
    main()
