"""Run plans: which facility configuration runs for how long, at what power and proton energy.

A :class:`RunPlan` is a sequence of :class:`RunPeriod` (facility configuration of the
catalogue :mod:`cevns.sources.facilities`, beam power, proton energy, beam hours). Each period
gives a :class:`~cevns.sources.stopped_pion.StoppedPionSource` and its protons on target
``POT = P t / E_p``; its neutrinos per proton follow the proton energy through the
parametrisation of Efremenko (NuINT 2024) whenever the period changes the facility's energy
without naming a yield. Plans are TOML files (built-in ones in ``cevns/data/plans/``)::

    [plan]
    name = "sns-ppu-3yr"
    description = "..."
    references = ["..."]
    assumptions = ["..."]

    [[period]]
    facility = "sns"              # cevns.sources.facilities key
    duration = "4118 h"           # beam hours of the period
    beam_power = "1.7 MW"         # optional: the facility's nominal power otherwise
    proton_energy = "1.0 GeV"     # optional: the facility's nominal energy otherwise
    neutrino_yield = "lar2020"    # optional: preset, "efremenko2024" or ν/flavour/POT
    label = "SNS 2023"            # optional

>>> from cevns.projections.plan import load_plan
>>> plan = load_plan("sns-ppu-3yr")
>>> ", ".join(p.facility for p in plan.periods)
'sns, sns_ppu, sns_ppu'
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .. import units as u
from ..files import read_text_file
from ..sources.facilities import facility_catalogue, resolve_yield
from ..sources.stopped_pion import StoppedPionSource, efremenko_yield

__all__ = ["RunPeriod", "RunPlan", "list_plans", "load_plan", "parse_plan"]

_PERIOD_KEYS = {"facility", "duration", "beam_power", "proton_energy", "neutrino_yield", "label"}
_PLAN_KEYS = {"name", "description", "references", "assumptions"}


@dataclass(frozen=True)
class RunPeriod:
    """One stretch of running at one facility configuration.

    Parameters
    ----------
    facility
        Key of the facility catalogue (``"sns"``, ``"sns_ppu"``, ``"sns_sts"``, ``"ess"``, ...).
    duration
        Beam time (ns; enter as ``4118 * u.hour``), > 0.
    beam_power
        Average beam power (MeV/ns; ``2.0 * u.MW``); None: the facility's nominal power.
    proton_energy
        Proton kinetic energy (MeV); None: the facility's nominal energy.
    neutrino_yield
        Preset name, ``"efremenko2024"`` or ν per flavour per POT; None: the facility's
        default, or the Efremenko (NuINT 2024) parametrisation at ``proton_energy`` when that
        differs from the facility's.
    label
        Short description for tables.
    """

    facility: str
    duration: float
    beam_power: float | None = None
    proton_energy: float | None = None
    neutrino_yield: str | float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        catalogue = facility_catalogue()
        key = self.facility.strip().lower().replace("-", "_")
        if key not in catalogue:
            raise ValueError(f"facility: unknown facility {self.facility!r}; allowed: "
                             f"{sorted(catalogue)}")
        object.__setattr__(self, "facility", key)
        for name in ("duration", "beam_power", "proton_energy"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: must be finite and > 0, got {value}")
        self.source()  # the yield resolves (or a one-line error) at construction

    def source(self) -> StoppedPionSource:
        """The facility as a source with this period's power, proton energy and yield."""
        entry = facility_catalogue()[self.facility]
        bare = entry.source_without_yield
        energy = bare.proton_energy if self.proton_energy is None else self.proton_energy
        chosen = resolve_yield(self.neutrino_yield, energy)
        if chosen is None:
            if self.proton_energy is not None and not math.isclose(energy, bare.proton_energy):
                chosen = efremenko_yield(energy)  # raises outside 0.8–1.3 GeV: give a yield
            else:
                chosen = entry.source(None).neutrino_yield
        power = bare.beam_power if self.beam_power is None else self.beam_power
        return replace(bare, proton_energy=energy, beam_power=power, neutrino_yield=chosen)

    @property
    def protons_on_target(self) -> float:
        """``P t / E_p``."""
        src = self.source()
        return src.beam_power * self.duration / src.proton_energy

    @property
    def beam_energy(self) -> float:
        """Integrated beam energy ``P t`` (internal units; divide by ``u.GWh``)."""
        return self.source().beam_power * self.duration

    @property
    def pulses(self) -> float:
        """Number of beam pulses (duration × repetition rate)."""
        return self.duration * self.source().repetition_rate

    def describe(self) -> str:
        """One line: facility, power, energy, hours, POT and yield."""
        src = self.source()
        return (f"{self.label or src.name}: {src.beam_power / u.MW:.3g} MW at "
                f"{src.proton_energy / u.GeV:.3g} GeV, {self.duration / u.hour:.6g} h, "
                f"{src.repetition_rate * u.s:.3g} Hz = {self.protons_on_target:.4g} POT, "
                f"{src.neutrino_yield.per_flavour:.4g} ν/flavour/POT")


