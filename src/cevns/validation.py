"""Input checks shared by the physics functions.

Every check raises :class:`ValueError` with a message that starts with the
parameter name and states the allowed range, before any numpy arithmetic can
turn bad input into NaN or a silent zero.
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike, NDArray


def non_negative_array(value: ArrayLike, name: str, unit: str = "MeV") -> NDArray[np.float64]:
    """Return ``value`` as a float array after checking it is finite and >= 0.

    Raises
    ------
    ValueError
        Naming ``name`` if any element is NaN, infinite or negative.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected real numbers in {unit}, got {value!r}") from exc
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite (no NaN or inf); allowed range [0, inf) {unit}")
    if np.any(arr < 0):
        raise ValueError(
            f"{name}: must be >= 0 {unit}; got minimum {float(np.min(arr))!r} "
            f"(allowed range [0, inf) {unit})"
        )
    return arr


def positive_scalar(value: float, name: str, unit: str) -> float:
    """Return ``value`` as a float after checking it is finite and > 0."""
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number in {unit}, got {value!r}") from exc
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{name}: must be finite and > 0 {unit}; got {value!r}")
    return x


def non_negative_scalar(value: float, name: str, unit: str) -> float:
    """Return ``value`` as a float after checking it is finite and >= 0."""
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number in {unit}, got {value!r}") from exc
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{name}: must be finite and >= 0 {unit}; got {value!r}")
    return x


#: Longest quoted user value echoed in an error message (a 100 000-character value is cut).
ECHO_LIMIT = 60
_LONG_QUOTED = re.compile(r"(['\"])([^'\"\n]{%d,})\1" % (ECHO_LIMIT + 1))


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` cut to ``limit`` characters, for echoing user input in an error."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


def clip_message(message: str, limit: int = 600) -> str:
    """An error message on one line, with long quoted user values cut (never the whole input).

    Newlines become spaces; quoted substrings longer than :data:`ECHO_LIMIT` characters are
    shortened to their first characters and ``…``; the whole message is cut at ``limit``.
    """
    one = " ".join(str(message).split())
    one = _LONG_QUOTED.sub(lambda m: m.group(1) + m.group(2)[: ECHO_LIMIT - 1] + "…" + m.group(1),
                           one)
    return one if len(one) <= limit else one[: limit - 1] + "…"


class InputError(ValueError):
    """Bad input; the message (one line, long echoed values cut) names what is wrong."""

    def __init__(self, message: object = "") -> None:
        super().__init__(clip_message(str(message)))
