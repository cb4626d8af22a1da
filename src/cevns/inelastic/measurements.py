"""COHERENT's inelastic measurements as fits of a free normalisation.

A published count ``N_obs (+σ₊ −σ₋)`` is a background-subtracted fit result, not a raw
Poisson count: its uncertainty is far larger than ``√N_obs``. It enters a one-bin
:class:`~cevns.stats.BinnedModel` as an *effective* Poisson count (the usual
"equivalent number of events", e.g. Barlow, NIM A297 (1990) 496): with ``σ̄ = (σ₊ + σ₋)/2``
and ``k = N_obs/σ̄²``, the observation is ``k N_obs`` events and the prediction ``k N_pred``,
so a Poisson likelihood in the normalisation ``μ`` has its maximum at ``μ̂ = N_obs/N_pred`` and
a relative width ``σ̄/N_obs`` (asymmetric, like the published interval). ``μ`` is the ratio
measured / predicted.

The two published measurements (:data:`MEASUREMENTS`):

* NaIvE-185, ¹²⁷I(ν_e, e⁻): 541 (+121 −108) events, ``⟨σ⟩ = 9.2 (+2.1 −1.8) × 10⁻⁴⁰ cm²``,
  0.41 × the MARLEY prediction ``22.5 × 10⁻⁴⁰ cm²`` (COHERENT, PRL 131 (2023) 221801,
  arXiv:2305.19594; Efremenko, SNvD 2023).
* NUBES lead neutrino-induced neutrons: 36 (+72 −36) detected, 346 expected from MARLEY over
  ~5 × 10²³ POT (Efremenko, SNvD 2023); the paper quotes 0.29 (+0.17 −0.16) × MARLEY
  (COHERENT, arXiv:2212.11295).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MEASUREMENTS", "Measurement", "NormalisationFit", "fit_normalisation"]


@dataclass(frozen=True)
class Measurement:
    """A published signal count with its (asymmetric) uncertainty and the prediction it was
    compared with."""

    name: str
    observed: float
    error_up: float
    error_down: float
    predicted: float
    published_ratio: float
    published_ratio_up: float
    published_ratio_down: float
    reference: str

    def __post_init__(self) -> None:
        for field_name in ("observed", "error_up", "error_down", "predicted"):
            value = getattr(self, field_name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{field_name}: must be finite and > 0, got {value!r}")


#: The measurements; ``predicted`` is the collaboration's MARLEY expectation in events.
#: NaIvE: 541 × 22.5/9.2 (the MARLEY ⟨σ⟩ over the measured one at the same exposure).
MEASUREMENTS: dict[str, Measurement] = {
    "naive-127i-cc": Measurement(
        "NaIvE-185 127I(nu_e, e-)", 541.0, 121.0, 108.0, 541.0 * 22.5 / 9.2, 0.41, 0.09, 0.08,
        "COHERENT, PRL 131 (2023) 221801, arXiv:2305.19594; Efremenko, SNvD 2023",
    ),
    "nubes-pb-nin": Measurement(
        "NUBES lead neutrino-induced neutrons", 36.0, 72.0, 36.0, 346.0, 0.29, 0.17, 0.16,
        "COHERENT, arXiv:2212.11295; Efremenko, SNvD 2023",
    ),
}


@dataclass(frozen=True)
class NormalisationFit:
    """Best-fit ``μ = measured / predicted`` with its 68 % profile-likelihood interval."""

    mu: float
    mu_low: float
    mu_high: float
    predicted: float
    observed: float

    @property
    def error_up(self) -> float:
        """``μ_high − μ``."""
        return self.mu_high - self.mu

    @property
    def error_down(self) -> float:
        """``μ − μ_low``."""
        return self.mu - self.mu_low


def fit_normalisation(observed: float, error_up: float, error_down: float,
                      predicted: float) -> NormalisationFit:
    """Fit a free normalisation of ``predicted`` to a published count (see module docstring).

    Uses a one-bin :class:`~cevns.stats.BinnedModel` with a :class:`~cevns.stats.NormFactor`
    ``mu`` and :func:`cevns.stats.fit`; the interval is where ``−2Δln L = 1``.

    Raises
    ------
    ValueError
        If a count or uncertainty is not finite and > 0.
    """
    from ..stats.likelihood import BinnedLikelihood, fit
    from ..stats.model import BinnedModel, NormFactor, Parameter, Sample

    for name, value in (("observed", observed), ("error_up", error_up),
                        ("error_down", error_down), ("predicted", predicted)):
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name}: must be finite and > 0 events, got {value!r}")
    sigma = 0.5 * (error_up + error_down)
    k = observed / sigma**2
    model = BinnedModel(
        [Sample("signal", np.array([k * predicted]), (NormFactor("mu"),))],
        [Parameter("mu", 1.0, (0.0, None))],
    )
    likelihood = BinnedLikelihood(model, np.array([k * observed]))
    best = fit(likelihood)
    mu = best.value("mu")
    width = max(best.error("mu"), 1e-6)
    # one parameter: the profile is the likelihood itself
    grid = np.linspace(max(mu - 4 * width, 0.0), mu + 6 * width, 2001)
    q = np.array([2.0 * (likelihood.nll(np.array([m])) - best.nll) for m in grid])
    i = int(np.argmin(q))
    low = float(np.interp(1.0, q[: i + 1][::-1], grid[: i + 1][::-1])) if q[0] > 1 else 0.0
    high = float(np.interp(1.0, q[i:], grid[i:]))
    return NormalisationFit(mu=mu, mu_low=low, mu_high=high, predicted=predicted,
                            observed=observed)
