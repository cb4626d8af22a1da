"""Detector TOML files: schema (pydantic), loading, and errors naming file, line and field.

A detector file has the sections ``[detector]``, ``[source]`` (optional),
``[exposure]`` (optional), ``[quenching]``, ``[smearing]``, ``[efficiency]``
(optional), ``[time_efficiency]`` (optional), ``[psd]`` (optional) and ``[binning]``.
Quantities are strings with units (``mass = "14.6 kg"``), parsed by
:func:`cevns.units.parse_quantity`; inverse units are written ``"9.56 /keVee"`` and
square-root ones ``"0.58 sqrt(keVee)"``. Lists of numbers (bin edges, polynomial
coefficients) carry their unit in a sibling field (``energy_unit = "keVee"``). Unknown
keys are errors (a typo must not silently fall back to a default).

Energies on a detector's scales always name the scale: ``keVnr`` (nuclear recoil:
``recoil_energy_min``, quenching inputs, a ``recoil_energy`` efficiency), ``keVee``
(electron-equivalent, after quenching: smearing, light yield, an ``observable``
efficiency, PSD, energy binning) or ``PE`` (photoelectrons). A bare ``keV`` is refused
there with a message suggesting the suffix, and a unit of the other scale is refused
(a quenched axis rejects keVnr, a recoil axis rejects keVee). Plain ``keV``/``GeV`` stay
for energies that are neither (``proton_energy``). The one exception: a detector whose
quenching is the constant factor 1 and which has no smearing measures the recoil energy
itself, so its binning may be in ``keVnr``.

Errors are :class:`DetectorFileError` (a ``ValueError``) whose message starts with
the dotted field name and names the file and line, e.g.::

    detector.mass: must be > 0, got -1 kg (bad.toml, line 6)

A complete file (every value should carry a ``#`` comment naming its source)::

    [detector]
    name = "my-argon"
    target = "Ar"                       # isotope, element or formula (Target.parse)
    mass = "24.4 kg"
    distance = "27.5 m"
    recoil_energy_min = "1 keVnr"       # optional lower end of the recoil grid
    references = ["..."]
    assumptions = ["..."]

    [source]                            # optional: stopped_pion | reactor | supernova
    kind = "stopped_pion"
    facility = "sns"                    # cevns.sources facility catalogue
    neutrino_yield = "lar2020"          # preset or number (ν per flavour per POT)
    proton_energy = "1.0 GeV"           # optional overrides: beam_power, pulse_mean, pulse_sigma

    [exposure]                          # one of: protons_on_target, source_units,
    beam_energy = "6.12 GWh"            #   beam_energy, live_time (+ beam_power)

    [quenching]                         # constant | linear | polynomial | lindhard | table
    kind = "linear"
    intercept = 0.246
    slope = "0.00078 /keVnr"

    [smearing]                          # gaussian | poisson | gamma | none
    kind = "gaussian"
    observable = "energy"               # or "PE" with light_yield = "13.35 /keVee"
    stochastic = "0.58 sqrt(keVee)"     # σ² = a² E + (b E)² + c²: stochastic, constant, noise

    [efficiency]                        # optional: sigmoid | step | table (points/values or file)
    kind = "step"
    variable = "observable"             # or "recoil_energy" (then unit = "keVnr")
    unit = "keVee"                      # "PE" or keVee for the observable, keVnr for recoils
    threshold = 5.0

    [time_efficiency]                   # optional: exponential | constant | table
    kind = "exponential"
    start = "0.52 us"
    decay_rate = "0.0494 /us"

    # [psd] (optional) kind = "gaussian_f90", needs binning.psd_edges

    [binning]
    observable = "energy"
    energy_unit = "keVee"               # "PE" when observable = "PE"
    energy_edges = [0, 10, 20, 40]
    time_unit = "us"                    # optional time axis
    time_edges = [0, 1, 2, 6]
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import units as u
from ..files import read_numeric_table, read_text_file, resolve_reference
from ..physics.targets import Target
from ..sources.exposure import protons_on_target
from ..sources.facilities import facility
from ..sources.stopped_pion import StoppedPionSource
from ..sources.timing import GaussianPulse
from ..validation import RANGES, InputError, in_range
from .detector import Detector, ObservableBinning, ResponseChain
from .efficiency import (
    ConstantTimeEfficiency,
    ExponentialTimeEfficiency,
    GaussianF90,
    SigmoidEfficiency,
    StepEfficiency,
    TabulatedEfficiency,
    TabulatedTimeEfficiency,
)
from .quenching import (
    ConstantQuenching,
    LindhardQuenching,
    LinearQuenching,
    PolynomialQuenching,
    TabulatedQuenching,
)
from .smearing import GammaSmearing, GaussianSmearing, NoSmearing, PoissonSmearing


class DetectorFileError(InputError):
    """A detector file failed validation; the message names field, file and line."""


# ----------------------------------------------------------------------------- unit parsing
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_INVERSE = re.compile(rf"^\s*({_NUMBER})\s*/\s*(\S+)\s*$")
_SQRT = re.compile(rf"^\s*({_NUMBER})\s*sqrt\(\s*(\S+?)\s*\)\s*$")


def parse_inverse(text: str, dimension: str, name: str) -> float:
    """``"9.56 /keVee"`` → value in 1/(internal unit)."""
    m = _INVERSE.match(str(text))
    if m is None:
        raise ValueError(
            f"cannot read {text!r}; write a number and an inverse unit, e.g. '9.56 /keVee'"
        )
    per = u.parse_quantity(f"1 {m.group(2)}", dimension, name=name)
    return float(m.group(1)) / per


def parse_sqrt(text: str, dimension: str, name: str) -> float:
    """``"0.58 sqrt(keVee)"`` → value in sqrt(internal unit)."""
    m = _SQRT.match(str(text))
    if m is None:
        raise ValueError(f"cannot read {text!r}; write e.g. '0.58 sqrt(keVee)'")
    unit = u.parse_quantity(f"1 {m.group(2)}", dimension, name=name)
    return float(m.group(1)) * math.sqrt(unit)


def _quantity(text: str, dimension: str) -> float:
    return u.parse_quantity(text, dimension, name="value")


def _unit(symbol: str, dimension: str) -> float:
    return u.parse_quantity(f"1 {symbol}", dimension, name="unit")


#: Units an energy-like axis or threshold may be written in (checked against the
#: observable and the efficiency variable when the detector is built).
_SCALE_KINDS = ("visible_energy", "recoil_energy", "photoelectrons")


def _scale_unit(symbol: str) -> str:
    """Accept ``PE``, a keVee-like or a keVnr-like unit; refuse a bare ``keV``."""
    if symbol in u.DIMENSIONS and u.DIMENSIONS[symbol] in _SCALE_KINDS:
        return symbol
    if symbol in u.DIMENSIONS and u.DIMENSIONS[symbol] == "energy":
        raise ValueError(
            f"a bare {symbol!r} is ambiguous: write '{symbol}ee' (electron-equivalent, "
            f"visible) or '{symbol}nr' (nuclear recoil), or 'PE'"
        )
    raise ValueError(f"unknown unit {symbol!r}; use 'PE' or an energy with nr/ee suffix "
                     "(keVnr, keVee)")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _positive_quantity(dimension: str, allow_zero: bool = False,
                       allowed: str | None = None) -> Any:
    """A validator: the quantity is > 0 (>= 0) and, with ``allowed``, inside
    ``cevns.validation.RANGES[allowed]``."""

    def check(value: str) -> str:
        try:
            q = _quantity(value, dimension)
        except ValueError as exc:
            if allowed is not None and "outside the allowed magnitudes" in str(exc):
                raise ValueError(f"{value!r} is outside the allowed range "
                                 f"{RANGES[allowed].text()}") from None
            raise
        if q < 0 or (q == 0 and not allow_zero):
            raise ValueError(f"must be {'>=' if allow_zero else '>'} 0, got {value}")
        if allowed is not None:
            in_range(q, allowed)
        return value

    return check


# ----------------------------------------------------------------------------- sections
class DetectorSection(_Section):
    name: str
    description: str = ""
    target: str
    mass: str
    distance: str
    recoil_energy_min: str | None = None
    references: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=lambda: ["cevns"])

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        from ..inelastic.prediction import check_channel_names

        return list(check_channel_names(v))

    @field_validator("target")
    @classmethod
    def _target(cls, v: str) -> str:
        try:
            Target.parse(v)
        except ValueError as exc:
            raise ValueError(f"unknown target {v!r}: {exc}") from None
        return v

    _mass = field_validator("mass")(_positive_quantity("mass", allowed="mass"))
    _distance = field_validator("distance")(_positive_quantity("length", allowed="distance"))

    @field_validator("recoil_energy_min")
    @classmethod
    def _tmin(cls, v: str | None) -> str | None:
        return None if v is None else _positive_quantity("recoil_energy")(v)


class StoppedPionSection(_Section):
    kind: Literal["stopped_pion"]
    facility: str  # key of cevns.sources.facilities (``"sns"``, ``"lujan"``, ...)
    neutrino_yield: str | float | None = None  # preset name or ν/flavour/POT
    yield_uncertainty: float = Field(default=0.10, ge=0, lt=1)
    proton_energy: str | None = None
    beam_power: str | None = None
    pulse_mean: str | None = None
    pulse_sigma: str | None = None
    nu_e_bar_fraction: float = Field(default=0.0, ge=0, le=1)
    arrival_times: str | None = None  # CSV of arrival-time PDFs per flavour (relative path)

    @field_validator("facility")
    @classmethod
    def _facility(cls, v: str) -> str:
        facility(v, 0.08)  # raises "facility: unknown facility ..." for a bad key
        return v

    @field_validator("neutrino_yield")
    @classmethod
    def _yield(cls, v: str | float | None) -> str | float | None:
        if isinstance(v, float | int) and not (0 < v < 1):
            raise ValueError(f"must be in (0, 1) neutrinos per flavour per proton, got {v}")
        return v

    @field_validator("proton_energy")
    @classmethod
    def _ep(cls, v: str | None) -> str | None:
        return None if v is None else _positive_quantity("energy", allowed="proton_energy")(v)

    @field_validator("beam_power")
    @classmethod
    def _bp(cls, v: str | None) -> str | None:
        return None if v is None else _positive_quantity("power", allowed="beam_power")(v)

    @field_validator("pulse_sigma")
    @classmethod
    def _sig(cls, v: str | None) -> str | None:
        return None if v is None else _positive_quantity("time")(v)

    @field_validator("pulse_mean")
    @classmethod
    def _mean(cls, v: str | None) -> str | None:
        if v is not None:
            _quantity(v, "time")
        return v


class ReactorSection(_Section):
    kind: Literal["reactor"]
    name: str = "reactor"
    thermal_power: str
    fission_fractions: dict[str, float] | None = None

    _tp = field_validator("thermal_power")(_positive_quantity("power", allowed="thermal_power"))


class SupernovaSection(_Section):
    kind: Literal["supernova"]
    name: str = "SN-10kpc"
    duration: str = "10 s"

    _d = field_validator("duration")(_positive_quantity("time"))


SourceSection = Annotated[
    StoppedPionSection | ReactorSection | SupernovaSection, Field(discriminator="kind")
]


class ExposureSection(_Section):
    protons_on_target: float | None = Field(default=None, gt=0)
    source_units: float | None = Field(default=None, gt=0)
    beam_energy: str | None = None
    beam_power: str | None = None
    live_time: str | None = None

    _be = field_validator("beam_energy")(_positive_quantity("beam_energy"))
    _bp = field_validator("beam_power")(_positive_quantity("power", allowed="beam_power"))
    _lt = field_validator("live_time")(_positive_quantity("time", allowed="live_time"))


class ConstantQuenchingSection(_Section):
    kind: Literal["constant"]
    factor: float = Field(gt=0, le=1)
    uncertainty: float = Field(default=0.0, ge=0)


class LinearQuenchingSection(_Section):
    kind: Literal["linear"]
    intercept: float = Field(gt=0, le=1)
    intercept_uncertainty: float = Field(default=0.0, ge=0)
    slope: str  # per nuclear-recoil energy: "0.00078 /keVnr"
    slope_uncertainty: str = "0 /keVnr"

    @field_validator("slope", "slope_uncertainty")
    @classmethod
    def _inv(cls, v: str) -> str:
        parse_inverse(v, "recoil_energy", "slope")
        return v


class PolynomialQuenchingSection(_Section):
    kind: Literal["polynomial"]
    energy_unit: str
    coefficients: list[float] = Field(min_length=1)
    variations: list[tuple[list[float], list[float]]] = Field(default_factory=list)
    valid_below: str | None = None

    @field_validator("energy_unit")
    @classmethod
    def _eu(cls, v: str) -> str:
        # T in this recoil unit, E_ee in the matching electron-equivalent one (MeVnr → MeVee)
        _unit(v, "recoil_energy")
        return v

    @field_validator("valid_below")
    @classmethod
    def _vb(cls, v: str | None) -> str | None:
        return None if v is None else _positive_quantity("recoil_energy")(v)


class LindhardQuenchingSection(_Section):
    kind: Literal["lindhard"]
    k: float | None = Field(default=None, gt=0)
    k_uncertainty: float = Field(default=0.0, ge=0)


class TabulatedQuenchingSection(_Section):
    kind: Literal["table"]
    energy_unit: str
    recoil_energies: list[float] = Field(min_length=2)
    factors: list[float] = Field(min_length=2)
    relative_uncertainty: float = Field(default=0.0, ge=0)

    @field_validator("energy_unit")
    @classmethod
    def _eu(cls, v: str) -> str:
        _unit(v, "recoil_energy")
        return v

    @field_validator("factors")
    @classmethod
    def _qf(cls, v: list[float]) -> list[float]:
        if any(not (0 < x <= 1) for x in v):
            raise ValueError(f"quenching factors must be in (0, 1], got {v}")
        return v


QuenchingSection = Annotated[
    ConstantQuenchingSection
    | LinearQuenchingSection
    | PolynomialQuenchingSection
    | LindhardQuenchingSection
    | TabulatedQuenchingSection,
    Field(discriminator="kind"),
]


class GaussianSmearingSection(_Section):
    kind: Literal["gaussian"]
    observable: Literal["PE", "energy"] = "energy"
    light_yield: str | None = None  # "13.35 /keVee" = PE per keVee
    stochastic: str = "0 sqrt(keVee)"
    constant: float = Field(default=0.0, ge=0)
    noise: str = "0 keVee"

    @field_validator("stochastic")
    @classmethod
    def _st(cls, v: str) -> str:
        if parse_sqrt(v, "visible_energy", "stochastic") < 0:
            raise ValueError("must be >= 0")
        return v

    @field_validator("light_yield")
    @classmethod
    def _ly(cls, v: str | None) -> str | None:
        if v is not None:
            parse_inverse(v, "visible_energy", "light_yield")
        return v

    _noise = field_validator("noise")(_positive_quantity("visible_energy", allow_zero=True))


class PoissonSmearingSection(_Section):
    kind: Literal["poisson"]
    light_yield: str  # PE per keVee: "13.35 /keVee"

    @field_validator("light_yield")
    @classmethod
    def _ly(cls, v: str) -> str:
        parse_inverse(v, "visible_energy", "light_yield")
        return v


class GammaSmearingSection(_Section):
    kind: Literal["gamma"]
    alpha: str  # keVee per PE
    beta: str  # per keVee

    _a = field_validator("alpha")(_positive_quantity("visible_energy"))

    @field_validator("beta")
    @classmethod
    def _b(cls, v: str) -> str:
        parse_inverse(v, "visible_energy", "beta")
        return v


class NoSmearingSection(_Section):
    kind: Literal["none"]
    observable: Literal["PE", "energy"] = "energy"
    light_yield: str | None = None

    @field_validator("light_yield")
    @classmethod
    def _ly(cls, v: str | None) -> str | None:
        if v is not None:
            parse_inverse(v, "visible_energy", "light_yield")
        return v


SmearingSection = Annotated[
    GaussianSmearingSection | PoissonSmearingSection | GammaSmearingSection | NoSmearingSection,
    Field(discriminator="kind"),
]


class _EfficiencyBase(_Section):
    variable: Literal["observable", "recoil_energy"] = "observable"
    unit: str  # "PE" or "keVee" for the observable, "keVnr" for the recoil energy

    @field_validator("unit")
    @classmethod
    def _u(cls, v: str) -> str:
        return _scale_unit(v)


class SigmoidEfficiencySection(_EfficiencyBase):
    kind: Literal["sigmoid"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    c: float
    d: float = 0.0
    plus: tuple[float, float, float, float] | None = None
    minus: tuple[float, float, float, float] | None = None
    threshold: float | None = None  # sigmoid × step: ε = 0 below (same unit)


class StepEfficiencySection(_EfficiencyBase):
    kind: Literal["step"]
    threshold: float = Field(ge=0)
    value: float = Field(default=1.0, gt=0, le=1)
    threshold_uncertainty: float = Field(default=0.0, ge=0)


class TabulatedEfficiencySection(_EfficiencyBase):
    kind: Literal["table"]
    points: list[float] = Field(default_factory=list)
    values: list[float] = Field(default_factory=list)
    errors: list[float] | None = None  # one-sigma error per value (the ±1σ variation)
    file: str | None = None
    columns: tuple[int, int] | tuple[int, int, int] = (0, 1)  # third: per-point errors
    relative_uncertainty: float = Field(default=0.0, ge=0)

    @field_validator("values")
    @classmethod
    def _v(cls, v: list[float]) -> list[float]:
        bad = [x for x in v if not (0.0 <= x <= 1.0)]
        if bad:
            raise ValueError(f"efficiency values must be in [0, 1], got {bad[:3]}")
        return v


EfficiencySection = Annotated[
    SigmoidEfficiencySection | StepEfficiencySection | TabulatedEfficiencySection,
    Field(discriminator="kind"),
]


class ExponentialTimeSection(_Section):
    kind: Literal["exponential"]
    start: str
    decay_rate: str
    decay_rate_uncertainty: str = "0 /us"

    @field_validator("start")
    @classmethod
    def _s(cls, v: str) -> str:
        _quantity(v, "time")
        return v

    @field_validator("decay_rate", "decay_rate_uncertainty")
    @classmethod
    def _r(cls, v: str) -> str:
        if parse_inverse(v, "time", "decay_rate") < 0:
            raise ValueError("must be >= 0")
        return v


class TabulatedTimeSection(_Section):
    kind: Literal["table"]
    time_unit: str
    times: list[float] = Field(min_length=2)
    values: list[float] = Field(min_length=2)
    relative_uncertainty: float = Field(default=0.0, ge=0)

    @field_validator("time_unit")
    @classmethod
    def _tu(cls, v: str) -> str:
        _unit(v, "time")
        return v

    @field_validator("values")
    @classmethod
    def _v(cls, v: list[float]) -> list[float]:
        bad = [x for x in v if not (0.0 <= x <= 1.0)]
        if bad:
            raise ValueError(f"time efficiency values must be in [0, 1], got {bad[:3]}")
        return v


class ConstantTimeSection(_Section):
    kind: Literal["constant"]
    value: float = Field(default=1.0, gt=0, le=1)


TimeEfficiencySection = Annotated[
    ExponentialTimeSection | ConstantTimeSection | TabulatedTimeSection,
    Field(discriminator="kind"),
]


class PSDSection(_Section):
    kind: Literal["gaussian_f90"]
    energy_unit: str  # electron-equivalent: "keVee"
    mean_high: float = Field(gt=0, lt=1)
    mean_drop: float
    mean_scale: float = Field(gt=0)
    width_floor: float = Field(ge=0)
    width_stochastic: float = Field(ge=0)  # sqrt(energy_unit)
    window: tuple[float, float] = (0.5, 0.9)
    mean_uncertainty: float = Field(default=0.0, ge=0)

    @field_validator("energy_unit")
    @classmethod
    def _eu(cls, v: str) -> str:
        _unit(v, "visible_energy")
        return v


class BinningSection(_Section):
    observable: Literal["PE", "energy"]
    energy_unit: str
    energy_edges: list[float] = Field(min_length=2)
    time_unit: str = "us"
    time_edges: list[float] | None = None
    psd_edges: list[float] | None = None
    fine_width: float | None = Field(default=None, gt=0)

    @field_validator("energy_edges", "time_edges", "psd_edges")
    @classmethod
    def _edges(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (len(v) < 2 or any(b <= a for a, b in pairwise(v))):
            raise ValueError("bin edges must be at least two strictly increasing numbers")
        return v

    @field_validator("energy_unit")
    @classmethod
    def _eu(cls, v: str) -> str:
        return _scale_unit(v)

    @field_validator("time_unit")
    @classmethod
    def _tu(cls, v: str) -> str:
        _unit(v, "time")
        return v


class ModelSection(_Section):
    """Physics model: ``name`` through :func:`cevns.models.get_model` (``"sm"`` is the
    Standard Model), its parameter values, and the nuclear form factor family."""

    name: str = "sm"
    parameters: dict[str, float] = Field(default_factory=dict)
    form_factor: str | None = None
    form_factor_parameters: dict[str, str | float] = Field(default_factory=dict)


class InelasticSection(_Section):
    """How the non-CEvNS channels are recorded: visible-energy bins (outgoing lepton, γ or
    recoil electron), the analysis window and a constant efficiency."""

    energy_unit: str = "MeV"
    energy_edges: list[float] | None = None
    roi: list[float] | None = None
    efficiency: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator("energy_unit")
    @classmethod
    def _inel_unit(cls, v: str) -> str:
        _unit(v, "energy")
        return v

    @field_validator("energy_edges")
    @classmethod
    def _inel_edges(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (len(v) < 2 or v[0] < 0 or any(b <= a for a, b in pairwise(v))):
            raise ValueError("bin edges must be at least two increasing numbers >= 0")
        return v

    @field_validator("roi")
    @classmethod
    def _inel_roi(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (len(v) != 2 or not 0 <= v[0] < v[1]):
            raise ValueError("roi must be [low, high] with 0 <= low < high")
        return v


class DetectorFile(_Section):
    """The whole detector file."""

    detector: DetectorSection
    source: SourceSection | None = None
    exposure: ExposureSection | None = None
    quenching: QuenchingSection
    smearing: SmearingSection
    efficiency: EfficiencySection | None = None
    time_efficiency: TimeEfficiencySection | None = None
    psd: PSDSection | None = None
    binning: BinningSection
    model: ModelSection | None = None
    inelastic: InelasticSection | None = None


# ----------------------------------------------------------------------------- locating lines
def _find_line(text: str, loc: tuple[str | int, ...]) -> int | None:
    """Line (1-based) of the deepest key of ``loc`` inside its ``[section]``."""
    lines = text.splitlines()
    names = [str(p) for p in loc if isinstance(p, str)]
    if not names:
        return None
    section = names[0]
    start = None
    for i, line in enumerate(lines):
        if re.match(rf"^\s*\[\s*{re.escape(section)}\s*\]", line):
            start = i
            break
    if start is None:
        return None
    end = len(lines)
    for j in range(start + 1, len(lines)):
        if re.match(r"^\s*\[", lines[j]):
            end = j
            break
    for key in reversed(names[1:]):
        for j in range(start + 1, end):
            if re.match(rf"^\s*{re.escape(key)}\s*=", lines[j]):
                return j + 1
    return start + 1


def _error(path: str, text: str, loc: tuple[str | int, ...], message: str) -> DetectorFileError:
    field = ".".join(str(p) for p in loc if not (isinstance(p, str) and p in _KIND_TAGS)) or "file"
    line = _find_line(text, loc)
    where = f"{path}, line {line}" if line else path
    return DetectorFileError(f"{field}: {message} ({where})")


_KIND_TAGS = {
    "constant", "linear", "polynomial", "lindhard", "table", "gaussian", "poisson", "gamma",
    "none", "sigmoid", "step", "exponential", "stopped_pion", "gaussian_f90",
}


# ----------------------------------------------------------------------------- building
def _energy_or_pe(unit: str) -> float:
    return _unit(unit, u.DIMENSIONS[_scale_unit(unit)])


def _light_yield(text: str) -> float:
    return parse_inverse(text, "visible_energy", "light_yield")


def _is_identity_response(model: DetectorFile) -> bool:
    """Quenching factor exactly 1 and no smearing: the observable *is* the recoil energy."""
    q, s = model.quenching, model.smearing
    return (
        isinstance(q, ConstantQuenchingSection) and q.factor == 1.0
        and isinstance(s, NoSmearingSection) and s.observable == "energy"
    )


def observable_kind(model: DetectorFile) -> str:
    """Quantity kind of the observable axis: photoelectrons, visible or recoil energy."""
    if model.binning.observable == "PE":
        return "photoelectrons"
    return "recoil_energy" if u.DIMENSIONS[model.binning.energy_unit] == "recoil_energy" \
        else "visible_energy"


def _check_scale(field: str, unit: str, kind: str, what: str) -> None:
    have = u.DIMENSIONS[unit]
    if have != kind:
        raise ValueError(
            f"{field}: {what} is {u.KINDS[kind]}, so {unit!r} ({u.KINDS[have]}) is refused"
        )


def _check_energy_scales(model: DetectorFile) -> None:
    """keVnr, keVee and PE never mix: each axis and threshold is on its own scale."""
    b = model.binning
    identity = _is_identity_response(model)
    if b.observable == "PE":
        _check_scale("binning.energy_unit", b.energy_unit, "photoelectrons",
                     "the observable (PE)")
    elif not (identity and u.DIMENSIONS[b.energy_unit] == "recoil_energy"):
        _check_scale("binning.energy_unit", b.energy_unit, "visible_energy",
                     "the quenched observable axis" + (
                         "" if not identity else " (keVnr needs quenching factor 1 and no "
                         "smearing)"))
    e = model.efficiency
    if e is not None:
        if e.variable == "recoil_energy":
            _check_scale("efficiency.unit", e.unit, "recoil_energy",
                         "a recoil-energy efficiency's abscissa")
        else:
            kind = observable_kind(model)
            _check_scale("efficiency.unit", e.unit, kind,
                         f"the observable (binning.energy_unit = {b.energy_unit!r})")


def _build(model: DetectorFile, base: Path | None) -> Detector:
    d = model.detector
    target = Target.parse(d.target)
    q = model.quenching
    quenching: Any
    if isinstance(q, ConstantQuenchingSection):
        quenching = ConstantQuenching(q.factor, q.uncertainty)
    elif isinstance(q, LinearQuenchingSection):
        quenching = LinearQuenching(
            q.intercept,
            parse_inverse(q.slope, "recoil_energy", "slope"),
            q.intercept_uncertainty,
            parse_inverse(q.slope_uncertainty, "recoil_energy", "slope_uncertainty"),
        )
    elif isinstance(q, PolynomialQuenchingSection):
        scale = _unit(q.energy_unit, "recoil_energy")

        def to_internal(cs: list[float]) -> tuple[float, ...]:
            # E_ee/unit = Σ c_k (T/unit)^(k+1)  →  E_ee = Σ c_k unit^(-k) T^(k+1)
            return tuple(c * scale ** (-k) for k, c in enumerate(cs))

        quenching = PolynomialQuenching(
            to_internal(q.coefficients),
            tuple((to_internal(p), to_internal(m)) for p, m in q.variations),
            np.inf if q.valid_below is None else _quantity(q.valid_below, "recoil_energy"),
        )
    elif isinstance(q, LindhardQuenchingSection):
        quenching = LindhardQuenching(q.k, q.k_uncertainty)
    else:
        scale = _unit(q.energy_unit, "recoil_energy")
        quenching = TabulatedQuenching(
            tuple(x * scale for x in q.recoil_energies), tuple(q.factors), q.relative_uncertainty
        )

    s = model.smearing
    smearing: Any
    if isinstance(s, GaussianSmearingSection):
        ly = 1.0 if s.light_yield is None else _light_yield(s.light_yield)
        smearing = GaussianSmearing(
            parse_sqrt(s.stochastic, "visible_energy", "stochastic"),
            s.constant,
            _quantity(s.noise, "visible_energy"),
            ly if s.observable == "PE" else 1.0,
            s.observable,
        )
    elif isinstance(s, PoissonSmearingSection):
        smearing = PoissonSmearing(parse_inverse(s.light_yield, "visible_energy", "light_yield"))
    elif isinstance(s, GammaSmearingSection):
        smearing = GammaSmearing(
            _quantity(s.alpha, "visible_energy"), parse_inverse(s.beta, "visible_energy", "beta")
        )
    else:
        ly = 1.0 if s.light_yield is None else _light_yield(s.light_yield)
        smearing = NoSmearing(ly if s.observable == "PE" else 1.0, s.observable)

    efficiency: Any = None
    _check_energy_scales(model)
    e = model.efficiency
    if e is not None:
        scale = _energy_or_pe(e.unit)
        if isinstance(e, SigmoidEfficiencySection):

            def conv(c: tuple[float, float, float, float] | None) -> Any:
                if c is None:
                    return None
                return (c[0], c[1] / scale, c[2] * scale, c[3])

            efficiency = SigmoidEfficiency(
                e.a, e.b / scale, e.c * scale, e.d, conv(e.plus), conv(e.minus), e.variable,
                None if e.threshold is None else e.threshold * scale,
            )
        elif isinstance(e, StepEfficiencySection):
            efficiency = StepEfficiency(
                e.threshold * scale, e.value, e.threshold_uncertainty * scale, e.variable
            )
        else:
            points, values = list(e.points), list(e.values)
            errors = None if e.errors is None else list(e.errors)
            if e.file is not None:
                if points or values:
                    raise ValueError("efficiency.file: give either file or points/values, "
                                     "not both")
                # below the detector file's folder only, size-capped, content never echoed
                path = resolve_reference(e.file, base, "efficiency.file")
                rows = read_numeric_table(path, e.columns, "efficiency.file")
                points = [r[0] for r in rows]
                values = [r[1] for r in rows]
                if len(e.columns) == 3:
                    errors = [r[2] for r in rows]
                bad = [v for v in values if not 0.0 <= v <= 1.0]
                if bad:
                    raise ValueError(f"efficiency.file: efficiency values must be in [0, 1], "
                                     f"got {bad[0]:g} in {path.name!r}")
            efficiency = TabulatedEfficiency(
                tuple(x * scale for x in points), tuple(values), e.relative_uncertainty,
                variable=e.variable, errors=None if errors is None else tuple(errors),
            )

    time_eff: Any = None
    te = model.time_efficiency
    if isinstance(te, ExponentialTimeSection):
        time_eff = ExponentialTimeEfficiency(
            _quantity(te.start, "time"),
            parse_inverse(te.decay_rate, "time", "decay_rate"),
            parse_inverse(te.decay_rate_uncertainty, "time", "decay_rate_uncertainty"),
        )
    elif isinstance(te, ConstantTimeSection):
        time_eff = ConstantTimeEfficiency(te.value)
    elif isinstance(te, TabulatedTimeSection):
        tscale = _unit(te.time_unit, "time")
        time_eff = TabulatedTimeEfficiency(
            tuple(x * tscale for x in te.times), tuple(te.values), te.relative_uncertainty
        )

    psd = None
    if model.psd is not None:
        p = model.psd
        scale = _unit(p.energy_unit, "visible_energy")
        psd = GaussianF90(
            p.mean_high, p.mean_drop, p.mean_scale * scale, p.width_floor,
            p.width_stochastic * math.sqrt(scale), p.window, p.mean_uncertainty,
        )

    b = model.binning
    escale = _energy_or_pe(b.energy_unit)
    tscale = _unit(b.time_unit, "time")
    binning = ObservableBinning(
        tuple(x * escale for x in b.energy_edges),
        b.observable,
        None if b.time_edges is None else tuple(x * tscale for x in b.time_edges),
        None if b.psd_edges is None else tuple(b.psd_edges),
        None if b.fine_width is None else b.fine_width * escale,
    )

    source: Any = None
    src = model.source
    if src is not None:
        source = _source(src, _quantity(d.distance, "length"), base)
    exposure = None
    label = ""
    x = model.exposure
    if x is not None:
        exposure, label = _exposure(x, source)

    return Detector(
        name=d.name,
        target=target,
        mass=_quantity(d.mass, "mass"),
        distance=_quantity(d.distance, "length"),
        response=ResponseChain(quenching, smearing, efficiency, time_eff, psd),
        binning=binning,
        description=d.description,
        source=source,
        exposure=exposure,
        exposure_label=label,
        recoil_energy_min=(
            None if d.recoil_energy_min is None
            else _quantity(d.recoil_energy_min, "recoil_energy")
        ),
        references=tuple(d.references),
        assumptions=tuple(d.assumptions),
        model=None if model.model is None else _physics_model(model.model),
        channels=tuple(d.channels),
        inelastic=None if model.inelastic is None else _inelastic_settings(model.inelastic),
    )


def _inelastic_settings(section: InelasticSection) -> Any:
    from ..inelastic.prediction import InelasticSettings

    scale = _unit(section.energy_unit, "energy")
    kwargs: dict[str, Any] = {"efficiency": section.efficiency}
    if section.energy_edges is not None:
        kwargs["energy_edges"] = tuple(x * scale for x in section.energy_edges)
    if section.roi is not None:
        kwargs["roi"] = (section.roi[0] * scale, section.roi[1] * scale)
    try:
        return InelasticSettings(**kwargs)
    except ValueError as exc:  # "energy_edges: ..." is the [inelastic] key, not [binning]'s
        raise ValueError(f"inelastic.{exc}") from None


def _source(src: Any, distance: float, base: Path | None = None) -> Any:
    if isinstance(src, StoppedPionSection):
        return _stopped_pion_source(src, base)
    if isinstance(src, ReactorSection):
        from ..sources.reactor import ReactorSource

        kwargs: dict[str, Any] = {}
        if src.fission_fractions is not None:
            kwargs["fission_fractions"] = dict(src.fission_fractions)
        return ReactorSource(
            src.name, _quantity(src.thermal_power, "power"), distance=distance, **kwargs
        )
    from ..sources.supernova import SupernovaSource

    return SupernovaSource(src.name, duration=_quantity(src.duration, "time"), distance=distance)


def _stopped_pion_source(
    src: StoppedPionSection, base: Path | None = None
) -> StoppedPionSource:
    """The facility of the catalogue, with this file's yield, energy, power and pulse."""
    # neutrino_yield None → the catalogue default (which raises if the facility has none)
    chosen = facility(src.facility, src.neutrino_yield)
    energy = chosen.proton_energy
    if src.proton_energy is not None:
        energy = _quantity(src.proton_energy, "energy")
    nu_yield = replace(chosen.neutrino_yield, relative_uncertainty=src.yield_uncertainty)
    pulse = chosen.pulse
    if src.pulse_mean is not None or src.pulse_sigma is not None:
        mean = 440.0 if src.pulse_mean is None else _quantity(src.pulse_mean, "time")
        sigma = 150.0 if src.pulse_sigma is None else _quantity(src.pulse_sigma, "time")
        pulse = GaussianPulse(mean, sigma)
    power = chosen.beam_power if src.beam_power is None else _quantity(src.beam_power, "power")
    arrival = None
    if src.arrival_times is not None:
        from ..sources.timing import TabulatedArrivalTimes

        # below the detector file's folder only, like every file reference
        path = resolve_reference(src.arrival_times, base, "source.arrival_times")
        try:
            arrival = TabulatedArrivalTimes.from_csv(path)
        except ValueError as exc:
            raise ValueError(f"source.arrival_times: {exc}") from None
    return replace(
        chosen,
        proton_energy=energy,
        beam_power=power,
        pulse=pulse,
        neutrino_yield=nu_yield,
        nu_e_bar_fraction=src.nu_e_bar_fraction,
        arrival_times=arrival,
    )


