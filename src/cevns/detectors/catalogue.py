"""The catalogue of built-in detectors: TOML files shipped in ``cevns/data/detectors/``.

``list_detectors()`` gives the names; ``load_detector(name_or_path)`` accepts a
catalogue name (``"csi-2021"``) or the path of a user's TOML file.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .detector import Detector
from .schema import DetectorFileError, load_detector_file, parse_detector


def _files() -> dict[str, Traversable]:
    root = resources.files("cevns.data").joinpath("detectors")
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in root.iterdir()
        if entry.name.endswith(".toml")
    }


def list_detectors() -> list[str]:
    """Names of the built-in detectors, sorted."""
    return sorted(_files())


@lru_cache(maxsize=64)
def _load_builtin(name: str) -> Detector:
    entry = _files()[name]
    return parse_detector(entry.read_text(encoding="utf-8"), f"{name}.toml (built-in)")


def builtin_text(name: str) -> str:
    """The TOML text of a built-in detector."""
    files = _files()
    if name not in files:
        raise ValueError(f"name: unknown detector {name!r}; built-in: {', '.join(sorted(files))}")
    return files[name].read_text(encoding="utf-8")


def load_detector(name_or_path: str | Path) -> Detector:
    """A built-in detector by name, or a detector from a TOML file path.

    Raises
    ------
    ValueError
        ``name: unknown detector ...`` listing the catalogue, or a
        :class:`~cevns.detectors.schema.DetectorFileError` for a bad file.
    """
    text = str(name_or_path)
    files = _files()
    key = text.lower()
    if key in files:
        return _load_builtin(key)
    if text.endswith(".toml") or Path(text).exists():
        return load_detector_file(text)
    raise ValueError(f"name: unknown detector {text!r}; built-in: {', '.join(sorted(files))}")


__all__ = ["DetectorFileError", "builtin_text", "list_detectors", "load_detector"]
