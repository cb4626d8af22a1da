"""Neutrino electromagnetic properties: magnetic moments and charge radii.

Magnetic moment (Vogel & Engel, PRD 39 (1989) 3378): an incoherent addition
``dσ/dT = (π α² μ_ν² Z² / m_e²) ((1 − T/E)/T + T/(4E²)) F_p²(q)`` with ``μ_ν`` in Bohr
magnetons; one moment per flavour (ν and ν̄ of a family share it).

Charge radius (Cadeddu et al., PRD 98 (2018) 113010, arXiv:1810.05606, Eqs. 6–7): for an
incoming ``ν_α`` the proton coupling becomes ``g_V^p − (√2 π α / 3 G_F) ⟨r²_{ν_α}⟩`` (their
sign convention: the Standard-Model radii are negative,
``⟨r²_{ν_e}⟩ = −0.83``, ``⟨r²_{ν_μ}⟩ = −0.48``, ``⟨r²_{ν_τ}⟩ = −0.30 × 10⁻³² cm²``); the
default coupling scheme already contains the Standard-Model radii, so the model shifts
``g_V^p`` by ``−(√2 π α / 3 G_F)(⟨r²⟩ − ⟨r²⟩_SM)``. Transition radii ``⟨r²_{ν_{αβ}}⟩``
(``α ≠ β``) give a flavour-changing proton charge ``−(√2 π α / 3 G_F) ⟨r²_{αβ}⟩ Z F_p`` that adds
in quadrature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..constants import ELECTRON_MASS, FERMI_CONSTANT, FINE_STRUCTURE, HBAR_C
from ..flavours import Flavour
from ..physics.kinematics import momentum_transfer
from ..physics.targets import Isotope
from ..types import FloatArray
from .base import ModelParameter, NewPhysics
from .standard_model import StandardModel

__all__ = ["CHARGE_RADIUS_SM", "ChargeRadius", "MagneticMoment", "charge_radius_coefficient"]

#: Unit of the magnetic-moment parameters (Bohr magnetons).
MU_UNIT = 1e-10
#: Unit of the charge-radius parameters (cm²).
R2_UNIT = 1e-32
#: Standard-Model charge radii in the convention of Cadeddu et al. (arXiv:1810.05606, Eq. 8),
#: units of 1e-32 cm².
CHARGE_RADIUS_SM = {"e": -0.83, "mu": -0.48, "tau": -0.30}


def charge_radius_coefficient() -> float:
    """``√2 π α / (3 G_F)`` in 1/cm² (so that times ``⟨r²⟩`` in cm² it is dimensionless)."""
    return (math.sqrt(2.0) * math.pi * float(FINE_STRUCTURE)
            / (3.0 * float(FERMI_CONSTANT) * float(HBAR_C) ** 2))


@dataclass(frozen=True)
class MagneticMoment(NewPhysics):
    """Effective neutrino magnetic moments per flavour, in units of 1e-10 Bohr magnetons."""

    mu_nue: float = 0.0
    mu_numu: float = 0.0
    mu_nutau: float = 0.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "magnetic-moment"
    summary: ClassVar[str] = "neutrino magnetic moment per flavour (incoherent, 1/T rise)"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return tuple(
            ModelParameter(f"mu_nu{x}", "1e-10 mu_B", 0.0, (0.0, 1e4),
                           f"effective magnetic moment of ν_{x} (and its antineutrino)",
                           "quadratic", step=30.0)
            for x in ("e", "mu", "tau"))

    def moment(self, flavour: Flavour) -> float:
        """``μ_ν`` of ``flavour`` in Bohr magnetons."""
        return float(getattr(self, f"mu_nu{flavour.lepton}")) * MU_UNIT

    def incoherent(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
        sm: StandardModel,
    ) -> FloatArray | None:
        mu = self.moment(flavour)
        if mu == 0.0:
            return None
        e = np.asarray(neutrino_energy, dtype=float)
        t = np.asarray(recoil_energy, dtype=float)
        q = momentum_transfer(t, isotope.nuclear_mass, sm.momentum_transfer)
        f_p, _ = sm.form_factors(isotope, q)
        alpha = float(FINE_STRUCTURE)
        me = float(ELECTRON_MASS)
        pref = math.pi * alpha**2 * mu**2 * isotope.Z**2 / me**2 * float(HBAR_C) ** 2
        ok = (e > 0) & (t > 0)
        e_s = np.where(ok, e, 1.0)
        t_s = np.where(ok, t, 1.0)
        shape = np.clip(1.0 - t_s / e_s, 0.0, None) / t_s + t_s / (4.0 * e_s * e_s)
        return np.asarray(np.where(ok, pref * shape * f_p * f_p, 0.0), dtype=float)


@dataclass(frozen=True)
class ChargeRadius(NewPhysics):
    """Neutrino charge radii ``⟨r²_{ν_α}⟩`` (1e-32 cm²; null = Standard Model) and transition
    radii ``⟨r²_{ν_{αβ}}⟩`` (null 0)."""

    r2_nue: float = CHARGE_RADIUS_SM["e"]
    r2_numu: float = CHARGE_RADIUS_SM["mu"]
    r2_nutau: float = CHARGE_RADIUS_SM["tau"]
    r2_emu: float = 0.0
    r2_etau: float = 0.0
    r2_mutau: float = 0.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "charge-radius"
    summary: ClassVar[str] = "neutrino charge radius per flavour (g_V^p shift), transition radii"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        diag = tuple(
            ModelParameter(f"r2_nu{x}", "1e-32 cm2", CHARGE_RADIUS_SM[x], (-1e3, 1e3),
                           f"charge radius ⟨r²⟩ of ν_{x} (Standard Model {CHARGE_RADIUS_SM[x]:g})",
                           "quadratic", step=20.0)
            for x in ("e", "mu", "tau"))
        trans = tuple(
            ModelParameter(f"r2_{p}", "1e-32 cm2", 0.0, (-1e3, 1e3),
                           f"transition charge radius ⟨r²_{p}⟩", "quadratic", step=20.0)
            for p in ("emu", "etau", "mutau"))
        return diag + trans

    def vector_shifts(self, flavour: Flavour, q: FloatArray) -> tuple[float, float] | None:
        x = flavour.lepton
        delta = float(getattr(self, f"r2_nu{x}")) - CHARGE_RADIUS_SM[x]
        if delta == 0.0:
            return None
        return -charge_radius_coefficient() * delta * R2_UNIT, 0.0

    def transition_shifts(
        self, flavour: Flavour, final: Flavour, q: FloatArray
    ) -> tuple[float, float] | None:
        order = ("e", "mu", "tau")
        a, b = sorted((flavour.lepton, final.lepton), key=order.index)
        r2 = float(getattr(self, f"r2_{a}{b}"))
        if r2 == 0.0:
            return None
        return -charge_radius_coefficient() * r2 * R2_UNIT, 0.0
