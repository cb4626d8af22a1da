"""Helpers of the robustness suite: run the CLI and judge its outcome.

Every bad input must end in success with finite output, or in a non-zero exit with exactly one
``error:`` line naming what is wrong — never a traceback, an internal error or a hang.
"""

from __future__ import annotations

import math
import os
import re
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from typer.testing import CliRunner

from cevns.cli.main import app

#: Wall-clock limit of one fuzz case (seconds): a case that takes longer is a hang.
CASE_SECONDS = float(os.environ.get("CEVNS_FUZZ_CASE_SECONDS", "20"))


#: Examples per property: small in ``make test``, large in ``make fuzz``.
EXAMPLES = int(os.environ.get("CEVNS_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("CEVNS_FUZZ_RANDOM"),
    # No shrinking: the inputs are large (100 000-character strings) and the failing case is
    # printed as drawn; shrinking them can take minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example, HealthCheck.function_scoped_fixture],
)

#: An error message starts with the thing it is about: ``name: ...`` or ``path:line: ...``.
NAMED = re.compile(r"^(\S[^:\n]{0,300}|\S[^\n]{0,300}?:\d+): \S")


def assert_named_one_line(exc: BaseException) -> str:
    message = str(exc)
    assert isinstance(exc, ValueError), f"{type(exc).__name__}: {message}"
    assert "\n" not in message, message
    assert NAMED.match(message), f"error does not start with what it is about: {message!r}"
    assert len(message) < 2000, message[:200]
    return message


class CaseTimeout(AssertionError):
    """A single generated case ran past :data:`CASE_SECONDS`."""


@contextmanager
def time_limit(seconds: float = CASE_SECONDS) -> Iterator[None]:
    """Fail the case (not the whole run) if it takes longer than ``seconds``."""

    def _alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"case ran longer than {seconds} s (a hang)")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


_runner = CliRunner()


def run_cli(args: Sequence[str], seconds: float = CASE_SECONDS) -> Outcome:
    """Invoke ``cevns ARGS`` in-process under a time limit."""
    with time_limit(seconds):
        result = _runner.invoke(app, list(args), catch_exceptions=True)
    exc = result.exception
    if isinstance(exc, SystemExit):
        exc = None
    return Outcome(result.exit_code, result.stdout, result.stderr, exc)


def assert_one_line_error(
    out: Outcome, *names: str, code: int | None = 2, internal: bool = False
) -> str:
    """The outcome is a failure reported as one ``error:`` line that names each of ``names``."""
    assert out.exception is None, f"uncaught {out.exception!r}"
    assert out.exit_code != 0, f"expected an error, got success: {out.stdout[:300]}"
    if code is not None:
        assert out.exit_code == code, (out.exit_code, out.stderr)
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"error is not one line: {out.stderr!r}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in line, line
    assert internal or "internal error" not in line, line
    for name in names:
        assert name in line, f"{name!r} not named in {line!r}"
    return line


def assert_clean(out: Outcome) -> None:
    """Success, or a one-line error: never a traceback, an internal error or a usage box."""
    assert out.exception is None, f"uncaught {out.exception!r}"
    if out.exit_code == 0:
        assert "Traceback" not in out.stdout + out.stderr
        return
    assert_one_line_error(out, code=None)
    assert out.exit_code in (1, 2, 3), out.exit_code


def all_finite(value: Any) -> bool:
    """Every number inside a JSON-like value is finite."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int | float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(all_finite(v) for v in value)
    return True
