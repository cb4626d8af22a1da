"""Atmospheric neutrinos below 1 GeV (the high-recoil end of the neutrino fog).

The flux is the angle-averaged FLUKA calculation of G. Battistoni, A. Ferrari, T. Montaruli
and P. R. Sala, "The atmospheric neutrino flux below 100 MeV: the FLUKA results",
Astropart. Phys. 23 (2005) 526, at solar minimum, per flavour at production (ν_e, ν̄_e, ν_μ,
ν̄_μ; no ν_τ at these energies), 13.2–905 MeV, shipped in
``cevns/data/sources/atmospheric_fluka_battistoni2005.csv`` (origin in the data README). The
geomagnetic cutoff makes the low-energy flux site dependent; the table is the one used for
the neutrino floor and fog by Billard, Figueroa-Feliciano & Strigari, PRD 89 (2014) 023524 and
O'Hare, PRL 127 (2021) 251802, which quote it for a generic deep underground laboratory (the
calculation's own site was not checked: see the data README).

Between rows the flux is interpolated linearly in ``log E`` – ``log φ``; outside the table it is
zero. Integrated over all four flavours it gives 10.49 cm⁻² s⁻¹ (O'Hare 2021 normalises the
same shape to 10.7 cm⁻² s⁻¹ with a 25 % uncertainty; see :mod:`cevns.wimps.floor`).
Oscillations are not applied (CEvNS is flavour-blind at tree level; pass ``survival`` to
:meth:`AtmosphericSource.flux_at` for flavour-dependent physics).

Normalisation: :meth:`AtmosphericSource.flux_at` returns neutrinos per cm² per MeV per
second at the detector (the ``distance`` argument is accepted for the common source
interface and ignored: the flux is already at the Earth's surface).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import ClassVar

import numpy as np

from .. import units as u
from ..flavours import Flavour
from .base import SurvivalProbability, apply_survival
from .spectrum import FloatArray, Spectrum

__all__ = ["ATMOSPHERIC_FLAVOURS", "AtmosphericSource", "atmospheric_table"]

_FILE = "atmospheric_fluka_battistoni2005.csv"

#: Columns of the shipped table, in order.
ATMOSPHERIC_FLAVOURS: tuple[Flavour, ...] = (
    Flavour.NU_E,
    Flavour.NU_E_BAR,
    Flavour.NU_MU,
    Flavour.NU_MU_BAR,
)


@cache
def atmospheric_table() -> tuple[FloatArray, dict[Flavour, FloatArray]]:
    """Energies (MeV) and flux per flavour (neutrinos per cm² per MeV per **second**)."""
    text = resources.files("cevns.data.sources").joinpath(_FILE).read_text(encoding="utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(rows)
    header = next(reader)
    expected = ["energy_MeV", *(f.value for f in ATMOSPHERIC_FLAVOURS)]
    if header != expected:
        raise ValueError(f"{_FILE}: header must be {expected}, got {header}")
    data = np.array([[float(x) for x in row] for row in reader], dtype=float)
    energy = data[:, 0] * u.MeV
    flux = {fl: data[:, i + 1] for i, fl in enumerate(ATMOSPHERIC_FLAVOURS)}
    return energy, flux


def _loglog(energy: FloatArray, table_e: FloatArray, table_f: FloatArray) -> FloatArray:
    e = np.asarray(energy, dtype=float)
    inside = (e >= table_e[0]) & (e <= table_e[-1])
    with np.errstate(divide="ignore"):
        logs = np.interp(np.log(np.where(inside, e, table_e[0])), np.log(table_e), np.log(table_f))
    out: FloatArray = np.where(inside, np.exp(logs), 0.0)
    return out


@dataclass(frozen=True)
class AtmosphericSource:
    """Sub-GeV atmospheric neutrinos at an underground laboratory (see module docstring).

    Parameters
    ----------
    scale
        Multiplier on the tabulated flux (>= 0), e.g. ``10.7 / 10.49`` for O'Hare's
        normalisation.
    """

    scale: float = 1.0

    normalisation_unit: ClassVar[str] = "second"
    normalisation_rate: ClassVar[float] = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.scale) and self.scale >= 0):
            raise ValueError(f"scale: must be finite and >= 0, got {self.scale}")

    @property
    def name(self) -> str:
        """Short identifier."""
        return "atmospheric-fluka2005"

    def _spectrum(self, flavour: Flavour) -> Spectrum:
        energy, flux = atmospheric_table()
        values = flux[flavour] * self.scale

        def density(e: FloatArray, values: FloatArray = values) -> FloatArray:
            return _loglog(e, energy, values)

        return Spectrum(
            density=density,
            support=(float(energy[0]), float(energy[-1])),
            breakpoints=tuple(float(x) for x in energy[1:-1]),
            label=f"atmospheric {flavour.symbol} (FLUKA 2005)",
        )

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Flux at the detector per flavour, per cm² per MeV per second."""
        return {fl: self._spectrum(fl) for fl in ATMOSPHERIC_FLAVOURS}

    def flux_at(
        self, distance: float | None = None, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux per cm² per MeV per second (``distance`` is ignored, see module docstring)."""
        out = self.spectra()
        if survival is not None:
            d = 1.0 if distance is None else distance
            out = {fl: apply_survival(s, fl, d, survival) for fl, s in out.items()}
        return out

    def total_flux(self) -> float:
        """All flavours integrated over the table (neutrinos per cm² per second)."""
        return float(sum(s.total for s in self.spectra().values()))

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        return {
            "name": self.name,
            "kind": "atmospheric (FLUKA, Battistoni et al. 2005, solar minimum)",
            "energy range": "13.2-905 MeV",
            "total flux": f"{self.total_flux():.4g} cm^-2 s^-1",
            "normalisation_unit": self.normalisation_unit,
        }
