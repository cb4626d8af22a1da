"""Export a binned likelihood as a pyhf JSON workspace (HistFactory JSON, pyhf ≥ 0.7).

Mapping of modifiers, exact with pyhf's default model settings (``normsys`` interpolation
code 4, ``histosys`` code 4p; ``pyhf.Workspace(ws).model()``):

=============================  =================================================  ==========
ours                           pyhf                                               exact?
=============================  =================================================  ==========
``NormFactor`` (free)          ``normfactor`` + bounds/init in the measurement    yes
``NormSys`` code4              ``normsys``                                        yes
``HistoSys`` code4p            ``histosys``                                       yes
``NormSys`` exponential        ``normsys`` (same for ``|α| ≥ 1`` and at 0)         approximate
``NormSys`` linear             ``normsys`` (same at ``α = 0, ±1``)                 approximate
``HistoSys`` code0             ``histosys`` (same at ``α = 0``, ``|α| ≥ 1``)        approximate
``NormFactor`` constrained     ``normsys`` with ``lo = 1 − σ``, ``hi = 1 + σ``    approximate
``GridSys`` (tabulated)        ``histosys`` from its ±1σ templates (at ``α = 0, ±1``) approximate
=============================  =================================================  ==========

By default only exact mappings are allowed (a ``ValueError`` lists the others);
``approximate=True`` exports them anyway and returns the list of approximations made.
Multi-dimensional templates are flattened in C order (pyhf channels are one-dimensional).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import (
    GridSys,
    HistoSys,
    NormFactor,
    NormSys,
    pchip_coefficients,
    pchip_evaluate,
)

__all__ = ["to_pyhf_workspace"]

#: pyhf's normsys takes logarithms of lo/hi: a 100 % (or larger) prior width is clipped here.
_MIN_NORMSYS_LO = 0.01


def to_pyhf_workspace(
    likelihood: BinnedLikelihood,
    poi: str,
    *,
    channel: str = "channel",
    measurement: str = "measurement",
    approximate: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """Build the pyhf workspace dictionary of ``likelihood`` with parameter of interest ``poi``.

    Returns
    -------
    (workspace, approximations)
        The JSON-ready workspace and a list of the approximations made (empty when exact).

    Raises
    ------
    ValueError
        ``poi`` unknown, or inexact mappings needed while ``approximate`` is false.
    """
    model = likelihood.model
    model.index(poi)
    if model.template_parameters:
        raise ValueError(
            f"likelihood: parametric templates in {list(model.template_parameters)} have no "
            "pyhf equivalent; export model.frozen({...}) at fixed values instead")
    params = {p.name: p for p in model.parameters}
    if params[poi].constraint is not None:
        raise ValueError(f"poi: {poi!r} is constrained; the parameter of interest must be free")
    notes: list[str] = []
    samples = []
    measured: dict[str, dict[str, Any]] = {}
    for sample in model.samples:
        mods: list[dict[str, Any]] = []
        for mod in sample.modifiers:
            p = params[mod.parameter]
            if isinstance(mod, NormFactor):
                if p.constraint is None:
                    mods.append({"name": p.name, "type": "normfactor", "data": None})
                    lo, hi = p.bounds
                    measured[p.name] = {
                        "name": p.name,
                        "inits": [p.init],
                        "bounds": [[-1e6 if lo is None else lo, 1e6 if hi is None else hi]],
                    }
                else:
                    mean, sigma = p.constraint
                    lo = max((mean - sigma) / mean, _MIN_NORMSYS_LO)
                    hi = (mean + sigma) / mean
                    notes.append(
                        f"{sample.name}/{p.name}: Gaussian-constrained normalisation "
                        f"({mean} ± {sigma}) exported as normsys lo/hi = {lo:.4g}/{hi:.4g} "
                        "(pyhf code 4)"
                    )
                    mods.append({"name": p.name, "type": "normsys",
                                 "data": {"lo": lo, "hi": hi}})
            elif isinstance(mod, NormSys):
                if mod.interpolation != "code4":
                    notes.append(f"{sample.name}/{p.name}: {mod.interpolation} normsys exported "
                                 "for pyhf's code 4 (agrees at α = 0, ±1)")
                mods.append({"name": p.name, "type": "normsys",
                             "data": {"lo": mod.lo, "hi": mod.hi}})
            elif isinstance(mod, HistoSys):
                if mod.interpolation != "code4p":
                    notes.append(f"{sample.name}/{p.name}: code0 histosys exported for pyhf's "
                                 "code 4p (agrees at α = 0 and for |α| ≥ 1)")
                mods.append({"name": p.name, "type": "histosys",
                             "data": {"lo_data": np.ravel(np.asarray(mod.lo)).tolist(),
                                      "hi_data": np.ravel(np.asarray(mod.hi)).tolist()}})
            elif isinstance(mod, GridSys):
                nodes = np.asarray(mod.nodes, dtype=np.float64)
                temps = np.stack([np.ravel(t) for t in mod.templates])
                ends = pchip_evaluate(nodes, pchip_coefficients(nodes, temps),
                                      np.array([-1.0, 1.0]))[0]
                notes.append(f"{sample.name}/{p.name}: tabulated shape variation exported as a "
                             "code 4p histosys from its ±1σ templates (exact at α = 0, ±1)")
                mods.append({"name": p.name, "type": "histosys",
                             "data": {"lo_data": ends[0].tolist(), "hi_data": ends[1].tolist()}})
        samples.append({"name": sample.name, "data": np.ravel(np.asarray(sample.nominal)).tolist(),
                        "modifiers": mods})
    if notes and not approximate:
        raise ValueError(
            "approximate: the model needs inexact pyhf mappings; pass approximate=True to "
            "export anyway:\n  " + "\n  ".join(notes)
        )
    workspace = {
        "version": "1.0.0",
        "channels": [{"name": channel, "samples": samples}],
        "observations": [{"name": channel, "data": likelihood.observed.ravel().tolist()}],
        "measurements": [{
            "name": measurement,
            "config": {"poi": poi, "parameters": list(measured.values())},
        }],
    }
    return workspace, notes
