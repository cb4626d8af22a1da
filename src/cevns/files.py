"""Reading user files safely: regular files only, a size cap, UTF-8 with the file named.

Every file a user points ``cevns`` at (a detector TOML file, a binned-data CSV, a table that a
detector file references with ``file = "..."``) is read through :func:`read_text_file`:

* it must exist and be a *regular* file — a folder, ``/dev/zero``, a FIFO or a socket is an
  error (so nothing can block or read forever);
* it must not exceed a size cap (:data:`MAX_FILE_BYTES`, checked before reading);
* it must be UTF-8; otherwise the error names the file and the line of the first bad byte.

File references inside a detector file are resolved by :func:`resolve_reference`: relative to
the detector file's folder, and allowed only below that folder or below a root listed in the
environment variable ``CEVNS_ALLOWED_ROOTS`` (paths separated by ``os.pathsep``); ``../``
escapes and absolute paths elsewhere are refused. Error messages never echo a file's content.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TABLE_ROWS",
    "allowed_roots",
    "read_numeric_table",
    "read_text_file",
    "resolve_reference",
]

#: Largest user file read (bytes): far above any detector file, CSV or table we know of.
MAX_FILE_BYTES = 20_000_000
#: Largest number of data rows of a referenced table.
MAX_TABLE_ROWS = 100_000


def read_text_file(path: str | Path, name: str = "file", max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a regular UTF-8 file of at most ``max_bytes`` bytes.

    Raises
    ------
    ValueError
        ``name: 'path' ...`` for a missing file, a folder or special file, a file above the
        size cap, or bytes that are not UTF-8 (with the line of the first bad byte).
    """
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError:
        raise ValueError(f"{name}: {str(p)!r} does not exist") from None
    except OSError as exc:
        raise ValueError(f"{name}: cannot read {str(p)!r} ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{name}: {str(p)!r} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{name}: {str(p)!r} is not a regular file (device, FIFO or socket)")
    if info.st_size > max_bytes:
        raise ValueError(
            f"{name}: {str(p)!r} is {info.st_size} bytes, more than the limit {max_bytes}"
        )
    try:
        with p.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ValueError(f"{name}: cannot read {str(p)!r} ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise ValueError(f"{name}: {str(p)!r} is larger than the limit {max_bytes} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"{name}: {str(p)!r} line {line} is not UTF-8 text (byte {exc.start}); save the "
            f"file as UTF-8"
        ) from None


def allowed_roots(base: Path | None) -> list[Path]:
    """The folders a detector file's references may point into: its own folder and the
    entries of ``CEVNS_ALLOWED_ROOTS``."""
    roots = [] if base is None else [base]
    extra = os.environ.get("CEVNS_ALLOWED_ROOTS", "")
    roots += [Path(r) for r in extra.split(os.pathsep) if r.strip()]
    return [r.resolve() for r in roots]


def resolve_reference(reference: str, base: Path | None, name: str) -> Path:
    """The path of a file that a detector file references, checked to stay in the allowed roots.

    Raises
    ------
    ValueError
        If the reference is empty, leaves the allowed roots (``../``, an absolute path, a
        symbolic link pointing elsewhere), or there is no detector-file folder to resolve
        it against.
    """
    text = str(reference).strip()
    if not text or "\x00" in text:
        raise ValueError(f"{name}: give the path of a table file relative to the detector file")
    roots = allowed_roots(base)
    if not roots:
        raise ValueError(
            f"{name}: a file reference needs a detector file on disk (paths are relative to its "
            f"folder) or CEVNS_ALLOWED_ROOTS"
        )
    path = Path(text)
    if not path.is_absolute():
        if base is None:
            raise ValueError(f"{name}: a relative path needs a detector file on disk")
        path = base / path
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise ValueError(
            f"{name}: {text!r} is outside the detector file's folder; tables must live below "
            f"it (or below a folder listed in CEVNS_ALLOWED_ROOTS)"
        )
    return resolved


_SPLIT = re.compile(r"[\s,;]+")


def read_numeric_table(
    path: Path, columns: Sequence[int], name: str, max_rows: int = MAX_TABLE_ROWS
) -> list[list[float]]:
    """The chosen ``columns`` (0-based) of a whitespace/comma-separated numeric table.

    ``#`` starts a comment; blank lines are skipped. Errors name the file and line but never
    echo its content: a missing or empty file, a line with too few columns, a non-numeric or
    non-finite value, more than ``max_rows`` rows, fewer than two rows.
    """
    for c in columns:
        if isinstance(c, bool) or not isinstance(c, int) or c < 0:
            raise ValueError(f"{name}: column indices are 0-based integers >= 0, got {c!r}")
    text = read_text_file(path, name)
    shown = repr(path.name)
    out: list[list[float]] = []
    width = max(columns) + 1
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f for f in _SPLIT.split(line) if f]
        if len(fields) < width:
            raise ValueError(
                f"{name}: {shown} line {number} has {len(fields)} column(s); column index "
                f"{max(columns)} (0-based) needs at least {width}"
            )
        row: list[float] = []
        for c in columns:
            try:
                value = float(fields[c])
            except ValueError:
                raise ValueError(
                    f"{name}: {shown} line {number}, column {c}: not a number"
                ) from None
            if not math.isfinite(value):
                raise ValueError(f"{name}: {shown} line {number}, column {c}: not finite")
            row.append(value)
        out.append(row)
        if len(out) > max_rows:
            raise ValueError(f"{name}: {shown} has more than {max_rows} rows")
    if len(out) < 2:
        raise ValueError(f"{name}: {shown} has {len(out)} data row(s); a table needs at least 2")
    return out
