"""Projection figures: expected precision and significance versus exposure.

The left panel is the expected relative uncertainty of the CEvNS cross section (or the 68 % CL
half-width of a model parameter), Asimov as a line and the toy median with ±1σ/±2σ bands when
toys were run; the right panel (cross section only) is the expected discovery significance.
The exposure axis is the integrated beam energy of the run plan (GWh), logarithmic.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cevns import units as u
from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import BAND_COLOURS, TOTAL_COLOUR

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cevns.projections.projection import IntervalBands, ProjectionPoint, ToyBands

__all__ = ["exposure_figure", "plot_exposure"]

#: Axis names of the parameters a projection measures.
_NAMES = {"sin2_theta_w": "sin²θ_W", "r_n": "R_n [fm]", "eps_uV_ee": "ε^uV_ee",
          "eps_dV_ee": "ε^dV_ee", "g_zp": "g_Z′", "mu_numu": "μ_νμ [10⁻¹⁰ μ_B]",
          "mu_nue": "μ_νe [10⁻¹⁰ μ_B]"}


def _plain_log_axes(ax: object) -> None:
    """Log axes labelled with plain numbers (1, 10, 100) and no minor-tick labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    for axis in (ax.xaxis, ax.yaxis):  # type: ignore[attr-defined]
        axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())


def exposure_figure(points: Sequence[ProjectionPoint], *, measure: str = "cross_section",
                    bands: ToyBands | IntervalBands | None = None, title: str = "") -> Figure:
    """Precision (and significance) versus exposure; see the module doc."""
    if not points:
        raise ValueError("points: need at least one exposure to plot")
    from cevns.projections.projection import ToyBands as Toys

    x = np.array([p.beam_energy / u.GWh for p in points])
    precision = np.array([p.sigma_mu for p in points])
    cross_section = measure == "cross_section"
    with style_context():
        fig, axes = new_figure(1, 2 if cross_section else 1,
                               figsize=(10.0, 4.4) if cross_section else (6.4, 4.6))
        ax = axes[0] if cross_section else axes
        scale = 100.0 if cross_section else 1.0
        if bands is not None:
            q = (bands.sigma_mu if isinstance(bands, Toys) else bands.half_width) * scale
            ax.fill_between(x, q[:, 0], q[:, 4], color=BAND_COLOURS["2sigma"], lw=0,
                            label="Toys ±2σ")
            ax.fill_between(x, q[:, 1], q[:, 3], color=BAND_COLOURS["1sigma"], lw=0,
                            label="Toys ±1σ")
            ax.plot(x, q[:, 2], color="black", ls="--", lw=1.0, label="Toy median")
        ax.plot(x, precision * scale, color=TOTAL_COLOUR, marker="o", ms=3, label="Asimov")
        if cross_section:
            stat = np.array([p.sigma_stat for p in points]) * scale
            ax.plot(x, stat, color=TOTAL_COLOUR, ls=":", label="Statistics only")
            ax.set_ylabel("Cross-section uncertainty [%]")
        else:
            ax.set_ylabel(f"{_NAMES.get(measure, measure)}: 68 % CL half-width")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("Exposure [GWh]")
        _plain_log_axes(ax)
        if cross_section:
            right = axes[1]
            z = np.array([p.significance for p in points])
            if isinstance(bands, Toys):
                qz = bands.significance
                right.fill_between(x, qz[:, 0], qz[:, 4], color=BAND_COLOURS["2sigma"], lw=0)
                right.fill_between(x, qz[:, 1], qz[:, 3], color=BAND_COLOURS["1sigma"], lw=0)
                right.plot(x, qz[:, 2], color="black", ls="--", lw=1.0)
            right.plot(x, z, color=TOTAL_COLOUR, marker="o", ms=3)
            right.set_xscale("log")
            right.set_yscale("log")
            right.set_xlabel("Exposure [GWh]")
            right.set_ylabel("CEvNS significance [σ]")
            _plain_log_axes(right)
            legend_above(fig)
        else:
            legend_above(ax)
        if title:
            fig.suptitle(title)
    return fig


def plot_exposure(points: Sequence[ProjectionPoint], target: str | Path, *,
                  measure: str = "cross_section", bands: ToyBands | IntervalBands | None = None,
                  title: str = "", provenance: Provenance | None = None) -> list[Path]:
    """Write :func:`exposure_figure` as ``projection.{pdf,svg,png}`` (see ``output_paths``)."""
    fig = exposure_figure(points, measure=measure, bands=bands, title=title)
    return save_figure(fig, target, "projection", provenance, title=title or "projection")
