"""Creating, annotating and writing figures: the plumbing every ``cevns`` figure shares.

* :func:`new_figure` makes a ``matplotlib.figure.Figure`` (object-oriented API, no pyplot
  state, no backend switch) with :data:`cevns.plotting.style.RC_PARAMS` and constrained
  layout.
* :func:`legend_above` puts one legend outside the data region (above one axes, below a
  figure's panels), so it never covers data.
* :func:`save_figure` writes PDF, SVG and PNG at once, with the provenance (cevns version,
  command line, data hash) in each file's metadata instead of in the title, and without
  creation dates, so the same inputs give byte-identical PDF and SVG files.

The output rule of every ``--plot`` option is :func:`output_paths`: ``--plot DIR`` writes
``DIR/<figure>.pdf``, ``.svg`` and ``.png``; ``--plot NAME.png`` (or ``.pdf``/``.svg``)
writes ``NAME.pdf``, ``NAME.svg`` and ``NAME.png`` (the suffix names the stem, all three
formats are always written).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cevns.plotting.style import RC_PARAMS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

__all__ = [
    "FORMATS",
    "Provenance",
    "file_sha256",
    "legend_above",
    "new_figure",
    "output_paths",
    "save_figure",
    "style_context",
]

#: Formats written by every ``--plot`` (vector for papers and slides, PNG for quick looks).
FORMATS: tuple[str, ...] = ("pdf", "svg", "png")
_SUFFIXES = {f".{f}" for f in FORMATS}


@dataclass(frozen=True)
class Provenance:
    """Where a figure came from; written into the file metadata, never onto the figure.

    Attributes
    ----------
    description
        One line saying what the figure shows.
    command
        The command line that made it (default: this process's arguments).
    data
        Input data labels → content hash (e.g. ``{"coherent-csi-2021":
        "coherent-csi-2021@1a2b..."}``, the sha256-based release version).
    """

    description: str = ""
    command: str = field(default_factory=lambda: shlex.join(
        [Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:]]))
    data: Mapping[str, str] = field(default_factory=dict)

    @property
    def software(self) -> str:
        """``"cevns 0.1.0, matplotlib 3.x"``."""
        import matplotlib

        from cevns import __version__

        return f"cevns {__version__}, matplotlib {matplotlib.__version__}"

    def text(self) -> str:
        """All of it on one line (used where a format has a single free-text field)."""
        parts = [self.description, f"made with {self.software}", f"command: {self.command}"]
        parts += [f"data {k}: {v}" for k, v in self.data.items()]
        return "; ".join(p for p in parts if p)

    def metadata(self, fmt: str, title: str = "") -> dict[str, Any]:
        """Metadata dictionary for ``Figure.savefig(..., metadata=...)`` in format ``fmt``.

        PDF and SVG get their standard keys (no creation date, so output is reproducible);
        PNG gets text chunks, one per item.
        """
        data = "; ".join(f"{k}: {v}" for k, v in self.data.items())
        if fmt == "pdf":
            return {"Title": title, "Subject": self.description, "Creator": self.software,
                    "Keywords": f"command: {self.command}" + (f"; data {data}" if data else ""),
                    "CreationDate": None, "ModDate": None}
        if fmt == "svg":
            return {"Title": title, "Description": self.text(), "Creator": self.software,
                    "Source": data or self.command, "Date": None}
        if fmt == "png":
            out = {"Title": title, "Description": self.description, "Software": self.software,
                   "Command": self.command}
            for k, v in self.data.items():
                out[f"Data {k}"[:79]] = v
            return out
        raise ValueError(f"format: must be one of {', '.join(FORMATS)}, got {fmt!r}")


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file (for :attr:`Provenance.data`)."""
    import hashlib

    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def style_context(extra: Mapping[str, object] | None = None) -> Iterator[None]:
    """Apply the cevns ``rcParams`` (plus ``extra``) inside the block."""
    import matplotlib

    params: dict[str, Any] = dict(RC_PARAMS)
    params.update(extra or {})
    with matplotlib.rc_context(params):  # type: ignore[arg-type]
        yield


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    figsize: tuple[float, float] = (6.4, 4.8),
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """A styled figure with constrained layout and its axes (as ``Figure.subplots`` returns).

    Build the figure inside :func:`style_context` if fonts and ticks must follow the style
    at draw time too (:func:`save_figure` does that).
    """
    from matplotlib.figure import Figure

    with style_context():
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def legend_above(
    target: Figure | Axes,
    handles: Sequence[Any] | None = None,
    labels: Sequence[str] | None = None,
    *,
    ncol: int | None = None,
) -> Legend:
    """One legend above the plotting area (outside the data, so it never covers a point).

    ``target`` is a figure (legend of all its axes, centred above them) or one axes.
    """
    from matplotlib.figure import Figure

    if handles is None or labels is None:
        axes = target.axes if isinstance(target, Figure) else [target]
        seen: dict[str, Any] = {}
        for ax in axes:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                seen.setdefault(lab, h)
        labels, handles = list(seen), list(seen.values())
    n = ncol or min(len(labels), 3)
    if isinstance(target, Figure):
        return target.legend(handles, labels, loc="outside lower center", ncols=n)
    return target.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.01, 1.0, 0.1),
                         mode="expand", ncols=n, borderaxespad=0.0)


def output_paths(target: str | Path, name: str) -> dict[str, Path]:
    """Files a ``--plot target`` writes for the figure called ``name``.

    ``target`` with a ``.pdf``/``.svg``/``.png`` suffix: that stem in each format; any other
    ``target`` is a folder (created) holding ``name.pdf``, ``name.svg`` and ``name.png``.
    """
    path = Path(target)
    stem = path.with_suffix("") if path.suffix.lower() in _SUFFIXES else path / name
    return {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in FORMATS}


def save_figure(
    fig: Figure,
    target: str | Path,
    name: str,
    provenance: Provenance | None = None,
    *,
    title: str = "",
    formats: Sequence[str] = FORMATS,
) -> list[Path]:
    """Write ``fig`` as PDF, SVG and PNG (see :func:`output_paths`); return the paths.

    The provenance goes into each file's metadata (PDF info dictionary, SVG ``<metadata>``,
    PNG text chunks). Unwritable targets raise ``ValueError`` naming the path.
    """
    prov = provenance or Provenance()
    paths = output_paths(target, name)
    written: list[Path] = []
    with style_context():
        for fmt in formats:
            path = paths[fmt]
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fig.savefig(path, format=fmt, metadata=prov.metadata(fmt, title or name))
            except OSError as exc:
                raise ValueError(f"plot: cannot write {path}: {exc.strerror or exc}") from exc
            written.append(path)
    return written
