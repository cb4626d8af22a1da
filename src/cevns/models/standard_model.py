"""The Standard-Model CEvNS model object consumed by the cross-section engine.

A model answers one question for the engine: the vector and axial weak charges
``G_V(q)``, ``G_A(q)`` of an isotope for a flavour (form factors included).
New-physics models subclass :class:`StandardModel` (or implement the
:class:`CEvNSModel` protocol) and change only that, or add an incoherent
``extra_differential_cross_section`` (a magnetic moment, say), so the engine in
:mod:`cevns.engine.cross_section` never needs rewriting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import numpy as np

from .. import units as u
from ..flavours import Flavour
from ..physics.couplings import ERLER_SU_2013, CouplingScheme, NucleonCouplings
from ..physics.form_factors import FormFactor, Helm
from ..physics.kinematics import MomentumTransferConvention
from ..physics.targets import Isotope
from ..types import FloatArray


@runtime_checkable
class CEvNSModel(Protocol):
    """What the engine needs from a model."""

    @property
    def momentum_transfer(self) -> MomentumTransferConvention: ...

    def weak_charges(
        self, isotope: Isotope, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray, FloatArray]: ...

    def extra_differential_cross_section(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
    ) -> FloatArray | None: ...


def _freeze_radii(radii: Mapping[str, float]) -> Mapping[str, float]:
    frozen: dict[str, float] = {}
    for name, radius in radii.items():
        symbol = Isotope.parse(name).symbol
        r = float(radius)
        if not np.isfinite(r) or r <= 0:
            raise ValueError(f"neutron_radii[{name!r}]: must be finite and > 0 cm, got {radius!r}")
        if r > 20 * u.fm:
            raise ValueError(
                f"neutron_radii[{name!r}]: {r / u.fm:.4g} fm is not a nuclear radius; give cm "
                f"(multiply by cevns.units.fm), allowed (0, 20 fm]"
            )
        frozen[symbol] = r
    return MappingProxyType(frozen)


@dataclass(frozen=True)
class StandardModel:
    """Standard-Model CEvNS: couplings, proton and neutron form factors, ``q`` convention.

    Parameters
    ----------
    couplings
        A coupling scheme (:mod:`cevns.physics.couplings`); default
        :data:`~cevns.physics.couplings.ERLER_SU_2013`, radiatively corrected with
        flavour-dependent neutrino charge-radius terms (``g_V^p(ν_μ) = 0.0298`` as in Scholberg,
        MPA Summer School 2021).
    proton_form_factor, neutron_form_factor
        Form factors (:mod:`cevns.physics.form_factors`); default Helm with the
        Lewin–Smith radius for both.
    neutron_radii
        Neutron rms radius (cm) per isotope symbol, e.g. ``{"Cs133": 5.5 * u.fm}``;
        a listed isotope's neutron form factor uses that radius.
    proton_radii
        Same for the proton distribution.
    momentum_transfer
        ``"2MT"`` (default) or ``"2MT+T2"``.
    """

    couplings: CouplingScheme = ERLER_SU_2013
    proton_form_factor: FormFactor = field(default_factory=Helm)
    neutron_form_factor: FormFactor = field(default_factory=Helm)
    neutron_radii: Mapping[str, float] = field(default_factory=dict)
    proton_radii: Mapping[str, float] = field(default_factory=dict)
    momentum_transfer: MomentumTransferConvention = "2MT"

    def __post_init__(self) -> None:
        object.__setattr__(self, "neutron_radii", _freeze_radii(self.neutron_radii))
        object.__setattr__(self, "proton_radii", _freeze_radii(self.proton_radii))
        if self.momentum_transfer not in ("2MT", "2MT+T2"):
            raise ValueError(
                f"momentum_transfer: must be '2MT' or '2MT+T2', got {self.momentum_transfer!r}"
            )
        if not isinstance(self.couplings, CouplingScheme):
            raise ValueError("couplings: must provide for_flavour(flavour) -> NucleonCouplings")

    def __hash__(self) -> int:
        return hash(
            (
                self.couplings,
                self.proton_form_factor,
                self.neutron_form_factor,
                tuple(sorted(self.neutron_radii.items())),
                tuple(sorted(self.proton_radii.items())),
                self.momentum_transfer,
            )
        )

    def nucleon_couplings(self, flavour: Flavour) -> NucleonCouplings:
        """The four nucleon couplings this model uses for ``flavour``."""
        return self.couplings.for_flavour(flavour)

    def form_factors(self, isotope: Isotope, q: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Proton and neutron form factors ``(F_p, F_n)`` at ``q`` (MeV)."""
        f_p = self.proton_form_factor(q, isotope, self.proton_radii.get(isotope.symbol))
        f_n = self.neutron_form_factor(q, isotope, self.neutron_radii.get(isotope.symbol))
        return f_p, f_n

    def weak_charges(
        self, isotope: Isotope, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Vector and axial weak charges ``(G_V, G_A)`` at momentum transfer ``q`` (MeV).

        ``G_V = g_V^p Z F_p + g_V^n N F_n`` and
        ``G_A = g_A^p (Z₊−Z₋) F_p + g_A^n (N₊−N₋) F_n`` with ``Z₊−Z₋ = 2⟨S_p⟩``,
        ``N₊−N₋ = 2⟨S_n⟩`` (Barranco et al. 2005, Eqs. 1–2; the axial part takes the
        vector form factors, an approximation good to the axial term's own size, which
        is < 1 % of the CsI rate). The sign of ``G_A`` for antineutrinos is applied by
        the engine, not here.

        This is the Barranco et al. (JHEP 0512 (2005) 021) form. For an unpolarised
        target the spin-averaged axial strength is ``∝ (J+1)/J (g_A^p⟨S_p⟩ + g_A^n⟨S_n⟩)²``
        rather than ``G_A²`` with ``Z₊−Z₋ = 2⟨S_p⟩`` (they agree for ``J = ½``); Hoferichter,
        Menéndez & Schwenk, PRD 102 (2020) 074018 give the full nuclear responses. A model
        that needs them overrides this method.
        """
        g = self.nucleon_couplings(flavour)
        f_p, f_n = self.form_factors(isotope, q)
        g_v = g.g_V_p * isotope.Z * f_p + g.g_V_n * isotope.N * f_n
        g_a = g.g_A_p * 2.0 * isotope.spin_proton * f_p + g.g_A_n * 2.0 * isotope.spin_neutron * f_n
        return g_v, g_a

    def extra_differential_cross_section(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
    ) -> FloatArray | None:
        """Incoherent additions to ``dσ/dT`` (cm²/MeV); none in the Standard Model."""
        return None

    def transition_charges_squared(
        self, isotope: Isotope, flavour: Flavour, q: FloatArray
    ) -> FloatArray | None:
        """``Σ_{β≠α} |G_V^{αβ}|²`` of flavour-changing charges; none in the Standard Model."""
        return None

    def with_neutron_radius(self, isotope: str, radius: float) -> StandardModel:
        """A copy with the neutron rms radius (cm) of one isotope set."""
        radii = dict(self.neutron_radii)
        radii[Isotope.parse(isotope).symbol] = radius
        return replace(self, neutron_radii=radii)
