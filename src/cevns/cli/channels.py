"""Output of the non-CEvNS channels for ``cevns predict``: a table by channel and flavour,
the visible-energy spectra, neutrino-induced neutrons, JSON and CSV."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from .errors import literal, plain_console

if TYPE_CHECKING:
    from ..inelastic.prediction import InelasticPrediction

__all__ = ["channels_payload", "print_channels", "write_channels_csv"]

console = plain_console()


def channels_payload(pred: InelasticPrediction) -> dict[str, Any]:
    """JSON-ready dictionary: per channel, events by flavour and final state, the visible
    energy spectrum (MeV bins) and the neutron multiplicities."""
    out: dict[str, Any] = {
        "counts_unit": "expected events",
        "efficiency": pred.settings.efficiency,
        "energy_edges_MeV": list(pred.settings.energy_edges),
        "roi_MeV": None if pred.settings.roi is None else list(pred.settings.roi),
        "channels": {},
    }
    for c in pred.channels:
        out["channels"][c.channel] = {
            "process": c.process.value,
            "target": c.target,
            "targets": c.targets,
            "observable": c.observable,
            "total": c.total,
            "by_flavour": {f.value: v for f, v in c.by_flavour().items()},
            "by_final_state": {
                label: float(c.counts[:, j].sum()) for j, label in enumerate(c.final_states)
            },
            "roi_by_flavour": None if c.roi_counts is None else {
                f.value: float(v) for f, v in zip(c.flavours, c.roi_counts, strict=True)
            },
            "spectrum_by_flavour": {
                f.value: row.tolist() for f, row in zip(c.flavours, c.spectra, strict=True)
            },
            "neutron_multiplicity": c.neutron_multiplicity.sum(axis=0).tolist(),
            "neutrons": c.neutrons,
        }
    return out


def print_channels(pred: InelasticPrediction, exposure_label: str) -> None:
    """Rich table: events per channel and flavour, ROI events and emitted neutrons."""
    if not pred.channels:
        return
    flavours = pred.channels[0].flavours
    table = Table(title=literal(f"{pred.detector}: other channels, {exposure_label}"),
                  caption="expected events (4 significant digits); ROI and neutrons summed "
                          "over flavours")
    table.add_column("channel")
    for f in flavours:
        table.add_column(f.symbol, justify="right")
    table.add_column("total", justify="right")
    table.add_column("in ROI", justify="right")
    table.add_column("neutrons", justify="right")
    for c in pred.channels:
        by = c.by_flavour()
        roi = "" if c.roi_counts is None else f"{float(c.roi_counts.sum()):#.4g}"
        table.add_row(literal(c.channel), *(f"{by[f]:#.4g}" for f in flavours),
                      f"{c.total:#.4g}", roi, f"{c.neutrons:#.4g}")
    console.print(table)
    edges = pred.settings.energy_edges
    console.print(literal(
        f"visible-energy spectra (lepton, γ or electron) in {len(edges) - 1} bins "
        f"{edges[0]:g}–{edges[-1]:g} MeV: use --json or --output"))


def write_channels_csv(pred: InelasticPrediction, path: Path) -> None:
    """One row per channel, flavour and visible-energy bin (units in the header)."""
    edges = pred.settings.energy_edges
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["channel", "flavour", "E_low_MeV", "E_high_MeV", "events"])
        for c in pred.channels:
            for f, row in zip(c.flavours, c.spectra, strict=True):
                for i, value in enumerate(row):
                    writer.writerow([c.channel, f.value, f"{edges[i]:g}", f"{edges[i + 1]:g}",
                                     f"{value:.6g}"])