#: Form-factor families of ``[model] form_factor`` and their parameter names.
_FORM_FACTOR_FAMILIES = ("helm", "klein_nystrand", "symmetrized_fermi", "unity")


def _form_factor(name: str, parameters: dict[str, str | float]) -> Any:
    from ..physics import form_factors as ff

    families: dict[str, Any] = {
        "helm": ff.Helm,
        "klein_nystrand": ff.KleinNystrand,
        "symmetrized_fermi": ff.SymmetrizedFermi,
        "unity": ff.Unity,
    }
    key = name.strip().lower()
    if key not in families:
        if parameters:
            raise ValueError(
                f"model.form_factor: parameters need a family {list(_FORM_FACTOR_FAMILIES)}, "
                f"got {name!r}"
            )
        try:
            return ff.form_factor_by_name(key)
        except ValueError as exc:
            raise ValueError(f"model.{exc}") from None
    kwargs: dict[str, Any] = {}
    for param, value in parameters.items():
        if isinstance(value, str) and any(ch.isalpha() for ch in value.split()[-1]) and (
            len(value.split()) > 1
        ):
            kwargs[param] = u.parse_quantity(value, "length", name=param)
        else:
            kwargs[param] = value
    try:
        return families[key](**kwargs)
    except TypeError:
        import dataclasses

        allowed = [f.name for f in dataclasses.fields(families[key])]
        raise ValueError(
            f"model.form_factor_parameters: {sorted(kwargs)} are not all parameters of "
            f"{key!r}; allowed: {allowed} (lengths with units, e.g. '0.9 fm')"
        ) from None


