"""Figures of ``cevns``: one style, every figure written as PDF, SVG and PNG.

This package is the only place that imports matplotlib, and it does so inside functions, so
``import cevns`` (and ``import cevns.plotting``) stays light.

Modules
-------
:mod:`cevns.plotting.style`
    Fixed colours per component (CEvNS, steady-state background, prompt/delayed
    beam-related neutrons, neutrino-induced neutrons, data) and per flavour, human axis
    labels (``"Visible energy [keVee]"``, ``"Nuclear recoil energy [keVnr]"``,
    ``"Photoelectrons [PE]"``, ``"Arrival time [µs]"``) and the ``rcParams``.
:mod:`cevns.plotting.figure`
    :func:`new_figure`, :func:`style_context`, :func:`legend_above`, :class:`Provenance`,
    :func:`save_figure` and the ``--plot`` output rule :func:`output_paths`: ``--plot DIR``
    writes ``DIR/<figure>.{pdf,svg,png}``; ``--plot NAME.png`` (or ``.pdf``, ``.svg``)
    writes ``NAME.pdf``, ``NAME.svg`` and ``NAME.png``.
:mod:`cevns.plotting.prediction`
    Prediction (recoil, measured spectrum, timing) and source (flux, arrival time) figures.
:mod:`cevns.plotting.analysis`
    Fit projections (stacked and background-subtracted) and the profile-likelihood figure.
:mod:`cevns.plotting.darkmatter`
    Accelerator dark-matter exclusion curves (log axes).
:mod:`cevns.plotting.scan`
    Scan figures: ``Δχ²`` curves, 2-D contours, exclusion curves with Brazil bands, a
    published curve overlaid from a CSV.
:mod:`cevns.plotting.exposure`
    Projection figures: expected precision and significance versus exposure with toy bands.
:mod:`cevns.plotting.impacts`
    The nuisance ranking: post-fit pulls and constraints beside the pre- and post-fit impacts.

Adding a figure
---------------
1. Write ``<thing>_figure(...) -> Figure`` in a module of this package. Import matplotlib
   only inside the function (type-only imports under ``TYPE_CHECKING``). Build everything
   inside ``with style_context():`` starting from ``new_figure(...)``.
2. Take colours and labels from :mod:`~cevns.plotting.style` (``component_colour``,
   ``flavour_colour``, ``axis_label``, ``BAND_COLOURS``), never hard-code them; add a new
   component or axis there, once. Use log axes where a curve spans decades
   (``spans_decades``); put legends above the axes (``legend_above``); draw no empty
   panels; keep data hashes out of titles.
3. Add ``plot_<thing>(..., target, provenance=None) -> list[Path]`` that calls
   :func:`save_figure` (PDF, SVG, PNG with provenance metadata), and call that from the CLI.
4. Add a case to ``tests/plotting/test_figures.py`` built from small fixed inputs, create its
   baseline with ``make baseline`` and look at the PNG before committing it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Provenance",
    "contour_figure",
    "dark_matter_limit_figure",
    "delta_chi2_figure",
    "exclusion_figure",
    "exposure_figure",
    "file_sha256",
    "impacts_figure",
    "legend_above",
    "new_figure",
    "output_paths",
    "plot_analysis",
    "plot_dark_matter_limits",
    "plot_exposure",
    "plot_impacts",
    "plot_prediction",
    "plot_projections",
    "plot_scan",
    "plot_source",
    "prediction_figure",
    "profile_figure",
    "projection_figure",
    "read_published_curve",
    "save_figure",
    "source_figure",
    "style_context",
]

_WHERE = {
    "Provenance": "figure",
    "file_sha256": "figure",
    "legend_above": "figure",
    "new_figure": "figure",
    "output_paths": "figure",
    "save_figure": "figure",
    "style_context": "figure",
    "plot_prediction": "prediction",
    "plot_source": "prediction",
    "prediction_figure": "prediction",
    "source_figure": "prediction",
    "plot_analysis": "analysis",
    "plot_projections": "analysis",
    "profile_figure": "analysis",
    "projection_figure": "analysis",
    "contour_figure": "scan",
    "delta_chi2_figure": "scan",
    "exclusion_figure": "scan",
    "exposure_figure": "exposure",
    "plot_exposure": "exposure",
    "impacts_figure": "impacts",
    "plot_impacts": "impacts",
    "plot_scan": "scan",
    "read_published_curve": "scan",
    "dark_matter_limit_figure": "darkmatter",
    "plot_dark_matter_limits": "darkmatter",
}


def __getattr__(name: str) -> Any:
    """Import the submodule holding ``name`` on first use (keeps this package light)."""
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"cevns.plotting.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'cevns.plotting' has no attribute {name!r}")
