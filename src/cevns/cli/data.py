"""``cevns data``: get and check the public COHERENT data releases.

``cevns data fetch NAME --to DIR`` downloads release ``NAME`` (``coherent-csi-2021`` or
``coherent-lar-2020``) from the collaboration's record and verifies every file's sha256;
without network it exits with status 1 and says how to get the files by hand.
``cevns data verify NAME DIR`` checks an existing folder against the published hashes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .errors import check_output_folder, fail, guard_commands, literal, plain_console, to_json

__all__ = ["RELEASE_NAMES", "register"]

#: The downloadable releases (the keys of cevns.experiments.releases.RELEASES, spelled out so
#: that `cevns --help` does not import the readers; a test checks they agree).
RELEASE_NAMES: tuple[str, ...] = ("coherent-csi-2021", "coherent-lar-2020")

console = plain_console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group to ``app``."""
    data_app = typer.Typer(help="Get and verify the public COHERENT data releases.",
                           no_args_is_help=True)

    @data_app.command("fetch")
    def fetch(
        name: Annotated[str, typer.Argument(help=f"Release: {', '.join(RELEASE_NAMES)}.")],
        to: Annotated[Path | None, typer.Option(
            "--to", metavar="DIR",
            help="Release folder to download into (default: NAME inside $CEVNS_DATA, else "
                 "inside the per-user data folder, e.g. ~/.local/share/cevns/NAME, where "
                 "`cevns fit` finds it).")
        ] = None,
    ) -> None:
        """Download a release and check each file's sha256.

        \b
        Examples:
          cevns data fetch coherent-csi-2021
          cevns data fetch coherent-lar-2020 --to ~/releases/coherent-lar-2020
        """
        import os

        from rich.progress import Progress, SpinnerColumn, TextColumn

        from cevns.experiments.fetch import FetchError, fetch_release
        from cevns.experiments.releases import RELEASES
        from cevns.paths import ENV_VAR, user_data_dir

        if name not in RELEASES:
            fail(f"name: unknown release {name!r}; allowed: {', '.join(RELEASES)}")
        if to is None:  # <data folder>/<name>, where `cevns fit` looks for it
            base = Path(os.environ[ENV_VAR]).expanduser() if os.environ.get(ENV_VAR) \
                else user_data_dir()
            to = base / name
            to.mkdir(parents=True, exist_ok=True)
        check_output_folder(to, "--to")
        try:
            with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                          transient=True) as progress:
                task = progress.add_task(f"fetching {name}")
                folder = fetch_release(
                    name, to, progress=lambda msg: progress.update(task, description=msg)
                )
        except FetchError as exc:
            fail(exc, code=1)
        console.print(f"{name}: {len(RELEASES[name].files)} files in {literal(folder)}, "
                      f"sha256 verified")

    @data_app.command("verify")
    def verify(
        name: Annotated[str, typer.Argument(help=f"Release: {', '.join(RELEASE_NAMES)}.")],
        folder: Annotated[Path, typer.Argument(help="Folder holding the release files.")],
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Check a release folder against the published sha256 of every file.

        \b
        Examples:
          cevns data verify coherent-csi-2021 ~/.local/share/cevns/coherent-csi-2021
        """
        from cevns.experiments.fetch import verify_release
        from cevns.experiments.releases import RELEASES

        problems = verify_release(name, folder)
        if as_json:
            typer.echo(to_json({"release": name, "folder": str(folder), "problems": problems}))
        elif problems:
            for filename, problem in problems.items():
                console.print(f"[red]{literal(filename)}[/red]: {literal(problem)}")
        else:
            console.print(f"{name}: all {len(RELEASES[name].files)} files match")
        if problems:
            raise typer.Exit(code=1)

    app.add_typer(data_app, name="data")

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