def _physics_model(section: ModelSection) -> Any:
    """The model of ``[model]``: the Standard Model or :func:`cevns.models.get_model`."""
    from ..models import get_model
    from ..models.standard_model import StandardModel

    if section.name.strip().lower() in ("sm", "standard_model", "standard-model"):
        if section.parameters:
            raise ValueError("model.parameters: the Standard Model ('sm') has no parameters")
        model: Any = StandardModel()
    else:
        try:
            model = get_model(section.name, **section.parameters)
        except ValueError as exc:
            raise ValueError(f"model.name: {exc}") from None
    if section.form_factor is not None:
        form = _form_factor(section.form_factor, dict(section.form_factor_parameters))
        if isinstance(model, StandardModel):
            model = replace(model, proton_form_factor=form, neutron_form_factor=form)
        elif isinstance(getattr(model, "base", None), StandardModel):
            model = replace(
                model,
                base=replace(model.base, proton_form_factor=form, neutron_form_factor=form),
            )
        else:
            raise ValueError(
                f"model.form_factor: cannot set the form factor of model {section.name!r}"
            )
    elif section.form_factor_parameters:
        raise ValueError("model.form_factor_parameters: give form_factor (the family) too")
    return model


def _exposure(x: ExposureSection, source: Any) -> tuple[float, str]:
    from ..sources.exposure import beam_exposure_label, parse_exposure

    given = [
        x.protons_on_target is not None,
        x.source_units is not None,
        x.beam_energy is not None,
        x.beam_power is not None or x.live_time is not None,
    ]
    if sum(given) != 1:
        raise ValueError(
            "exposure: give exactly one of protons_on_target, source_units, beam_energy, "
            "or live_time (with beam_power for a beam)"
        )
    if x.protons_on_target is not None:
        return x.protons_on_target, f"{x.protons_on_target:.4g} POT"
    if x.source_units is not None:
        unit = getattr(source, "normalisation_unit", "source units")
        return x.source_units, f"{x.source_units:.4g} {unit}"
    if x.live_time is not None and x.beam_power is None and source is not None:
        if isinstance(source, StoppedPionSource):
            raise ValueError(
                "exposure.live_time: a beam exposure needs beam_power with the live time "
                "(or beam_energy, or protons_on_target); a bare time would assume the "
                "facility's nominal power"
            )
        return parse_exposure(x.live_time, source)
    if not isinstance(source, StoppedPionSource):
        raise ValueError("exposure: a beam energy or power needs a stopped_pion [source]")
    if x.beam_energy is not None:
        energy = _quantity(x.beam_energy, "beam_energy")
        pot = protons_on_target(beam_energy=energy, proton_energy=source.proton_energy)
        return pot, beam_exposure_label(pot, source.proton_energy, beam_energy=energy)
    if x.beam_power is None or x.live_time is None:
        raise ValueError("exposure.live_time: beam_power and live_time go together")
    power, duration = _quantity(x.beam_power, "power"), _quantity(x.live_time, "time")
    pot = protons_on_target(
        beam_power=power, duration=duration, proton_energy=source.proton_energy
    )
    return pot, beam_exposure_label(
        pot, source.proton_energy, beam_power=power, duration=duration
    )


