"""MkDocs hooks: the command-line reference is generated from the ``cevns`` app itself.

A page containing the marker ``<!-- cli-reference -->`` gets, in its place, the ``--help``
text of ``cevns`` and of every command and sub-command, so the reference cannot drift from
the code. Runs offline, in-process (typer's test runner), in well under a second.
"""

from __future__ import annotations

import os
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


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown
