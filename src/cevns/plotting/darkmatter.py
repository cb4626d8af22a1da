"""Accelerator dark-matter figures: 90 % CL exclusion curves on log axes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import TOTAL_COLOUR
from cevns.types import FloatArray

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cevns.experiments.csi2021_dm import DarkMatterLimit

__all__ = ["dark_matter_limit_figure", "plot_dark_matter_limits"]

_PUBLISHED_COLOUR = "#D55E00"


def _limit_axis(limits: Sequence[DarkMatterLimit]) -> tuple[FloatArray, FloatArray, str]:
    if not limits:
        raise ValueError("limits: need at least one limit to draw")
    masses = np.array([lim.model.chi_mass for lim in limits])
    if all(lim.y is not None for lim in limits):
        values = np.array([float(lim.y) for lim in limits])  # type: ignore[arg-type]
        ratio = limits[0].model.m_v / limits[0].model.chi_mass
        label = (r"$Y = \varepsilon^2 \alpha_D (m_\chi/m_V)^4$"
                 f"  ($\\alpha_D$ = {limits[0].model.alpha_d:g}, $m_V$ = {ratio:g} $m_\\chi$)")
    else:
        values = np.array([lim.strength for lim in limits])
        label = f"$\\alpha_B$  ($\\alpha_D$ = {limits[0].model.alpha_d:g})"
    return masses, values, label


def dark_matter_limit_figure(limits: Sequence[DarkMatterLimit],
                             published: FloatArray | None = None,
                             published_label: str = "Published") -> Figure:
    """The 90 % CL upper limit against the χ mass on log–log axes (and a published curve)."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    masses, values, label = _limit_axis(limits)
    with style_context():
        fig, ax = new_figure(figsize=(6.4, 4.6))
        ax.plot(masses, values, color=TOTAL_COLOUR, marker="o", ms=3,
                label=f"90 % CL upper limit ({limits[0].model.label})")
        ax.fill_between(masses, values, np.full_like(values, values.max() * 100), color="grey",
                        alpha=0.15, lw=0)
        if published is not None:
            ax.plot(published[:, 0], published[:, 1], color=_PUBLISHED_COLOUR, ls="-.",
                    label=published_label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(values.min() / 3, values.max() * 10)
        ticks = [t for t in (0.5, 1, 2, 5, 10, 20, 50, 100, 200)
                 if masses.min() <= t <= masses.max()]
        if len(ticks) >= 2:
            ax.set_xticks(ticks)
            ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(r"Dark-matter mass $m_\chi$ [MeV]")
        ax.set_ylabel(label)
        legend_above(ax, ncol=1)
    return fig


def plot_dark_matter_limits(limits: Sequence[DarkMatterLimit], target: str | Path, *,
                            published: FloatArray | None = None,
                            provenance: Provenance | None = None) -> list[Path]:
    """Write ``dark_matter_limit.{pdf,svg,png}`` into ``target``; returns the PNG paths."""
    prov = provenance or Provenance(description="accelerator dark matter: 90 % CL limits")
    fig = dark_matter_limit_figure(limits, published)
    return [p for p in save_figure(fig, target, "dark_matter_limit", prov) if p.suffix == ".png"]
