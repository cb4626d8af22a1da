"""Two-body kinematics of elastic neutrino–nucleus scattering.

All energies and masses in MeV (:mod:`cevns.units`); functions broadcast.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ..types import FloatArray
from ..validation import non_negative_array, positive_scalar

MomentumTransferConvention = Literal["2MT", "2MT+T2"]


def max_recoil_energy(neutrino_energy: ArrayLike, nuclear_mass: float) -> FloatArray:
    """Maximum nuclear recoil kinetic energy ``T_max = 2E² / (M + 2E)`` (MeV).

    Parameters
    ----------
    neutrino_energy
        Neutrino energy ``E`` (MeV), >= 0.
    nuclear_mass
        Nuclear mass ``M`` (MeV), > 0.
    """
    e = non_negative_array(neutrino_energy, "neutrino_energy")
    m = positive_scalar(nuclear_mass, "nuclear_mass", "MeV")
    return 2.0 * e**2 / (m + 2.0 * e)


def min_neutrino_energy(recoil_energy: ArrayLike, nuclear_mass: float) -> FloatArray:
    """Smallest neutrino energy able to produce recoil ``T``: ``(T + sqrt(T² + 2MT)) / 2`` (MeV).

    This is the inverse of :func:`max_recoil_energy`.
    """
    t = non_negative_array(recoil_energy, "recoil_energy")
    m = positive_scalar(nuclear_mass, "nuclear_mass", "MeV")
    return 0.5 * (t + np.sqrt(t * t + 2.0 * m * t))


def momentum_transfer(
    recoil_energy: ArrayLike,
    nuclear_mass: float,
    convention: MomentumTransferConvention = "2MT",
) -> FloatArray:
    """Momentum transfer ``q = |q⃗|`` (MeV) for recoil ``T``.

    ``convention="2MT"`` (default) uses ``q² = 2MT``, the non-relativistic recoil;
    ``"2MT+T2"`` uses the exact three-momentum ``q² = 2MT + T²``.
    """
    t = non_negative_array(recoil_energy, "recoil_energy")
    m = positive_scalar(nuclear_mass, "nuclear_mass", "MeV")
    if convention == "2MT":
        return np.sqrt(2.0 * m * t)
    if convention == "2MT+T2":
        return np.sqrt(2.0 * m * t + t * t)
    raise ValueError(f"convention: must be '2MT' or '2MT+T2', got {convention!r}")
