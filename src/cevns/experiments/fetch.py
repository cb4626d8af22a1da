"""Download a public COHERENT release and verify every file's sha256.

The files are fetched one by one from the collaboration's record (see
:data:`cevns.experiments.releases.RELEASES`), written to a temporary name, hashed, and only
moved into place when the hash matches the published one. Without network the function fails
with a message saying where to get the files by hand.
"""

from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from cevns.experiments.releases import RELEASES, ReleaseSpec, sha256_of

__all__ = ["FetchError", "fetch_release", "verify_release"]

Opener = Callable[[str], IO[bytes]]


class FetchError(RuntimeError):
    """Download failed (no network, missing file on the server, or a hash mismatch)."""


def _default_opener(url: str) -> IO[bytes]:
    return urllib.request.urlopen(url, timeout=30)  # type: ignore[no-any-return]


def _spec(name: str) -> ReleaseSpec:
    try:
        return RELEASES[name]
    except KeyError:
        raise ValueError(f"name: unknown release {name!r}; allowed: {sorted(RELEASES)}") from None


def verify_release(name: str, folder: str | Path) -> dict[str, str]:
    """Check the files of release ``name`` in ``folder`` against the published sha256.

    Returns a mapping file → problem (``"missing"`` or ``"sha256 mismatch"``); empty when the
    folder holds the release exactly as published.
    """
    spec = _spec(name)
    folder = Path(folder)
    problems = {}
    for filename, digest in spec.files.items():
        path = folder / filename
        if not path.is_file():
            problems[filename] = "missing"
        elif sha256_of(path) != digest:
            problems[filename] = "sha256 mismatch"
    return problems


def fetch_release(
    name: str,
    to: str | Path,
    *,
    opener: Opener = _default_opener,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Download release ``name`` into ``to`` (created if needed) and verify each file.

    Files already present with the right hash are not downloaded again.

    Returns
    -------
    Path
        The folder, ready for :func:`cevns.experiments.releases.load_csi_2021` /
        :func:`~cevns.experiments.releases.load_lar_2020`.

    Raises
    ------
    FetchError
        No network / server error (with the manual-download instructions) or a sha256 mismatch
        (the bad download is deleted).
    """
    spec = _spec(name)
    folder = Path(to)
    folder.mkdir(parents=True, exist_ok=True)
    for filename, digest in spec.files.items():
        target = folder / filename
        if target.is_file() and sha256_of(target) == digest:
            if progress:
                progress(f"{filename}: already present, sha256 ok")
            continue
        url = spec.url(filename)
        partial = folder / (filename + ".part")
        hasher = hashlib.sha256()
        try:
            with opener(url) as response, partial.open("wb") as out:
                for chunk in iter(lambda r=response: r.read(1 << 16), b""):  # type: ignore[misc]
                    hasher.update(chunk)
                    out.write(chunk)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            partial.unlink(missing_ok=True)
            raise FetchError(
                f"{filename}: could not download {url} ({exc}). Without network, get the "
                f"release '{spec.title}' from {spec.reference} by hand, put its files in "
                f"{folder}, and pass that folder with --data."
            ) from None
        if hasher.hexdigest() != digest:
            partial.unlink(missing_ok=True)
            raise FetchError(
                f"{filename}: sha256 {hasher.hexdigest()} does not match the published "
                f"{digest}; the download was discarded"
            )
        shutil.move(partial, target)
        if progress:
            progress(f"{filename}: downloaded, sha256 ok")
    return folder
