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

__all__ = ["benchmark_overlays", "dark_matter_limit_figure", "plot_dark_matter_limits"]

_PUBLISHED_COLOUR = "#D55E00"
_RELIC_COLOUR = "#009E73"


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


def benchmark_overlays(limits: Sequence[DarkMatterLimit]
                       ) -> tuple[FloatArray | None, str, FloatArray | None, str]:
    """The shipped published curve and relic target that match ``limits``, if any.

    For the dark-photon benchmark (scalar χ, ``m_V = 3 m_χ``, ``α_D = 0.5``) these are the
    COHERENT CsI limit and the scalar thermal-relic target of arXiv:2110.11453, Fig. 3
    (:mod:`cevns.darkmatter.published`); otherwise ``(None, "", None, "")``.
    """
    from cevns.darkmatter.models import DarkPhoton
    from cevns.darkmatter.published import published_curve

    if not limits:
        return None, "", None, ""
    model = limits[0].model
    benchmark = (isinstance(model, DarkPhoton) and model.spin == "scalar"
                 and abs(model.m_v / model.chi_mass - 3.0) < 1e-9 and model.alpha_d == 0.5)
    if not benchmark:
        return None, "", None, ""
    pub, relic = published_curve("coherent-csi-2021"), published_curve("relic-scalar")
    return pub.as_array(), pub.label, relic.as_array(), relic.label


def dark_matter_limit_figure(limits: Sequence[DarkMatterLimit],
                             published: FloatArray | None = None,
                             published_label: str = "Published",
                             relic: FloatArray | None = None,
                             relic_label: str = "thermal-relic target") -> Figure:
    """The 90 % CL upper limit against the χ mass on log–log axes, with a published curve and
    a thermal-relic target curve (``(n, 2)`` arrays of mass and coupling) if given."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    masses, values, label = _limit_axis(limits)
    with style_context():
        fig, ax = new_figure(figsize=(6.4, 4.6))
        ax.plot(masses, values, color=TOTAL_COLOUR, marker="o", ms=3,
                label=f"90 % CL upper limit ({limits[0].model.label})")
        ax.fill_between(masses, values, np.full_like(values, values.max() * 100), color="grey",
                        alpha=0.15, lw=0)
        low, high = values.min() / 3, values.max() * 10
        if published is not None:
            ax.plot(published[:, 0], published[:, 1], color=_PUBLISHED_COLOUR, ls="-.",
                    label=published_label)
        if relic is not None:
            ax.plot(relic[:, 0], relic[:, 1], color=_RELIC_COLOUR, ls=":", lw=1.5,
                    label=relic_label)
            inside = (relic[:, 0] >= masses.min()) & (relic[:, 0] <= masses.max())
            if np.any(inside):
                low = min(low, float(relic[inside, 1].min()) / 2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(masses.min() / 1.1, masses.max() * 1.1)
        ax.set_ylim(low, high)
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
    """Write ``dark_matter_limit.{pdf,svg,png}`` into ``target``; returns the PNG paths.

    Without ``published``, the benchmark's shipped published limit and relic target
    (:func:`benchmark_overlays`) are drawn when the limits are for that benchmark.
    """
    prov = provenance or Provenance(description="accelerator dark matter: 90 % CL limits")
    pub, pub_label, relic, relic_label = benchmark_overlays(limits)
    if published is not None:
        pub, pub_label = published, "Published"
    fig = dark_matter_limit_figure(limits, pub, pub_label or "Published", relic,
                                   relic_label or "thermal-relic target")
    return [p for p in save_figure(fig, target, "dark_matter_limit", prov) if p.suffix == ".png"]
