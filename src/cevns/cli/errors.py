"""The one place where the command line reports errors.

Every ``cevns`` command runs inside :func:`reported_errors` (``main.py`` wraps each registered
command with :func:`guard_commands`, so a new command is covered without doing anything).
Bad input — a :class:`ValueError` (detector-file, release-format and binned-data errors are
subclasses), a file-system :class:`OSError`, undecodable text — becomes exactly one line on
standard error::

    error: exposure: must be > 0, got '-1 POT'

and exit status 2. The line is printed literally (user text such as ``[/x]`` or ``:x:`` is
never read as terminal markup or emoji), never wrapped whatever the terminal width, stripped
of control characters and capped in length. Anything else is a bug in ``cevns``: it is also
reported on one line (exit status 70, "internal error ... please report it"), with the
traceback only when the environment variable ``CEVNS_DEBUG`` is set.

Output paths are checked *before* the work (:func:`check_output_file`,
:func:`check_output_folder`), so a long fit is never lost to a typo in ``--output``.
"""

from __future__ import annotations

import functools
import importlib
import json
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "OneLineErrorGroup",
    "check_output_file",
    "check_output_folder",
    "check_plot_target",
    "describe",
    "error_console",
    "fail",
    "guard_commands",
    "literal",
    "one_line",
    "plain_console",
    "reported_errors",
    "to_json",
]

#: Exit status of a command given bad input (a file, an option, a value).
EXIT_BAD_INPUT = 2
#: Exit status of an unexpected internal error (a bug; BSD ``EX_SOFTWARE``).
EXIT_INTERNAL = 70
#: Longest error line printed (a message echoing a huge input is cut, not wrapped).
MAX_ERROR_CHARS = 1000

F = TypeVar("F", bound=Callable[..., Any])


def plain_console(*, stderr: bool = False) -> Console:
    """A console that never turns user text into emoji or highlights it.

    Tables printed on it still use rich layout; any *text* that comes from the user (names,
    paths, units, release lines) must go through :func:`literal` before it is printed.
    """
    return Console(stderr=stderr, emoji=False, highlight=False)


def error_console() -> Console:
    """Standard error, without markup, emoji, highlighting or line wrapping."""
    return Console(
        stderr=True, emoji=False, highlight=False, markup=False, soft_wrap=True,
        width=max(MAX_ERROR_CHARS + 100, 80),
    )


def literal(text: object) -> str:
    """``text`` escaped so that rich prints it as written (``[/x]`` stays ``[/x]``)."""
    return escape(str(text))


def one_line(message: object) -> str:
    """``message`` on one line: whitespace runs collapsed, control characters shown as
    escapes, cut at :data:`MAX_ERROR_CHARS` characters."""
    text = " ".join(str(message).split())
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return text


def describe(exc: BaseException) -> str:
    """A one-line description of a bad-input exception, naming the file for OS errors."""
    if isinstance(exc, OSError) and exc.strerror:
        where = exc.filename if exc.filename is not None else "file"
        return f"{where}: {exc.strerror.lower()}"
    if isinstance(exc, UnicodeDecodeError):
        return f"file is not UTF-8 text (byte {exc.start}: {exc.reason})"
    if isinstance(exc, RecursionError):
        return "input is nested too deeply"
    if isinstance(exc, MemoryError):
        return "input too large: not enough memory"
    return str(exc) or type(exc).__name__


