"""Flux-averaged cross sections of any :class:`~cevns.inelastic.channel.Channel`.

``⟨σ⟩_α = ∫ σ(E, α) φ_α(E) dE / ∫ φ_α(E) dE`` for each flavour ``α`` of a source, with the
quadrature of :meth:`cevns.sources.spectrum.Spectrum.quadrature` started at the channel's
threshold (so the kink of ``σ`` there costs no accuracy) and lines taken exactly. The continuum is
split into at least :data:`MIN_PANELS` equal panels: a nuclear channel's cross section has a kink
at every level threshold inside the spectrum.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from ..flavours import Flavour
from ..sources.spectrum import Spectrum
from .channel import Channel, get_channel

__all__ = [
    "MIN_PANELS",
    "flux_averaged_cross_section",
    "flux_averaged_cross_sections",
    "folded_rate",
]

#: Fewest Gauss–Legendre panels over the continuum (16 nodes each): with level kinks inside the
#: spectrum this keeps flux averages converged to ~1e-5 relative.
MIN_PANELS = 16


def _checked(channel: Channel | str, spectrum: Spectrum) -> Channel:
    """The channel (looked up if given by name), after checking the types of both."""
    if isinstance(channel, str):
        channel = get_channel(channel)
    if not isinstance(channel, Channel):
        raise ValueError(f"channel: expected a Channel or a channel name (cevns.inelastic."
                         f"get_channel), got {type(channel).__name__}")
    if not isinstance(spectrum, Spectrum):
        raise ValueError(f"spectrum: expected a Spectrum (e.g. a source's spectra()[flavour]), "
                         f"got {type(spectrum).__name__}")
    return channel


def folded_rate(channel: Channel | str, spectrum: Spectrum, flavour: Flavour | str) -> float:
    """``∫ σ(E) φ(E) dE`` (cm² times the spectrum's normalisation unit); 0 if ``flavour`` has
    no reaction in ``channel`` or the spectrum lies below threshold."""
    channel = _checked(channel, spectrum)
    flavour = Flavour.parse(flavour)
    if flavour not in channel.flavours:
        return 0.0
    threshold = channel.threshold(flavour)
    if spectrum.max_energy <= threshold:
        return 0.0
    fine = dataclasses.replace(spectrum, panels=max(spectrum.panels, MIN_PANELS))
    energy, weight = fine.quadrature(lower=threshold)
    active = weight > 0
    if not np.any(active):
        return 0.0
    sigma = channel.cross_section(energy[active], flavour)
    return float(np.sum(weight[active] * sigma))


def flux_averaged_cross_section(
    channel: Channel | str, spectrum: Spectrum, flavour: Flavour | str
) -> float:
    """``⟨σ⟩`` in cm² of ``channel`` (or its name) over the normalised ``spectrum`` of
    ``flavour``."""
    channel = _checked(channel, spectrum)
    total = spectrum.total
    if not total > 0:
        raise ValueError(f"spectrum: the {Flavour.parse(flavour).value} spectrum is empty")
    return folded_rate(channel, spectrum, Flavour.parse(flavour)) / total


def flux_averaged_cross_sections(
    channel: Channel | str, spectra: Mapping[Flavour, Spectrum]
) -> dict[Flavour, float]:
    """``⟨σ⟩`` in cm² for every flavour of a source (0 where the channel has no reaction)."""
    if not isinstance(spectra, Mapping):
        raise ValueError(f"spectra: expected a {{flavour: Spectrum}} mapping, got "
                         f"{type(spectra).__name__}")
    return {fl: flux_averaged_cross_section(channel, sp, fl) for fl, sp in spectra.items()}
