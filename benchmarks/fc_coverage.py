"""Full-statistics Feldman–Cousins coverage near the μ ≥ 0 boundary (run by hand or ``make
bench-scan``; the reduced version is tests/scan/test_feldman_cousins.py).

    python benchmarks/fc_coverage.py --toys 4000 --pseudo 4000

Prints, for true μ = 0, 0.3, 1, the coverage of the 68.27/90/95 % FC sets from independent
pseudo-experiments, its binomial error, and whether it is within 2 % of nominal.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--toys", type=int, default=4000)
    parser.add_argument("--pseudo", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scan"))
    from test_feldman_cousins import coverage

    from cevns.scan.engine import FC_LEVELS

    out = {}
    for mu in (0.0, 0.3, 1.0):
        t0 = time.perf_counter()
        cov = coverage(mu, args.toys, args.pseudo, args.seed)
        out[str(mu)] = {
            f"{lv:g}": {"coverage": cov[lv],
                        "binomial_error": (lv * (1 - lv) / args.pseudo) ** 0.5,
                        "within_2_percent": abs(cov[lv] - lv) < 0.02}
            for lv in FC_LEVELS}
        out[str(mu)]["seconds"] = time.perf_counter() - t0
    print(json.dumps({"toys": args.toys, "pseudo_experiments": args.pseudo, "coverage": out},
                     indent=1))


if __name__ == "__main__":
    main()