@dataclass(frozen=True)
class RunPlan:
    """A sequence of run periods (see module doc)."""

    name: str
    periods: tuple[RunPeriod, ...]
    description: str = ""
    references: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError(f"period: plan {self.name!r} needs at least one [[period]]")

    @property
    def duration(self) -> float:
        """Total beam time (ns)."""
        return sum(p.duration for p in self.periods)

    @property
    def protons_on_target(self) -> float:
        """Total POT over the periods."""
        return sum(p.protons_on_target for p in self.periods)

    @property
    def beam_energy(self) -> float:
        """Total integrated beam energy."""
        return sum(p.beam_energy for p in self.periods)

    def scaled(self, factor: float) -> RunPlan:
        """The same plan with every period's duration multiplied by ``factor`` (> 0)."""
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"factor: exposure scale must be finite and > 0, got {factor}")
        return replace(self, periods=tuple(replace(p, duration=p.duration * factor)
                                           for p in self.periods))

    def describe(self) -> list[str]:
        """One line per period plus the total."""
        lines = [p.describe() for p in self.periods]
        lines.append(f"total: {self.duration / u.hour:.6g} h, {self.beam_energy / u.GWh:.4g} GWh, "
                     f"{self.protons_on_target:.4g} POT")
        return lines


def _quantity(row: dict[str, Any], key: str, kind: str, where: str) -> float | None:
    if key not in row:
        return None
    return u.parse_quantity(str(row[key]), kind, name=f"{where}.{key}")


def parse_plan(text: str, path: str = "<string>") -> RunPlan:
    """A :class:`RunPlan` from TOML text (see module doc); errors name the file and field."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"plan: {path} is not valid TOML ({exc})") from None
    head = doc.get("plan")
    if not isinstance(head, dict) or "name" not in head:
        raise ValueError(f"plan.name: {path} needs a [plan] table with a name")
    unknown = sorted(set(doc) - {"plan", "period"}) + sorted(set(head) - _PLAN_KEYS)
    if unknown:
        raise ValueError(f"plan: {path} has unknown keys {unknown}; allowed: [plan] "
                         f"{sorted(_PLAN_KEYS)} and [[period]]")
    rows = doc.get("period", [])
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"period: {path} needs at least one [[period]] table")
    periods = []
    for i, row in enumerate(rows):
        where = f"period[{i}]"
        extra = sorted(set(row) - _PERIOD_KEYS)
        if extra:
            raise ValueError(f"{where}: {path} has unknown keys {extra}; allowed: "
                             f"{sorted(_PERIOD_KEYS)}")
        for key in ("facility", "duration"):
            if key not in row:
                raise ValueError(f"{where}.{key}: missing in {path}")
        duration = _quantity(row, "duration", "time", where)
        assert duration is not None
        try:
            periods.append(RunPeriod(
                facility=str(row["facility"]),
                duration=duration,
                beam_power=_quantity(row, "beam_power", "power", where),
                proton_energy=_quantity(row, "proton_energy", "energy", where),
                neutrino_yield=row.get("neutrino_yield"),
                label=str(row.get("label", "")),
            ))
        except ValueError as exc:
            raise ValueError(f"{where}.{exc} ({path})") from None
    return RunPlan(
        name=str(head["name"]),
        periods=tuple(periods),
        description=str(head.get("description", "")),
        references=tuple(str(r) for r in head.get("references", [])),
        assumptions=tuple(str(a) for a in head.get("assumptions", [])),
    )


def _builtin() -> dict[str, Any]:
    root = resources.files("cevns.data").joinpath("plans")
    return {e.name.removesuffix(".toml"): e for e in root.iterdir() if e.name.endswith(".toml")}


def list_plans() -> list[str]:
    """Names of the built-in run plans."""
    return sorted(_builtin())


def load_plan(name_or_path: str | Path) -> RunPlan:
    """A built-in plan by name or a plan TOML file by path."""
    text = str(name_or_path)
    files = _builtin()
    if text.lower() in files:
        return parse_plan(files[text.lower()].read_text(encoding="utf-8"),
                          f"{text.lower()}.toml (built-in)")
    if text.endswith(".toml") or Path(text).exists():
        return parse_plan(read_text_file(text, "plan"), text)
    raise ValueError(f"plan: unknown plan {text!r}; built-in: {', '.join(list_plans())} "
                     "(or the path of a TOML file)")
