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


def _projection_figure(
    title: str,
    axis_name: str,
    unit: str,
    edges: np.ndarray,
    data: np.ndarray,
    parts: dict[str, tuple[np.ndarray, float]],
    path: Path,
) -> Path:
    width = np.diff(edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    fig = Figure(figsize=(7, 6))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    stack = np.zeros(centres.size)
    for name, (proj, total) in parts.items():
        top.stairs((stack + proj) / width, edges, baseline=stack / width, fill=True,
                   alpha=0.8, label=f"{name} ({total:.1f})")
        stack = stack + proj
    top.errorbar(centres, data / width, yerr=np.sqrt(data) / width, fmt="ko", ms=3,
                 label=f"data ({data.sum():.0f})")
    top.set_ylabel(f"events / {unit}" if unit else "events / unit")
    top.set_title(title, fontsize=9)
    top.legend(fontsize=8)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.where(stack > 0, (data - stack) / np.sqrt(stack), 0.0)
    bottom.axhline(0.0, color="grey", lw=0.8)
    bottom.errorbar(centres, resid, yerr=np.ones_like(resid), fmt="ko", ms=3)
    bottom.set_ylabel("(n − ν)/√ν")
    bottom.set_xlabel(f"{axis_name} [{unit}]" if unit else axis_name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def plot_analysis(analysis: Analysis, result: AnalysisResult, folder: str | Path) -> list[Path]:
    """Write the projection and profile figures of ``result`` into ``folder``; return paths.

    A combined analysis (with :attr:`Analysis.channels`) gets the projections of each channel.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    parts = analysis.model.expected_by_sample(result.fit.values)
    observed = analysis.likelihood.observed
    if analysis.channels:
        views = []
        for cname, ch in analysis.channels.items():
            prefix = f"{cname}/"
            views.append((
                f"{analysis.name}_{cname}",
                ch.axes,
                observed.ravel()[ch.bins].reshape(ch.shape),
                {k[len(prefix):]: v.ravel()[ch.bins].reshape(ch.shape)
                 for k, v in parts.items() if k.startswith(prefix)},
            ))
    else:
        views = [(analysis.name, analysis.axes, observed, parts)]
    written: list[Path] = []
    for label, axes, data, components in views:
        for k, axis in enumerate(axes):
            projections = {n: (_project(c, k), float(c.sum())) for n, c in components.items()}
            written.append(_projection_figure(
                f"{label}: {axis.name} projection\n{analysis.data_version}", axis.name,
                axis.unit, axis.display_edges, _project(data, k), projections,
                out / f"{label}_{axis.name}.png",
            ))
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
