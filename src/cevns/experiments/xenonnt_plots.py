"""Figures of the XENONnT ⁸B fit: data against the stacked fit in each projection.

One figure per science run, four panels (the projections on cS2, S2_pre/Δt_pre quantile,
S1 BDT score and S2 BDT score), components stacked (AC, ER, neutrons, ⁸B CEvNS at the best
fit) with the observed counts and their Poisson √n bars. Written with the shared
:mod:`cevns.plotting.figure` plumbing (PDF, SVG and PNG with provenance metadata).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cevns.experiments.xenonnt import AXES, XenonntFitResult, XenonntRelease, build_model
from cevns.plotting.figure import Provenance, legend_above, new_figure, save_figure
from cevns.plotting.style import component_colour

__all__ = ["plot_xenonnt_fit"]

_LABELS = {
    "ac": "Accidental coincidences",
    "er": "Electronic recoils",
    "rg": "Radiogenic neutrons",
    "b8": "⁸B CEvNS (best fit)",
}
_AXIS_LABELS = {
    "cs2": "cS2 [PE]",
    "s2_shadow_s2_time_shadow_quantile": "S2$_\\mathrm{pre}$/Δt$_\\mathrm{pre}$ quantile",
    "s1_bdt_score": "S1 BDT score",
    "s2_bdt_score": "S2 BDT score",
}


def plot_xenonnt_fit(
    release: XenonntRelease, result: XenonntFitResult, target: str | Path
) -> list[Path]:
    """Write one projection figure per science run to ``target``; return the paths."""
    model, observed = build_model(release, signal=result.signal)
    expected = model.expected_by_sample(result.fit.values)
    order = ["ac", "er", "rg", "b8"]
    written: list[Path] = []
    for k, (name, run) in enumerate(release.runs.items()):
        fig, axes = new_figure(2, 2, figsize=(8.0, 6.4))
        for a, ax in enumerate(np.ravel(axes)):
            other = tuple(i for i in range(4) if i != a)
            edges = run.edges[a]
            bottom = np.zeros(edges.size - 1)
            for comp in order:
                counts = expected[f"{comp}_{name}"][k].sum(axis=other)
                ax.stairs(bottom + counts, edges, baseline=bottom, fill=True,
                          color=component_colour(comp, order), label=_LABELS[comp])
                bottom = bottom + counts
            data = observed[k].sum(axis=other)
            centres = 0.5 * (edges[1:] + edges[:-1])
            ax.errorbar(centres, data, yerr=np.sqrt(data), fmt="o", color="black",
                        label="Data")
            ax.set_xlabel(_AXIS_LABELS.get(AXES[a], AXES[a]))
            ax.set_ylabel("Events per bin")
            ax.set_ylim(bottom=0)
        legend_above(fig)
        prov = Provenance(
            description=f"XENONnT {name.upper()} projections: data and stacked fit "
                        f"({result.signal} fit of {'+'.join(result.runs)})",
            data={"xenonnt-8b": release.commit or str(release.folder)},
        )
        written += save_figure(fig, target, f"xenonnt_8b_{name}", prov)
    return written
