"""Post-fit pulls, constraints and impacts of the nuisance parameters (the ranking plot).

For a binned likelihood (one detector or several combined) and observed or Asimov data, with
``θ₀ ± σ₀`` the constraint of a nuisance before the fit and ``θ̂ ± σ̂`` its best fit and HESSE
error (MIGRAD on the full likelihood, the parameter of interest free):

* **pull** ``(θ̂ − θ₀) / σ₀`` and **constraint** ``σ̂ / σ₀`` (below 1 where the data measure
  the nuisance better than its prior);
* **post-fit impact** ``Δ±`` = the best-fit parameter of interest with the nuisance fixed at
  ``θ̂ ± σ̂`` (every other parameter re-fitted) minus the unconstrained best fit; the
  **pre-fit impact** fixes it at ``θ̂ ± σ₀`` instead (about the best fit too, so that it does
  not depend on the pull).

The post-fit impacts are the convention of the nuisance-parameter impacts of the CMS Combine
tool (CMS Collaboration, "The CMS statistical analysis and combination tool: Combine",
CMS-CAT-23-001, arXiv:2404.06614); the pre-fit ones follow the ranking of the scikit-hep
package cabinetry (``cabinetry.fit.ranking``). Nuisances are ranked by their largest post-fit
impact. On Asimov data every pull is 0 by construction: the constraints and impacts are then
the expected ones. A free normalisation (no constraint) has no pull; its impact uses ``σ̂``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..stats.likelihood import BinnedLikelihood, FitResult, fit
from ..stats.model import BinnedModel
from ..types import FloatArray

__all__ = ["NuisanceImpact", "PullsImpacts", "pulls_and_impacts", "toy_data"]


@dataclass(frozen=True)
class NuisanceImpact:
    """Pull, constraint and impacts of one nuisance parameter (see the module doc).

    ``prefit_sigma``, ``pull``, ``constraint`` and the pre-fit impacts are None for a
    parameter without a constraint.
    """

    name: str
    prefit: float
    prefit_sigma: float | None
    postfit: float
    postfit_sigma: float
    pull: float | None
    constraint: float | None
    impact_up: float
    impact_down: float
    prefit_impact_up: float | None
    prefit_impact_down: float | None

    @property
    def impact(self) -> float:
        """The largest post-fit shift of the parameter of interest (the ranking key)."""
        return max(abs(self.impact_up), abs(self.impact_down))

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.name, "prefit": self.prefit, "prefit_sigma": self.prefit_sigma,
                "postfit": self.postfit, "postfit_sigma": self.postfit_sigma,
                "pull": self.pull, "constraint": self.constraint,
                "impact_up": self.impact_up, "impact_down": self.impact_down,
                "prefit_impact_up": self.prefit_impact_up,
                "prefit_impact_down": self.prefit_impact_down}


@dataclass(frozen=True)
class PullsImpacts:
    """The fit of the parameter of interest and every nuisance's pull and impact, ranked by
    the largest post-fit impact."""

    poi: str
    poi_value: float
    poi_error: float
    data: str
    nuisances: tuple[NuisanceImpact, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"poi": self.poi, "poi_value": self.poi_value, "poi_error": self.poi_error,
                "data": self.data, "nuisances": [n.as_dict() for n in self.nuisances]}


def toy_data(model: BinnedModel, x: FloatArray, seed: int) -> tuple[FloatArray, FloatArray]:
    """One seeded pseudo-experiment of ``model`` at ``x``: Poisson counts and auxiliary
    measurements drawn from the constraints."""
    if seed < 0:
        raise ValueError(f"seed: must be an integer >= 0, got {seed}")
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x1A9]))
    counts = rng.poisson(model.expected(x)).astype(np.float64)
    aux = rng.normal(x[model.constrained_index], model.constraint_sigma)
    return counts, aux


def _poi_at(likelihood: BinnedLikelihood, best: FitResult, i_poi: int, name: str,
            value: float) -> float:
    res = fit(likelihood, fixed={name: value}, start=best.values.copy(),
              require_convergence=False)
    return float(res.values[i_poi])


def pulls_and_impacts(
    model: BinnedModel,
    poi: str,
    *,
    truth: Mapping[str, float] | None = None,
    observed: FloatArray | None = None,
    auxiliary: FloatArray | None = None,
    data: str = "",
) -> PullsImpacts:
    """Pulls, constraints and pre-/post-fit impacts of every parameter but ``poi``.

    Parameters
    ----------
    model
        The binned likelihood model (its ``init`` is the pre-fit point ``θ₀``).
    poi
        The parameter of interest (a signal strength or a parametric-template parameter).
    truth
        Values (by name) at which the Asimov data are built when ``observed`` is None.
    observed, auxiliary
        Data and auxiliary measurements (a toy from :func:`toy_data`, or real data).
    data
        A label of the data for the output (default: ``"asimov"`` or ``"observed"``).
    """
    if poi not in model.parameter_names:
        raise ValueError(f"poi: unknown parameter {poi!r}; allowed: "
                         f"{list(model.parameter_names)}")
    i_poi = model.index(poi)
    x0 = model.vector(truth)
    counts = np.asarray(model.expected(x0) if observed is None else observed, dtype=np.float64)
    label = data or ("asimov" if observed is None else "observed")
    if counts.size == math.prod(model.shape):  # flat counts in the model's bin order
        counts = counts.reshape(model.shape)
    likelihood = BinnedLikelihood(model, counts, auxiliary)
    best = fit(likelihood, start=x0)
    mu_hat = float(best.values[i_poi])
    sigma0 = dict(zip(model.constrained_index.tolist(), model.constraint_sigma.tolist(),
                      strict=True))
    lower = np.array([-math.inf if lo is None else lo for lo, _ in model.bounds])
    upper = np.array([math.inf if hi is None else hi for _, hi in model.bounds])
    rows = []
    for i, name in enumerate(model.parameter_names):
        if i == i_poi:
            continue
        theta, err = float(best.values[i]), float(best.errors[i])

        def shift(value: float, i: int = i, name: str = name) -> float:
            v = float(np.clip(value, lower[i], upper[i]))
            return _poi_at(likelihood, best, i_poi, name, v) - mu_hat

        s0 = sigma0.get(i)
        prior = float(x0[i])
        rows.append(NuisanceImpact(
            name=name, prefit=prior, prefit_sigma=s0, postfit=theta, postfit_sigma=err,
            pull=None if s0 is None else (theta - prior) / s0,
            constraint=None if s0 is None else err / s0,
            impact_up=shift(theta + err), impact_down=shift(theta - err),
            prefit_impact_up=None if s0 is None else shift(theta + s0),
            prefit_impact_down=None if s0 is None else shift(theta - s0)))
    rows.sort(key=lambda r: -r.impact)
    return PullsImpacts(poi, mu_hat, float(best.errors[i_poi]), label, tuple(rows))
