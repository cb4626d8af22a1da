"""What beam timing can and cannot do at a facility.

Two things make a short-pulse source (SNS: ~350 ns FWHM at 60 Hz) so good for CEvNS:

* the steady-state background is accepted only during the on-beam window, a fraction
  ``window × repetition rate`` of the time (the duty factor: ~6 × 10⁻⁴ for 10 µs at 60 Hz,
  Scholberg, MPA Summer School 2021 "background rejection factor ~ few × 10⁻⁴"; Efremenko,
  SNvD 2023 "suppression of steady background by a factor of 2000");
* the prompt ν_μ (π⁺ lifetime 26 ns) and the delayed ν_e, ν̄_μ (μ⁺ lifetime 2.2 µs) arrive at
  different times, which separates flavours (NSI, charge radii, sterile neutrinos).

With a pulse much longer than the muon lifetime (ESS: 3 ms at 14 Hz) neither works as well:
the window must cover the whole pulse (duty factor ~4 × 10⁻², ~70 times the SNS one) and
within it prompt and delayed neutrinos arrive together. :func:`timing_summary` quantifies
both for any source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..flavours import Flavour
from ..sources.stopped_pion import StoppedPionSource

__all__ = ["TimingSummary", "timing_summary"]


@dataclass(frozen=True)
class TimingSummary:
    """Timing figures of a source (times in ns).

    Attributes
    ----------
    window
        Time after the pulse start by which 99 % of the delayed ν_e have arrived (the on-beam
        window a CEvNS analysis needs).
    duty_factor
        ``window × repetition rate``: the steady-state background acceptance.
    prompt_cut
        Time by which 90 % of the prompt ν_μ have arrived.
    delayed_before_cut
        Fraction of the delayed ν_e arriving before ``prompt_cut`` (0.1–0.2 means the prompt
        sample is nearly pure ν_μ; near 0.9 means no flavour separation by time).
    """

    window: float
    duty_factor: float
    prompt_cut: float
    delayed_before_cut: float


def _quantile_time(source: StoppedPionSource, flavour: Flavour, level: float) -> float:
    hi = 1e3
    while source.arrival_time_cdf(flavour, np.array([hi]))[0] < level:
        hi *= 2.0
        if hi > 1e12:
            raise ValueError("source: arrival-time distribution does not reach the level")
    lo = 0.0
    for _ in range(80):  # bisection on the monotone CDF
        mid = 0.5 * (lo + hi)
        if source.arrival_time_cdf(flavour, np.array([mid]))[0] < level:
            lo = mid
        else:
            hi = mid
    return hi


def timing_summary(source: StoppedPionSource) -> TimingSummary:
    """Duty factor and prompt/delayed separation of ``source`` (see :class:`TimingSummary`)."""
    window = _quantile_time(source, Flavour.NU_E, 0.99)
    period = 1.0 / source.repetition_rate
    duty = min(window, period) * source.repetition_rate
    cut = _quantile_time(source, Flavour.NU_MU, 0.90)
    frac = float(source.arrival_time_cdf(Flavour.NU_E, np.array([cut]))[0])
    if not math.isfinite(frac):
        raise ValueError("source: arrival-time CDF is not finite")
    return TimingSummary(window, duty, cut, frac)
