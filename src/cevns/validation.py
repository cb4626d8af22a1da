"""Input checks shared by the physics functions.

Every check raises :class:`ValueError` with a message that starts with the
parameter name and states the allowed range, before any numpy arithmetic can
turn bad input into NaN or a silent zero.
"""

from __future__ import annotations

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
