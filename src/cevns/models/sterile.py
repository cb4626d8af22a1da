"""A sterile neutrino in the 3+1 scheme, acting through the sources' survival hook.

Oscillation probabilities at short baseline (Giunti & Lasserre, Ann. Rev. Nucl. Part. Sci. 69
(2019) 163, Eqs. 4–5): ``P_αα = 1 − 4|U_α4|²(1 − |U_α4|²) S``, ``P_αβ = 4|U_α4|²|U_β4|² S``
with ``S = sin²(1.267 Δm²₄₁[eV²] L[m] / E[MeV])``. CEvNS is flavour-blind to first order, so
what it sees is the flux that stays active:
``P_α→active = 1 − P_α→s = 1 − 4|U_α4|²|U_s4|² S``, ``|U_s4|² = 1 − |U_e4|² − |U_μ4|²``
(``|U_τ4| = 0``): disappearance of ``ν_μ`` (prompt) and of ``ν_e``/``ν̄_μ`` (delayed) with the
``ν_μ → ν_e`` appearance included. (The flavour dependence of the Standard-Model coupling, the
charge-radius term, changes an appeared ``ν_e``'s cross section by under 0.2 %, neglected.)

``S`` is averaged over a uniform spread of baselines of full width ``baseline_width`` around the
detector distance (detector length and source extent together):
``⟨sin²(kL)⟩ = ½ − [sin(2k(L+w/2)) − sin(2k(L−w/2))] / (4kw)``. For ``Δm² → ∞`` it tends to ½,
so ``P_αα → 1 − ½ sin²2θ``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .. import units as u
from ..flavours import Flavour
from ..types import FloatArray
from .base import ModelParameter, NewPhysics
from .standard_model import StandardModel

__all__ = ["Sterile3p1", "averaged_sin2"]

#: ``1.267 Δm²[eV²] L[m] / E[MeV]`` (the usual phase, ``Δm² L / 4E`` in natural units).
PHASE = 1.267


def averaged_sin2(k: FloatArray, distance: float, width: float) -> FloatArray:
    """``⟨sin²(k L)⟩`` over ``L`` uniform in ``[d − w/2, d + w/2]`` (``k`` 1/m; ``d``, ``w`` m)."""
    k = np.asarray(k, dtype=float)
    if width <= 0:
        return np.asarray(np.sin(k * distance) ** 2, dtype=float)
    hi, lo = distance + width / 2, distance - width / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        avg = 0.5 - (np.sin(2 * k * hi) - np.sin(2 * k * lo)) / (4.0 * k * width)
    small = np.abs(k * width) < 1e-6
    return np.asarray(np.where(small, np.sin(k * distance) ** 2, avg), dtype=float)


@dataclass(frozen=True)
class Sterile3p1(NewPhysics):
    """3+1 sterile neutrino: ``dm2_41`` (eV²), ``ue4_sq = |U_e4|²``, ``umu4_sq = |U_μ4|²``.

    ``baseline_width`` (cm) is the full width of the spread of baselines averaged over
    (default 1 m: a detector of tens of cm and the SNS mercury target of similar size).
    """

    dm2_41: float = 1.0
    ue4_sq: float = 0.0
    umu4_sq: float = 0.0
    baseline_width: float = 1.0 * u.m
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "sterile"
    summary: ClassVar[str] = "3+1 sterile neutrino (disappearance into the sterile state)"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.ue4_sq + self.umu4_sq > 1.0:
            raise ValueError(f"ue4_sq: |U_e4|² + |U_μ4|² = {self.ue4_sq + self.umu4_sq:g} "
                             "exceeds 1; allowed range [0, 1] for the sum")
        width: object = self.baseline_width
        if isinstance(width, bool) or not isinstance(width, int | float | np.number) \
                or not (np.isfinite(width) and width >= 0):
            raise ValueError(f"baseline_width: must be finite and >= 0 cm, got "
                             f"{self.baseline_width!r}")

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return (
            ModelParameter("dm2_41", "eV2", 1.0, (1e-4, 1e5), "mass splitting Δm²₄₁",
                           "nonlinear", grid=(0.1, 1e3, 65), log=True),
            ModelParameter("ue4_sq", "", 0.0, (0.0, 1.0), "mixing |U_e4|²", "quadratic",
                           step=0.1),
            ModelParameter("umu4_sq", "", 0.0, (0.0, 1.0), "mixing |U_μ4|²", "quadratic",
                           step=0.1),
        )

    @property
    def has_survival(self) -> bool:
        return True

    def survival_probability(
        self, energy: FloatArray, distance: float, flavour: Flavour
    ) -> FloatArray:
        e = np.asarray(energy, dtype=float)
        u_a = {"e": self.ue4_sq, "mu": self.umu4_sq, "tau": 0.0}[flavour.lepton]
        u_s = 1.0 - self.ue4_sq - self.umu4_sq
        if u_a == 0.0:
            return np.ones_like(e)
        with np.errstate(divide="ignore"):
            k = PHASE * self.dm2_41 / np.where(e > 0, e, np.inf)
        s = averaged_sin2(k, distance / u.m, self.baseline_width / u.m)
        return np.asarray(np.clip(1.0 - 4.0 * u_a * u_s * s, 0.0, 1.0), dtype=float)
