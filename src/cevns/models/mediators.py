"""Light mediators: a vector ``Z′`` and a scalar ``φ`` coupling neutrinos to quarks.

Vector (Cadeddu et al., JHEP 01 (2021) 116, arXiv:2008.05022): with
``L ⊃ g_ν^{Z′} ν̄ γ^μ P_L ν Z′_μ + g_q^{Z′} q̄ γ^μ q Z′_μ``, matching to the Fermi operator
``−√2 G_F g_V^q [ν̄γ^μ P_L ν][q̄γ_μ q]`` shifts ``g_V^q`` by
``δg_V^q = g_ν g_q / (√2 G_F (q² + M_Z′²))``, with the exact ``q²`` of each recoil (no contact
limit). The proton and neutron shifts are ``2δg_V^u + δg_V^d`` and ``δg_V^u + 2δg_V^d``.
Charges: universal (``Q_ν = Q_q = 1``), B−L (``Q_q = ⅓``, ``Q_ν = −1``), L_μ−L_τ (``Q_{ν_μ} = 1``,
``Q_{ν_τ} = −1``, no tree-level quark coupling: the one-loop γ–Z′ mixing through the μ and τ
loops gives the proton the coupling ``ε(q) e`` with
``ε(q) = (e g / 2π²) ∫₀¹ x(1−x) ln[(m_τ² + x(1−x)q²)/(m_μ² + x(1−x)q²)] dx``, which tends to
``e g ln(m_τ²/m_μ²)/(12π²)`` for ``q → 0``; so
``δg_V^p(ν_μ) = Q_{ν_μ} (α/3π) L(q) g² / (√2 G_F (q² + M²))`` with
``L(q) = 6 ∫₀¹ x(1−x) ln[...] dx`` evaluated at each recoil's ``q`` (at the SNS ``L`` falls by
up to ≈ 3 % below its ``q → 0`` value ``ln(m_τ²/m_μ²) = 5.65``), neutron 0).

Sign of the L_μ−L_τ term (derived here, not taken from a table): the μ loop (electric charge
−1, Z′ charge +1) and the τ loop (−1, −1) give the mixing ``Σ_f Q_f Q′_f ln(1/m_f²)
= −ln(m_τ²/m_μ²)``; vacuum polarisation screens (it enters the exchange amplitude with the
opposite sign of the bare couplings' product), so a ``ν_μ`` surrounds itself with a positive
induced electric charge and repels a proton, like a universal Z′ does: ``δg_V^p(ν_μ) > 0``,
the same sign as the universal and the Standard-Model ``ν_μ`` charge-radius shifts, and
``δg_V^p(ν_τ) < 0``. The same expression (``(α/3π) ln(m_τ²/m_μ²) Z`` added to the ν_μ weak
charge) is the one used for COHERENT by Cadeddu et al., arXiv:2008.05022, and Atzori Corona et
al., arXiv:2202.11002 (not checked against their text).

Scalar (Cerdeño et al., JHEP 05 (2016) 118, Eq. 2.9): an incoherent addition
``dσ/dT = M² T g_ν² Q_φ² F²(q) / (4π E² (q² + m_φ²)²)`` with
``Q_φ = Σ_{N = p, n} (Z or N) m_N Σ_q g_q f_Tq^N / m_q`` (u, d, s; heavy quarks through
``(2/27) f_TG``); a universal coupling ``g_ν = g_q = g``. With the Ellis–Olive–Savage ``f_Tq``
(below) the nucleon charges are ``q_p = 15.16`` and ``q_n = 14.58`` per unit coupling, i.e.
``Q_φ ≈ 15.1 Z + 14 N`` as public implementations of Cerdeño et al. write it (e.g.
``QsN = qsq (14 N + 15.1 Z)``): the proton charge is the larger one, because ``m_u < m_d``.

Verification status: the vector-mediator matching reproduces the NSI it maps onto for a heavy
Z′ (tested); the L_μ−L_τ sign is derived above; the scalar charges agree with ``15.1 Z + 14 N``
to 0.4 % (proton) and 4 % (neutron, the ``f_Tq`` sets differ slightly).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from ..constants import FERMI_CONSTANT, FINE_STRUCTURE, HBAR_C, MUON_MASS, NEUTRON_MASS, PROTON_MASS
from ..flavours import Flavour
from ..physics.kinematics import momentum_transfer
from ..physics.targets import Isotope
from ..types import FloatArray
from .base import ModelParameter, NewPhysics
from .standard_model import StandardModel

__all__ = ["SCALAR_NUCLEON_CHARGES", "TAU_MASS", "ScalarMediator", "VectorMediator", "loop_log"]

#: τ mass (MeV), PDG 2024: 1776.93 ± 0.09 MeV.
TAU_MASS = 1776.93

Coupling = Literal["universal", "B-L", "Lmu-Ltau"]


#: Gauss–Legendre nodes and weights on [0, 1] for the L_μ−L_τ loop integral (smooth integrand:
#: 16 nodes are exact to < 1e-12 at the momentum transfers of CEvNS).
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_GL_X = 0.5 * (_GL_X + 1.0)
_GL_W = 0.5 * _GL_W


def loop_log(q: FloatArray | float) -> FloatArray:
    """``L(q) = 6 ∫₀¹ x(1−x) ln[(m_τ² + x(1−x)q²)/(m_μ² + x(1−x)q²)] dx`` for ``q`` in MeV.

    The momentum dependence of the L_μ−L_τ γ–Z′ mixing; ``L(0) = ln(m_τ²/m_μ²)``.
    """
    q2 = np.asarray(q, dtype=float)[..., None] ** 2
    xx = _GL_X * (1.0 - _GL_X)
    mu2, tau2 = float(MUON_MASS) ** 2, TAU_MASS**2
    integrand = xx * np.log((tau2 + xx * q2) / (mu2 + xx * q2))
    return np.asarray(6.0 * (integrand @ _GL_W), dtype=float)


def _kinetic_mixing_factor() -> float:
    """``(α/3π) ln(m_τ²/m_μ²)``: the L_μ−L_τ Z′ coupling to the proton per unit ``g²`` at q → 0."""
    return float(FINE_STRUCTURE) / (3.0 * math.pi) * math.log(TAU_MASS**2 / float(MUON_MASS)**2)


@dataclass(frozen=True)
class VectorMediator(NewPhysics):
    """A light vector ``Z′`` with mass ``mass_zp`` (MeV) and coupling ``g_zp``.

    ``coupling`` selects the charges: ``"universal"``, ``"B-L"`` or ``"Lmu-Ltau"``.
    """

    g_zp: float = 0.0
    mass_zp: float = 100.0
    coupling: Coupling = "universal"
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "zprime"
    summary: ClassVar[str] = "light vector mediator Z′ (universal, B−L, L_μ−L_τ), exact q²"

    def __post_init__(self) -> None:
        if self.coupling not in ("universal", "B-L", "Lmu-Ltau"):
            raise ValueError(f"coupling: unknown Z′ coupling {self.coupling!r}; "
                             "allowed: 'universal', 'B-L', 'Lmu-Ltau'")
        super().__post_init__()

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return (
            ModelParameter("g_zp", "", 0.0, (0.0, 1.0),
                           f"Z′ gauge coupling ({self.coupling} charges)", "quadratic", power=2,
                           step=1e-4, log=True),
            ModelParameter("mass_zp", "MeV", 100.0, (1e-3, 1e6), "Z′ mass", "nonlinear",
                           grid=(1.0, 1e5, 41), log=True),
        )

    def charges(self, flavour: Flavour) -> tuple[float, float]:
        """``(Q_p, Q_n)``: ``Q_ν`` times the nucleon's Z′ charge, per unit ``g²``."""
        lepton = flavour.lepton
        if self.coupling == "universal":
            return 3.0, 3.0
        if self.coupling == "B-L":
            return -1.0, -1.0
        q_nu = {"e": 0.0, "mu": 1.0, "tau": -1.0}[lepton]
        return q_nu * _kinetic_mixing_factor(), 0.0

    def vector_shifts(
        self, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray, FloatArray] | None:
        if self.g_zp == 0.0:
            return None
        qp, qn = self.charges(flavour)
        if qp == 0.0 and qn == 0.0:
            return None
        qq = np.asarray(q, dtype=float)
        prop = self.g_zp**2 / (math.sqrt(2.0) * float(FERMI_CONSTANT) * (qq**2 + self.mass_zp**2))
        if self.coupling == "Lmu-Ltau":  # the loop's own q dependence, L(q)/L(0)
            prop = prop * loop_log(qq) / math.log(TAU_MASS**2 / float(MUON_MASS) ** 2)
        return qp * prop, qn * prop


