"""Accelerator dark matter in the COHERENT CsI[Na] 2021 data: the χ signal as one more sample.

The likelihood is the CsI 2021 one (:func:`cevns.experiments.csi2021.build_csi_2021`) on the
release's full window 0–250 PE × 0–6 µs, with the CEvNS signal strength ``mu_cevns`` free
and the steady-state, BRN and NIN normalisations constrained (all profiled), plus a
``dark_matter`` sample: the χ template of :class:`~cevns.darkmatter.signal.DarkMatterResponse`
(prompt timing: the proton pulse shifted by the χ time of flight), scaled by a free
``mu_dm >= 0`` and a ``pi0_yield`` normalisation nuisance (the π⁰ yield uncertainty).

The 90 % CL upper limit on the signal is where the profile likelihood ratio
``q(μ) = 2[−ln L(μ, θ̂̂) + ln L(μ̂, θ̂)]`` (``μ̂ >= 0``) reaches ``2.706`` above the best fit
(Δχ² for one parameter at 90 % CL; pass ``threshold=1.642`` for the one-sided asymptotic
``q̃_μ`` of Cowan et al., EPJC 71 (2011) 1554). Counts scale as ``ε⁴`` (dark photon; so the
limit on ``Y = ε² α_D (m_χ/m_V)⁴`` is ``Y_ref √(N₉₀/N_ref)``) or ``α_B²`` (leptophobic).

Published search: COHERENT, PRL 130 (2023) 051803 (arXiv:2110.11453), scalar χ 1–220 MeV,
recoils above 9 keVnr; leptophobic: arXiv:2205.12414. Their exact selection (energy window,
binning, π⁰ yield) was not available here; the comparison is in the how-to page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from cevns import units as u
from cevns.darkmatter.models import DarkMatterModel, DarkPhoton
from cevns.darkmatter.production import SNS_PI0, MesonProduction
from cevns.darkmatter.signal import DarkMatterResponse
from cevns.detectors.quenching import PolynomialQuenching
from cevns.experiments.analysis import Analysis
from cevns.experiments.csi2021 import CSI_TIME_EDGES, build_csi_2021
from cevns.experiments.releases import CsIRelease2021, load_csi_2021
from cevns.stats.likelihood import BinnedLikelihood, FitResult, fit
from cevns.stats.model import BinnedModel, NormFactor, NormSys, Parameter, Sample
from cevns.types import FloatArray

__all__ = [
    "DM_ENERGY_EDGES",
    "LIMIT_THRESHOLD_90",
    "QUENCHING_VALID_BELOW",
    "REFERENCE_EVENTS",
    "CsIDarkMatterSearch",
    "DarkMatterLimit",
    "dark_matter_sample",
    "limit_from_likelihood",
    "profile_upper_limit",
]

#: PE bin edges of the dark-matter fit: the CEvNS bins, then wider bins up to 250 PE.
DM_ENERGY_EDGES = np.array([0.0, 8, 12, 16, 20, 24, 32, 40, 50, 60, 80, 100, 130, 160, 200, 250])
#: Δχ² of one parameter at 90 % CL.
LIMIT_THRESHOLD_90 = 2.706
#: The CsI[Na] quenching measurements cover 3–60 keVnr (COHERENT, arXiv:2111.02477, abstract);
#: above that the release polynomial continues linearly (it turns up steeply past ~70 keVnr).
QUENCHING_VALID_BELOW = 60.0 * u.keV
#: Reference signal size (events) that ``mu_dm = 1`` stands for.
REFERENCE_EVENTS = 10.0


@dataclass(frozen=True)
class DarkMatterLimit:
    """A 90 % CL upper limit at one model point."""

    model: DarkMatterModel
    events: float  # upper limit on the signal events in the window
    strength: float  # ε (dark photon) or α_B (leptophobic) at the limit
    y: float | None  # Y at the limit (dark photon), else None
    best_fit_events: float

    def as_dict(self) -> dict[str, float | str | None]:
        return {"model": self.model.name, "chi_mass_MeV": self.model.chi_mass,
                "mediator_mass_MeV": self.model.m_v, "alpha_d": self.model.alpha_d,
                "events_90": self.events, "strength_90": self.strength, "Y_90": self.y,
                "best_fit_events": self.best_fit_events}


def profile_upper_limit(likelihood: BinnedLikelihood, parameter: str = "mu_dm",
                        threshold: float = LIMIT_THRESHOLD_90) -> tuple[float, float]:
    """``(μ̂, μ_up)``: best fit (bounded at 0) and where ``q(μ) − threshold`` changes sign above
    it (Brent's method on profiled fits, typically 6–8 fits)."""
    best = fit(likelihood)
    mu_hat = max(best.value(parameter), 0.0)
    nll_best = best.nll
    start = best.values

    def q_minus(mu: float) -> float:
        res = fit(likelihood, fixed={parameter: mu}, start=start, require_convergence=False)
        return 2.0 * (res.nll - nll_best) - threshold

    sigma = max(math.sqrt(mu_hat + 1.0), 0.5)
    hi = mu_hat + 2.0 * sigma
    while q_minus(hi) < 0:
        hi *= 2.0
        if hi > 1e4:
            raise ValueError("model: no upper limit below 10⁵ reference events")
    return mu_hat, float(brentq(q_minus, mu_hat, hi, xtol=1e-3 * sigma, rtol=1e-4))


def limit_from_likelihood(likelihood: BinnedLikelihood, model: DarkMatterModel,
                          reference_events: float,
                          threshold: float = LIMIT_THRESHOLD_90) -> DarkMatterLimit:
    """The limit of a likelihood whose ``dark_matter`` sample is ``mu_dm × REFERENCE_EVENTS``
    events of ``model`` (which predicts ``reference_events``)."""
    mu_hat, mu90 = profile_upper_limit(likelihood, "mu_dm", threshold)
    events = mu90 * REFERENCE_EVENTS
    strength = model.strength * (events / reference_events) ** (1.0 / model.rate_power)
    y = None
    if isinstance(model, DarkPhoton):
        y = strength**2 * model.alpha_d * (model.chi_mass / model.m_v) ** 4
    return DarkMatterLimit(model, events, strength, y, mu_hat * REFERENCE_EVENTS)


def dark_matter_sample(template: FloatArray, yield_uncertainty: float
                       ) -> tuple[Sample, list[Parameter]]:
    """The ``dark_matter`` sample (normalised to :data:`REFERENCE_EVENTS` at ``mu_dm = 1``) and
    its parameters: ``mu_dm >= 0`` and the ``pi0_yield`` normalisation nuisance."""
    total = float(np.sum(template))
    if not (np.isfinite(total) and total > 0):
        raise ValueError("model: the dark-matter template is empty in this window "
                         "(no χ reach the detector above threshold)")
    shape = np.asarray(template, dtype=float) / total * REFERENCE_EVENTS
    mods: tuple[NormFactor | NormSys, ...] = (NormFactor("mu_dm"),)
    params = [Parameter("mu_dm", 0.0, (0.0, 1e4))]
    if yield_uncertainty > 0:
        mods += (NormSys("pi0_yield", 1 - yield_uncertainty, 1 + yield_uncertainty),)
        params.append(Parameter.nuisance("pi0_yield"))
    return Sample("dark_matter", shape, mods), params


@dataclass(frozen=True, eq=False)
class CsIDarkMatterSearch:
    """The CsI 2021 likelihood plus a dark-matter sample, rebuilt cheaply per model point.

    Build with :meth:`build`; :meth:`likelihood` gives the likelihood for one model and
    :meth:`upper_limit` / :meth:`limit_curve` the 90 % CL limits.
    """

    base: Analysis
    response: DarkMatterResponse
    time_edges: FloatArray
    yield_uncertainty: float

    @classmethod
    def build(
        cls,
        release: CsIRelease2021 | str | Path,
        *,
        production: MesonProduction | Sequence[MesonProduction] = SNS_PI0,
        energy_edges: Sequence[float] | FloatArray = DM_ENERGY_EDGES,
        time_edges: Sequence[float] | FloatArray = CSI_TIME_EDGES,
    ) -> CsIDarkMatterSearch:
        """The search on the release (CEvNS template from our own prediction)."""
        from cevns.detectors.coherent import csi_2021_detector
        from cevns.detectors.detector import ObservableBinning

        rel = release if isinstance(release, CsIRelease2021) else load_csi_2021(release)
        pe = np.asarray(energy_edges, dtype=float)
        t = np.asarray(time_edges, dtype=float)
        base = build_csi_2021(rel, energy_edges=pe, time_edges=t, systematics=False,
                              window="dark-matter")
        det = csi_2021_detector(rel.folder)
        det = det.with_binning(ObservableBinning(tuple(pe), "PE", tuple(t)))
        quenching = det.response.quenching
        if isinstance(quenching, PolynomialQuenching):
            det = det.with_response(quenching=replace(quenching,
                                                      valid_below=QUENCHING_VALID_BELOW))
        response = DarkMatterResponse.build(det, production=production)
        return cls(base, response, t, response.yield_uncertainty)

    def template(self, model: DarkMatterModel) -> FloatArray:
        """Expected χ events per (PE, time) bin for ``model``."""
        return self.response.template(model, self.time_edges)

    def likelihood(self, template: FloatArray,
                   yield_uncertainty: float | None = None) -> BinnedLikelihood:
        """The likelihood with a dark-matter sample ``mu_dm × template/REFERENCE`` added (its
        yield nuisance: ``yield_uncertainty``, default the search's)."""
        sigma = self.yield_uncertainty if yield_uncertainty is None else yield_uncertainty
        sample, extra = dark_matter_sample(template, sigma)
        model = self.base.model
        binned = BinnedModel([*model.samples, sample], [*model.parameters, *extra])
        return BinnedLikelihood(binned, self.base.likelihood.observed)

    def upper_limit(self, model: DarkMatterModel,
                    threshold: float = LIMIT_THRESHOLD_90) -> DarkMatterLimit:
        """90 % CL upper limit on the signal of ``model``'s masses (its coupling sets the
        reference template only)."""
        template, sigma = self.response.template_and_uncertainty(model, self.time_edges)
        return limit_from_likelihood(self.likelihood(template, sigma), model,
                                     float(template.sum()), threshold)

    def limit_curve(self, model: DarkMatterModel, chi_masses: Sequence[float] | FloatArray,
                    threshold: float = LIMIT_THRESHOLD_90) -> list[DarkMatterLimit]:
        """Limits at each χ mass (mediator mass scaled with it, other parameters kept)."""
        return [self.upper_limit(model.with_values(chi_mass=float(m)), threshold)
                for m in np.asarray(chi_masses, dtype=float)]

    def best_fit(self, model: DarkMatterModel) -> FitResult:
        """Fit with the dark-matter sample of ``model`` free (its yield nuisance combined over
        the model's meson sources, as in :meth:`upper_limit`)."""
        template, sigma = self.response.template_and_uncertainty(model, self.time_edges)
        return fit(self.likelihood(template, sigma))
