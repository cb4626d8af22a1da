"""Where ``cevns`` looks for data releases: one rule, independent of the current directory.

The data folder holds one sub-folder per public release (``coherent-csi-2021/``,
``coherent-lar-2020/``, ...). :func:`data_dirs` lists the candidates, in order:

1. ``$CEVNS_DATA`` (the documented setting; ``$CEVNS_COHERENT_DATA`` is read too, for
   compatibility with older set-ups);
2. in a source checkout, ``../shared/data`` next to the repository (found from the installed
   package's own location, never from the current directory);
3. the per-user data folder: ``$XDG_DATA_HOME/cevns`` (default ``~/.local/share/cevns``) on
   Linux, ``~/Library/Application Support/cevns`` on macOS, ``%LOCALAPPDATA%\\cevns`` on
   Windows; ``cevns data fetch NAME`` downloads there by default.

This module imports nothing heavy (it is used by ``cevns --help``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["ENV_VAR", "checkout_data_dir", "data_dirs", "default_data_dir", "user_data_dir"]

#: Environment variable naming the data folder.
ENV_VAR = "CEVNS_DATA"
_LEGACY_ENV_VAR = "CEVNS_COHERENT_DATA"


def user_data_dir() -> Path:
    """The per-user data folder of the platform (not created here)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "cevns"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "cevns"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cevns"


def checkout_data_dir() -> Path | None:
    """``../shared/data`` beside the source checkout this package runs from, if present."""
    package = Path(__file__).resolve().parent  # .../src/cevns
    if package.parent.name != "src":
        return None  # an installed wheel: no checkout around it
    candidate = package.parents[2] / "shared" / "data"
    return candidate if candidate.is_dir() else None


def data_dirs() -> list[Path]:
    """Candidate data folders, highest priority first (see the module docstring)."""
    out: list[Path] = []
    for var in (ENV_VAR, _LEGACY_ENV_VAR):
        value = os.environ.get(var)
        if value:
            out.append(Path(value).expanduser())
    checkout = checkout_data_dir()
    if checkout is not None:
        out.append(checkout)
    out.append(user_data_dir())
    return list(dict.fromkeys(out))


def default_data_dir() -> Path:
    """The data folder used when none is given: the first of :func:`data_dirs` that exists,
    else ``$CEVNS_DATA`` if set, else the per-user folder."""
    dirs = data_dirs()
    for folder in dirs:
        if folder.is_dir():
            return folder
    return dirs[0]
