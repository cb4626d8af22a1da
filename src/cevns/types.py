"""Shared type aliases."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: A float64 numpy array in the internal unit system (see :mod:`cevns.units`).
FloatArray = NDArray[np.float64]
