"""The nuisance ranking figure: post-fit pulls and constraints beside the impacts.

One row per nuisance, the largest post-fit impact at the top. Left panel: the pull
``(θ̂ − θ₀)/σ₀`` as a point with the constraint ``σ̂/σ₀`` as its error bar (a bar shorter than
the ±1 guides means the data constrain the nuisance). Right panel: the shift of the parameter
of interest with the nuisance fixed at ``θ̂ + σ̂`` and at ``θ̂ − σ̂`` (filled bars, post-fit) and
at ``θ̂ ± σ₀`` (open bars, pre-fit); see :mod:`cevns.projections.impacts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure, style_context
from cevns.plotting.style import DATA_COLOUR, IMPACT_COLOURS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cevns.projections.impacts import PullsImpacts

__all__ = ["impacts_figure", "plot_impacts"]

#: Readable names of the projection nuisances.
_NUISANCE_NAMES = {"flux": "Neutrino flux", "quenching": "Quenching", "ss_norm":
                   "Steady-state background", "brn_norm": "Beam-related neutrons"}
_POI_NAMES = {"mu": "σ/σ_SM", "sin2_theta_w": "sin²θ_W", "r_n": "R_n [fm]"}


def _label(name: str) -> str:
    base, sep, channel = name.rpartition("/")
    if sep and base:
        return f"{_NUISANCE_NAMES.get(channel, channel)} ({base})"
    head, sep, tail = name.partition(".")
    if sep and tail in _NUISANCE_NAMES:
        return f"{_NUISANCE_NAMES[tail]} ({head})"
    return _NUISANCE_NAMES.get(name, name)


def impacts_figure(result: PullsImpacts, *, top: int | None = None, title: str = "") -> Figure:
    """Pulls and impacts of ``result`` (the ``top`` largest, default all); see module doc."""
    rows = list(result.nuisances[:top] if top else result.nuisances)
    if not rows:
        raise ValueError("result: no nuisance parameter to rank")
    n = len(rows)
    y = np.arange(n)[::-1].astype(float)
    with style_context():
        fig, (left, right) = new_figure(1, 2, figsize=(9.0, 1.2 + 0.45 * n), sharey=True,
                                        gridspec_kw={"width_ratios": (1.0, 1.4)})
        pulls = np.array([np.nan if r.pull is None else r.pull for r in rows])
        widths = np.array([np.nan if r.constraint is None else r.constraint for r in rows])
        for edge in (-1.0, 1.0):
            left.axvline(edge, color="grey", ls=":", lw=0.8)
        left.axvline(0.0, color="grey", lw=0.8)
        left.errorbar(pulls, y, xerr=widths, fmt="o", color=DATA_COLOUR, ms=4, capsize=2,
                      label="Pull (θ̂ − θ₀)/σ₀ ± σ̂/σ₀")
        reach = float(np.nanmax(np.abs(pulls) + widths)) if np.isfinite(widths).any() else 1.0
        left.set_xlim(-max(2.0, 1.2 * reach), max(2.0, 1.2 * reach))
        left.set_xlabel("Pull")
        left.set_yticks(y, [_label(r.name) for r in rows])
        up = np.array([r.impact_up for r in rows])
        down = np.array([r.impact_down for r in rows])
        h = 0.35
        right.barh(y + h / 2, up, height=h, color=IMPACT_COLOURS["up"],
                   label="Post-fit +1σ")
        right.barh(y - h / 2, down, height=h, color=IMPACT_COLOURS["down"],
                   label="Post-fit −1σ")
        pre_up = np.array([np.nan if r.prefit_impact_up is None else r.prefit_impact_up
                           for r in rows])
        pre_down = np.array([np.nan if r.prefit_impact_down is None else r.prefit_impact_down
                             for r in rows])
        if np.isfinite(pre_up).any():
            right.barh(y + h / 2, np.nan_to_num(pre_up), height=h, fill=False,
                       edgecolor=IMPACT_COLOURS["up"], lw=1.0, label="Pre-fit +1σ")
            right.barh(y - h / 2, np.nan_to_num(pre_down), height=h, fill=False,
                       edgecolor=IMPACT_COLOURS["down"], lw=1.0, label="Pre-fit −1σ")
        right.axvline(0.0, color="grey", lw=0.8)
        span = float(np.nanmax(np.abs(np.concatenate([up, down, pre_up, pre_down]))))
        span = span if span > 0 else 1.0
        right.set_xlim(-1.15 * span, 1.15 * span)
        poi = _POI_NAMES.get(result.poi, result.poi)
        right.set_xlabel(f"Impact Δ{poi}")
        right.set_ylim(-0.7, n - 0.3)
        legend_above(fig, ncol=3)
        fig.suptitle(title or f"{poi} = {result.poi_value:.4g} ± {result.poi_error:.2g} "
                              f"({result.data})")
    return fig


def plot_impacts(result: PullsImpacts, target: str | Path, *, top: int | None = None,
                 title: str = "", provenance: Provenance | None = None) -> list[Path]:
    """Write :func:`impacts_figure` as ``impacts.{pdf,svg,png}`` (see ``output_paths``)."""
    fig = impacts_figure(result, top=top, title=title)
    return save_figure(fig, target, "impacts", provenance, title=title or "impacts")
