"""Projected (expected) dark-matter limits of a future detector: Asimov data, CEvNS background.

For a detector file (e.g. ``coh-ar-750``, the 750 kg COHERENT argon detector), the expected
90 % CL limit is computed on Asimov data equal to the background-only expectation: the
detector's own CEvNS prediction (prompt and delayed, with its beam timing) with a normalisation
nuisance (the neutrino-flux uncertainty, 10 % by default), plus an optional user background
template (e.g. steady state or beam neutrons, same binning) with its own normalisation
uncertainty. The χ sample is :class:`~cevns.darkmatter.signal.DarkMatterResponse`'s template
with a ``pi0_yield`` nuisance; the limit is found as in
:mod:`cevns.experiments.csi2021_dm`. The delayed CEvNS, where no χ arrive, constrains the CEvNS
normalisation under the prompt χ signal (COHERENT, PRD 102 (2020) 052007).

Without a background template this is a CEvNS-background-only projection: optimistic wherever
the steady-state or neutron backgrounds matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cevns.darkmatter.models import DarkMatterModel
from cevns.darkmatter.production import SNS_PI0, MesonProduction
from cevns.darkmatter.signal import DarkMatterResponse
from cevns.detectors.catalogue import load_detector
from cevns.detectors.detector import Detector
from cevns.detectors.prediction import predict
from cevns.experiments.csi2021_dm import (
    LIMIT_THRESHOLD_90,
    DarkMatterLimit,
    dark_matter_sample,
    limit_from_likelihood,
)
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import BinnedModel, NormSys, Parameter, Sample
from cevns.types import FloatArray

__all__ = ["DarkMatterProjection"]

#: Default CEvNS normalisation uncertainty (neutrino flux, 10 %: Konovalov, COHERENT talk 2021).
FLUX_UNCERTAINTY = 0.10


@dataclass(frozen=True, eq=False)
class DarkMatterProjection:
    """Expected limits of one detector and exposure; build with :meth:`build`."""

    response: DarkMatterResponse
    background: FloatArray
    background_samples: tuple[Sample, ...]
    background_parameters: tuple[Parameter, ...]

    @classmethod
    def build(
        cls,
        detector: Detector | str,
        *,
        exposure: float | None = None,
        production: MesonProduction | Sequence[MesonProduction] = SNS_PI0,
        flux_uncertainty: float = FLUX_UNCERTAINTY,
        extra_background: FloatArray | None = None,
        extra_uncertainty: float = 0.05,
    ) -> DarkMatterProjection:
        """The projection for a detector (object or built-in name) and exposure (POT)."""
        det = load_detector(detector) if isinstance(detector, str) else detector
        if det.binning.time_edges is None:
            raise ValueError(f"detector: {det.name!r} has no time binning; the prompt χ signal "
                             "is separated from the delayed CEvNS by arrival time")
        cevns = np.asarray(predict(None, det, exposure).counts, dtype=float)
        samples = [Sample("cevns", cevns, (NormSys("flux", 1 - flux_uncertainty,
                                                   1 + flux_uncertainty),))]
        params = [Parameter.nuisance("flux")]
        total = cevns
        if extra_background is not None:
            extra = np.asarray(extra_background, dtype=float)
            if extra.shape != cevns.shape or np.any(extra < 0) or not np.all(np.isfinite(extra)):
                raise ValueError(f"extra_background: need finite counts >= 0 of shape "
                                 f"{cevns.shape}")
            samples.append(Sample("background", extra, (NormSys(
                "background_norm", 1 - extra_uncertainty, 1 + extra_uncertainty),)))
            params.append(Parameter.nuisance("background_norm"))
            total = total + extra
        response = DarkMatterResponse.build(det, exposure, production)
        return cls(response, total, tuple(samples), tuple(params))

    def template(self, model: DarkMatterModel) -> FloatArray:
        """Expected χ events per (energy, time) bin."""
        return self.response.template(model)

    def expected_limit(self, model: DarkMatterModel,
                       threshold: float = LIMIT_THRESHOLD_90) -> DarkMatterLimit:
        """The expected 90 % CL limit (Asimov background-only data) at ``model``'s masses."""
        template, sigma = self.response.template_and_uncertainty(model)
        sample, extra = dark_matter_sample(template, sigma)
        binned = BinnedModel([*self.background_samples, sample],
                             [*self.background_parameters, *extra])
        lik = BinnedLikelihood(binned, self.background)
        return limit_from_likelihood(lik, model, float(template.sum()), threshold)

    def expected_limits(self, model: DarkMatterModel, chi_masses: Sequence[float] | FloatArray,
                        threshold: float = LIMIT_THRESHOLD_90) -> list[DarkMatterLimit]:
        """Expected limits at each χ mass (mediator mass scaled with it)."""
        return [self.expected_limit(model.with_values(chi_mass=float(m)), threshold)
                for m in np.asarray(chi_masses, dtype=float)]