def parse_detector(text: str, path: str = "<string>", base: Path | None = None) -> Detector:
    """Validate and build a detector from TOML text.

    Raises
    ------
    DetectorFileError
        With the dotted field name first, then the file and line.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DetectorFileError(f"file: not valid TOML: {exc} ({path})") from None
    except RecursionError:
        raise DetectorFileError(f"file: nested too deeply ({path})") from None
    _reject_booleans(raw, path, text)
    try:
        model = DetectorFile.model_validate(raw)
    except ValidationError as exc:
        # A misspelt key also makes the intended one "missing": report the typo first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        err = errors[0]
        loc = tuple(err["loc"])
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; allowed fields are in cevns.detectors.schema)"
        elif err["type"] == "union_tag_invalid":
            msg = f"unknown kind {err.get('input', {}).get('kind')!r}; {msg}"
        msg = msg.removeprefix("Value error, ")
        for inner in ("value: ", "unit: "):  # the field is already named in front
            msg = msg.removeprefix(inner)
        if len(errors) > 1:
            msg += f" [and {len(errors) - 1} more problem(s)]"
        raise _error(path, text, loc, msg) from None
    try:
        return _build(model, base)
    except ValueError as exc:
        message = str(exc)
        field, _, rest = message.partition(": ")
        section = _section_of(field, raw)
        where: tuple[str, ...] = (section, field.split(".")[-1]) if section else (field,)
        raise _error(path, text, where, rest or message) from None


def _section_of(field: str, raw: dict[str, Any]) -> str | None:
    head = field.split(".")[0]
    if head in raw:
        return head
    for name, section in raw.items():
        if isinstance(section, dict) and head in section:
            return name
    return None


#: Keys whose value is a TOML boolean (none yet): anywhere else ``true``/``false`` is an error,
#: never read as 1/0.
BOOLEAN_FIELDS: frozenset[str] = frozenset()


def _reject_booleans(raw: Any, path: str, text: str, loc: tuple[str | int, ...] = ()) -> None:
    if isinstance(raw, bool):
        if not (loc and str(loc[-1]) in BOOLEAN_FIELDS):
            raise _error(path, text, loc, "true/false is not allowed here; write a number or text")
    elif isinstance(raw, dict):
        for key, value in raw.items():
            _reject_booleans(value, path, text, (*loc, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            _reject_booleans(value, path, text, (*loc, i))


def load_detector_file(path: str | Path) -> Detector:
    """Load a detector from a TOML file (see module docstring for the format).

    The file must be a regular UTF-8 file of at most :data:`cevns.files.MAX_FILE_BYTES`.
    """
    p = Path(path)
    try:
        text = read_text_file(p, "file")
    except ValueError as exc:
        problem = str(exc).removeprefix("file: ")
        raise DetectorFileError(f"file: detector file {problem}") from None
    return parse_detector(text, str(p), p.parent)


__all__ = [
    "DetectorFile",
    "DetectorFileError",
    "load_detector_file",
    "observable_kind",
    "parse_detector",
    "parse_inverse",
    "parse_sqrt",
]