def fail(message: object, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` as one literal line on standard error and exit."""
    error_console().print(f"error: {one_line(message)}")
    raise typer.Exit(code=code)


#: Exceptions that mean "bad input" (the message names what is wrong).
BAD_INPUT: tuple[type[BaseException], ...] = (
    ValueError, OSError, UnicodeError, RecursionError, MemoryError, OverflowError,
)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn every exception raised inside into one ``error:`` line and an exit status."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
        raise
    except _click_exception():  # a usage error (typer.BadParameter): OneLineErrorGroup's
        raise
    except BAD_INPUT as exc:
        fail(describe(exc))
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("CEVNS_DEBUG"):
            raise
        fail(
            f"internal error {type(exc).__name__}: {exc} (a bug in cevns; please report it "
            f"with the command line; set CEVNS_DEBUG=1 for the traceback)",
            code=EXIT_INTERNAL,
        )


def _guarded(callback: F) -> F:
    if getattr(callback, "__cevns_guarded__", False):
        return callback

    @functools.wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with reported_errors():
            return callback(*args, **kwargs)

    wrapper.__cevns_guarded__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def guard_commands(app: typer.Typer) -> None:
    """Wrap every command (and sub-group command) of ``app`` in :func:`reported_errors`."""
    for info in app.registered_commands:
        if info.callback is not None:
            info.callback = _guarded(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            guard_commands(group.typer_instance)


def _click_exception() -> type[Exception]:
    """click's ``ClickException`` as typer raises it (recent typer ships its own copy)."""
    try:
        module = importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - older typer depends on click itself
        module = importlib.import_module("click.exceptions")
    exc_type: type[Exception] = module.ClickException
    return exc_type


class OneLineErrorGroup(TyperGroup):
    """The top-level command group: command-line usage errors on one line too.

    Typer reports a usage error (an unknown option such as ``cevns source -x``, a missing
    argument, a value of the wrong type) in a multi-line box before any ``cevns`` code runs,
    so :func:`reported_errors` never sees it. This group parses in click's non-standalone
    mode and prints such an error as one ``error:`` line naming the command, with exit
    status 2, like every other bad input.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False,
                                    **extra)
        except typer.Abort:
            error_console().print("error: aborted")
            raise SystemExit(1) from None
        except _click_exception() as exc:
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} -h')" if ctx is not None else ""
            message = exc.format_message()  # type: ignore[attr-defined]
            error_console().print(f"error: {one_line(message)}{hint}")
            raise SystemExit(getattr(exc, "exit_code", EXIT_BAD_INPUT)) from None
        # Non-standalone mode returns the code of a typer.Exit; commands return None.
        raise SystemExit(returned if isinstance(returned, int) else 0)


# ----------------------------------------------------------------------------- output paths
def _check_parent(path: Path, option: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        fail(f"{option}: folder {str(parent)!r} does not exist (for {str(path)!r})")
    if not parent.is_dir():
        fail(f"{option}: {str(parent)!r} is not a folder (for {str(path)!r})")
    if not os.access(parent, os.W_OK | os.X_OK):
        fail(f"{option}: cannot write in folder {str(parent)!r} (permission denied)")


def check_output_file(
    path: Path | None, option: str, suffixes: Sequence[str] | None = None
) -> None:
    """Check, before any work, that ``path`` can be written as a file.

    Errors (one line, naming ``option`` and the path): a missing parent folder, a path that is
    a folder or not a regular file, a read-only file or folder, a suffix not in ``suffixes``.
    An existing regular, writable file is overwritten.
    """
    if path is None:
        return
    if suffixes is not None and path.suffix.lower() not in suffixes:
        fail(f"{option}: use a file name ending in {' or '.join(suffixes)}, got {str(path)!r}")
    if path.is_dir():
        fail(f"{option}: {str(path)!r} is a folder; give a file name")
    if path.exists():
        if not path.is_file():
            fail(f"{option}: {str(path)!r} is not a regular file")
        if not os.access(path, os.W_OK):
            fail(f"{option}: cannot overwrite {str(path)!r} (permission denied)")
    _check_parent(path, option)


def check_output_folder(path: Path | None, option: str) -> None:
    """Check, before any work, that ``path`` is a writable folder or can be created as one
    (missing parents are created, as ``mkdir -p`` does)."""
    if path is None:
        return
    if path.exists():
        if not path.is_dir():
            fail(f"{option}: {str(path)!r} exists and is not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            fail(f"{option}: cannot write in folder {str(path)!r} (permission denied)")
        return
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        fail(f"{option}: cannot create folder {str(path)!r}: {str(ancestor)!r} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        fail(f"{option}: cannot create folder {str(path)!r} in {str(ancestor)!r} "
             f"(permission denied)")


def check_plot_target(path: Path | None, option: str = "--plot") -> None:
    """Check a ``--plot`` target before any work (the rule of
    :func:`cevns.plotting.figure.output_paths`): ``NAME.png``, ``NAME.pdf`` or ``NAME.svg``
    names the files (all three formats are written), a path without a suffix is a folder."""
    if path is None:
        return
    if path.suffix:
        check_output_file(path, option, (".png", ".pdf", ".svg"))
    else:
        check_output_folder(path, option)


# ----------------------------------------------------------------------------- JSON output
def _first_non_finite(value: Any, where: str = "") -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return where or "(top level)"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_non_finite(item, f"{where}.{key}" if where else str(key))
            if found:
                return found
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _first_non_finite(item, f"{where}[{i}]")
            if found:
                return found
    return None


def _nulled(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _nulled(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nulled(v) for v in value]
    return value


def to_json(payload: Any, *, what: str = "output", non_finite_as_null: bool = False,
            **kwargs: Any) -> str:
    """``json.dumps`` that never writes invalid JSON (``NaN``, ``Infinity``).

    A non-finite number is an error naming where it is (``counts[3][2]``), or, with
    ``non_finite_as_null`` (diagnostics of a failed fit), is written as ``null``.
    """
    if non_finite_as_null:
        payload = _nulled(payload)
    where = _first_non_finite(payload)
    if where is not None:
        raise ValueError(f"{what}: the result has a non-finite value at {where}; "
                         f"nothing written (the inputs are outside the supported range)")
    return json.dumps(payload, allow_nan=False, **kwargs)
