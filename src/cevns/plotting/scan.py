"""Scan figures: ``Δχ²`` curves, 2-D contours with the best fit, exclusion curves with Brazil
bands, and a published curve overlaid from a CSV file.

A published curve file has two numeric columns (x, y; first axis then second axis for a
contour, parameter then ``Δχ²`` for a 1-D curve, second axis then limit for an exclusion
curve); lines starting with ``#`` and a non-numeric header line are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import BAND_COLOURS, TOTAL_COLOUR
from cevns.types import FloatArray

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cevns.scan.results import ScanResult
    from cevns.scan.sensitivity import Sensitivity

__all__ = [
    "contour_figure",
    "delta_chi2_figure",
    "exclusion_figure",
    "plot_scan",
    "read_published_curve",
]

_LEVEL_STYLES = ((0.6827, "-", "68.3 %"), (0.90, "--", "90 %"), (0.95, ":", "95 %"))
_PUBLISHED_COLOUR = "#D55E00"


def read_published_curve(path: str | Path) -> FloatArray:
    """Two-column CSV (x, y) of a published curve; ``ValueError`` naming the line if bad."""
    rows: list[tuple[float, float]] = []
    header_seen = False
    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.replace(";", ",").split(",")]
        try:
            if len(cells) < 2:
                raise ValueError
            x, y = float(cells[0]), float(cells[1])
        except ValueError:
            if not rows and not header_seen:
                header_seen = True
                continue  # header
            raise ValueError(f"{path}:{number}: need two numbers 'x,y', got {line!r}") from None
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"{path}:{number}: values must be finite, got {line!r}")
        rows.append((x, y))
    if len(rows) < 2:
        raise ValueError(f"{path}: a published curve needs at least two points")
    return np.array(rows)


def delta_chi2_figure(result: ScanResult, published: FloatArray | None = None,
                      published_label: str = "Published") -> Figure:
    """``Δχ²`` of a 1-D scan with the Wilks thresholds (and Feldman–Cousins critical values)."""
    from cevns.scan.results import wilks_threshold

    name = result.grid.names[0]
    x = result.points[:, 0]
    order = np.argsort(x, kind="stable")
    q = result.delta_chi2[order]
    with style_context():
        fig, ax = new_figure(figsize=(6.4, 4.6))
        ax.plot(x[order], q, color=TOTAL_COLOUR, label="Profile likelihood")
        best = result.best_point()[name]
        ax.plot([best], [0.0], "o", color=TOTAL_COLOUR, ms=5, label=f"Best fit {best:.3g}")
        for level, style, text in _LEVEL_STYLES:
            ax.axhline(wilks_threshold(level, 1), color="grey", ls=style, lw=1.0,
                       label=f"{text} CL (Wilks)")
        crit = result.fc_critical
        if crit is not None:
            ax.plot(x[order], crit[order, 1], color=BAND_COLOURS["interval"], ls="--",
                    label="90 % CL (Feldman–Cousins)")
        if published is not None:
            ax.plot(published[:, 0], published[:, 1], color=_PUBLISHED_COLOUR, ls="-.",
                    label=published_label)
        ax.set_xlim(float(x.min()), float(x.max()))
        ax.set_ylim(0.0, min(max(5.0, float(np.nanmax(q)) * 1.05), 30.0))
        if result.grid.axes and result.grid.axes[0].log:
            ax.set_xscale("log")
        ax.set_xlabel(name)
        ax.set_ylabel("−2 Δln L")
        legend_above(ax, ncol=2)
    return fig


def contour_figure(result: ScanResult, published: FloatArray | None = None,
                   published_label: str = "Published") -> Figure:
    """68.3/90/95 % Wilks contours (2 dof) of a 2-D scan with the best fit."""
    a0, a1 = result.grid.axes
    with style_context():
        fig, ax = new_figure(figsize=(6.0, 5.2))
        for level, style, text in _LEVEL_STYLES:
            for k, line in enumerate(result.contours(level)):
                ax.plot(line[:, 0], line[:, 1], color=TOTAL_COLOUR, ls=style,
                        label=f"{text} CL" if k == 0 else None)
        best = result.best_point()
        ax.plot([best[a0.name]], [best[a1.name]], "+", color=TOTAL_COLOUR, ms=10, mew=2,
                label="Best fit")
        if published is not None:
            ax.plot(published[:, 0], published[:, 1], color=_PUBLISHED_COLOUR, ls="-.",
                    label=published_label)
        ax.set_xlim(a0.low, a0.high)
        ax.set_ylim(a1.low, a1.high)
        if a0.log:
            ax.set_xscale("log")
        if a1.log:
            ax.set_yscale("log")
        ax.set_xlabel(a0.name)
        ax.set_ylabel(a1.name)
        legend_above(ax, ncol=3)
    return fig


def exclusion_figure(sensitivity: Sensitivity, parameter: str, slice_parameter: str = "",
                     observed: FloatArray | None = None, published: FloatArray | None = None,
                     published_label: str = "Published") -> Figure:
    """Expected limit (Asimov, toy median) with ±1σ/±2σ bands against the second axis (or a
    single-limit band plot for a 1-D scan), observed limit and a published curve."""
    s = sensitivity
    pct = f"{s.level * 100:.0f} % CL"
    with style_context():
        fig, ax = new_figure(figsize=(6.4, 4.6))
        if s.slices.size > 1:
            x = s.slices
            ax.fill_between(x, s.bands[:, 0], s.bands[:, 4], color=BAND_COLOURS["2sigma"],
                            lw=0, label="Expected ±2σ")
            ax.fill_between(x, s.bands[:, 1], s.bands[:, 3], color=BAND_COLOURS["1sigma"],
                            lw=0, label="Expected ±1σ")
            ax.plot(x, s.bands[:, 2], color=TOTAL_COLOUR, ls="--", label="Expected (median)")
            ax.plot(x, s.asimov, color="grey", ls=":", label="Expected (Asimov)")
            if observed is not None:
                ax.plot(x, observed, color=TOTAL_COLOUR, label=f"Observed {pct}")
            ax.set_xlabel(slice_parameter)
        else:
            b = s.bands[0]
            ax.axvspan(b[0], b[4], color=BAND_COLOURS["2sigma"], label="Expected ±2σ")
            ax.axvspan(b[1], b[3], color=BAND_COLOURS["1sigma"], label="Expected ±1σ")
            ax.axvline(b[2], color=TOTAL_COLOUR, ls="--", label="Expected (median)")
            ax.axvline(s.asimov[0], color="grey", ls=":", label="Expected (Asimov)")
            if observed is not None:
                ax.axvline(float(observed[0]), color=TOTAL_COLOUR, label=f"Observed {pct}")
            ax.set_yticks([])
            ax.set_xlabel(f"{parameter} upper limit ({pct})")
        if published is not None:
            ax.plot(published[:, 0], published[:, 1], color=_PUBLISHED_COLOUR, ls="-.",
                    label=published_label)
        if s.slices.size > 1:
            ax.set_ylabel(f"{parameter} upper limit ({pct})")
        legend_above(ax, ncol=3)
    return fig


def plot_scan(result: ScanResult, target: str | Path, *, published: FloatArray | None = None,
              sensitivity: Sensitivity | None = None,
              provenance: Provenance | None = None) -> list[Path]:
    """Write the figures of ``result`` (``scan_delta_chi2`` or ``scan_contours``, and
    ``scan_exclusion`` with a sensitivity) into folder ``target``; returns the PNG paths."""
    prov = provenance or Provenance(description="profile-likelihood scan")
    written: list[Path] = []
    figures: list[tuple[str, Figure]] = []
    if len(result.grid.names) == 1:
        figures.append(("scan_delta_chi2", delta_chi2_figure(result, published)))
    elif len(result.grid.axes) == 2:
        figures.append(("scan_contours", contour_figure(result, published)))
    if sensitivity is not None:
        from cevns.scan.sensitivity import upper_limits

        observed = upper_limits(result.grid, result.delta_chi2, sensitivity.level)
        names: Sequence[str] = result.grid.names
        figures.append(("scan_exclusion", exclusion_figure(
            sensitivity, names[0], names[1] if len(names) > 1 else "", observed)))
    for name, fig in figures:
        paths = save_figure(fig, target, name, prov)
        written += [p for p in paths if p.suffix == ".png"]
    return written
