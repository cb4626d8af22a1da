"""``cevns sources`` and ``cevns source NAME``: the source catalogue on the command line.

``cevns sources`` lists every built-in source (spallation facilities, reactor presets, the
illustrative supernova). ``cevns source NAME [--distance "20 m"] [--yield lar2020]
[--plot FILE.png|DIR] [--json]`` prints a source's parameters and its flux per flavour at a
distance (ν/cm²/s where the source has a rate, otherwise per normalisation unit), with the
timing summary of a pulsed source; ``--plot`` draws the spectra and, for a pulsed source,
the arrival-time PDFs, as PDF, SVG and PNG (:mod:`cevns.plotting`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from .. import units as u
from ..units import parse_quantity
from .errors import (
    check_plot_target,
    guard_commands,
    literal,
    plain_console,
    to_json,
)

if TYPE_CHECKING:
    from ..flavours import Flavour
    from ..sources.base import NeutrinoSource
    from ..sources.spectrum import Spectrum

__all__ = ["register", "source_summary"]

console = plain_console()


def _default_distance(key: str) -> float:
    from ..sources.catalogue import catalogue

    k = key.strip().lower().replace("-", "_")
    for row in catalogue():
        if row.key == k and row.default_distance is not None:
            return row.default_distance
    return 20.0 * u.m


def _flux_per_flavour(
    source: NeutrinoSource, distance: float
) -> tuple[dict[Flavour, Spectrum], str]:
    from ..sources.stopped_pion import StoppedPionSource

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
    from ..sources.catalogue import get_source
    from ..sources.stopped_pion import StoppedPionSource

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


def register(app: typer.Typer) -> None:
    """Add the ``sources`` and ``source`` commands to ``app``."""

    @app.command("sources")
    def sources(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List the built-in neutrino sources.

        \b
        Examples:
          cevns sources
          cevns sources --json
        """
        from ..sources.catalogue import catalogue

        rows = catalogue()
        if as_json:
            typer.echo(
                to_json(
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
            Path | None,
            typer.Option("--plot", help="Write spectra (and timing) as PDF, SVG and PNG: "
                         "F.png writes F.pdf, F.svg, F.png; a folder gets NAME_source.*."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Parameters of a source and its flux per flavour at a distance.

        \b
        Examples:
          cevns source sns
          cevns source sns --distance '19.3 m' --yield csi2021 --json
          cevns source conus --plot figures/
        """
        from ..flavours import Flavour
        from ..sources.catalogue import get_source

        check_plot_target(plot, "--plot")
        d = None if distance is None else parse_quantity(distance, "length", name="distance")
        if d is not None and not d > 0:
            raise ValueError(f"distance: must be > 0, got {distance!r}")
        try:
            summary = source_summary(name, d, neutrino_yield)
        except ValueError as exc:  # the yield's checks name internal fields: name the option
            field, _, problem = str(exc).partition(": ")
            if neutrino_yield is not None and field in ("per_flavour", "neutrino_yield"):
                raise ValueError(f"--yield: {problem}") from None
            raise
        written: list[Path] = []
        if plot is not None:
            from ..plotting.prediction import plot_source

            src = get_source(name, neutrino_yield)
            spectra, flux_unit = _flux_per_flavour(src, summary["distance_m"] * u.m)
            written = plot_source(src, summary["distance_m"] * u.m, plot, spectra, flux_unit)
        if as_json:
            typer.echo(to_json(summary, indent=2, ensure_ascii=False))
            return
        params = Table(title=literal(f"Source {name}"), show_header=False)
        params.add_column("parameter")
        params.add_column("value")
        for key, value in summary["parameters"].items():
            params.add_row(literal(key), literal(value))
        console.print(params)
        flux = Table(title=literal(f"Flux at {summary['distance_m']:g} m "
                                   f"[{summary['flux_unit']}]"))
        flux.add_column("flavour")
        flux.add_column("flux", justify="right")
        flux.add_column(literal("<E> [MeV]"), justify="right")
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
            console.print("plots written to " + ", ".join(literal(p) for p in written))

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
