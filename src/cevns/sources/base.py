"""The common source interface and the flux at a detector.

Every source in :mod:`cevns.sources` is a small frozen dataclass that offers

* ``name`` and ``normalisation_unit`` (text: ``"proton on target"``, ``"fission"``,
  ``"burst"``, ``"second"``, ...);
* ``spectra() -> dict[Flavour, Spectrum]``: neutrinos per MeV (continuous part) and
  per line, per normalisation unit, *emitted isotropically*;
* ``flux_at(distance, survival=None)``: the same spectra at a detector, divided by
  ``4πL²`` (neutrinos per cm² per MeV per normalisation unit), with an optional
  survival-probability hook ``P(E, L, flavour)`` so that oscillations (e.g. a sterile
  neutrino) act at the detector without touching the source;
* ``normalisation_rate`` where the source has one (normalisation units per second),
  so that ``flux_rate_at`` gives neutrinos per cm² per MeV per second.

Units: energies MeV, distances cm, times ns (rates are quoted per second, ``u.s``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

import numpy as np

from ..flavours import Flavour
from ..validation import in_range, positive_scalar
from .spectrum import FloatArray, SpectralLine, Spectrum

#: ``P(E, L, flavour)``: survival probability of ``flavour`` at energy ``E`` (MeV, array)
#: after a baseline ``L`` (cm); must return values in [0, 1] broadcasting like ``E``.
SurvivalProbability = Callable[[FloatArray, float, Flavour], FloatArray]


def check_distance(distance: float, name: str = "distance") -> float:
    """Validate a source–detector distance (cm): finite, inside ``RANGES["distance"]``
    (1 cm to 1 Mpc)."""
    positive_scalar(distance, name, "cm (enter as e.g. 20 * u.m)")
    return in_range(distance, "distance", name)


def geometric_dilution(distance: float) -> float:
    """``1/(4πL²)`` in 1/cm² for an isotropic point source at ``distance`` (cm)."""
    d = check_distance(distance)
    return 1.0 / (4.0 * math.pi * d * d)


def _checked_probability(
    survival: SurvivalProbability, flavour: Flavour, distance: float
) -> Callable[[FloatArray], FloatArray]:
    def prob(energy: FloatArray) -> FloatArray:
        p = np.asarray(survival(np.asarray(energy, dtype=float), distance, flavour), dtype=float)
        p = np.broadcast_to(p, np.shape(energy))
        if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
            raise ValueError(f"survival: P(E, L, {flavour.value}) must be finite and within [0, 1]")
        return p

    return prob


def apply_survival(
    spectrum: Spectrum,
    flavour: Flavour,
    distance: float,
    survival: SurvivalProbability,
    *,
    panels: int | None = None,
) -> Spectrum:
    """Multiply a spectrum (density and lines) by ``P(E, L, flavour)``.

    Parameters
    ----------
    spectrum
        Spectrum at the detector (or at the source).
    flavour
        Its flavour.
    distance
        Baseline ``L`` (cm) passed to the hook.
    survival
        The hook ``P(E, L, flavour)``.
    panels
        Quadrature panels per breakpoint interval for the oscillating product
        (default: keep the spectrum's own; raise it for fast oscillations).
    """
    prob = _checked_probability(survival, flavour, distance)
    dens = spectrum.density
    new_density = None if dens is None else (lambda e: dens(e) * prob(e))
    lines = tuple(
        SpectralLine(ln.energy, ln.intensity * float(prob(np.array([ln.energy]))[0]))
        for ln in spectrum.lines
    )
    return Spectrum(
        density=new_density,
        support=spectrum.support,
        lines=lines,
        breakpoints=spectrum.breakpoints,
        label=spectrum.label,
        panels=spectrum.panels if panels is None else panels,
    )


def flux_from_spectra(
    spectra: Mapping[Flavour, Spectrum],
    distance: float,
    survival: SurvivalProbability | None = None,
    *,
    scale: float = 1.0,
    panels: int | None = None,
) -> dict[Flavour, Spectrum]:
    """Spectra emitted by an isotropic point source seen at ``distance`` (cm).

    Returns ``scale × spectra / (4πL²) × P(E, L, flavour)`` per flavour: neutrinos per
    cm² per MeV (and per cm² for lines) per normalisation unit times ``scale``.
    """
    if not (math.isfinite(scale) and scale >= 0):
        raise ValueError(f"scale: must be finite and >= 0, got {scale}")
    factor = scale * geometric_dilution(distance)
    out: dict[Flavour, Spectrum] = {}
    for flavour, spectrum in spectra.items():
        at_detector = spectrum.scaled(factor)
        if survival is not None:
            at_detector = apply_survival(at_detector, flavour, distance, survival, panels=panels)
        out[flavour] = at_detector
    return out


def total_flux(flux: Mapping[Flavour, Spectrum]) -> float:
    """Sum over flavours of the integrated flux (same unit as the spectra, e.g. 1/cm²/s)."""
    return float(sum(s.total for s in flux.values()))


@runtime_checkable
class NeutrinoSource(Protocol):
    """What every source offers (see module docstring)."""

    @property
    def name(self) -> str:
        """Short identifier."""
        ...

    @property
    def normalisation_unit(self) -> str:
        """What the spectra are per: ``"proton on target"``, ``"fission"``, ``"burst"``, ..."""
        ...

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Emitted neutrinos per MeV (and per line) per normalisation unit, per flavour."""
        ...

    def flux_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Spectra divided by ``4πL²`` (1/cm²/MeV per normalisation unit), times ``P``."""
        ...

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units (for the CLI and reports)."""
        ...
