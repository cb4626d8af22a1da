"""Start-up cost of ``import cevns`` and ``cevns --help``, as ratios against ``python -c pass``.

Targets (idle machine): ``import cevns`` < 0.3 s and ``cevns --help`` < 0.5 s of wall time.
Absolute times depend on the machine and its load, so each benchmark also times the bare
interpreter (``python -c pass``) in the same run and records the ratio in
``extra_info["ratio_to_bare_python"]``; the figures go in the issue notes.

Run timed with ``make bench`` (or ``python -m pytest benchmarks/bench_startup.py
--benchmark-enable``); in the normal test run each benchmark executes once as a test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

_HELP = ("import sys; sys.argv = ['cevns', '--help']\n"
         "from cevns.cli.main import app\n"
         "try:\n    app()\nexcept SystemExit:\n    pass\n")


def _run(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def _bare_python_seconds(rounds: int = 5) -> float:
    """Best of ``rounds`` wall times of ``python -c pass`` (the reference of the ratios)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        _run("pass")
        best = min(best, time.perf_counter() - start)
    return best


def _ratio(benchmark: Any, seconds: float) -> float:
    bare = _bare_python_seconds()
    ratio = seconds / bare
    benchmark.extra_info["bare_python_s"] = bare
    benchmark.extra_info["ratio_to_bare_python"] = ratio
    return ratio


def _best(code: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        _run(code)
        best = min(best, time.perf_counter() - start)
    return best


def test_bench_import_cevns(benchmark: Any) -> None:
    benchmark.pedantic(_run, args=("import cevns",), rounds=5, iterations=1)
    assert _ratio(benchmark, _best("import cevns")) > 0


def test_bench_cevns_help(benchmark: Any) -> None:
    benchmark.pedantic(_run, args=(_HELP,), rounds=5, iterations=1)
    assert _ratio(benchmark, _best(_HELP)) > 0
