"""The documentation's code runs: every ```python block of the tutorial, the how-to pages and the
README is executed here, page by page, in order, in one namespace, so the pages cannot rot.

A fenced block with a ``title="name"`` (TOML, CSV, ...) is written to a file of that name in the
page's working folder before the Python blocks that follow it run, exactly as a reader would save
it. Pages that read the public COHERENT data get ``CEVNS_DATA`` pointing at
``../shared/data`` and are skipped only when that folder is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SHARED_DATA = ROOT.parent / "shared" / "data"

_FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<lang>[\w+-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$",
    re.S | re.M,
)
_TITLE = re.compile(r'title="(?P<name>[^"]+)"')


def fenced_blocks(text: str) -> list[tuple[str, str | None, str]]:
    """``(language, title or None, code)`` of every fenced block, in page order."""
    blocks = []
    for m in _FENCE.finditer(text):
        indent = len(m["indent"])
        body = "\n".join(line[indent:] for line in m["body"].splitlines())
        title = _TITLE.search(m["attrs"])
        blocks.append((m["lang"], title["name"] if title else None, body + "\n"))
    return blocks


def _pages() -> list[Path]:
    pages = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [p for p in pages if any(lang == "python" for lang, _, _ in
                                    fenced_blocks(p.read_text(encoding="utf-8")))]


def run_page(page: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the page's Python blocks in ``workdir`` (files with a title written first)."""
    text = page.read_text(encoding="utf-8")
    if "CEVNS_DATA" in text or "CEVNS_COHERENT_DATA" in text or "shared/data" in text:
        if not SHARED_DATA.is_dir():
            pytest.skip(f"{page.name} reads the public data; {SHARED_DATA} not present")
        monkeypatch.setenv("CEVNS_DATA", str(SHARED_DATA))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(workdir)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, (lang, title, code) in enumerate(fenced_blocks(text), start=1):
        if title is not None and lang != "python":
            (workdir / title).parent.mkdir(parents=True, exist_ok=True)
            (workdir / title).write_text(code, encoding="utf-8")
        elif lang == "python":
            compiled = compile(code, f"{page.relative_to(ROOT)} (block {number})", "exec")
            exec(compiled, namespace)


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's Python code runs without an error or a warning (warnings are errors)."""
    run_page(page, tmp_path, monkeypatch)


def test_the_harness_sees_the_tutorial() -> None:
    """Guard against a silent no-op: the tutorial and the README have Python blocks."""
    names = {p.name for p in _pages()}
    assert {"tutorial.md", "README.md"} <= names


def test_fence_parser_reads_titles_and_indentation() -> None:
    text = 'x\n```toml title="a.toml"\nk = 1\n```\n\n    ```python\n    print(1)\n    ```\n'
    assert fenced_blocks(text) == [("toml", "a.toml", "k = 1\n"), ("python", None, "print(1)\n")]


def test_no_page_uses_the_old_environment_name() -> None:
    """Pages must not mention a data-folder variable the code does not read."""
    used = {m for p in [ROOT / "README.md", *DOCS.rglob("*.md")]
            for m in re.findall(r"CEVNS_[A-Z_]+", p.read_text(encoding="utf-8"))}
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    assert {name for name in used if name not in source} == set()

