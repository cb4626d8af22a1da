"""``cevns sources`` and ``cevns source NAME``: the source catalogue on the command line.

``cevns sources`` lists every built-in source (spallation facilities, reactor presets, the
illustrative supernova). ``cevns source NAME [--distance "20 m"] [--yield lar2020]
[--plot FILE.png] [--json]`` prints a source's parameters and its flux per flavour at a
distance (ν/cm²/s where the source has a rate, otherwise per normalisation unit), with the
timing summary of a pulsed source; ``--plot`` draws the spectra and, for a pulsed source,
the arrival-time PDFs (matplotlib, Agg backend).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from .. import units as u
from ..flavours import Flavour
from ..sources.base import NeutrinoSource
from ..sources.catalogue import catalogue, get_source
from ..sources.spectrum import Spectrum
from ..sources.stopped_pion import StoppedPionSource
from ..units import parse_quantity
from .errors import check_output_file, guard_commands, literal, plain_console

__all__ = ["register", "source_summary"]

console = plain_console()


def _default_distance(key: str) -> float:
    k = key.strip().lower().replace("-", "_")
    for row in catalogue():
        if row.key == k and row.default_distance is not None:
            return row.default_distance
    return 20.0 * u.m


def _flux_per_flavour(
    source: NeutrinoSource, distance: float
) -> tuple[dict[Flavour, Spectrum], str]:
    rate = getattr(source, "normalisation_rate", None)
    flux = source.flux_at(distance)
    if isinstance(source, StoppedPionSource) or (
        rate is not None and source.normalisation_unit != "burst"
    ):
        scale = float(rate) if rate is not None else 1.0
        return {fl: s.scaled(scale) for fl, s in flux.items()}, "1/cm2/s"
    return flux, f"1/cm2 per {source.normalisation_unit}"


def source_summary(
    name: str, distance: float | None = None, neutrino_yield: Any = None
) -> dict[str, Any]:
    """Parameters, flux per flavour and timing of a catalogue source, as plain JSON data.

    Parameters
    ----------
    name
        Catalogue key (``cevns sources`` lists them).
    distance
        Source–detector distance (cm); default 20 m for spallation sources, the preset
        distance for reactors, 10 kpc for the supernova.
    neutrino_yield
        Yield preset name or number (spallation sources only).
    """
    source = get_source(name, neutrino_yield)
    d = _default_distance(name) if distance is None else distance
    flux, unit = _flux_per_flavour(source, d)
    summary: dict[str, Any] = {
        "name": name,
        "parameters": source.parameters(),
        "distance_m": d / u.m,
        "flux_unit": unit,
        "flux": {fl.value: s.total for fl, s in flux.items()},
        "mean_energy_MeV": {fl.value: s.mean_energy() for fl, s in flux.items() if s.total > 0},
        "total_flux": float(sum(s.total for s in flux.values())),
    }
    if isinstance(source, StoppedPionSource):
        summary["timing"] = {
            "fraction_before_1us": {
                fl.value: source.time_window_fraction(fl, -1e9, 1 * u.us) for fl in source.flavours
            },
            "fraction_in_0_to_10us": {
                fl.value: source.time_window_fraction(fl, 0.0, 10 * u.us) for fl in source.flavours
            },
            "duty_factor_10us": source.duty_factor(10 * u.us),
        }
    return summary


def _plot(source: NeutrinoSource, distance: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pulsed = isinstance(source, StoppedPionSource)
    fig, axes = plt.subplots(1, 2 if pulsed else 1, figsize=(11 if pulsed else 6, 4))
    ax_e = axes[0] if pulsed else axes
    flux, unit = _flux_per_flavour(source, distance)
    for fl, s in flux.items():
        if s.density is not None:
            lo, hi = s.support
            e = np.linspace(lo, hi, 600)
            ax_e.plot(e, s.continuous(e), label=f"{fl.symbol}")
        for line in s.lines:
            ax_e.vlines(line.energy, 0, 1, transform=ax_e.get_xaxis_transform(), colors="k")
            ax_e.annotate(
                f"{fl.symbol} line: {line.intensity:.3g} {unit}",
                (line.energy, 0.9),
                xycoords=("data", "axes fraction"),
                fontsize=8,
            )
    ax_e.set_xlabel("neutrino energy E [MeV]")
    ax_e.set_ylabel(f"dΦ/dE [{unit}/MeV]")
    ax_e.set_title(f"{source.name} at {distance / u.m:g} m")
    ax_e.legend()
    if pulsed:
        assert isinstance(source, StoppedPionSource)
        t = np.arange(-500.0, 10_000.0, 2.0)
        for fl, pdf in source.arrival_time_pdfs(t).items():
            axes[1].plot(t / u.us, pdf * u.us, label=fl.symbol)
        axes[1].set_xlabel("arrival time t [µs]")
        axes[1].set_ylabel("arrival-time PDF [1/µs]")
        axes[1].set_title(source.pulse.describe())
        axes[1].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def register(app: typer.Typer) -> None:
    """Add the ``sources`` and ``source`` commands to ``app``."""

    @app.command("sources")
    def sources(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List the built-in neutrino sources."""
        rows = catalogue()
        if as_json:
            typer.echo(
                json.dumps(
                    [{"key": r.key, "kind": r.kind, "summary": r.summary} for r in rows], indent=2
                )
            )
            return
        table = Table(title="Built-in neutrino sources (cevns source NAME for details)")
        table.add_column("name")
        table.add_column("kind")
        table.add_column("parameters")
        for r in rows:
            table.add_row(literal(r.key), literal(r.kind), literal(r.summary))
        console.print(table)

    @app.command("source")
    def source(
        name: Annotated[str, typer.Argument(help="Catalogue name (see `cevns sources`).")],
        distance: Annotated[
            str | None, typer.Option("--distance", "-d", help='Distance with unit, e.g. "20 m".')
        ] = None,
        neutrino_yield: Annotated[
            str | None,
            typer.Option(
                "--yield",
                help="ν/flavour/POT: lar2020, csi2017, csi2021, efremenko2024 or a number.",
            ),
        ] = None,
        plot: Annotated[
            Path | None, typer.Option("--plot", help="Write spectra (and timing) to this PNG.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Parameters of a source and its flux per flavour at a distance."""
        check_output_file(plot, "--plot", (".png", ".pdf", ".svg"))
        d = None if distance is None else parse_quantity(distance, "length", name="distance")
        if d is not None and not d > 0:
            raise ValueError(f"distance: must be > 0, got {distance!r}")
        summary = source_summary(name, d, neutrino_yield)
        if plot is not None:
            _plot(
                get_source(name, neutrino_yield),
                summary["distance_m"] * u.m,
                plot,
            )
        if as_json:
            typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
            return
        params = Table(title=literal(f"Source {name}"), show_header=False)
        params.add_column("parameter")
        params.add_column("value")
        for key, value in summary["parameters"].items():
            params.add_row(literal(key), literal(value))
        console.print(params)
        flux = Table(title=f"Flux at {summary['distance_m']:g} m [{summary['flux_unit']}]")
        flux.add_column("flavour")
        flux.add_column("flux", justify="right")
        flux.add_column("<E> [MeV]", justify="right")
        for fl_name, value in summary["flux"].items():
            mean = summary["mean_energy_MeV"].get(fl_name)
            flux.add_row(
                Flavour.parse(fl_name).symbol,
                f"{value:.4g}",
                "" if mean is None else f"{mean:.2f}",
            )
        flux.add_row("total", f"{summary['total_flux']:.4g}", "")
        console.print(flux)
        if "timing" in summary:
            timing = summary["timing"]
            console.print(
                "Arrival times: fraction before 1 µs "
                + ", ".join(
                    f"{Flavour.parse(k).symbol} {v:.3f}"
                    for k, v in timing["fraction_before_1us"].items()
                )
                + f"; steady-state duty factor for a 10 µs window {timing['duty_factor_10us']:.3g}"
            )
        if plot is not None:
            console.print(f"plot written to {literal(plot)}")

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
