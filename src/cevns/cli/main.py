"""The ``cevns`` command line: one typer app; each command group lives in its own module.

Start-up is kept fast (``cevns --help`` well under 0.5 s): this module and every command
module import only typer/rich at the top and import numpy, scipy, iminuit, matplotlib and
the physics inside the commands. ``tests/cli/test_startup.py`` checks that ``--help`` loads
none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from .errors import OneLineErrorGroup, guard_commands
from .xsec import DEMO_TARGETS, stopped_pion_cross_section_table

_HELP = """Coherent elastic neutrino-nucleus scattering: SM predictions and fits to COHERENT data.

\b
Examples:
  cevns xsec -t CsI -t Ar --source sns       flux-averaged cross sections
  cevns detectors                            the built-in detectors
  cevns predict csi-2021 --exposure '13.99 GWh'
  cevns predict coh-ar-750 --mass '1 t' --threshold '10 keVnr'
  cevns fit coherent-csi-2021                fit a public release
  cevns fit mydata.csv --constrain bkg=0.1   fit your own binned data
  cevns project coh-ar-750 --plan sns-ppu-3yr  sensitivity of a future detector

Data folder: $CEVNS_DATA, else ../shared/data beside a source checkout, else the \
per-user data folder (~/.local/share/cevns on Linux); never the current directory.
"""

app = typer.Typer(
    name="cevns",
    cls=OneLineErrorGroup,
    help=_HELP,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cevns {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version_callback, is_eager=True,
        help="Print the cevns version and exit.")] = False,
) -> None:
    """Coherent elastic neutrino-nucleus scattering: SM predictions and fits to COHERENT data."""


@app.command("demo")
def demo(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", metavar="DIR",
            help="Folder holding the COHERENT releases (default: $CEVNS_DATA, the checkout's "
                 "../shared/data or the per-user data folder).",
        ),
    ] = None,
) -> None:
    """The main job on built-in defaults.

    Prints the flux-averaged SM cross sections for the demo targets, the COHERENT CsI 2021
    prediction in its PE × arrival-time bins, and fits the CsI 2021 data when the release is
    found (else says how to fetch it).

    \b
    Examples:
      cevns demo
      CEVNS_DATA=~/releases cevns demo
    """
    from .errors import plain_console
    from .fit import run_demo_fit
    from .predict import run_demo_prediction
    from .xsec import print_cross_sections

    console = plain_console()
    print_cross_sections(stopped_pion_cross_section_table())
    console.rule("COHERENT CsI[Na] 2021: Standard-Model prediction")
    run_demo_prediction()
    console.rule("COHERENT CsI[Na] 2021: fit to the public data")
    run_demo_fit(data, console)


@app.command("version")
def version() -> None:
    """Print the cevns version (also: cevns --version).

    \b
    Examples:
      cevns version
    """
    typer.echo(__version__)


def _register_command_groups() -> None:
    """Attach each layer's commands (one module per command group)."""
    from . import data as data_commands
    from . import fit as fit_commands
    from . import models as model_commands
    from . import predict as predict_commands
    from . import project as project_commands
    from . import scan as scan_commands
    from . import sources as source_commands
    from . import xsec as xsec_commands

    for module in (xsec_commands, source_commands, predict_commands, fit_commands,
                   data_commands, model_commands, scan_commands, project_commands):
        module.register(app)
    # Every command, whoever wrote it, reports bad input as one line (cevns.cli.errors).
    guard_commands(app)


_register_command_groups()

__all__ = ["DEMO_TARGETS", "app", "stopped_pion_cross_section_table"]
