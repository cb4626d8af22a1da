"""Neutrino sources as a detector prediction sees them, and exposures.

:func:`cevns.detectors.predict` needs, from a source, only

* ``spectra()``: ``{Flavour: Spectrum}`` per normalisation unit (per proton on
  target, per fission, per second ...), and
* optionally ``time_bin_probabilities(flavour, edges)``: the fraction of that
  flavour's neutrinos arriving in each time bin (edges in ns).

Any object with these methods works (duck typing, :class:`NeutrinoSource`); a plain
``{Flavour: Spectrum}`` mapping is accepted as a steady source.
:class:`StoppedPionBeam` is the πDAR source used by the built-in COHERENT/CCM
detector files: Michel spectra and the prompt line from
:func:`cevns.sources.stopped_pion.stopped_pion_spectra`, scaled by the yield of
neutrinos per flavour per proton, with arrival times from the proton pulse
convolved with the π⁺ and μ⁺ lifetimes (:mod:`cevns.sources.timing`).

An :class:`Exposure` is the number of source normalisation units seen by the
detector (protons on target for a beam).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import units as u
from ..constants import CHARGED_PION_LIFETIME, MUON_LIFETIME
from ..flavours import Flavour
from ..sources.spectrum import Spectrum
from ..sources.stopped_pion import stopped_pion_spectra
from ..sources.timing import GaussianPulse, decay_chain_cdf

FloatArray = NDArray[np.float64]


@runtime_checkable
class NeutrinoSource(Protocol):
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
class StoppedPionBeam:
    """Stopped-pion (πDAR) beam source, normalised per proton on target.

    Parameters
    ----------
    neutrinos_per_flavour_per_proton
        ν per flavour per POT (0.0848 for CsI 2021 at 0.984 GeV, PRL 129 (2022) 081801;
        0.09 ± 0.009 for the LAr 2020 release at ~1 GeV).
    yield_uncertainty
        One-sigma relative uncertainty of the yield (0.10 in both releases).
    pulse_mean, pulse_sigma
        Gaussian proton pulse (ns): 440 ns and 150 ns from the LAr 2020 release
        (``snsPOTTraceTiming``).
    nu_e_bar_fraction
        ν̄_e per π⁺ chain from π⁻ decays at rest (default 0).
    proton_energy
        Kinetic energy per proton (MeV), to turn beam energy into POT.
    """

    neutrinos_per_flavour_per_proton: float
    yield_uncertainty: float = 0.10
    pulse_mean: float = 440.0 * u.ns
    pulse_sigma: float = 150.0 * u.ns
    nu_e_bar_fraction: float = 0.0
    proton_energy: float = 1.0 * u.GeV

    def __post_init__(self) -> None:
        y = self.neutrinos_per_flavour_per_proton
        if not (np.isfinite(y) and 0 < y < 1):
            raise ValueError(f"neutrinos_per_flavour_per_proton: must be in (0, 1), got {y}")
        if not (np.isfinite(self.pulse_sigma) and self.pulse_sigma > 0):
            raise ValueError(f"pulse_sigma: must be > 0 ns, got {self.pulse_sigma}")
        if not (np.isfinite(self.proton_energy) and self.proton_energy > 0):
            raise ValueError(f"proton_energy: must be > 0 MeV, got {self.proton_energy}")

    @property
    def normalisation_unit(self) -> str:
        return "POT"

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Per-flavour spectra per proton on target."""
        base = stopped_pion_spectra(self.nu_e_bar_fraction)
        return {f: s.scaled(self.neutrinos_per_flavour_per_proton) for f, s in base.items()}

    def time_bin_probabilities(self, flavour: Flavour, edges: ArrayLike) -> FloatArray:
        """Fraction of ``flavour``'s neutrinos arriving in each bin of ``edges`` (ns).

        Prompt ν_μ: pulse ⊗ Exp(τ_π); delayed ν_e, ν̄_μ (and ν̄_e): pulse ⊗ Exp(τ_π) ⊗ Exp(τ_μ).
        """
        e = np.asarray(edges, dtype=float)
        pulse = GaussianPulse(self.pulse_mean, self.pulse_sigma)
        taus: tuple[float, ...]
        if Flavour.parse(flavour) is Flavour.NU_MU:
            taus = (float(CHARGED_PION_LIFETIME),)
        else:
            taus = (float(CHARGED_PION_LIFETIME), float(MUON_LIFETIME))
        return np.asarray(np.diff(decay_chain_cdf(pulse, e, taus)), dtype=float)

    def protons_on_target(self, beam_energy: float) -> float:
        """POT delivered by an integrated beam energy (MeV): ``E_beam / E_proton``."""
        if not (np.isfinite(beam_energy) and beam_energy > 0):
            raise ValueError(f"beam_energy: must be > 0, got {beam_energy}")
        return beam_energy / self.proton_energy


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
        pot = beam_energy / proton_energy
        label = f"{beam_energy / u.GWh:.4g} GWh at {proton_energy / u.GeV:.4g} GeV = {pot:.4g} POT"
        return cls(pot, label)

    @classmethod
    def from_beam_power(cls, power: float, live_time: float, proton_energy: float) -> Exposure:
        """Exposure from beam power (MeV/ns), live time (ns) and proton energy (MeV)."""
        if not (np.isfinite(power) and power > 0):
            raise ValueError(f"power: must be > 0, got {power}")
        if not (np.isfinite(live_time) and live_time > 0):
            raise ValueError(f"live_time: must be > 0, got {live_time}")
        exposure = cls.from_beam_energy(power * live_time, proton_energy)
        label = (
            f"{power / u.MW:.4g} MW for {live_time / u.year:.4g} yr at "
            f"{proton_energy / u.GeV:.4g} GeV = {exposure.units:.4g} POT"
        )
        return cls(exposure.units, label)


def source_spectra(source: NeutrinoSource | Mapping[Flavour, Spectrum]) -> dict[Flavour, Spectrum]:
    """``{Flavour: Spectrum}`` of a source object or mapping."""
    if isinstance(source, Mapping):
        return {Flavour.parse(f): s for f, s in source.items()}
    spectra = getattr(source, "spectra", None)
    if spectra is None:
        raise ValueError(
            f"source: {type(source).__name__} has no spectra(); pass a NeutrinoSource or a "
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
    "NeutrinoSource",
    "SteadySource",
    "StoppedPionBeam",
    "source_spectra",
    "source_time_probabilities",
]
