"""Figures of a fitted analysis: data with the stacked fit per projection, residuals, profile.

Each observable axis gets one PNG: the data (points, Poisson √n errors) over the stacked
best-fit components, with a residual panel ``(n − ν)/√ν`` below; the profile-likelihood curve
of the CEvNS signal strength gets its own figure. Figures are built with the object-oriented
``matplotlib.figure.Figure`` API (no pyplot state, no backend switch).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from cevns.experiments.analysis import Analysis, AnalysisResult

__all__ = ["plot_analysis"]


def _project(array: np.ndarray, axis: int) -> np.ndarray:
    others = tuple(i for i in range(array.ndim) if i != axis)
    return np.asarray(array.sum(axis=others), dtype=np.float64)


def plot_analysis(analysis: Analysis, result: AnalysisResult, folder: str | Path) -> list[Path]:
    """Write the projection and profile figures of ``result`` into ``folder``; return paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    model = analysis.model
    parts = model.expected_by_sample(result.fit.values)
    observed = analysis.likelihood.observed
    written: list[Path] = []
    for k, axis in enumerate(analysis.axes):
        edges = axis.display_edges
        centres = 0.5 * (edges[1:] + edges[:-1])
        data = _project(observed, k)
        width = np.diff(edges)
        fig = Figure(figsize=(7, 6))
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        bottom_stack = np.zeros(centres.size)
        for name, counts in parts.items():
            proj = _project(counts, k)
            top.bar(edges[:-1], proj / width, width=width, bottom=bottom_stack / width,
                    align="edge", label=f"{name} ({counts.sum():.1f})", alpha=0.8)
            bottom_stack = bottom_stack + proj
        top.errorbar(centres, data / width, yerr=np.sqrt(data) / width, fmt="ko", ms=3,
                     label=f"data ({data.sum():.0f})")
        top.set_ylabel(f"events / {axis.unit}" if axis.unit else "events / unit")
        top.set_title(f"{analysis.name}: {axis.name} projection ({analysis.data_version})",
                      fontsize=9)
        top.legend(fontsize=8)
        with np.errstate(divide="ignore", invalid="ignore"):
            resid = np.where(bottom_stack > 0, (data - bottom_stack) / np.sqrt(bottom_stack), 0)
        bottom.axhline(0.0, color="grey", lw=0.8)
        bottom.errorbar(centres, resid, yerr=np.ones_like(resid), fmt="ko", ms=3)
        bottom.set_ylabel("(n − ν)/√ν")
        bottom.set_xlabel(f"{axis.name} [{axis.unit}]" if axis.unit else axis.name)
        path = out / f"{analysis.name}_{axis.name}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        written.append(path)
    if result.profile is not None:
        scan = result.profile
        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        ax.plot(scan.values, scan.q, "b-")
        ax.axhline(1.0, color="grey", ls="--", lw=0.8, label="68.3 % CL")
        ax.axhline(4.0, color="grey", ls=":", lw=0.8, label="95.4 % CL")
        ax.set_xlabel(f"{scan.parameter} (CEvNS / SM)")
        ax.set_ylabel("−2 Δ ln L")
        ax.set_title(f"{analysis.name}: profile likelihood", fontsize=9)
        ax.legend(fontsize=8)
        path = out / f"{analysis.name}_profile.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        written.append(path)
    return written
