"""Nuclear-reactor ν̄_e sources.

Spectrum per fission of isotope *i* (``cevns/data/sources/reactor_isotopes.toml``):

* 2–8 MeV (``fit_range``): ``S_i(E) = exp(Σ_{k=0}^{5} a_k E^k)``, ν̄_e / MeV / fission,
  Huber 2011 (PRC 84, 024617) for ²³⁵U, ²³⁹Pu, ²⁴¹Pu and Mueller et al. 2011
  (PRC 83, 054615) for ²³⁸U.
* **Low-energy extension below 2 MeV**: the conversion fits are not defined there (the
  polynomial in the exponent diverges towards E = 0: exp(a_0) ≈ 79/MeV for ²³⁵U). We use
  the Vogel & Engel (1989, PRD 39, 3378) shape ``exp(b_0 + b_1 E + b_2 E²)``, a fit that
  covers the whole spectrum, multiplied by a constant so that it joins the 2–8 MeV fit
  continuously at 2 MeV (the factor is 1.00–1.10 for the four isotopes). This keeps the
  CEvNS-relevant part (E > 2 MeV) exactly the Huber–Mueller prediction and gives a sensible
  total of 5–6.4 ν̄_e per fission. Not included: ν̄_e from ²³⁹U/²³⁹Np after neutron capture
  on ²³⁸U (about 0.6 per fission below 1.3 MeV, Kopeikin et al. 2004) and from
  non-equilibrium long-lived fission products.
* 8–10 MeV: the fit is continued (it falls by 10³ over that interval); zero above 10 MeV.

Reactor: fissions per second ``= P_th / Σ_i f_i E_i`` with fission fractions ``f_i``
(summing to one) and energy per fission ``E_i`` (Kopeikin, Mikaelyan, Sinev 2004).
Normalisation unit of :meth:`ReactorSource.spectra`: one fission; ``normalisation_rate``:
fissions per second.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import ClassVar

import numpy as np

from .. import units as u
from ..flavours import Flavour
from ..units import parse_quantity
from .base import SurvivalProbability, flux_from_spectra
from .spectrum import FloatArray, Spectrum

#: Energy (MeV) where the low-energy extension joins the conversion/ab-initio fit.
JOIN_ENERGY = 2.0 * u.MeV
#: Upper end (MeV) of the reactor spectrum.
MAX_ENERGY = 10.0 * u.MeV

#: Fission fractions of a typical low-enriched PWR (Daya Bay average effective fission
#: fractions, F. P. An et al., PRL 118 (2017) 251801: 0.571, 0.076, 0.299, 0.054).
TYPICAL_PWR_FISSION_FRACTIONS: dict[str, float] = {
    "U235": 0.571,
    "U238": 0.076,
    "Pu239": 0.299,
    "Pu241": 0.054,
}


@dataclass(frozen=True)
class FissionIsotope:
    """Antineutrino emission of one fissioning isotope.

    Parameters
    ----------
    name
        ``"U235"``, ``"U238"``, ``"Pu239"`` or ``"Pu241"``.
    spectrum_coefficients
        ``a_0 … a_5`` of ``exp(Σ a_k E^k)`` (E in MeV; result ν̄/MeV/fission).
    low_energy_coefficients
        Vogel–Engel ``b_0, b_1, b_2`` for the shape below :data:`JOIN_ENERGY`.
    energy_per_fission
        Thermal energy released per fission (MeV), with ``energy_per_fission_uncertainty``.
    reference
        Citation of the spectrum fit.
    """

    name: str
    spectrum_coefficients: tuple[float, ...]
    low_energy_coefficients: tuple[float, float, float]
    energy_per_fission: float
    energy_per_fission_uncertainty: float
    reference: str

    def fit_density(self, energy: FloatArray) -> FloatArray:
        """The exp-polynomial fit (ν̄_e/MeV/fission) at ``energy`` (MeV)."""
        e = np.asarray(energy, dtype=float)
        out: FloatArray = np.exp(np.polynomial.polynomial.polyval(e, self.spectrum_coefficients))
        return out

    def low_energy_density(self, energy: FloatArray) -> FloatArray:
        """Vogel–Engel shape joined continuously to the fit at 2 MeV (ν̄_e/MeV/fission)."""
        e = np.asarray(energy, dtype=float)
        shape = np.polynomial.polynomial.polyval(e, self.low_energy_coefficients)
        at_join = np.polynomial.polynomial.polyval(JOIN_ENERGY, self.low_energy_coefficients)
        scale = float(self.fit_density(np.array(JOIN_ENERGY))) / math.exp(at_join)
        out: FloatArray = scale * np.exp(shape)
        return out

    def density(self, energy: FloatArray) -> FloatArray:
        """ν̄_e per MeV per fission at ``energy`` (MeV), 0–10 MeV (zero elsewhere)."""
        e = np.asarray(energy, dtype=float)
        low = self.low_energy_density(np.minimum(e, JOIN_ENERGY))
        high = self.fit_density(np.clip(e, JOIN_ENERGY, MAX_ENERGY))
        out: FloatArray = np.where(e < JOIN_ENERGY, low, high)
        return np.where((e >= 0) & (e <= MAX_ENERGY), out, 0.0)

    def spectrum(self) -> Spectrum:
        """ν̄_e spectrum per fission (:class:`Spectrum`, breakpoint at the 2 MeV join)."""
        return Spectrum(
            density=self.density,
            support=(0.0, MAX_ENERGY),
            breakpoints=(JOIN_ENERGY, 8.0 * u.MeV),
            label=f"{self.name} ν̄_e ({self.reference})",
            panels=2,
        )


@cache
def fission_isotopes() -> dict[str, FissionIsotope]:
    """The four isotopes of ``reactor_isotopes.toml``."""
    text = (resources.files("cevns.data.sources") / "reactor_isotopes.toml").read_text("utf-8")
    table = tomllib.loads(text)
    out: dict[str, FissionIsotope] = {}
    for name, row in table.items():
        low = tuple(float(x) for x in row["low_energy"])
        out[name] = FissionIsotope(
            name=name,
            spectrum_coefficients=tuple(float(x) for x in row["spectrum"]),
            low_energy_coefficients=(low[0], low[1], low[2]),
            energy_per_fission=parse_quantity(row["energy_per_fission"], "energy", name=name),
            energy_per_fission_uncertainty=parse_quantity(
                row["energy_per_fission_uncertainty"], "energy", name=name
            ),
            reference=str(row["spectrum_reference"]),
        )
    return out


def _check_fractions(fractions: Mapping[str, float]) -> dict[str, float]:
    isotopes = fission_isotopes()
    out: dict[str, float] = {}
    for name, value in fractions.items():
        if name not in isotopes:
            raise ValueError(
                f"fission_fractions: unknown isotope {name!r}; allowed: {sorted(isotopes)}"
            )
        v = float(value)
        if not (math.isfinite(v) and 0 <= v <= 1):
            raise ValueError(f"fission_fractions: {name} must be in [0, 1], got {value}")
        out[name] = v
    total = sum(out.values())
    if not math.isclose(total, 1.0, abs_tol=1e-3):
        raise ValueError(f"fission_fractions: must sum to 1 (± 0.001), got {total:.6g}")
    return out


@dataclass(frozen=True)
class ReactorSource:
    """A power reactor as an isotropic ν̄_e point source.

    Parameters
    ----------
    name
        Identifier.
    thermal_power
        Thermal power (internal units, ``3.9 * u.GW``), >= 0.
    fission_fractions
        Fraction of fissions per isotope (``"U235"``, ``"U238"``, ``"Pu239"``, ``"Pu241"``),
        summing to one; default :data:`TYPICAL_PWR_FISSION_FRACTIONS`.
    distance
        Default core–detector distance (cm) for presets and the CLI, or ``None``.
    description
        Free text.
    """

    name: str
    thermal_power: float
    fission_fractions: Mapping[str, float] = field(
        default_factory=lambda: dict(TYPICAL_PWR_FISSION_FRACTIONS)
    )
    distance: float | None = None
    description: str = ""

    normalisation_unit: ClassVar[str] = "fission"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.thermal_power) and self.thermal_power >= 0):
            raise ValueError(
                f"thermal_power: must be finite and >= 0 (enter as e.g. 3.9 * u.GW), "
                f"got {self.thermal_power}"
            )
        if self.distance is not None and not (math.isfinite(self.distance) and self.distance > 0):
            raise ValueError(f"distance: must be finite and > 0 cm, got {self.distance}")
        object.__setattr__(self, "fission_fractions", _check_fractions(self.fission_fractions))

    @property
    def mean_energy_per_fission(self) -> float:
        """``Σ f_i E_i`` (MeV)."""
        iso = fission_isotopes()
        return sum(f * iso[n].energy_per_fission for n, f in self.fission_fractions.items())

    @property
    def fissions_per_second(self) -> float:
        """Fissions per second (1/s) at the thermal power."""
        return self.thermal_power / self.mean_energy_per_fission * u.s

    @property
    def normalisation_rate(self) -> float:
        """Normalisation units (fissions) per second."""
        return self.fissions_per_second

    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """Only ν̄_e."""
        return (Flavour.NU_E_BAR,)

    def spectra(self) -> dict[Flavour, Spectrum]:
        """ν̄_e per MeV per fission (fission-fraction weighted sum over isotopes)."""
        iso = fission_isotopes()
        parts = [(iso[n], f) for n, f in self.fission_fractions.items() if f > 0]

        def density(energy: FloatArray) -> FloatArray:
            e = np.asarray(energy, dtype=float)
            out = np.zeros_like(e)
            for isotope, fraction in parts:
                out = out + fraction * isotope.density(e)
            return out

        spectrum = Spectrum(
            density=density,
            support=(0.0, MAX_ENERGY),
            breakpoints=(JOIN_ENERGY, 8.0 * u.MeV),
            label=f"{self.name} reactor ν̄_e",
            panels=2,
        )
        return {Flavour.NU_E_BAR: spectrum}

    @property
    def antineutrinos_per_fission(self) -> float:
        """ν̄_e emitted per fission (0–10 MeV)."""
        return self.spectra()[Flavour.NU_E_BAR].total

    @property
    def antineutrinos_per_second(self) -> float:
        """ν̄_e emitted per second (1/s) at the thermal power."""
        return self.antineutrinos_per_fission * self.fissions_per_second

    def flux_at(
        self, distance: float | None = None, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux per fission at ``distance`` (cm; default the preset's): 1/cm²/MeV/fission."""
        return flux_from_spectra(self.spectra(), self._distance(distance), survival)

    def flux_rate_at(
        self, distance: float | None = None, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux per second at ``distance`` (cm): 1/cm²/MeV/s."""
        return flux_from_spectra(
            self.spectra(), self._distance(distance), survival, scale=self.fissions_per_second
        )

    def _distance(self, distance: float | None) -> float:
        if distance is not None:
            return distance
        if self.distance is None:
            raise ValueError(f"distance: reactor {self.name!r} has no default distance; give one")
        return self.distance

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        out = {
            "name": self.name,
            "kind": "nuclear reactor (ν̄_e)",
            "thermal_power": f"{self.thermal_power / u.GW:g} GW",
            "fission_fractions": ", ".join(f"{k} {v:g}" for k, v in self.fission_fractions.items()),
            "mean_energy_per_fission": f"{self.mean_energy_per_fission:.2f} MeV",
            "fissions_per_second": f"{self.fissions_per_second:.4g} /s",
            "antineutrinos_per_fission": f"{self.antineutrinos_per_fission:.3f}",
            "antineutrinos_per_second": f"{self.antineutrinos_per_second:.4g} /s",
            "normalisation_unit": self.normalisation_unit,
        }
        if self.distance is not None:
            out["distance"] = f"{self.distance / u.m:g} m"
        return out


#: CONUS at the Brokdorf reactor: 3.9 GW thermal, 17 m (Scholberg, MPA Summer School 2021; PRL 126
#: (2021) 041804).
CONUS = ReactorSource(
    "CONUS",
    thermal_power=3.9 * u.GW,
    distance=17.0 * u.m,
    description="Brokdorf 3.9 GWth PWR, Germany; 4 kg Ge PPC at 17 m "
    " (Scholberg, MPA Summer School 2021)",
)
#: CONNIE at Angra-2: 3.8 GW thermal, 32 m (Scholberg, MPA Summer School 2021; PRD 100 (2019)
#: 092005).
CONNIE = ReactorSource(
    "CONNIE",
    thermal_power=3.8 * u.GW,
    distance=32.0 * u.m,
    description="Angra-2 3.8 GWth PWR, Brazil; 47.6 g Si CCDs at 32 m "
    " (Scholberg, MPA Summer School 2021)",
)

#: Reactor presets by short name.
REACTOR_PRESETS: dict[str, ReactorSource] = {"conus": CONUS, "connie": CONNIE}
