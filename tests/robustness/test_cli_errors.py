"""One reporter for every CLI error: one literal line, files checked before the work.

Each test closes one class of the "every bad input gets a clear error" checklist.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import typer
from robust_helpers import Outcome, assert_one_line_error, run_cli

from cevns.cli.errors import guard_commands, one_line


# ----------------------------------------------------------------------------- markup
@pytest.mark.parametrize("text", ["[/x]", ":x:", "[source]", "[bold red]x", "\x1b[31mred"])
def test_user_text_is_printed_literally(text: str) -> None:
    """User text echoed in an error is never read as rich markup, emoji or escape codes."""
    line = assert_one_line_error(run_cli(["predict", text]), "name")
    shown = text.replace("\x1b", "\\x1b")
    assert shown in line
    assert "❌" not in line


def test_markup_in_a_detector_file_is_printed_literally(tmp_path: Path) -> None:
    from cevns.detectors.catalogue import builtin_text

    text = builtin_text("conus").replace('name = "conus"', 'name = "[/x] :x: [source]"', 1)
    path = tmp_path / "det.toml"
    path.write_text(text)
    out = run_cli(["predict", str(path)])
    assert out.exit_code == 0, out.stderr
    assert "[/x] :x: [source]" in out.stdout


# ----------------------------------------------------------------------------- one line
def test_error_is_one_line_whatever_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "20")
    out = run_cli(["predict", "no-such-detector-" + "x" * 200])
    line = assert_one_line_error(out, "name", "unknown detector")
    assert "built-in:" in line  # not cut


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["source", "-x"], ("-x", "cevns source -h")),
        (["predict"], ("Missing argument", "cevns predict -h")),
        (["no-such-command"], ("no-such-command",)),
        (["xsec", "--nodes", "[/x]"], ("--nodes",)),
        (["predict", "csi-2021", "--no-such-option", "1"], ("--no-such-option",)),
    ],
)
def test_usage_errors_are_one_line(args: list[str], names: tuple[str, ...]) -> None:
    """Unknown options, missing arguments and unknown commands, which the command-line parser
    rejects before any cevns code runs, are one ``error:`` line too (not a usage box)."""
    out = run_cli(args)
    assert_one_line_error(out, *names)
    assert "Usage:" not in out.stderr


def test_one_line_collapses_newlines_and_caps_length() -> None:
    assert one_line("a\nb\r\n  c") == "a b c"
    assert len(one_line("x" * 100_000)) == 1000


def test_unexpected_errors_are_one_line_with_status_70() -> None:
    app = typer.Typer()

    @app.command()
    def boom() -> None:
        raise ZeroDivisionError("float division by zero")

    @app.command()
    def other() -> None:  # pragma: no cover - a second command keeps typer in group mode
        pass

    guard_commands(app)
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["boom"])
    out = Outcome(result.exit_code, result.stdout, result.stderr, None)
    line = assert_one_line_error(out, code=70, internal=True)
    assert "internal error ZeroDivisionError" in line


# ----------------------------------------------------------------------------- output paths
def _bad_output_paths(tmp_path: Path) -> list[tuple[Path, str]]:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    return [
        (tmp_path / "missing" / "out.json", "does not exist"),
        (folder, "is a folder"),
        (tmp_path / "out.txt", "ending in"),
    ]


@pytest.mark.parametrize("case", range(3))
def test_predict_output_mistakes(tmp_path: Path, case: int) -> None:
    path, problem = _bad_output_paths(tmp_path)[case]
    out = run_cli(["predict", "conus", "--output", str(path)])
    assert_one_line_error(out, "--output", problem)


def test_plot_and_pyhf_checked_before_the_fit(tmp_path: Path) -> None:
    """A bad --pyhf or --plot fails at once, before the release is even looked for."""
    a_file = tmp_path / "file.png"
    a_file.write_text("x")
    out = run_cli(["fit", "coherent-csi-2021", "--data", str(tmp_path / "nowhere"),
                   "--plot", str(a_file)])
    assert_one_line_error(out, "--plot", "not a folder")
    out = run_cli(["fit", "coherent-lar-2020", "--data", str(tmp_path / "nowhere"),
                   "--pyhf", str(tmp_path / "no" / "ws.json")])
    assert_one_line_error(out, "--pyhf", "does not exist")


def test_fetch_to_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "plain-file"
    target.write_text("x")
    out = run_cli(["data", "fetch", "coherent-csi-2021", "--to", str(target)])
    assert_one_line_error(out, "--to", "not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_places(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    existing = ro / "old.json"
    existing.write_text("{}")
    existing.chmod(0o444)
    ro.chmod(0o555)
    try:
        assert_one_line_error(run_cli(["predict", "conus", "--output", str(ro / "new.json")]),
                              "--output", "permission denied")
        assert_one_line_error(run_cli(["predict", "conus", "--output", str(existing)]),
                              "--output", "permission denied")
        assert_one_line_error(run_cli(["source", "sns", "--plot", str(ro / "x.png")]),
                              "--plot", "permission denied")
    finally:
        ro.chmod(0o755)


def test_an_existing_writable_file_is_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("old")
    out = run_cli(["predict", "conus", "--output", str(path)])
    assert out.exit_code == 0, out.stderr
    assert json.loads(path.read_text())["detector"] == "conus"
