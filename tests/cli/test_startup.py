"""Start-up stays light: ``import cevns`` and ``cevns --help`` load no heavy module.

Not a timed test (timings are in benchmarks/bench_startup.py): these check *which* modules
are imported, in a fresh interpreter. A command module that imports numpy, scipy, iminuit,
matplotlib or the physics at its top level makes ``cevns --help`` slow for everyone: import
them inside the command function instead.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cevns import __version__
from cevns.cli.main import app

# (pydantic is not listed: typer itself imports it to coerce option values.)
HEAVY = ("numpy", "scipy", "matplotlib", "iminuit", "particle", "periodictable", "yaml")


def _loaded_after(code: str) -> list[str]:
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def test_import_cevns_loads_no_heavy_module() -> None:
    assert _loaded_after("import cevns") == []


def test_import_units_and_paths_load_no_heavy_module() -> None:
    assert _loaded_after("import cevns.units, cevns.paths") == []


@pytest.mark.parametrize("argv", [["--help"], ["predict", "--help"], ["fit", "--help"],
                                  ["fit", "file", "-h"], ["xsec", "-h"], ["data", "fetch", "-h"],
                                  ["--version"]])
def test_help_loads_no_heavy_module(argv: list[str]) -> None:
    code = (f"import sys; sys.argv = ['cevns', *{argv!r}]\n"
            "import contextlib, io\n"
            "from cevns.cli.main import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        app()\n    except SystemExit:\n        pass")
    assert _loaded_after(code) == [], f"cevns {' '.join(argv)} imports heavy modules"


runner = CliRunner()


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import typer.main

    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    out: list[tuple[str, ...]] = []
    for name, cmd in sorted(click_group.commands.items()):  # type: ignore[attr-defined]
        out.append((*prefix, name))
        if hasattr(cmd, "commands"):
            out += _commands(cmd, (*prefix, name))
    return out


def test_every_command_has_h_and_examples() -> None:
    """`-h` works everywhere and every leaf command's help shows examples."""
    commands = _commands(app)
    assert ("fit", "file") in commands and ("xsec",) in commands
    missing: list[str] = []
    for path in commands:
        res = runner.invoke(app, [*path, "-h"])
        assert res.exit_code == 0, (path, res.output)
        is_group = any(c[: len(path)] == path and len(c) > len(path) for c in commands)
        if not is_group and "Examples:" not in res.output:
            missing.append(" ".join(path))
    assert not missing, f"these commands show no examples in -h: {missing}"


def test_version() -> None:
    for flag in ("--version", "-V"):
        res = runner.invoke(app, [flag])
        assert res.exit_code == 0 and res.output.strip() == f"cevns {__version__}"
