"""Neutrino sources as a detector prediction sees them, and exposures.

:func:`cevns.detectors.predict` needs, from a source, only

* ``spectra()``: ``{Flavour: Spectrum}`` per normalisation unit (per proton on
  target, per fission, per second ...), and
* optionally ``time_bin_probabilities(flavour, edges)``: the fraction of that
  flavour's neutrinos arriving in each time bin (edges in ns).

Any object with these methods works (duck typing, :class:`SpectralSource`, the subset of
:class:`cevns.sources.base.NeutrinoSource` a prediction uses); a plain
``{Flavour: Spectrum}`` mapping is accepted as a steady source.
:class:`cevns.sources.stopped_pion.StoppedPionSource` satisfies it; when a
source also has ``flux_at(distance, survival)`` the flux at the detector is taken from
it, so survival probabilities (oscillations) act at the detector.

An :class:`Exposure` is the number of source normalisation units seen by the
detector (protons on target for a beam).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from ..flavours import Flavour
from ..sources.exposure import beam_exposure_label, protons_on_target
from ..sources.spectrum import Spectrum
from ..types import FloatArray


@runtime_checkable
class SpectralSource(Protocol):
    """What a prediction needs from a source."""

    def spectra(self) -> Mapping[Flavour, Spectrum]:
        """Per-flavour spectra per normalisation unit (1/MeV per unit, plus lines)."""
        ...


@dataclass(frozen=True)
class SteadySource:
    """A source without time structure: fixed per-flavour spectra.

    Parameters
    ----------
    flavour_spectra
        ``{Flavour: Spectrum}`` per normalisation unit.
    normalisation_unit
        Name of the unit (``"fission"``, ``"s"``, ...), for tables.
    """

    flavour_spectra: Mapping[Flavour, Spectrum]
    normalisation_unit: str = "unit"

    def spectra(self) -> Mapping[Flavour, Spectrum]:
        """The stored spectra."""
        return self.flavour_spectra


@dataclass(frozen=True)
class Exposure:
    """Source normalisation units seen by the detector (e.g. protons on target).

    Parameters
    ----------
    units
        Number of normalisation units (POT, fissions, seconds), > 0.
    label
        Human description, e.g. ``"13.99 GWh = 3.20e23 POT"``.
    """

    units: float
    label: str = ""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.units) and self.units > 0):
            raise ValueError(f"exposure: must be finite and > 0 source units, got {self.units}")

    @classmethod
    def from_beam_energy(cls, beam_energy: float, proton_energy: float) -> Exposure:
        """Exposure from integrated beam energy and proton energy (both MeV): POT = E/E_p."""
        if not (np.isfinite(beam_energy) and beam_energy > 0):
            raise ValueError(f"beam_energy: must be > 0, got {beam_energy}")
        if not (np.isfinite(proton_energy) and proton_energy > 0):
            raise ValueError(f"proton_energy: must be > 0 MeV, got {proton_energy}")
        pot = protons_on_target(beam_energy=beam_energy, proton_energy=proton_energy)
        label = beam_exposure_label(pot, proton_energy, beam_energy=beam_energy)
        return cls(pot, label)

    @classmethod
    def from_beam_power(cls, power: float, live_time: float, proton_energy: float) -> Exposure:
        """Exposure from beam power (MeV/ns), live time (ns) and proton energy (MeV)."""
        if not (np.isfinite(power) and power > 0):
            raise ValueError(f"power: must be > 0, got {power}")
        if not (np.isfinite(live_time) and live_time > 0):
            raise ValueError(f"live_time: must be > 0, got {live_time}")
        exposure = cls.from_beam_energy(power * live_time, proton_energy)
        label = beam_exposure_label(
            exposure.units, proton_energy, beam_power=power, duration=live_time
        )
        return cls(exposure.units, label)


def source_spectra(source: SpectralSource | Mapping[Flavour, Spectrum]) -> dict[Flavour, Spectrum]:
    """``{Flavour: Spectrum}`` of a source object or mapping."""
    if isinstance(source, Mapping):
        return {Flavour.parse(f): s for f, s in source.items()}
    spectra = getattr(source, "spectra", None)
    if spectra is None:
        raise ValueError(
            f"source: {type(source).__name__} has no spectra(); pass a SpectralSource or a "
            "{Flavour: Spectrum} mapping"
        )
    value = spectra() if callable(spectra) else spectra
    return {Flavour.parse(f): s for f, s in dict(value).items()}


def source_time_probabilities(
    source: object, flavour: Flavour, edges: FloatArray
) -> FloatArray | None:
    """Per-bin arrival probabilities of ``flavour`` (edges in ns), or None if steady."""
    method = getattr(source, "time_bin_probabilities", None)
    if method is None:
        return None
    return np.asarray(method(flavour, edges), dtype=float)


__all__ = [
    "Exposure",
    "SpectralSource",
    "SteadySource",
    "source_spectra",
    "source_time_probabilities",
]
