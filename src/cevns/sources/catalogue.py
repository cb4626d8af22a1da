"""One name → source lookup over all built-in sources (for the CLI and quick use).

Names: the spallation facilities of ``facilities.toml`` (``sns``, ``sns_ppu``,
``sns_sts_fts``, ``sns_sts``, ``csns``, ``isis``, ``lujan``, ``lansce``, ``jparc_mlf``,
``ess``), the reactor presets (``conus``, ``connie``) and ``supernova`` (the illustrative
pinched-thermal burst at 10 kpc) and ``sun`` (the B16-GS98 solar fluxes at 1 AU, MSW-LMA
flavour content).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import units as u
from .base import NeutrinoSource
from .facilities import facility, facility_catalogue
from .reactor import REACTOR_PRESETS
from .solar import ASTRONOMICAL_UNIT, SolarSource
from .supernova import SupernovaSource


@dataclass(frozen=True)
class CatalogueRow:
    """A line of ``cevns sources``: key, kind, and a one-line summary with units."""

    key: str
    kind: str
    summary: str
    default_distance: float | None


def catalogue() -> list[CatalogueRow]:
    """Every built-in source, spallation facilities first."""
    rows: list[CatalogueRow] = []
    for key, entry in facility_catalogue().items():
        s = entry.source_without_yield
        yield_text = (
            f"{entry.default_yield.per_flavour:.3g} ν/flavour/POT"
            if entry.default_yield is not None
            else "yield: give one"
        )
        rows.append(
            CatalogueRow(
                key,
                "πDAR",
                f"{s.name}: {s.proton_energy / u.GeV:g} GeV, {s.beam_power / u.MW:g} MW, "
                f"{s.repetition_rate * u.s:g} Hz, {s.pulse.describe()}; {yield_text}",
                20.0 * u.m,
            )
        )
    for key, reactor in REACTOR_PRESETS.items():
        rows.append(
            CatalogueRow(
                key,
                "reactor",
                f"{reactor.name}: {reactor.thermal_power / u.GW:g} GWth at "
                f"{(reactor.distance or 0.0) / u.m:g} m",
                reactor.distance,
            )
        )
    sn = SupernovaSource()
    rows.append(
        CatalogueRow(
            "supernova",
            "supernova",
            f"pinched-thermal burst, 3e53 erg, {sn.duration / u.s:g} s at "
            f"{sn.distance / u.kpc:g} kpc (illustrative defaults)",
            sn.distance,
        )
    )
    rows.append(
        CatalogueRow(
            "sun",
            "solar",
            "B16-GS98 standard solar model, pp to 17F, MSW-LMA flavour content at 1 AU",
            ASTRONOMICAL_UNIT,
        )
    )
    return rows


def get_source(name: str, neutrino_yield: str | float | None = None) -> NeutrinoSource:
    """The built-in source called ``name`` (case-insensitive; ``-`` and ``_`` equivalent).

    ``neutrino_yield`` applies to spallation facilities only (preset name or number).
    """
    key = name.strip().lower().replace("-", "_")
    if key in facility_catalogue():
        return facility(key, neutrino_yield)
    if neutrino_yield is not None:
        raise ValueError(f"neutrino_yield: only spallation facilities take a yield, not {name!r}")
    if key in REACTOR_PRESETS:
        return REACTOR_PRESETS[key]
    if key in ("supernova", "sn"):
        return SupernovaSource()
    if key in ("sun", "solar"):
        return SolarSource()
    allowed = [row.key for row in catalogue()]
    raise ValueError(f"name: unknown source {name!r}; allowed: {allowed}")
