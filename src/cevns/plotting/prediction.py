"""Figures of a detector prediction and of a neutrino source.

:func:`prediction_figure` shows a :class:`~cevns.detectors.Prediction` by flavour: the
nuclear-recoil spectrum before any detector response, the spectrum in the measured
observable (photoelectrons or visible energy), and, only for a detector with time bins, the
arrival-time distribution and the observable × time map. :func:`source_figure` shows a
source's flux per flavour (continuous spectra and monoenergetic lines) and, for a pulsed
source, the arrival-time distributions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cevns import units as u
from cevns.flavours import Flavour
from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import (
    TOTAL_COLOUR,
    axis_label,
    flavour_colour,
    flavour_label,
    spans_decades,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cevns.detectors import Prediction
    from cevns.sources.spectrum import Spectrum

__all__ = ["plot_prediction", "plot_source", "prediction_figure", "source_figure"]


def _observable(pred: Prediction) -> tuple[str, str, float]:
    """(axis label, unit, scale from internal units) of the detector's energy observable."""
    unit, scale = pred.detector.observable_unit
    return axis_label("energy", unit), unit, scale


def _sci(value: float) -> str:
    """``1.9e+07`` → ``1.9×10⁷`` (mathtext) for annotations."""
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"${float(mantissa):.2g}\\times10^{{{int(exponent)}}}$"


def _log_if_decades(ax: Axes, values: Any, axis: str = "y") -> None:
    if spans_decades(values):
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")


def _recoil_density(pred: Prediction, n: int = 400) -> tuple[Any, Any]:
    """``dN/dT`` per flavour summed over isotopes on one log grid: ``(T [MeV], (n_f, n))``.

    Each isotope's rate is known at its own quadrature nodes; it is interpolated (linearly,
    flat below its lowest node, zero above its kinematic end) onto a common grid before
    summing, which gives smooth curves where histogramming the nodes would show quadrature
    ripples.
    """
    spectra = pred.recoil_spectrum()
    lo = min(float(np.min(t)) for t, _ in spectra.values())
    hi = max(float(np.max(t)) for t, _ in spectra.values())
    grid = np.geomspace(lo, hi, n)
    out = np.zeros((len(pred.flavours), n))
    for t, rates in spectra.values():
        order = np.argsort(t)
        for i, r in enumerate(np.atleast_2d(rates)):
            out[i] += np.interp(grid, t[order], r[order], left=r[order][0], right=0.0)
    return grid, out


def _shared_dashes(curves: list[Any]) -> list[Any]:
    """Line style per curve: solid, but curves identical to others (ν_μ, ν̄_μ, ν_τ, ν̄_τ of
    a flavour-blind source) are drawn with interleaved dashes, so every colour shows."""
    groups: list[list[int]] = []
    for i, c in enumerate(curves):
        for g in groups:
            ref = np.asarray(curves[g[0]], dtype=np.float64)
            scale = float(np.max(np.abs(ref))) if ref.size else 0.0
            if np.allclose(c, ref, rtol=0.0, atol=2e-3 * scale):  # equal to the eye
                g.append(i)
                break
        else:
            groups.append([i])
    styles: list[Any] = ["-"] * len(curves)
    for g in groups:
        if len(g) > 1:
            for k, i in enumerate(g):
                styles[i] = (5.0 * k, (5.0, 5.0 * (len(g) - 1)))
    return styles


