"""Input checks shared by the physics functions.

Every check raises :class:`ValueError` with a message that starts with the
parameter name and states the allowed range, before any numpy arithmetic can
turn bad input into NaN or a silent zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # no text, bytes, booleans or objects as numbers
            raise TypeError(raw.dtype)
        arr = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected real numbers in {unit}, got {shown(value)}") from exc
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite (no NaN or inf); allowed range [0, inf) {unit}")
    if np.any(arr < 0):
        raise ValueError(
            f"{name}: must be >= 0 {unit}; got minimum {float(np.min(arr))!r} "
            f"(allowed range [0, inf) {unit})"
        )
    return arr


def array_in_range(value: ArrayLike, name: str, unit: str, low: float, high: float, *,
                   min_size: int = 1, ndim: int = 1, strict_low: bool = False
                   ) -> NDArray[np.float64]:
    """``value`` as a float array (a scalar becomes 1-D) after checking its type, shape and
    that every element lies in ``[low, high]`` (``(low, high]`` with ``strict_low``).

    Raises
    ------
    ValueError
        One line naming ``name``, the allowed range in ``unit`` and, for too few values,
        ``min_size``.
    """
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # no text, bytes, booleans or objects as numbers
            raise TypeError(raw.dtype)
        arr = np.atleast_1d(raw.astype(float))
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected real numbers in {unit}, got {shown(value)}") from None
    opening = "(" if strict_low else "["
    allowed = f"allowed range {opening}{low:g}, {high:g}] {unit}".rstrip()
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name}: need at least {min_size} value(s), got {arr.size}")
    bad = ~np.isfinite(arr) | (arr > high) | ((arr <= low) if strict_low else (arr < low))
    if np.any(bad):
        raise ValueError(f"{name}: {float(arr[bad].flat[0])!r} is outside the {allowed}")
    return np.asarray(arr, dtype=np.float64)


def positive_scalar(value: float, name: str, unit: str) -> float:
    """Return ``value`` as a float after checking it is finite and > 0."""
    try:
        if isinstance(value, bool | str | bytes):
            raise TypeError(type(value))
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number in {unit}, got {shown(value)}") from exc
    if not np.isfinite(x) or x <= 0:
        raise ValueError(f"{name}: must be finite and > 0 {unit}; got {value!r}")
    return x


def non_negative_scalar(value: float, name: str, unit: str) -> float:
    """Return ``value`` as a float after checking it is finite and >= 0."""
    try:
        if isinstance(value, bool | str | bytes):
            raise TypeError(type(value))
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number in {unit}, got {shown(value)}") from exc
    if not np.isfinite(x) or x < 0:
        raise ValueError(f"{name}: must be finite and >= 0 {unit}; got {value!r}")
    return x


#: Longest quoted user value echoed in an error message (a 100 000-character value is cut).
ECHO_LIMIT = 60
_LONG_QUOTED = re.compile(r"(['\"])([^'\"\n]{" + str(ECHO_LIMIT + 1) + r",})\1")


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` cut to ``limit`` characters, for echoing user input in an error."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


def clip_message(message: str, limit: int = 600) -> str:
    """An error message on one line, with long quoted user values cut (never the whole input).

    Newlines become spaces; quoted substrings longer than :data:`ECHO_LIMIT` characters keep
    their first and last characters around ``…`` (a path keeps its file name); a message longer
    than ``limit`` loses its middle, never its end (the file and line).
    """
    one = " ".join(str(message).split())
    # keep both ends: the start of a long value and its end (a file name at the end of a path)
    one = _LONG_QUOTED.sub(
        lambda m: m.group(1) + m.group(2)[:20] + "…" + m.group(2)[-(ECHO_LIMIT - 21):] + m.group(1),
        one,
    )
    # cut in the middle: the end says where (file and line)
    return one if len(one) <= limit else one[: limit - 101] + "…" + one[-100:]


class InputError(ValueError):
    """Bad input; the message (one line, long echoed values cut) names what is wrong."""

    def __init__(self, message: object = "") -> None:
        super().__init__(clip_message(str(message)))


# ----------------------------------------------------------------------------- allowed ranges
@dataclass(frozen=True)
class AllowedRange:
    """The range a physical quantity may take at the user boundary (internal units).

    The bounds are far outside any real experiment; they exist so that a typo (``1e300 kg``,
    ``1e-200 m``) is an error instead of an overflow to ``inf``, an underflow to a silent zero
    or a ``NaN`` in the output.
    """

    low: float
    high: float
    unit: str  # the unit the range is printed in
    scale: float  # internal value of one ``unit``

    def text(self) -> str:
        return f"[{self.low / self.scale:g}, {self.high / self.scale:g}] {self.unit}"


# Internal units: kg, cm, MeV, ns, MeV/ns (power); counts are plain numbers.
_KPC = 3.0856775814913673e21
_MW = 1e6 / 1.602176634e-13 / 1e9
#: Allowed range of every physical quantity read at a boundary (TOML, CLI, API), by name.
#: Documented in the detector-file format (:mod:`cevns.detectors.schema`).
RANGES: dict[str, AllowedRange] = {
    "mass": AllowedRange(1e-6, 1e9, "kg", 1.0),  # 1 mg to 1 Mt
    "distance": AllowedRange(1.0, 1e3 * _KPC, "m", 100.0),  # 1 cm to 1 Mpc
    "proton_energy": AllowedRange(1.0, 1e7, "GeV", 1e3),  # 1 MeV to 10 TeV
    "beam_power": AllowedRange(1e-9 * _MW, 1e3 * _MW, "MW", _MW),  # 1 mW to 1 GW
    "thermal_power": AllowedRange(1e-9 * _MW, 1e6 * _MW, "MW", _MW),  # 1 mW to 1 TW
    "live_time": AllowedRange(1e-3, 1e4 * 365.25 * 86400e9, "s", 1e9),  # 1 ps to 10 kyr
    # exposures, in the source's normalisation units
    "proton on target": AllowedRange(1e-6, 1e30, "POT", 1.0),
    "fission": AllowedRange(1e-6, 1e40, "fission", 1.0),
    "burst": AllowedRange(1e-6, 1e6, "burst", 1.0),
    "exposure": AllowedRange(1e-6, 1e40, "source units", 1.0),
}


def in_range(value: float, quantity: str, name: str | None = None) -> float:
    """``value`` (internal units) after checking it lies in ``RANGES[quantity]``.

    Raises
    ------
    ValueError
        ``name: <value> <unit> is outside the allowed range [low, high] <unit>``.
    """
    allowed = RANGES[quantity]
    label = name or quantity
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label}: expected a number, got {shown(value)}") from None
    if not math.isfinite(x) or not (allowed.low <= x <= allowed.high):
        raise ValueError(
            f"{label}: {x / allowed.scale:g} {allowed.unit} is outside the allowed range "
            f"{allowed.text()}"
        )
    return x


def exposure_in_range(units: float, normalisation_unit: str | None, name: str = "exposure"
                      ) -> float:
    """An exposure in source units, checked against the range of the source's unit."""
    key = normalisation_unit if normalisation_unit in RANGES else "exposure"
    return in_range(units, key, name)
