"""The ``cevns`` command line: one typer app; each command group lives in its own module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import __version__
from ..engine.cross_section import target_flux_averaged_cross_section
from ..flavours import Flavour
from ..sources.stopped_pion import stopped_pion_spectra
from .errors import guard_commands, literal, plain_console

app = typer.Typer(
    name="cevns",
    help="Coherent elastic neutrino-nucleus scattering: SM predictions and fits to COHERENT data.",
    no_args_is_help=True,
    add_completion=False,
)
console = plain_console()

#: The six demo targets.
DEMO_TARGETS: tuple[str, ...] = ("CsI", "NaI", "Ar", "Ge", "Xe", "C")
_PI_DAR_FLAVOURS = (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR)


def stopped_pion_cross_section_table(
    targets: tuple[str, ...] = DEMO_TARGETS,
) -> dict[str, dict[str, float]]:
    """⟨σ⟩ per nucleus (cm²) per πDAR flavour and for the sum of the three, per target.

    The total weights the three flavours equally (one of each per π⁺ decay chain).
    """
    spectra = stopped_pion_spectra()
    table: dict[str, dict[str, float]] = {}
    for name in targets:
        row = {
            f.value: target_flux_averaged_cross_section(spectra[f], name, f)
            for f in _PI_DAR_FLAVOURS
        }
        row["total"] = sum(row.values()) / len(_PI_DAR_FLAVOURS)
        table[name] = row
    return table


def _print_cross_sections(table: dict[str, dict[str, float]]) -> None:
    out = Table(
        title="Flux-averaged SM CEvNS cross section at a stopped-pion source, per nucleus "
        "[10⁻⁴⁰ cm²]",
    )
    out.add_column("target")
    for f in _PI_DAR_FLAVOURS:
        out.add_column(f"{f.symbol}" + (" (prompt)" if f is Flavour.NU_MU else ""), justify="right")
    out.add_column("all three", justify="right")
    for name, row in table.items():
        out.add_row(
            literal(name),
            *(f"{row[f.value] / 1e-40:.2f}" for f in _PI_DAR_FLAVOURS),
            f"{row['total'] / 1e-40:.2f}",
        )
    console.print(out)
    console.print(
        "Standard Model (Erler–Su couplings with charge-radius terms, Helm/Lewin–Smith "
        "form factors, "
        "q² = 2MT); COHERENT quotes 189 ± 6 for CsI (PRL 129 (2022) 081801)."
    )


@app.command("xsec")
def xsec(
    target: Annotated[
        list[str] | None,
        typer.Option("--target", "-t", help="Target name or formula (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output (cm²).")] = False,
) -> None:
    """Flux-averaged SM cross sections at the SNS stopped-pion source."""
    targets = tuple(target) if target else DEMO_TARGETS
    table = stopped_pion_cross_section_table(targets)
    if as_json:
        typer.echo(json.dumps({"unit": "cm2", "per": "nucleus", "cross_sections": table}, indent=2))
    else:
        _print_cross_sections(table)


@app.command("demo")
def demo(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder holding the COHERENT releases (default: ../shared/data if present).",
        ),
    ] = None,
) -> None:
    """The main job on built-in defaults.

    Prints the flux-averaged SM cross sections for the demo targets, the COHERENT CsI 2021
    prediction in its PE × arrival-time bins, and fits the CsI 2021 data when the release is
    found (else says how to fetch it).
    """
    from .fit import run_demo_fit
    from .predict import run_demo_prediction

    _print_cross_sections(stopped_pion_cross_section_table())
    console.rule("COHERENT CsI[Na] 2021: Standard-Model prediction")
    run_demo_prediction()
    console.rule("COHERENT CsI[Na] 2021: fit to the public data")
    run_demo_fit(data, console)


@app.command("version")
def version() -> None:
    """Print the cevns version."""
    typer.echo(__version__)


def _register_command_groups() -> None:
    """Attach each layer's commands (one module per command group)."""
    from . import data as data_commands
    from . import fit as fit_commands
    from . import models as model_commands
    from . import predict as predict_commands
    from . import sources as source_commands

    for module in (source_commands, predict_commands, fit_commands, data_commands,
                   model_commands):
        module.register(app)
    # Every command, whoever wrote it, reports bad input as one line (cevns.cli.errors).
    guard_commands(app)


_register_command_groups()

__all__ = ["app", "stopped_pion_cross_section_table"]