def _log_floor(ax: Axes, values: Any, decades: float = 5.0) -> None:
    """On a log axis, show at most ``decades`` below the peak (tails at 1e-20 are noise)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if ax.get_yscale() == "log" and v.size:
        peak = float(v.max())
        ax.set_ylim(max(float(v.min()) / 2, peak * 10.0**-decades), peak * 3)


def prediction_figure(pred: Prediction) -> Figure:
    """Recoil spectrum, observable spectrum and (with time bins) timing of ``pred``.

    Lines and histograms are coloured per flavour (:data:`~cevns.plotting.style.
    FLAVOUR_COLOURS`); the total is black. A detector without time bins gets two panels.
    """
    det = pred.detector
    timed = det.binning.time_edges is not None
    with style_context():
        fig, axes = new_figure(2 if timed else 1, 2, figsize=(10.0, 7.6 if timed else 4.2))
        panels = np.atleast_2d(axes)
        by_flavour = pred.by_flavour()

        ax = panels[0, 0]
        t_grid, density = _recoil_density(pred)
        for f, rate, ls in zip(pred.flavours, density, _shared_dashes(list(density)),
                               strict=True):
            ax.plot(t_grid / u.keV, rate * u.keV, color=flavour_colour(f), ls=ls,
                    label=flavour_label(f))
        total = density.sum(axis=0) * u.keV  # events / keVnr
        several = len(pred.flavours) > 1  # a total equal to the only flavour is not drawn
        if several:
            ax.plot(t_grid / u.keV, total, color=TOTAL_COLOUR, label="Total")
        ax.set_xscale("log")
        ax.set_yscale("log")
        peak = float(total.max()) if total.size else 0.0
        if peak > 0:
            ax.set_ylim(peak * 1e-5, peak * 3)
            shown = t_grid[total >= peak * 1e-5] / u.keV
            ax.set_xlim(float(shown.min()) / 1.3, float(shown.max()) * 1.3)
        ax.set_xlabel(axis_label("recoil", "keVnr"))
        ax.set_ylabel("Events / keVnr")
        ax.set_title("Recoil spectrum (before detector response)")

        ax = panels[0, 1]
        label, unit, scale = _observable(pred)
        e = np.asarray(det.binning.energy_edges) / scale
        de = np.diff(e)
        spectra = [v.reshape(v.shape[0], -1).sum(axis=1) / de for v in by_flavour.values()]
        for f, sp, ls in zip(by_flavour, spectra, _shared_dashes(spectra), strict=True):
            ax.stairs(sp, e, color=flavour_colour(f), ls=ls)
        total_e = pred.energy_counts() / de
        if several:
            ax.stairs(total_e, e, color=TOTAL_COLOUR)
        _log_if_decades(ax, total_e)
        _log_floor(ax, total_e)
        ax.set_xlabel(label)
        ax.set_ylabel(f"Events / {unit}")
        ax.set_title("Measured spectrum")

        if timed:
            assert det.binning.time_edges is not None
            t = np.asarray(det.binning.time_edges) / u.us
            dt = np.diff(t)
            ax = panels[1, 0]
            times = [v.reshape(-1, v.shape[-1]).sum(axis=0) / dt for v in by_flavour.values()]
            for f, tc, ls in zip(by_flavour, times, _shared_dashes(times), strict=True):
                ax.stairs(tc, t, color=flavour_colour(f), ls=ls)
            if several:
                ax.stairs(pred.time_counts() / dt, t, color=TOTAL_COLOUR)
            ax.set_xlabel(axis_label("time", "µs"))
            ax.set_ylabel("Events / µs")
            ax.set_title("Arrival time")
            ax = panels[1, 1]
            c = pred.counts
            grid = c.sum(axis=1) if c.ndim == 3 else c
            mesh = ax.pcolormesh(t, e, grid / np.outer(de, dt), shading="flat")
            fig.colorbar(mesh, ax=ax, label=f"Events / ({unit} µs)")
            ax.set_xlabel(axis_label("time", "µs"))
            ax.set_ylabel(label)
            ax.set_title("Measured spectrum × arrival time")
            ax.minorticks_off()
        for a in panels.ravel():
            if a.get_yscale() == "linear":
                a.set_ylim(bottom=0.0)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=flavour_colour(f)) for f in pred.flavours]
        labels = [flavour_label(f) for f in pred.flavours]
        if several:
            handles.append(Line2D([], [], color=TOTAL_COLOUR))
            labels.append("Total")
        legend_above(fig, handles, labels, ncol=len(labels))
        fig.suptitle(f"{det.name}: {pred.total:.4g} expected CEvNS events")
    return fig


def plot_prediction(
    pred: Prediction,
    target: str | Path,
    provenance: Provenance | None = None,
) -> list[Path]:
    """Write :func:`prediction_figure` as PDF, SVG and PNG (see :func:`~cevns.plotting.
    figure.output_paths`); return the paths."""
    prov = provenance or Provenance(description=f"CEvNS prediction for {pred.detector.name}")
    return save_figure(prediction_figure(pred), target, f"{pred.detector.name}_prediction", prov)


def source_figure(
    source: Any,
    distance: float,
    flux: Mapping[Flavour, Spectrum] | None = None,
    flux_unit: str = "",
    *,
    name: str = "",
) -> Figure:
    """Flux per flavour at ``distance`` (cm) and, for a pulsed source, arrival-time PDFs.

    Parameters
    ----------
    source
        A neutrino source (:mod:`cevns.sources`); one with ``arrival_time_pdfs`` gets a
        timing panel.
    distance
        Source–detector distance in cm (for the title).
    flux, flux_unit
        Spectra per flavour and their unit (default: ``source.flux_at(distance)`` per
        normalisation unit).
    name
        Display name (default ``source.name``).
    """
    spectra = dict(flux) if flux is not None else dict(source.flux_at(distance))
    unit = flux_unit or f"1/cm² per {getattr(source, 'normalisation_unit', 'unit')}"
    unit = unit.replace("cm2", "cm²")
    pulsed = hasattr(source, "arrival_time_pdfs")
    from matplotlib.lines import Line2D

    with style_context():
        fig, axes = new_figure(1, 2 if pulsed else 1, figsize=(10.0 if pulsed else 6.0, 4.4))
        ax_e = axes[0] if pulsed else axes
        for fl, s in spectra.items():
            if s.density is not None:
                lo, hi = s.support
                e = np.linspace(lo, hi, 600)
                ax_e.plot(e, s.continuous(e), color=flavour_colour(fl))
            for line in s.lines:
                ax_e.axvline(line.energy, color=flavour_colour(fl), ls="--")
                ax_e.annotate(f"{flavour_label(fl)} line, {line.energy:.3g} MeV:\n"
                              f"{_sci(line.intensity)} {unit}",
                              (line.energy, 0.97), xycoords=("data", "axes fraction"),
                              xytext=(4, 0), textcoords="offset points", va="top",
                              fontsize=9, color=flavour_colour(fl))
        ax_e.set_xlabel(axis_label("neutrino_energy", "MeV"))
        ax_e.set_ylabel(f"dΦ/dE [{unit} / MeV]")
        ax_e.set_xlim(left=0.0)
        ax_e.set_ylim(bottom=0.0)
        ax_e.set_title(f"{name or getattr(source, 'name', 'source')} at "
                       f"{distance / u.m:g} m")
        if pulsed:
            t = np.arange(-500.0, 10_000.0, 2.0)
            ax_t = axes[1]
            drawn: list[Any] = []
            for fl, pdf in source.arrival_time_pdfs(t).items():
                # a flavour with the same timing as one already drawn (ν_e and ν̄_μ from μ⁺
                # decay) is dashed on top, so both stay visible
                same = any(np.allclose(pdf, d, rtol=1e-6, atol=0.0) for d in drawn)
                ax_t.plot(t / u.us, pdf * u.us, color=flavour_colour(fl),
                          ls=(0, (4, 4)) if same else "-")
                drawn.append(pdf)
            ax_t.set_xlabel(axis_label("time", "µs"))
            ax_t.set_ylabel("Probability density [1/µs]")
            ax_t.set_ylim(bottom=0.0)
            pulse = getattr(source, "pulse", None)
            describe = getattr(pulse, "describe", None)
            ax_t.set_title("Arrival time" + (f" (proton pulse: {describe()})"
                                             if callable(describe) else ""), fontsize=10)
        handles = [Line2D([], [], color=flavour_colour(fl)) for fl in spectra]
        legend_above(fig, handles, [flavour_label(fl) for fl in spectra], ncol=len(spectra))
    return fig


def plot_source(
    source: Any,
    distance: float,
    target: str | Path,
    flux: Mapping[Flavour, Spectrum] | None = None,
    flux_unit: str = "",
    *,
    name: str = "",
    provenance: Provenance | None = None,
) -> list[Path]:
    """Write :func:`source_figure` as PDF, SVG and PNG; return the paths."""
    label = name or str(getattr(source, "name", "source"))
    prov = provenance or Provenance(description=f"Neutrino flux of {label}")
    fig = source_figure(source, distance, flux, flux_unit, name=name)
    return save_figure(fig, target, f"{label}_source".replace(" ", "_"), prov)
