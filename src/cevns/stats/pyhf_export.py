"""Export a binned likelihood as a pyhf JSON workspace (HistFactory JSON, pyhf ≥ 0.7).

Mapping of modifiers (pyhf default interpolation codes: normsys code 1, histosys code 0):

=============================  =================================================  ==========
ours                           pyhf                                               exact?
=============================  =================================================  ==========
``NormFactor`` (free)          ``normfactor`` + bounds/init in the measurement    yes
``NormSys`` exponential        ``normsys`` (code 1 = ``hi^α`` / ``lo^−α``)         yes
``HistoSys`` code0             ``histosys``                                       yes
``NormSys`` linear             ``normsys``                                        approximate
``HistoSys`` code4p            ``histosys`` (same at α = 0, ±1 and beyond)        approximate
``NormFactor`` constrained     ``normsys`` with ``lo = 1 − σ``, ``hi = 1 + σ``    approximate
=============================  =================================================  ==========

By default only exact mappings are allowed (a ``ValueError`` lists the others);
``approximate=True`` exports them anyway and returns the list of approximations made.
Multi-dimensional templates are flattened in C order (pyhf channels are one-dimensional).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import HistoSys, NormFactor, NormSys

__all__ = ["to_pyhf_workspace"]


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
                    notes.append(
                        f"{sample.name}/{p.name}: Gaussian-constrained normalisation "
                        f"({mean} ± {sigma}) exported as normsys lo/hi = {mean - sigma:.4g}/"
                        f"{mean + sigma:.4g} (pyhf code 1, exponential)"
                    )
                    mods.append({"name": p.name, "type": "normsys",
                                 "data": {"lo": (mean - sigma) / mean,
                                          "hi": (mean + sigma) / mean}})
            elif isinstance(mod, NormSys):
                if mod.interpolation != "exponential":
                    notes.append(f"{sample.name}/{p.name}: linear normsys exported with pyhf's "
                                 "exponential interpolation (agrees at α = 0, ±1)")
                mods.append({"name": p.name, "type": "normsys",
                             "data": {"lo": mod.lo, "hi": mod.hi}})
            elif isinstance(mod, HistoSys):
                if mod.interpolation != "code0":
                    notes.append(f"{sample.name}/{p.name}: code4p histosys exported as code 0 "
                                 "(agrees at α = 0, ±1 and for |α| ≥ 1)")
                mods.append({"name": p.name, "type": "histosys",
                             "data": {"lo_data": np.ravel(mod.lo).tolist(),
                                      "hi_data": np.ravel(mod.hi).tolist()}})
        samples.append({"name": sample.name, "data": np.ravel(sample.nominal).tolist(),
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
