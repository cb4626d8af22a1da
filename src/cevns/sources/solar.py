"""Solar neutrinos: standard-solar-model fluxes, spectra, and MSW-LMA flavour content at Earth.

Fluxes (``cevns/data/sources/solar_fluxes_b16.csv``): N. Vinyoles et al., ApJ 835 (2017) 202,
arXiv:1611.09867, Table 6, for the B16-GS98 (high-metallicity) and B16-AGSS09met
(low-metallicity) models, with their 1σ model uncertainties, in cm⁻² s⁻¹ at 1 AU.

Spectra (all ν_e at production):

* **Lines**: pep at 1.442 MeV; ⁷Be at 0.8618 MeV (89.7 %) and 0.3843 MeV (10.3 %, decay to the
  478 keV state of ⁷Li) (J. N. Bahcall, *Neutrino Astrophysics*, Cambridge University Press
  1989, Table 6.1 and Sec. 6.1). Thermal line broadening (≈ 1 keV) is neglected.
* **⁸B**: the measured shape of W. T. Winter et al., Phys. Rev. C 73 (2006) 025503, Table IV
  (``b8_spectrum_winter2006.csv``, linear interpolation in 0.1 MeV steps).
* **pp, hep, ¹³N, ¹⁵O, ¹⁷F**: allowed β⁺ spectra computed here (:func:`allowed_beta_plus_spectrum`),
  ``dN/dE_ν ∝ E_ν² p W F(−Z, W)`` with ``W = Q + m_e − E_ν`` the positron total energy, ``p`` its
  momentum, ``Z`` the daughter charge and the non-relativistic Fermi function
  ``F = x/(1 − e^{−x})``, ``x = −2π Z α W/p``; endpoints ``Q`` (maximum neutrino energies) of
  Bahcall, *Neutrino Astrophysics* (1989), Table 6.1: pp 0.420, hep 18.77, ¹³N 1.199, ¹⁵O 1.732,
  ¹⁷F 1.740 MeV. For the CNO nuclei this reproduces the tabulated spectra of Bahcall & Ulrich,
  Rev. Mod. Phys. 60 (1988) 297 to better than 1 % (see the tests).

Flavour content at Earth (:func:`survival_probability`): the day-time, adiabatic MSW-LMA
electron-neutrino survival probability (e.g. M. C. Gonzalez-Garcia & Y. Nir, Rev. Mod. Phys. 75
(2003) 345, Eq. 4.20, with the three-flavour θ₁₃ factor)

    P_ee = cos⁴θ₁₃ · ½ (1 + cos2θ₁₂ cos2θ₁₂ᵐ) + sin⁴θ₁₃,
    cos2θ₁₂ᵐ = (cos2θ₁₂ − β) / √((cos2θ₁₂ − β)² + sin²2θ₁₂),  β = 2√2 G_F n_e E cos²θ₁₃ / Δm²₂₁,

averaged over where in the Sun each flux is produced (``solar_production_b16_gs98.csv``: the
B16-GS98 production fractions and electron density, Vinyoles et al. 2017). Oscillations in
vacuum between Sun and Earth average out; Earth matter (night-time regeneration, ≈ +1–3 % for
⁸B) is not included. The converted neutrinos are split between ν_μ and ν_τ as
``cos²θ₂₃ : sin²θ₂₃`` (exact for θ₁₃ → 0). CEvNS is flavour-blind at tree level, so the
composition matters only for flavour-dependent physics (radiative corrections, new physics).

Normalisation: :meth:`SolarSource.spectra` are emitted per second (the flux at 1 AU times
``4π (1 AU)²``); :meth:`SolarSource.flux_at` at ``distance = 1 AU`` gives the flux at Earth,
in neutrinos per cm² per MeV per second, with the MSW conversion (which happens inside the Sun)
already applied; a ``survival`` hook multiplies on top (e.g. a sterile neutrino).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from .. import units as u
from ..constants import AVOGADRO, ELECTRON_MASS, FERMI_CONSTANT, FINE_STRUCTURE, HBAR_C
from ..flavours import Flavour
from ..quadrature import gauss_legendre
from .base import SurvivalProbability, apply_survival
from .spectrum import FloatArray, SpectralLine, Spectrum

#: One astronomical unit (IAU 2012 Resolution B2, exact), in cm.
ASTRONOMICAL_UNIT = 1.495978707e13 * u.cm

#: The solar-neutrino fluxes, in the order of Vinyoles et al. (2017), Table 6.
SOLAR_COMPONENTS: tuple[str, ...] = ("pp", "pep", "hep", "be7", "b8", "n13", "o15", "f17")

#: Standard solar models with shipped fluxes.
SOLAR_MODELS: tuple[str, ...] = ("B16-GS98", "B16-AGSS09met")

#: pep line energy (MeV), Bahcall, Neutrino Astrophysics (1989), Table 6.1.
PEP_ENERGY = 1.442 * u.MeV
#: ⁷Be lines (MeV) and branching fractions, Bahcall, Neutrino Astrophysics (1989), Sec. 6.1.
BE7_LINES: tuple[tuple[float, float], ...] = ((0.8618 * u.MeV, 0.897), (0.3843 * u.MeV, 0.103))

#: Maximum neutrino energy (MeV) and daughter charge of the allowed β⁺ sources
#: (Bahcall, Neutrino Astrophysics (1989), Table 6.1).
BETA_PLUS_SOURCES: dict[str, tuple[float, int]] = {
    "pp": (0.420 * u.MeV, 1),
    "hep": (18.77 * u.MeV, 2),
    "n13": (1.199 * u.MeV, 6),
    "o15": (1.732 * u.MeV, 7),
    "f17": (1.740 * u.MeV, 8),
}

_LABELS = {
    "pp": "pp",
    "pep": "pep",
    "hep": "hep",
    "be7": "⁷Be",
    "b8": "⁸B",
    "n13": "¹³N",
    "o15": "¹⁵O",
    "f17": "¹⁷F",
}


@dataclass(frozen=True)
class OscillationParameters:
    """Three-flavour mixing for solar neutrinos.

    Defaults: NuFIT 6.0 (I. Esteban et al., JHEP 12 (2024) 216, arXiv:2410.05380), normal
    ordering, best fit: sin²θ₁₂ = 0.308, sin²θ₁₃ = 0.02215, Δm²₂₁ = 7.49 × 10⁻⁵ eV²;
    sin²θ₂₃ = 0.470. (The NuFIT table is published as an image; these values are quoted from it
    and were not machine-checked.)

    Parameters
    ----------
    sin2_theta12, sin2_theta13, sin2_theta23
        Mixing angles, each in (0, 1).
    dm2_21
        Δm²₂₁ in eV² (> 0).
    """

    sin2_theta12: float = 0.308
    sin2_theta13: float = 0.02215
    sin2_theta23: float = 0.470
    dm2_21: float = 7.49e-5

    def __post_init__(self) -> None:
        for name in ("sin2_theta12", "sin2_theta13", "sin2_theta23"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and 0.0 < v < 1.0):
                raise ValueError(f"{name}: must be in (0, 1), got {v}")
        if not (math.isfinite(self.dm2_21) and self.dm2_21 > 0):
            raise ValueError(f"dm2_21: must be finite and > 0 (eV²), got {self.dm2_21}")


def matter_potential(electron_density: ArrayLike) -> FloatArray:
    """``V = √2 G_F n_e`` in MeV for an electron density in cm⁻³."""
    ne = np.asarray(electron_density, dtype=float)
    hbarc = float(HBAR_C)  # MeV cm
    out: FloatArray = math.sqrt(2.0) * float(FERMI_CONSTANT) * hbarc**3 * ne
    return out


def survival_probability_at_density(
    energy: ArrayLike, electron_density: ArrayLike, oscillation: OscillationParameters
) -> FloatArray:
    """Day-time adiabatic ``P_ee`` for production at electron density ``n_e`` (cm⁻³).

    ``energy`` (MeV) and ``electron_density`` broadcast against each other.
    """
    e = np.asarray(energy, dtype=float)
    c13 = 1.0 - oscillation.sin2_theta13
    cos2 = 1.0 - 2.0 * oscillation.sin2_theta12
    sin2_2 = 1.0 - cos2**2
    dm2 = oscillation.dm2_21 * u.eV**2
    beta = 2.0 * matter_potential(electron_density) * e * c13 / dm2
    cos2m = (cos2 - beta) / np.sqrt((cos2 - beta) ** 2 + sin2_2)
    out: FloatArray = c13**2 * 0.5 * (1.0 + cos2 * cos2m) + oscillation.sin2_theta13**2
    return out


@cache
def production_profile() -> tuple[FloatArray, dict[str, FloatArray]]:
    """Electron density (cm⁻³) per zone and normalised production weights per component."""
    text = (resources.files("cevns.data.sources") / "solar_production_b16_gs98.csv").read_text(
        "utf-8"
    )
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(rows)
    data = list(reader)
    ne = np.array([10.0 ** float(r["log10_ne_NA_cm3"]) for r in data]) * float(AVOGADRO)
    weights: dict[str, FloatArray] = {}
    for comp in SOLAR_COMPONENTS:
        w = np.array([float(r[comp]) for r in data])
        weights[comp] = w / w.sum()
    return ne, weights


def survival_probability(
    energy: ArrayLike, component: str = "b8", oscillation: OscillationParameters | None = None
) -> FloatArray:
    """Production-averaged day-time ``P_ee(E)`` of one solar flux (see module docstring).

    Parameters
    ----------
    energy
        Neutrino energy (MeV), any shape.
    component
        One of :data:`SOLAR_COMPONENTS`.
    oscillation
        Mixing parameters; default :class:`OscillationParameters`.
    """
    comp = _check_component(component)
    osc = oscillation or OscillationParameters()
    e = np.asarray(energy, dtype=float)
    if not np.all(np.isfinite(e)) or np.any(e < 0):
        raise ValueError("energy: must be finite and >= 0 MeV")
    ne, weights = production_profile()
    p = survival_probability_at_density(e[..., None], ne, osc)
    out: FloatArray = np.sum(p * weights[comp], axis=-1)
    return out


def fermi_function_positron(daughter_charge: int, total_energy: ArrayLike) -> FloatArray:
    """Non-relativistic Fermi function ``F(−Z, W) = x/(1 − e^{−x})``, ``x = −2πZαW/p``."""
    w = np.asarray(total_energy, dtype=float)
    me = float(ELECTRON_MASS)
    p = np.sqrt(np.clip(w**2 - me**2, 1e-300, None))
    x = -2.0 * math.pi * daughter_charge * float(FINE_STRUCTURE) * w / p
    xs = np.maximum(x, -700.0)
    out: FloatArray = xs / (-np.expm1(-xs))
    return out


def allowed_beta_plus_spectrum(
    energy: ArrayLike, endpoint: float, daughter_charge: int
) -> FloatArray:
    """Unnormalised allowed β⁺ neutrino spectrum ``E² p W F(−Z, W)`` at ``energy`` (MeV)."""
    e = np.asarray(energy, dtype=float)
    me = float(ELECTRON_MASS)
    kinetic = np.clip(endpoint - e, 0.0, None)
    w = kinetic + me
    p = np.sqrt(kinetic * (kinetic + 2.0 * me))
    out: FloatArray = e**2 * p * w * fermi_function_positron(daughter_charge, w)
    return np.where((e >= 0) & (e <= endpoint), out, 0.0)


@cache
def _beta_plus_norm(endpoint: float, daughter_charge: int) -> float:
    x, wx = gauss_legendre(64)
    edges = np.linspace(0.0, endpoint, 17)
    total = 0.0
    for a, b in itertools.pairwise(edges):
        nodes = 0.5 * (a + b) + 0.5 * (b - a) * x
        values = allowed_beta_plus_spectrum(nodes, endpoint, daughter_charge)
        total += float(np.sum(0.5 * (b - a) * wx * values))
    return total


@cache
def _b8_table() -> tuple[FloatArray, FloatArray]:
    text = (resources.files("cevns.data.sources") / "b8_spectrum_winter2006.csv").read_text("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    data = np.array([[float(v) for v in ln.split(",")] for ln in rows[1:]])
    energy, shape = data[:, 0], data[:, 1]
    norm = float(np.sum(0.5 * (shape[1:] + shape[:-1]) * np.diff(energy)))
    return energy, shape / norm


def unit_spectrum(component: str) -> Spectrum:
    """The spectrum of one solar flux normalised to one neutrino (lines included)."""
    comp = _check_component(component)
    label = f"solar {_LABELS[comp]} ν_e"
    if comp == "pep":
        return Spectrum(lines=(SpectralLine(PEP_ENERGY, 1.0),), label=label)
    if comp == "be7":
        return Spectrum(lines=tuple(SpectralLine(e, f) for e, f in BE7_LINES), label=label)
    if comp == "b8":
        energy, shape = _b8_table()

        def b8_density(e: FloatArray) -> FloatArray:
            out: FloatArray = np.interp(e, energy, shape, left=0.0, right=0.0)
            return out

        return Spectrum(
            density=b8_density,
            support=(0.0, float(energy[-1])),
            breakpoints=tuple(float(x) for x in energy[1:-1:5]),
            label=label,
        )
    endpoint, z = BETA_PLUS_SOURCES[comp]
    norm = _beta_plus_norm(endpoint, z)

    def beta_density(e: FloatArray) -> FloatArray:
        return allowed_beta_plus_spectrum(e, endpoint, z) / norm

    return Spectrum(
        density=beta_density,
        support=(0.0, endpoint),
        breakpoints=(0.5 * endpoint, 0.9 * endpoint),
        label=label,
        panels=2,
    )


@dataclass(frozen=True)
class SolarFlux:
    """One row of the solar-model table: flux at 1 AU (cm⁻² s⁻¹) and relative 1σ uncertainty."""

    component: str
    flux: float
    relative_uncertainty: float


@cache
def solar_model_fluxes(model: str = "B16-GS98") -> dict[str, SolarFlux]:
    """The fluxes of ``model`` (one of :data:`SOLAR_MODELS`), per component."""
    key = _check_model(model)
    column = {"B16-GS98": "gs98", "B16-AGSS09met": "agss09met"}[key]
    text = (resources.files("cevns.data.sources") / "solar_fluxes_b16.csv").read_text("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out: dict[str, SolarFlux] = {}
    for row in csv.DictReader(rows):
        comp = row["component"]
        out[comp] = SolarFlux(
            comp,
            float(row[f"{column}_flux_cm2_s"]) / u.s,
            float(row[f"{column}_relative_uncertainty"]),
        )
    return out


def _check_model(model: str) -> str:
    for name in SOLAR_MODELS:
        if model.strip().lower() == name.lower():
            return name
    raise ValueError(f"model: unknown solar model {model!r}; allowed: {list(SOLAR_MODELS)}")


def _check_component(component: str) -> str:
    key = str(component).strip().lower().replace("-", "").replace("⁸", "8").replace("⁷", "7")
    aliases = {"8b": "b8", "boron8": "b8", "7be": "be7", "13n": "n13", "15o": "o15", "17f": "f17"}
    key = aliases.get(key, key)
    if key not in SOLAR_COMPONENTS:
        raise ValueError(
            f"component: unknown solar flux {component!r}; allowed: {list(SOLAR_COMPONENTS)}"
        )
    return key


@dataclass(frozen=True)
class SolarSource:
    """The Sun as a neutrino source (see module docstring).

    Parameters
    ----------
    model
        ``"B16-GS98"`` (default) or ``"B16-AGSS09met"``.
    components
        Which fluxes to include (default all of :data:`SOLAR_COMPONENTS`).
    oscillation
        Mixing parameters for the MSW conversion; ``None`` means no conversion (pure ν_e).
    flux_scale
        Optional multipliers per component (e.g. ``{"b8": 4.7e6 / 5.46e6}`` to impose a
        measured flux), each >= 0.
    """

    model: str = "B16-GS98"
    components: tuple[str, ...] = SOLAR_COMPONENTS
    oscillation: OscillationParameters | None = field(default_factory=OscillationParameters)
    flux_scale: Mapping[str, float] = field(default_factory=dict)

    normalisation_unit: ClassVar[str] = "second"
    #: Emission is per second, so one normalisation unit per second.
    normalisation_rate: ClassVar[float] = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", _check_model(self.model))
        comps = tuple(_check_component(c) for c in self.components)
        if not comps:
            raise ValueError("components: give at least one solar flux")
        if len(set(comps)) != len(comps):
            raise ValueError(f"components: repeated entries in {list(self.components)}")
        object.__setattr__(self, "components", comps)
        scales: dict[str, float] = {}
        for name, value in dict(self.flux_scale).items():
            comp = _check_component(name)
            v = float(value)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"flux_scale: {name} must be finite and >= 0, got {value}")
            scales[comp] = v
        object.__setattr__(self, "flux_scale", scales)

    @property
    def name(self) -> str:
        """Short identifier."""
        return f"sun-{self.model}"

    def flux(self, component: str) -> float:
        """Total flux of ``component`` at 1 AU (1/cm²/ns, i.e. per cm² per internal time unit)."""
        comp = _check_component(component)
        return solar_model_fluxes(self.model)[comp].flux * self.flux_scale.get(comp, 1.0)

    def component_flux_at_earth(self, component: str) -> dict[Flavour, Spectrum]:
        """One flux at 1 AU per flavour: neutrinos per cm² per MeV per second (MSW applied)."""
        comp = _check_component(component)
        total = self.flux(comp) * u.s
        base = unit_spectrum(comp).scaled(total)
        if self.oscillation is None:
            return {Flavour.NU_E: base}
        osc = self.oscillation

        def pee(e: FloatArray, _l: float, _f: Flavour) -> FloatArray:
            return survival_probability(e, comp, osc)

        def pmu(e: FloatArray, _l: float, _f: Flavour) -> FloatArray:
            return (1.0 - survival_probability(e, comp, osc)) * (1.0 - osc.sin2_theta23)

        def ptau(e: FloatArray, _l: float, _f: Flavour) -> FloatArray:
            return (1.0 - survival_probability(e, comp, osc)) * osc.sin2_theta23

        au = ASTRONOMICAL_UNIT
        return {
            Flavour.NU_E: apply_survival(base, Flavour.NU_E, au, pee),
            Flavour.NU_MU: apply_survival(base, Flavour.NU_MU, au, pmu),
            Flavour.NU_TAU: apply_survival(base, Flavour.NU_TAU, au, ptau),
        }

    def flux_at(
        self, distance: float = ASTRONOMICAL_UNIT, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux at ``distance`` (cm; default 1 AU): per cm² per MeV per second, all components.

        The MSW conversion is applied; ``survival`` multiplies each flavour on top.
        """
        if not (math.isfinite(distance) and distance > 0):
            raise ValueError(f"distance: must be finite and > 0 cm, got {distance}")
        factor = (ASTRONOMICAL_UNIT / distance) ** 2
        parts: dict[Flavour, list[Spectrum]] = {}
        for comp in self.components:
            for flav, spec in self.component_flux_at_earth(comp).items():
                parts.setdefault(flav, []).append(spec.scaled(factor))
        out = {flav: _sum_spectra(specs, f"solar {flav.symbol}") for flav, specs in parts.items()}
        if survival is not None:
            out = {f: apply_survival(s, f, distance, survival) for f, s in out.items()}
        return out

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Emitted ν_e per MeV per second (flux at 1 AU × 4π AU², before conversion)."""
        area = 4.0 * math.pi * ASTRONOMICAL_UNIT**2
        specs = [unit_spectrum(c).scaled(self.flux(c) * u.s * area) for c in self.components]
        return {Flavour.NU_E: _sum_spectra(specs, "solar ν_e (emitted)")}

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        out = {"model": self.model, "components": ", ".join(self.components)}
        for comp in self.components:
            out[f"flux {comp}"] = f"{self.flux(comp) * u.s:.4g} cm^-2 s^-1 at 1 AU"
        if self.oscillation is None:
            out["oscillation"] = "none (pure nu_e)"
        else:
            o = self.oscillation
            out["oscillation"] = (
                f"MSW-LMA day, sin2(theta12)={o.sin2_theta12:g}, sin2(theta13)={o.sin2_theta13:g}"
                f", dm2_21={o.dm2_21:g} eV^2"
            )
        return out


def _sum_spectra(spectra: list[Spectrum], label: str) -> Spectrum:
    """One spectrum whose density and lines are the sums of ``spectra``'s."""
    if len(spectra) == 1:
        s = spectra[0]
        return Spectrum(s.density, s.support, s.lines, s.breakpoints, label, s.panels)
    continuous = [s for s in spectra if s.density is not None]
    lines = tuple(ln for s in spectra for ln in s.lines)
    if not continuous:
        return Spectrum(lines=lines, label=label)
    hi = max(s.support[1] for s in continuous)
    breaks = sorted({b for s in continuous for b in (*s.breakpoints, s.support[1])} - {hi})

    def density(e: FloatArray) -> FloatArray:
        out = np.zeros_like(np.asarray(e, dtype=float))
        for s in continuous:
            out = out + s.continuous(e)
        return out

    return Spectrum(
        density=density,
        support=(0.0, hi),
        lines=lines,
        breakpoints=tuple(breaks),
        label=label,
        panels=max(s.panels for s in continuous),
    )


__all__ = [
    "ASTRONOMICAL_UNIT",
    "BE7_LINES",
    "BETA_PLUS_SOURCES",
    "PEP_ENERGY",
    "SOLAR_COMPONENTS",
    "SOLAR_MODELS",
    "OscillationParameters",
    "SolarFlux",
    "SolarSource",
    "allowed_beta_plus_spectrum",
    "fermi_function_positron",
    "matter_potential",
    "production_profile",
    "solar_model_fluxes",
    "survival_probability",
    "survival_probability_at_density",
    "unit_spectrum",
]