#: Scalar charges per unit coupling, ``m_N Σ_q f_Tq^N / m_q`` summed over u, d, s and the
#: heavy quarks via ``(2/27) f_TG``, for the proton and the neutron.
#: Inputs (cross-checked against ``15.1 Z + 14 N``, see the module docstring):
#: f_Tu^p = 0.020, f_Td^p = 0.026, f_Tu^n = 0.014, f_Td^n = 0.036, f_Ts = 0.118
#: (Ellis, Olive & Savage, PRD 77 (2008) 065026, as used by Cerdeño et al. 2016);
#: m_u = 2.16, m_d = 4.67, m_s = 93.4, m_c = 1270, m_b = 4180, m_t = 172690 MeV (PDG 2022).
_F_T = {"p": (0.020, 0.026, 0.118), "n": (0.014, 0.036, 0.118)}
_LIGHT_MASSES = (2.16, 4.67, 93.4)
_HEAVY_MASSES = (1270.0, 4180.0, 172690.0)


def _scalar_charge(nucleon: str, mass: float) -> float:
    fu, fd, fs = _F_T[nucleon]
    f_tg = 1.0 - fu - fd - fs
    light = sum(f / m for f, m in zip((fu, fd, fs), _LIGHT_MASSES, strict=True))
    heavy = sum(2.0 / 27.0 * f_tg / m for m in _HEAVY_MASSES)
    return mass * (light + heavy)


