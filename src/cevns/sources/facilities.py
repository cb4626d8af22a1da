"""Catalogue of stopped-pion spallation facilities.

The catalogue ships as ``cevns/data/sources/facilities.toml`` (origin of every field in
its ``cite`` tables and in ``cevns/data/README.md``): SNS today, after the Proton Power
Upgrade, its first target at 45 Hz and its Second Target Station, CSNS, ISIS,
LANSCE-Lujan (the CCM site) and the LANSCE row of Efremenko's table (NuINT 2024), J-PARC MLF
and ESS, each with proton energy, beam power, repetition rate and pulse structure.

>>> from cevns.sources.facilities import facility
>>> sns = facility("sns")               # a StoppedPionSource
>>> round(sns.duty_factor(10_000.0), 6)   # 10 µs window at 60 Hz
0.0006
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from ..units import parse_quantity
from .stopped_pion import (
    YIELD_PRESETS,
    NeutrinoYield,
    StoppedPionSource,
    efremenko_yield,
)
from .timing import GaussianPulse, ProtonPulse, TabulatedPulse


def parse_rate(text: str, *, name: str = "repetition_rate") -> float:
    """Read a rate written ``"60 /s"`` or ``"60 Hz"`` into 1/ns."""
    raw = str(text).strip()
    if raw.endswith("Hz"):
        number, unit = raw[:-2].strip(), "1 s"
    elif "/" in raw:
        number, per = raw.split("/", 1)
        unit = f"1 {per.strip()}"
    else:
        raise ValueError(f"{name}: cannot read {text!r}; write a rate like '60 /s' or '60 Hz'")
    try:
        value = float(number)
    except ValueError as exc:
        raise ValueError(f"{name}: cannot read the number in {text!r}") from exc
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: must be finite and > 0, got {text!r}")
    return value / parse_quantity(unit, "time", name=name)


def _pulse_from_table(table: dict[str, Any], key: str) -> ProtonPulse:
    shape = str(table.get("shape", "")).lower()
    where = f"pulse ({key})"
    if shape == "gaussian":
        bunches = int(table.get("bunches", 1))
        if bunches < 1:
            raise ValueError(f"{where}: bunches must be >= 1, got {bunches}")
        spacing = (
            parse_quantity(table["bunch_spacing"], "time", name=f"{where}.bunch_spacing")
            if bunches > 1
            else 0.0
        )
        offsets = tuple(i * spacing for i in range(bunches))
        if "sigma" in table:
            sigma = parse_quantity(table["sigma"], "time", name=f"{where}.sigma")
        elif "fwhm" in table:
            fwhm = parse_quantity(table["fwhm"], "time", name=f"{where}.fwhm")
            if not fwhm > 0:
                raise ValueError(f"{where}.fwhm: pulse width must be > 0 ns, got {fwhm}")
            sigma = fwhm / (2.0 * math.sqrt(2.0 * math.log(2.0)))
        else:
            raise ValueError(f"{where}: a gaussian pulse needs 'sigma' or 'fwhm'")
        if "mean" in table:
            mean = parse_quantity(table["mean"], "time", name=f"{where}.mean")
        else:  # start the first bunch 3σ after t = 0 so that the pulse lies at t > 0
            mean = 3.0 * sigma
        return GaussianPulse(mean, sigma, offsets, tuple(1.0 for _ in offsets))
    if shape == "rectangular":
        width = parse_quantity(table["width"], "time", name=f"{where}.width")
        start = parse_quantity(table.get("start", "0 ns"), "time", name=f"{where}.start")
        return TabulatedPulse.rectangular(start, width)
    raise ValueError(f"{where}: shape must be 'gaussian' or 'rectangular', got {shape!r}")


@dataclass(frozen=True)
class FacilityEntry:
    """One catalogue row: the source with its citations and default-yield status."""

    key: str
    source_without_yield: StoppedPionSource
    default_yield: NeutrinoYield | None
    citations: dict[str, str]

    def source(
        self, neutrino_yield: NeutrinoYield | str | float | None = None
    ) -> StoppedPionSource:
        """The facility as a :class:`StoppedPionSource` with a chosen or the default yield.

        Parameters
        ----------
        neutrino_yield
            A :class:`NeutrinoYield`, a preset name (``"lar2020"``, ``"csi2017"``,
            ``"csi2021"``, ``"efremenko2024"``), a number (ν per flavour per POT, 10 %
            uncertainty), or ``None`` for the catalogue default.
        """
        chosen = resolve_yield(neutrino_yield, self.source_without_yield.proton_energy)
        if chosen is None:
            chosen = self.default_yield
        if chosen is None:
            raise ValueError(
                f"neutrino_yield: facility {self.key!r} has no published yield in the catalogue "
                f"({self.citations.get('yield', '')}); pass one, e.g. neutrino_yield=0.08"
            )
        return replace(self.source_without_yield, neutrino_yield=chosen)


def resolve_yield(
    value: NeutrinoYield | str | float | None, proton_energy: float
) -> NeutrinoYield | None:
    """Turn a yield given as an object, preset name or number into a :class:`NeutrinoYield`."""
    if value is None or isinstance(value, NeutrinoYield):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key == "efremenko2024":
            return efremenko_yield(proton_energy)
        if key in YIELD_PRESETS:
            return YIELD_PRESETS[key]
        try:
            number = float(key)
        except ValueError:
            raise ValueError(
                f"neutrino_yield: unknown preset {value!r}; allowed: "
                f"{[*YIELD_PRESETS, 'efremenko2024']} or a number in (0, 1)"
            ) from None
        return NeutrinoYield(number, 0.10, "user-given")
    return NeutrinoYield(float(value), 0.10, "user-given")


def _entry(key: str, row: dict[str, Any]) -> FacilityEntry:
    for field_name in ("name", "proton_energy", "beam_power", "repetition_rate", "pulse"):
        if field_name not in row:
            raise ValueError(f"{field_name}: missing for facility {key!r} in facilities.toml")
    proton_energy = parse_quantity(row["proton_energy"], "energy", name=f"{key}.proton_energy")
    beam_power = parse_quantity(row["beam_power"], "power", name=f"{key}.beam_power")
    rate = parse_rate(row["repetition_rate"], name=f"{key}.repetition_rate")
    pulse = _pulse_from_table(dict(row["pulse"]), key)
    default: NeutrinoYield | None = None
    if "yield" in row:
        default = resolve_yield(str(row["yield"]), proton_energy)
    elif "yield_per_flavour" in row:
        default = NeutrinoYield(
            float(row["yield_per_flavour"]), 0.10, str(row.get("yield_reference", ""))
        )
    bare = StoppedPionSource(
        name=str(row["name"]),
        proton_energy=proton_energy,
        beam_power=beam_power,
        repetition_rate=rate,
        pulse=pulse,
        description=str(row.get("description", "")),
    )
    return FacilityEntry(key, bare, default, {k: str(v) for k, v in row.get("cite", {}).items()})


@cache
def facility_catalogue() -> dict[str, FacilityEntry]:
    """All facilities of ``facilities.toml``, keyed by short name (``"sns"``, ``"ess"``, ...)."""
    text = (resources.files("cevns.data.sources") / "facilities.toml").read_text("utf-8")
    table = tomllib.loads(text)
    return {key: _entry(key, dict(row)) for key, row in table.items()}


def facility(
    key: str, neutrino_yield: NeutrinoYield | str | float | None = None
) -> StoppedPionSource:
    """Catalogue facility ``key`` as a :class:`StoppedPionSource` (see :class:`FacilityEntry`)."""
    catalogue = facility_catalogue()
    k = key.strip().lower().replace("-", "_")
    if k not in catalogue:
        raise ValueError(f"facility: unknown facility {key!r}; allowed: {sorted(catalogue)}")
    return catalogue[k].source(neutrino_yield)


__all__ = [
    "FacilityEntry",
    "facility",
    "facility_catalogue",
    "parse_rate",
    "resolve_yield",
]
