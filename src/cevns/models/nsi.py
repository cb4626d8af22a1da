"""Non-standard neutrino interactions (NSI) with quarks.

Vector NSI (Barranco, Miranda & Rashba, JHEP 0512 (2005) 021, Eqs. 4–5): for an incoming
``ν_α`` the flavour-diagonal couplings add to the quark couplings,
``g_V^p → g_V^p + 2ε^{uV}_{αα} + ε^{dV}_{αα}`` and ``g_V^n → g_V^n + ε^{uV}_{αα} + 2ε^{dV}_{αα}``
(proton ``uud``, neutron ``udd``), and each final flavour ``β ≠ α`` gets a flavour-changing
charge ``G_V^{αβ} = (2ε^{uV}_{αβ} + ε^{dV}_{αβ}) Z F_p + (ε^{uV}_{αβ} + 2ε^{dV}_{αβ}) N F_n``;
the cross section takes ``Σ_β |G_V^{αβ}|²`` in place of ``G_V²``. ``ε^V = ε^L + ε^R`` in the
normalisation of the four-fermion operator ``−2√2 G_F ε^{qP}_{αβ} (ν̄_α γ^μ P_L ν_β)(q̄ γ_μ P q)``,
which matches our nucleon couplings (``g_V^n ≈ −½``). The ε are real and symmetric
(``ε_{αβ} = ε_{βα}``); antineutrinos see the same vector charges.

Axial NSI (optional) shift the axial nucleon couplings by ``Δu^N ε^{uA} + Δd^N ε^{dA}``,
``Δq`` the quark spin fractions of the nucleon, and only act on nuclei with spin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from ..flavours import Flavour
from ..physics.targets import Target
from ..types import FloatArray
from .base import ModelParameter, NewPhysics
from .standard_model import StandardModel

__all__ = ["NSI_PAIRS", "QUARK_SPIN_FRACTIONS", "AxialNSI", "VectorNSI"]

#: Flavour pairs: three diagonal, three off-diagonal (symmetric).
NSI_PAIRS = ("ee", "mumu", "tautau", "emu", "etau", "mutau")

#: Quark spin content of the proton ``(Δu, Δd)``; the neutron's follows by isospin
#: (``Δu ↔ Δd``). Values: Δu = 0.842, Δd = −0.427 (HERMES, A. Airapetian et al.,
#: PRD 75 (2007) 012007, MS-bar at Q² = 5 GeV²). Not cross-checked here against a second
#: source.
QUARK_SPIN_FRACTIONS = (0.842, -0.427)


def _pair(flavour: Flavour, final: Flavour | None = None) -> str:
    a = flavour.lepton
    if final is None:
        return a + a
    b = final.lepton
    order = ("e", "mu", "tau")
    x, y = sorted((a, b), key=order.index)
    return x + y


@dataclass(frozen=True)
class VectorNSI(NewPhysics):
    """All vector NSI couplings ``ε^{qV}_{αβ}`` (q = u, d; α, β = e, μ, τ), dimensionless.

    Parameters are named ``eps_uV_ee``, ``eps_dV_emu``, ... (the off-diagonal ones once per
    unordered pair). All default to 0 (Standard Model).
    """

    eps_uV_ee: float = 0.0
    eps_dV_ee: float = 0.0
    eps_uV_mumu: float = 0.0
    eps_dV_mumu: float = 0.0
    eps_uV_tautau: float = 0.0
    eps_dV_tautau: float = 0.0
    eps_uV_emu: float = 0.0
    eps_dV_emu: float = 0.0
    eps_uV_etau: float = 0.0
    eps_dV_etau: float = 0.0
    eps_uV_mutau: float = 0.0
    eps_dV_mutau: float = 0.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "nsi"
    summary: ClassVar[str] = "vector non-standard interactions ε^{qV}_{αβ} with u and d quarks"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        out = []
        for pair in NSI_PAIRS:
            kind = "flavour-diagonal" if pair in ("ee", "mumu", "tautau") else "flavour-changing"
            for q in ("u", "d"):
                out.append(ModelParameter(
                    f"eps_{q}V_{pair}", "", 0.0, (-10.0, 10.0),
                    f"{kind} vector NSI of ν with {q} quarks, ε^{{{q}V}}_{{{pair}}}",
                    "quadratic", step=0.2))
        return tuple(out)

    def _eps(self, pair: str) -> tuple[float, float]:
        return float(getattr(self, f"eps_uV_{pair}")), float(getattr(self, f"eps_dV_{pair}"))

    def vector_shifts(self, flavour: Flavour, q: FloatArray) -> tuple[float, float] | None:
        eu, ed = self._eps(_pair(flavour))
        if eu == 0.0 and ed == 0.0:
            return None
        return 2.0 * eu + ed, eu + 2.0 * ed

    def transition_shifts(
        self, flavour: Flavour, final: Flavour, q: FloatArray
    ) -> tuple[float, float] | None:
        eu, ed = self._eps(_pair(flavour, final))
        if eu == 0.0 and ed == 0.0:
            return None
        return 2.0 * eu + ed, eu + 2.0 * ed


@dataclass(frozen=True)
class AxialNSI(NewPhysics):
    """Flavour-diagonal axial NSI ``ε^{qA}_{αα}`` (dimensionless); acts on nuclei with spin.

    ``g_A^p → g_A^p + Δu ε^{uA} + Δd ε^{dA}``, ``g_A^n → g_A^n + Δd ε^{uA} + Δu ε^{dA}`` with the
    proton spin fractions :data:`QUARK_SPIN_FRACTIONS`.
    """

    eps_uA_ee: float = 0.0
    eps_dA_ee: float = 0.0
    eps_uA_mumu: float = 0.0
    eps_dA_mumu: float = 0.0
    eps_uA_tautau: float = 0.0
    eps_dA_tautau: float = 0.0
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "axial-nsi"
    summary: ClassVar[str] = "flavour-diagonal axial NSI ε^{qA}_{αα} (nuclei with spin only)"

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return tuple(
            ModelParameter(f"eps_{q}A_{pair}", "", 0.0, (-10.0, 10.0),
                           f"axial NSI of ν with {q} quarks, ε^{{{q}A}}_{{{pair}}}", "quadratic",
                           step=0.5)
            for pair in ("ee", "mumu", "tautau") for q in ("u", "d"))

    def check_target(self, target: Target) -> None:
        if all(i.spin_proton == 0 and i.spin_neutron == 0 for i in target.isotopes):
            raise ValueError(
                f"eps_uA_ee: axial NSI do not act on target {target.name}: its nuclei have "
                "spin zero (allowed: targets with a nucleus of non-zero spin)")

    def axial_shifts(self, flavour: Flavour, q: FloatArray) -> tuple[float, float] | None:
        pair = _pair(flavour)
        eu = float(getattr(self, f"eps_uA_{pair}"))
        ed = float(getattr(self, f"eps_dA_{pair}"))
        if eu == 0.0 and ed == 0.0:
            return None
        du, dd = QUARK_SPIN_FRACTIONS
        return du * eu + dd * ed, dd * eu + du * ed


def nsi_values(model: NewPhysics) -> Mapping[str, float]:
    """The non-zero ε of a model (for reports)."""
    return {k: v for k, v in model.values().items() if k.startswith("eps_") and v != 0.0}
