"""Figures of a fitted analysis: projections with the fit, background-subtracted, and the profile.

For every observable axis of every detector of an :class:`~cevns.experiments.analysis.
Analysis`, :func:`projection_figure` draws two panels sharing the axis, as in the
collaboration's own figures (e.g. COHERENT, Phys. Rev. Lett. 129 (2022) 081801, Fig. 3):

* top: the data (points with Poisson √n errors) over the stacked best-fit components;
* bottom: the data minus every fitted background, with the fitted CEvNS and the
  Standard-Model CEvNS (μ = 1, other parameters at their best fit) overlaid.

:func:`profile_figure` draws the profile-likelihood curve of the CEvNS signal strength μ
with its 68.3 % interval shaded, the best fit, the Standard Model (μ = 1) and the 1σ/2σ
levels marked.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import (
    BAND_COLOURS,
    COMPONENT_COLOURS,
    DATA_COLOUR,
    analysis_title,
    axis_label,
    component_colour,
    component_label,
    display_unit,
)
from cevns.types import FloatArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cevns.experiments.analysis import Analysis, AnalysisResult, Axis, Channel
    from cevns.stats.likelihood import ProfileScan

__all__ = [
    "data_points",
    "legend_covers_data",
    "plot_analysis",
    "plot_projections",
    "profile_figure",
    "projection_figure",
]

_SIGNAL = "cevns"


def _project(array: FloatArray, axis: int) -> FloatArray:
    others = tuple(i for i in range(array.ndim) if i != axis)
    return np.asarray(array.sum(axis=others), dtype=np.float64)


def _is_signal(name: str, signal: str = _SIGNAL) -> bool:
    return name.rsplit("/", 1)[-1] == signal


def projection_figure(
    axis: Axis,
    data: FloatArray,
    fitted: Mapping[str, FloatArray],
    standard_model: FloatArray | None = None,
    *,
    title: str = "",
    signal: str = _SIGNAL,
) -> Figure:
    """Data over the stacked fit (top) and background-subtracted data with CEvNS (bottom).

    Parameters
    ----------
    axis
        The observable axis projected on (edges, unit and name give the x axis).
    data
        Observed counts per bin of this axis.
    fitted
        Best-fit expected counts per component (same bins); the component named ``signal``
        (or ``<channel>/<signal>``) is the signal, all others are backgrounds.
    standard_model
        Standard-Model CEvNS counts per bin (dashed line in the lower panel), optional.
    title
        Figure title (never a data hash: provenance belongs in the file metadata).
    signal
        Name of the signal component (``"cevns"``); it is drawn in the CEvNS colour.
    """
    edges = axis.display_edges
    per_unit = bool(axis.unit)
    width = np.diff(edges) if per_unit else np.ones(edges.size - 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    ylabel = f"Events / {display_unit(axis.unit)}" if per_unit else "Events / bin"
    def is_signal(n: str) -> bool:
        return _is_signal(n, signal)

    def colour(n: str) -> str:
        return COMPONENT_COLOURS[_SIGNAL] if is_signal(n) else component_colour(n, order)

    order = sorted(fitted, key=lambda n: (not is_signal(n), n))[::-1]  # signal on top
    signal_name = component_label(signal)
    if signal_name[1:2].islower():  # "Signal" → "Fitted signal"; "CEvNS" stays
        signal_name = signal_name[:1].lower() + signal_name[1:]
    fitted_signal = sum((fitted[n] for n in fitted if is_signal(n)), np.zeros(centres.size))
    background = sum((fitted[n] for n in fitted if not is_signal(n)), np.zeros(centres.size))
    with style_context():
        fig, (top, bottom) = new_figure(
            2, 1, figsize=(6.4, 6.6), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
        )
        stack = np.zeros(centres.size)
        for name in order:
            part = fitted[name]
            top.stairs((stack + part) / width, edges, baseline=stack / width, fill=True,
                       color=colour(name), alpha=0.85,
                       label=f"{component_label(name)} ({part.sum():.0f})")
            stack = stack + part
        top.stairs(stack / width, edges, color="k", lw=1.0)
        top.errorbar(centres, data / width, yerr=np.sqrt(data) / width, fmt="o", ms=3.5,
                     color=DATA_COLOUR, label=f"Data ({data.sum():.0f})")
        top.set_ylabel(ylabel)
        top.set_ylim(bottom=0.0, top=1.12 * float(np.max((np.maximum(stack, data)
                                                            + np.sqrt(data)) / width)))
        if title:  # above the legend (constrained layout keeps them apart)
            fig.suptitle(textwrap.fill(title, 60))

        excess = data - background
        bottom.axhline(0.0, color="grey", lw=0.8)
        bottom.stairs(fitted_signal / width, edges, fill=True, color=COMPONENT_COLOURS[_SIGNAL],
                      alpha=0.5)
        bottom.stairs(fitted_signal / width, edges, color=COMPONENT_COLOURS[_SIGNAL],
                      label=f"Fitted {signal_name} ({fitted_signal.sum():.0f})")
        if standard_model is not None:
            bottom.stairs(standard_model / width, edges, color=COMPONENT_COLOURS[_SIGNAL],
                          ls="--", label=f"Standard-Model {signal_name} "
                                         f"({standard_model.sum():.0f})")
        bottom.errorbar(centres, excess / width, yerr=np.sqrt(data) / width, fmt="o", ms=3.5,
                        color=DATA_COLOUR, label="Data − fitted backgrounds")
        high = np.concatenate([(excess + np.sqrt(data)) / width, fitted_signal / width])
        if standard_model is not None:
            high = np.concatenate([high, standard_model / width])
        low = float(np.min(np.append((excess - np.sqrt(data)) / width, 0.0)))
        peak = float(np.max(high)) if high.size else 1.0
        bottom.set_ylim(low - 0.05 * (peak - low), peak + 0.45 * (peak - low))  # room for legend
        bottom.set_ylabel(ylabel)
        bottom.set_xlabel(axis_label(axis.name, axis.unit))
        bottom.set_xlim(edges[0], edges[-1])
        legend_above(top, ncol=2)
        bottom.legend(loc="best")
        _move_legend_off_data(bottom)
    return fig


def data_points(ax: Axes) -> FloatArray:
    """Display coordinates of every data point of ``ax``: line vertices and the ends of
    error bars (filled histograms are not data and may sit under a legend)."""
    from matplotlib.collections import LineCollection

    pts = [np.asarray(line.get_xydata(), dtype=np.float64).reshape(-1, 2)
           for line in ax.get_lines()]
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            pts += [np.asarray(seg, dtype=np.float64).reshape(-1, 2)
                    for seg in coll.get_segments()]
    data = np.concatenate(pts) if pts else np.empty((0, 2))
    data = data[np.all(np.isfinite(data), axis=1)]
    return np.asarray(ax.transData.transform(data), dtype=np.float64).reshape(-1, 2)


def legend_covers_data(ax: Axes) -> bool:
    """True when the legend of ``ax`` lies over a data point or error-bar end of ``ax``.

    Draws the figure once (layout must be final to know where the legend is).
    """
    legend = ax.get_legend()
    if legend is None:
        return False
    fig = ax.get_figure()
    assert fig is not None
    fig.canvas.draw()
    box = legend.get_window_extent()
    disp = data_points(ax)
    inside = ((disp[:, 0] >= box.x0) & (disp[:, 0] <= box.x1)
              & (disp[:, 1] >= box.y0) & (disp[:, 1] <= box.y1))
    return bool(inside.any())


def _move_legend_off_data(ax: Axes) -> None:
    """Keep a 'best' legend of ``ax`` only if it covers no data; otherwise put it above."""
    if legend_covers_data(ax):
        legend = ax.get_legend()
        assert legend is not None
        legend.remove()
        legend_above(ax, ncol=2)


def profile_figure(
    scan: ProfileScan,
    interval: tuple[float, float] | None = None,
    *,
    parameter_label: str = "CEvNS signal strength μ",
    reference: float | None = 1.0,
    reference_label: str = "Standard Model (μ = 1)",
    title: str = "",
) -> Figure:
    """Profile likelihood ``−2 Δln L`` of the signal strength, μ = 1 (SM) and the interval.

    Parameters
    ----------
    scan
        The profile scan (``values``, ``q``).
    interval
        68.3 % interval ``(low, high)`` to shade (default: where ``q ≤ 1`` on the scan).
    parameter_label
        x-axis label.
    reference, reference_label
        Value marked by a dashed line (the Standard Model, μ = 1); ``None``: no line.
    title
        Figure title.
    """
    x = np.asarray(scan.values, dtype=float)
    q = np.asarray(scan.q, dtype=float)
    symbol = "μ" if reference_label.endswith("(μ = 1)") else scan.parameter
    best = float(x[int(np.argmin(q))])
    if interval is None:
        try:
            interval = scan.interval(1.0)
        except ValueError:
            interval = None
    with style_context():
        fig, ax = new_figure(figsize=(6.4, 4.6))
        if interval is not None:
            lo, hi = interval
            ax.axvspan(lo, hi, color=BAND_COLOURS["interval"], alpha=0.15, lw=0,
                       label=f"68.3 % CL: [{lo:.2f}, {hi:.2f}]")
        # a coarse scan shows its points, so nobody reads the straight segments as computed
        ax.plot(x, q, "-o" if x.size < 15 else "-", ms=3, color="k", label="Profile likelihood")
        with contextlib.suppress(AttributeError, ValueError):
            best = scan.best_fit.value(scan.parameter)
        ax.plot([best], [0.0], "o", color="k", ms=6, clip_on=False, zorder=5,
                label=f"Best fit {symbol} = {best:.2f}" if symbol == "μ"
                else f"Best fit {symbol} = {best:.3g}")
        if reference is not None:
            ax.axvline(reference, color=COMPONENT_COLOURS[_SIGNAL], ls="--",
                       label=reference_label)
        # the region that matters: up to a little beyond 3σ (q = 9), at least q = 5
        ymax = min(max(5.0, float(np.nanmax(q)) * 1.05), 12.0) if q.size else 5.0
        for level, text in ((1.0, "1σ"), (4.0, "2σ")):
            ax.axhline(level, color="grey", ls=":", lw=1.0)
            ax.annotate(text, (1.0, level), xycoords=("axes fraction", "data"),
                        xytext=(3, 0), textcoords="offset points", va="center", color="grey")
        ax.set_xlim(float(x.min()), float(x.max()))
        ax.set_ylim(0.0, ymax)
        ax.set_xlabel(parameter_label)
        ax.set_ylabel("−2 Δln L")
        if title:
            fig.suptitle(textwrap.fill(title, 60))
        legend_above(ax, ncol=2)
    return fig


def plot_projections(
    name: str,
    axes: Sequence[Axis],
    observed: FloatArray,
    fitted: Mapping[str, FloatArray],
    target: str | Path,
    provenance: Provenance | None = None,
    *,
    standard_model: FloatArray | None = None,
    signal: str = _SIGNAL,
    title: str = "",
) -> list[Path]:
    """Write one :func:`projection_figure` per axis of a binned fit into folder ``target``.

    Parameters
    ----------
    name
        File-name stem: ``<name>_<axis>.{pdf,svg,png}``.
    axes
        The axes of the bin array, in order.
    observed, fitted
        Observed counts and best-fit expected counts per component, each of the full
        bin shape.
    standard_model
        Signal expected at the Standard Model (μ = 1), of the full bin shape; optional.
    signal
        Name of the signal component.

    Returns
    -------
    list of Path
        The PNG files written (the PDF and SVG sit next to them).
    """
    prov = provenance or Provenance(description=f"{name} fit")
    data = np.asarray(observed, dtype=np.float64)
    written: list[Path] = []
    for k, axis in enumerate(axes):
        fig = projection_figure(
            axis, _project(data, k), {n: _project(np.asarray(c), k) for n, c in fitted.items()},
            None if standard_model is None else _project(np.asarray(standard_model), k),
            title=title, signal=signal,
        )
        paths = save_figure(fig, target, f"{name}_{axis.name}", prov,
                            title=f"{title or name}: {axis.name} projection")
        written += [p for p in paths if p.suffix == ".png"]
    return written


def plot_analysis(
    analysis: Analysis,
    result: AnalysisResult,
    target: str | Path,
    provenance: Provenance | None = None,
) -> list[Path]:
    """Write every projection and the profile figure of ``result`` into folder ``target``.

    A combined analysis (with :attr:`Analysis.channels`) gets the projections of each
    channel. Each figure is written as PDF, SVG and PNG (:func:`~cevns.plotting.figure.
    output_paths`); the data version goes into the file metadata. Returns the PNG paths
    (the PDF and SVG sit next to them).
    """
    prov = provenance or Provenance()
    prov = Provenance(description=prov.description or f"{analysis.name} fit",
                      command=prov.command,
                      data={**dict(prov.data), analysis.name: analysis.data_version})
    folder = Path(target)
    if folder.suffix.lower() in {".png", ".pdf", ".svg"}:
        folder = folder.with_suffix("")
    values = result.fit.values
    model = analysis.model
    fitted_all = model.expected_by_sample(values)
    sm_values = np.array(values, dtype=float, copy=True)
    # Signal strengths: the analysis's own and, in a combined analysis, each detector's
    # ("csi/mu_csi"); all set to 1 for the Standard-Model overlay.
    signal_names = [n for n in model.parameter_names
                    if n == analysis.signal_parameter or n.rsplit("/", 1)[-1].startswith("mu_")]
    for n in signal_names:
        sm_values[model.parameter_names.index(n)] = 1.0
    sm_all = model.expected_by_sample(sm_values)
    observed = analysis.likelihood.observed
    views: list[tuple[str, str, tuple[Axis, ...], FloatArray, dict[str, FloatArray],
                      FloatArray]] = []
    if analysis.channels:
        for cname, ch in analysis.channels.items():
            prefix = f"{cname}/"

            def part(v: FloatArray, ch: Channel = ch) -> FloatArray:
                return np.asarray(v.ravel()[ch.bins].reshape(ch.shape), dtype=np.float64)

            sm = sum((part(v) for k, v in sm_all.items()
                      if k.startswith(prefix) and _is_signal(k)), np.zeros(ch.shape))
            views.append((f"{analysis.name}_{cname}",
                          f"{analysis_title(cname)} (joint fit)", ch.axes,
                          part(observed),
                          {k[len(prefix):]: part(v) for k, v in fitted_all.items()
                           if k.startswith(prefix)}, sm))
    else:
        sm = sum((v for k, v in sm_all.items() if _is_signal(k)), np.zeros(observed.shape))
        views.append((analysis.name, analysis_title(analysis.name), analysis.axes,
                      np.asarray(observed),
                      dict(fitted_all), np.asarray(sm)))
    written: list[Path] = []
    for stem, title, axes, data, components, sm in views:
        written += plot_projections(stem, axes, data, components, folder, prov,
                                    standard_model=sm, title=title)
    if result.profile is not None:
        mu, lo, hi = result.signal_strength
        is_mu = result.profile.parameter.rsplit("/", 1)[-1].startswith("mu")
        title = analysis_title(analysis.name)
        if is_mu:
            fig = profile_figure(result.profile, (mu + lo, mu + hi), title=title)
        else:  # a model parameter of interest: no Standard-Model line at 1
            fig = profile_figure(result.profile, (mu + lo, mu + hi), title=title,
                                 parameter_label=result.profile.parameter, reference=None,
                                 reference_label="")
        paths = save_figure(fig, folder, f"{analysis.name}_profile", prov,
                            title=f"{analysis.name}: profile likelihood")
        written += [p for p in paths if p.suffix == ".png"]
    return written
