"""``cevns models``: the catalogue of new-physics models and their parameters."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import to_json

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``models`` command to ``app``."""

    @app.command("models")
    def models(
        name: Annotated[str | None, typer.Argument(help="Show one model only.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List the new-physics models with their parameters (unit, null value, range, kind).

        \b
        Examples:
          cevns models
          cevns models nsi --json
        """
        from cevns.models.registry import catalogue, get_model

        rows = catalogue()
        if name is not None:
            try:
                model = get_model(name)
            except ValueError as exc:
                Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(code=2) from exc
            wanted = {getattr(p, "model_name", "") for p in getattr(model, "parts", (model,))}
            rows = [r for r in rows if r["name"] in wanted]
        if as_json:
            typer.echo(to_json({"models": rows}, indent=2, ensure_ascii=False))
            return
        console = Console()
        for row in rows:
            table = Table(title=f"{row['name']}: {escape(row['summary'])}", title_justify="left")
            for col in ("parameter", "unit", "null", "range", "kind", "description"):
                table.add_column(col)
            for p in row["parameters"]:
                lo, hi = p["bounds"]
                kind = p["kind"] + (f" (in value^{p['power']})" if p["power"] != 1 else "")
                table.add_row(p["name"], escape(p["unit"]) or "—", f"{p['null']:g}",
                              f"[{lo:g}, {hi:g}]", kind, escape(p["description"]))
            console.print(table)
            if row["options"]:
                console.print(f"  options: {', '.join(row['options'])}")
        console.print("Combine models with '+', e.g. `cevns fit coherent-csi-2021 --model "
                      "nsi+neutron-radius`.")
