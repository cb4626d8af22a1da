"""Projection set-ups: a detector file plus its background model and signal systematics.

A set-up is a TOML file (built-in ones in ``cevns/data/projections/``; every number carries a
``#`` comment naming its source or saying it is assumed)::

    [projection]
    name = "coh-ar-750"
    detector = "coh-ar-750"           # catalogue name or a detector TOML path
    mass = "610 kg"                   # optional: the CEvNS target mass, else the file's
    plan = "sns-ppu-3yr"              # default run plan (catalogue name or path)
    references = ["..."]
    assumptions = ["..."]

    [systematics]                     # relative 1σ normalisation uncertainties of CEvNS
    flux = 0.10
    quenching = true                  # ±1σ shape from the detector file's quenching

    [steady_state]
    rate = "2.3e-10 /kg/keVee/us"     # events per kg per keV of the observable per µs
    sideband_ratio = 10.0             # off-beam / on-beam exposure of its measurement
    window = "10 us"                  # only for a detector without a time axis
    mass = "3338 kg"                  # optional: the mass the rate scales with

    [beam_neutrons]                   # scaled from a measured detector
    reference_counts = 497.0
    reference_pot = 1.38e23
    reference_mass = "24.4 kg"
    reference_distance = "27.5 m"
    uncertainty = 0.32
    mass_exponent = 0.6667
    attenuation = 1.0
    energy_scale = "20 keVee"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .. import units as u
from ..detectors.catalogue import load_detector
from ..detectors.detector import Detector
from ..files import read_text_file
from .backgrounds import BeamNeutronBackground, SteadyStateBackground

__all__ = ["ProjectionSetup", "list_setups", "load_setup", "parse_rate_density",
           "parse_setup"]

_TABLES = {"projection", "systematics", "steady_state", "beam_neutrons"}
_KEYS = {
    "projection": {"name", "detector", "plan", "mass", "references", "assumptions"},
    "steady_state": {"rate", "sideband_ratio", "window", "mass", "reference"},
    "beam_neutrons": {"reference_counts", "reference_pot", "reference_mass",
                      "reference_distance", "uncertainty", "mass_exponent", "attenuation",
                      "energy_scale", "mass", "reference"},
}


def parse_rate_density(text: str, name: str = "steady_state.rate") -> float:
    """``"2.3e-10 /kg/keVee/us"`` → events per kg per observable unit per ns (internal)."""
    parts = [p.strip() for p in str(text).split("/")]
    if len(parts) != 4 or parts[1] != "kg":
        raise ValueError(f"{name}: cannot read {text!r}; write e.g. '2.3e-10 /kg/keVee/us' "
                         "(events per kg per keV of the observable per time)")
    try:
        value = float(parts[0])
    except ValueError:
        raise ValueError(f"{name}: cannot read the number in {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"{name}: must be finite and >= 0, got {text!r}")
    energy = 1.0 if parts[2] == "PE" else u.parse_quantity(f"1 {parts[2]}", "visible_energy",
                                                              name=name)
    time = u.parse_quantity(f"1 {parts[3]}", "time", name=name)
    return value / (energy * time)


@dataclass(frozen=True)
class ProjectionSetup:
    """A detector with its projected backgrounds and signal systematics."""

    name: str
    detector: Detector
    plan: str
    systematics: dict[str, float]
    quenching: bool
    steady_state: SteadyStateBackground | None
    beam_neutrons: BeamNeutronBackground | None
    references: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = field(default_factory=tuple)


def _table(doc: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = doc.get(key)
    return None if value is None else dict(value)


def _float(row: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    if key not in row:
        if default is None:
            raise ValueError(f"{where}.{key}: missing")
        return default
    try:
        return float(row[key])
    except (TypeError, ValueError):
        raise ValueError(f"{where}.{key}: expected a number, got {row[key]!r}") from None


def _mass(row: dict[str, Any], where: str) -> float | None:
    if "mass" not in row:
        return None
    return u.parse_quantity(str(row["mass"]), "mass", name=f"{where}.mass")


def parse_setup(text: str, path: str = "<string>") -> ProjectionSetup:
    """A :class:`ProjectionSetup` from TOML text; errors name the field and the file."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"projection: {path} is not valid TOML ({exc})") from None
    unknown = sorted(set(doc) - _TABLES)
    if unknown:
        raise ValueError(f"projection: {path} has unknown tables {unknown}; allowed: "
                         f"{sorted(_TABLES)}")
    for table, allowed in _KEYS.items():
        extra = sorted(set(doc.get(table, {})) - allowed)
        if extra:
            raise ValueError(f"{table}: {path} has unknown keys {extra}; allowed: "
                             f"{sorted(allowed)}")
    head = _table(doc, "projection") or {}
    for key in ("name", "detector", "plan"):
        if key not in head:
            raise ValueError(f"projection.{key}: missing in {path}")
    try:
        detector = load_detector(str(head["detector"]))
        target_mass = _mass(head, "projection")
        if target_mass is not None:
            detector = detector.with_mass(target_mass)
        sys_row = _table(doc, "systematics") or {}
        quenching = bool(sys_row.pop("quenching", False))
        systematics = {k: _float(sys_row, k, "systematics") for k in sys_row}
        for k, v in systematics.items():
            if not 0 < v < 1:
                raise ValueError(f"systematics.{k}: relative uncertainty must be in (0, 1), "
                                 f"got {v}")
        ss = None
        ss_row = _table(doc, "steady_state")
        if ss_row is not None:
            window = ss_row.get("window")
            ss = SteadyStateBackground(
                mass=_mass(ss_row, "steady_state"),
                rate=parse_rate_density(str(ss_row.get("rate", ""))),
                sideband_ratio=_float(ss_row, "sideband_ratio", "steady_state", 10.0),
                window=None if window is None else u.parse_quantity(
                    str(window), "time", name="steady_state.window"),
                reference=str(ss_row.get("reference", "")),
            )
        brn = None
        brn_row = _table(doc, "beam_neutrons")
        if brn_row is not None:
            where = "beam_neutrons"
            unit = detector.observable_unit[0]
            scale = str(brn_row.get("energy_scale", f"20 {unit}"))
            brn = BeamNeutronBackground(
                mass=_mass(brn_row, where),
                reference_counts=_float(brn_row, "reference_counts", where),
                reference_pot=_float(brn_row, "reference_pot", where),
                reference_mass=u.parse_quantity(str(brn_row.get("reference_mass", "")), "mass",
                                                name=f"{where}.reference_mass"),
                reference_distance=u.parse_quantity(
                    str(brn_row.get("reference_distance", "")), "length",
                    name=f"{where}.reference_distance"),
                uncertainty=_float(brn_row, "uncertainty", where),
                mass_exponent=_float(brn_row, "mass_exponent", where, 2.0 / 3.0),
                attenuation=_float(brn_row, "attenuation", where, 1.0),
                energy_scale=(float(scale.split()[0]) if unit == "PE" else u.parse_quantity(
                    scale, "visible_energy", name=f"{where}.energy_scale")),
                reference=str(brn_row.get("reference", "")),
            )
    except ValueError as exc:
        raise ValueError(f"{exc} ({path})") from None
    return ProjectionSetup(
        name=str(head["name"]),
        detector=detector,
        plan=str(head["plan"]),
        systematics=systematics,
        quenching=quenching,
        steady_state=ss,
        beam_neutrons=brn,
        references=tuple(str(r) for r in head.get("references", [])),
        assumptions=tuple(str(a) for a in head.get("assumptions", [])),
    )


def _builtin() -> dict[str, Any]:
    root = resources.files("cevns.data").joinpath("projections")
    return {e.name.removesuffix(".toml"): e for e in root.iterdir() if e.name.endswith(".toml")}


def list_setups() -> list[str]:
    """Names of the built-in projection set-ups."""
    return sorted(_builtin())


def load_setup(name_or_path: str | Path) -> ProjectionSetup:
    """A built-in set-up by name or a set-up TOML file by path."""
    text = str(name_or_path)
    files = _builtin()
    if text.lower() in files:
        return parse_setup(files[text.lower()].read_text(encoding="utf-8"),
                           f"{text.lower()}.toml (built-in)")
    if text.endswith(".toml") or Path(text).exists():
        return parse_setup(read_text_file(text, "projection"), text)
    raise ValueError(f"detector: no projection set-up {text!r}; built-in: "
                     f"{', '.join(list_setups())} (or the path of a set-up TOML file)")