#: ``(q_p, q_n)``: scalar charge of the proton and the neutron per unit coupling.
SCALAR_NUCLEON_CHARGES = (_scalar_charge("p", float(PROTON_MASS)),
                          _scalar_charge("n", float(NEUTRON_MASS)))


@dataclass(frozen=True)
class ScalarMediator(NewPhysics):
    """A light scalar ``φ`` with mass ``mass_phi`` (MeV) and universal coupling ``g_phi``."""

    g_phi: float = 0.0
    mass_phi: float = 100.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "scalar"
    summary: ClassVar[str] = "light scalar mediator φ (incoherent, universal coupling)"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return (
            ModelParameter("g_phi", "", 0.0, (0.0, 1.0),
                           "scalar coupling g_ν = g_q (universal)", "quadratic", power=2,
                           step=1e-5, log=True),
            ModelParameter("mass_phi", "MeV", 100.0, (1e-3, 1e6), "scalar mass", "nonlinear",
                           grid=(1.0, 1e5, 41), log=True),
        )

    def incoherent(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
        sm: StandardModel,
    ) -> FloatArray | None:
        if self.g_phi == 0.0:
            return None
        m = isotope.nuclear_mass
        t = np.asarray(recoil_energy, dtype=float)
        e = np.asarray(neutrino_energy, dtype=float)
        q = momentum_transfer(t, m, sm.momentum_transfer)
        f_p, f_n = sm.form_factors(isotope, q)
        qp, qn = SCALAR_NUCLEON_CHARGES
        charge = self.g_phi**2 * (isotope.Z * qp * f_p + isotope.N * qn * f_n)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = (m * m * t * charge * charge
                     / (4.0 * math.pi * e * e * (q * q + self.mass_phi**2) ** 2))
        value = np.where(e > 0, value, 0.0) * float(HBAR_C) ** 2
        return np.asarray(value, dtype=float)
