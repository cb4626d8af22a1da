"""Hypothesis strategies that damage inputs the way a careless or hostile user would.

* :func:`mutated_detector_text` — a built-in detector file with one (or a few) keys deleted or
  replaced by 0, −1, NaN, ±inf, 1e±300, wrong types, wrong units, markup, huge lists, or the
  text truncated / garbage inserted;
* :func:`quantity_text` — ``"<number> <unit>"`` strings with extreme numbers and wrong units
  (CLI options such as ``--exposure``, ``--distance``);
* :func:`damaged_lines` — a text file's lines with one line edited, dropped, duplicated or
  the file truncated.

The TOML writer here is deliberately minimal (what the built-in files use: tables, strings,
numbers, booleans, arrays, inline tables).
"""

from __future__ import annotations

import json
import math
import tomllib
from typing import Any

from hypothesis import strategies as st

from cevns.detectors.catalogue import builtin_text, list_detectors

# ----------------------------------------------------------------------------- TOML writer


def toml_value(value: Any) -> str:
    """One TOML value (NaN and infinities as TOML writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_dumps(document: dict[str, Any]) -> str:
    """A document of top-level tables (and scalars) as TOML text."""
    head = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in document.items()
            if not isinstance(v, dict)]
    body: list[str] = []
    for name, table in document.items():
        if isinstance(table, dict):
            body.append(f"[{json.dumps(name)}]")
            body += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items()]
            body.append("")
    return "\n".join([*head, "", *body])


# ----------------------------------------------------------------------------- values
EXTREME_NUMBERS: list[Any] = [
    0, -1, 0.0, -1.0, 1.5, float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 1e-300,
    5e-324, 1e308, 10**30, 2**63, -(2**63), True, False,
]
UNITS = ["kg", "m", "keV", "keVee", "keVnr", "PE", "us", "ns", "GWh", "MW", "POT", "burst",
         "fission", "year", "s", "furlong", "", "kg kg", "/keV", "sqrt(keV)", "1/keV", "MeV",
         "kpc", "t", "GeV", "[/x]", ":x:", "µs"]
MARKUP = ["[/x]", ":x:", "[source]", "[bold]x", "[red]error[/red]", "\x1b[31m", "\u202e"]


def numbers() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(EXTREME_NUMBERS),
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.integers(min_value=-(10**20), max_value=10**20),
    )


def number_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["0", "-1", "nan", "inf", "-inf", "1e300", "1e-300", "1e308", "1e309",
                         "-0", "1e-320", ".5", "1.", "e", "1e", "--1", "1,5", "0x10", "1_0"]),
        numbers().map(lambda x: repr(float(x)) if not isinstance(x, bool) else str(x)),
    )


def quantity_text() -> st.SearchStrategy[str]:
    """``"<number> <unit>"`` with extreme numbers and any unit, or plain junk."""
    return st.one_of(
        st.builds(lambda n, unit, sep: f"{n}{sep}{unit}", number_text(), st.sampled_from(UNITS),
                  st.sampled_from([" ", "", "  "])),
        st.sampled_from(MARKUP),
        st.text(max_size=12),
        st.just("1 " + "k" * 20_000),
        st.just("1" * 5_000 + " kg"),
    )


def junk_values() -> st.SearchStrategy[Any]:
    """Anything a TOML value could be replaced with."""
    return st.one_of(
        numbers(),
        quantity_text(),
        st.sampled_from(MARKUP),
        st.just([]),
        st.just({}),
        st.just([[[[[1]]]]]),
        st.lists(numbers(), max_size=4),
        st.just(list(range(200_000))),  # pathological size
        st.just([0.0, 1e-9]),
        st.just("x" * 100_000),
    )


# ----------------------------------------------------------------------------- detector files
def _leaves(document: dict[str, Any]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name, table in document.items():
        if isinstance(table, dict):
            out.append((name,))
            out += [(name, key) for key in table]
        else:
            out.append((name,))
    return out


def _mutate_value(original: Any, draw: Any) -> Any:
    """A replacement tailored to the kind of value, or generic junk."""
    if isinstance(original, str) and " " in original:
        number, _, unit = original.partition(" ")
        choice = draw(st.integers(0, 2))
        if choice == 0:
            return f"{draw(number_text())} {unit}"
        if choice == 1:
            return f"{number} {draw(st.sampled_from(UNITS))}"
        return draw(junk_values())
    if isinstance(original, list) and original and draw(st.booleans()):
        edited = list(original)
        i = draw(st.integers(0, len(edited) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            edited[i] = draw(junk_values())
        elif op == 1:
            del edited[i]
        elif op == 2:
            edited.reverse()
        else:
            edited.insert(i, edited[i])
        return edited
    return draw(junk_values())


@st.composite
def mutated_detector_text(draw: Any, names: list[str] | None = None) -> tuple[str, str]:
    """(detector name, damaged TOML text) from one of the built-in detector files (or of
    ``names``)."""
    name = draw(st.sampled_from(names or list_detectors()))
    text = builtin_text(name)
    kind = draw(st.sampled_from(["value", "value", "value", "delete", "text"]))
    if kind == "text":
        op = draw(st.integers(0, 2))
        at = draw(st.integers(0, len(text)))
        if op == 0:
            return name, text[:at]
        junk = draw(st.one_of(st.sampled_from([*MARKUP, "\x00", "=", "[", "]]", '"""']),
                              st.text(max_size=8)))
        return name, text[:at] + junk + text[at:]
    document = tomllib.loads(text)
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(_leaves(document)))
        if kind == "delete":
            if len(path) == 1:
                document.pop(path[0], None)
            else:
                document.get(path[0], {}).pop(path[1], None)
            continue
        if len(path) == 1:
            document[path[0]] = draw(junk_values()) if draw(st.booleans()) else {}
        else:
            table = document[path[0]]
            table[path[1]] = _mutate_value(table.get(path[1]), draw)
    return name, toml_dumps(document)


def damaged_lines(lines: list[str]) -> st.SearchStrategy[list[str]]:
    """The lines of a data file with one edit a careless user or a bad download could make."""

    @st.composite
    def build(draw: Any) -> list[str]:
        out = list(lines)
        i = draw(st.integers(0, max(len(out) - 1, 0)))
        op = draw(st.integers(0, 6))
        if op == 0:  # truncate
            return out[:i]
        if op == 1:  # drop a line
            del out[i]
        elif op == 2:  # duplicate a line
            out.insert(i, out[i])
        elif op == 3:  # replace one field by an extreme or junk number
            fields = out[i].split()
            if fields:
                j = draw(st.integers(0, len(fields) - 1))
                fields[j] = draw(number_text())
                out[i] = " ".join(fields)
        elif op == 4:  # garbage or markup line
            out.insert(i, draw(st.one_of(st.sampled_from(MARKUP), st.text(max_size=20))))
        elif op == 5:  # drop a column
            out[i] = " ".join(out[i].split()[:-1])
        else:  # an extra column
            out[i] = out[i] + " 1"
        return out

    return build()
