"""Cached Gauss–Legendre rules (computing one costs ~1 ms; the engine needs the same few)."""

from __future__ import annotations

from functools import cache

import numpy as np

from .types import FloatArray


@cache
def gauss_legendre(order: int) -> tuple[FloatArray, FloatArray]:
    """Nodes and weights of the ``order``-point Gauss–Legendre rule on ``[-1, 1]`` (read-only)."""
    if order < 1:
        raise ValueError(f"order: Gauss–Legendre order must be >= 1, got {order}")
    nodes, weights = np.polynomial.legendre.leggauss(order)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights
