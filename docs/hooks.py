"""MkDocs hooks: reference pages generated from the code, so they cannot drift from it.

* ``<!-- cli-reference -->`` becomes the ``--help`` text of ``cevns`` and of every command
  and sub-command (typer's in-process test runner; offline, well under a second).
* ``<!-- models-catalogue -->`` becomes a table of the registered new-physics models and their
  parameters (from :func:`cevns.models.registry.catalogue`), linked to their API entries.
* ``<!-- api: cevns.stats -->`` becomes one mkdocstrings ``::: module`` block per public
  module of that package (found with :mod:`pkgutil`), so a new module is documented as soon
  as it lands.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
from typing import Any

MARKER = "<!-- cli-reference -->"


def _help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from cevns.cli.main import app

    env = {"COLUMNS": "96", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    result = CliRunner().invoke(app, [*args, "--help"], env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"cevns {' '.join(args)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())


def _commands() -> list[list[str]]:
    import typer.main

    from cevns.cli.main import app

    root = typer.main.get_command(app)
    out: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        sub = getattr(cmd, "commands", None)
        if sub is None:
            return
        for name in sub:
            if sub[name].hidden:
                continue
            out.append([*path, name])
            walk(sub[name], [*path, name])

    walk(root, [])
    return out


def cli_reference() -> str:
    """Markdown with the help text of every ``cevns`` command."""
    os.environ.setdefault("COLUMNS", "96")
    parts = ["## `cevns`", "", "```text", _help([]), "```", ""]
    for path in _commands():
        parts += [f"## `cevns {' '.join(path)}`", "", "```text", _help(path), "```", ""]
    return "\n".join(parts)


MODELS_MARKER = "<!-- models-catalogue -->"


def models_catalogue() -> str:
    """Markdown tables of every registered model (name, class, parameters)."""
    from cevns.models.registry import MODELS, catalogue

    out: list[str] = []
    for row in catalogue():
        cls = MODELS[row["name"]]
        path = f"{cls.__module__}.{cls.__qualname__}"
        options = ", ".join(f"`{o}`" for o in row["options"]) or "—"
        out += [
            f"### `{row['name']}` — {row['summary']}",
            "",
            f"Class [`{cls.__qualname__}`][{path}]; options: {options}.",
            "",
            "| parameter | unit | null | range | counts depend | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for p in row["parameters"]:
            lo, hi = p["bounds"]
            meaning = str(p["description"]).replace("|", "\\|")
            out.append(
                f"| `{p['name']}` | {p['unit'] or '—'} | {p['null']:g} | [{lo:g}, {hi:g}] | "
                f"{p['kind']} | {meaning} |"
            )
        out.append("")
    return "\n".join(out)


_API = re.compile(r"<!-- api: (?P<package>[\w.]+) -->")


def api_blocks(package: str) -> str:
    """``::: module`` blocks for every public module of ``package`` (sorted by name)."""
    pkg = importlib.import_module(package)
    names = sorted(
        f"{package}.{m.name}"
        for m in pkgutil.iter_modules(pkg.__path__)
        if not m.name.startswith("_") and not m.ispkg
    )
    return "\n\n".join(f"::: {name}" for name in names)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, cli_reference())
    if MODELS_MARKER in markdown:
        markdown = markdown.replace(MODELS_MARKER, models_catalogue())
    return _API.sub(lambda m: api_blocks(m["package"]), markdown)
