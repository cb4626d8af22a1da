"""Standard-Model parameters measured with CEvNS: the weak mixing angle and neutron radii."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Literal

import numpy as np

from .. import units as u
from ..constants import SIN2_THETA_W_LOW_Q
from ..flavours import Flavour
from ..physics.form_factors import FormFactor, Helm, KleinNystrand, SymmetrizedFermi
from ..physics.targets import Isotope, Target
from ..types import FloatArray
from .base import ModelParameter, NewPhysics
from .standard_model import StandardModel

__all__ = ["FORM_FACTOR_FAMILIES", "NeutronRadius", "WeakMixingAngle"]

#: Reference value of the weak mixing angle the default coupling scheme corresponds to:
#: the low-energy MS-bar ``sin²θ̂_W(0) = 0.23857`` (PDG).
SIN2_REFERENCE = float(SIN2_THETA_W_LOW_Q)


@dataclass(frozen=True)
class WeakMixingAngle(NewPhysics):
    """The weak mixing angle as a free parameter of the proton vector coupling.

    Convention: ``g_V^p(s²) = g_V^p,SM(ν_α) − 2 (s² − 0.23857)``, i.e. the tree-level
    dependence ``g_V^p = ½ − 2 sin²θ_W`` moved around the low-energy MS-bar value
    ``sin²θ̂_W(0) = 0.23857`` (PDG, no further running: the momentum transfer of CEvNS at the
    SNS, ``q ≲ 100 MeV``, is in the flat low-energy region of the running), with every
    radiative correction of the coupling scheme (the Erler–Su base and the flavour-dependent
    neutrino charge-radius terms) kept as it is. ``g_V^n`` does not depend on ``sin²θ_W`` at
    tree level and is left unchanged, as in the COHERENT CsI 2021 analysis
    (PRL 129 (2022) 081801), which quotes ``sin²θ_W = 0.220 +0.028 −0.026``.

    The coupling scheme is that of ``base`` (option ``couplings`` of
    :func:`~cevns.models.get_model`): ``"erler-su"`` by default; ``"tree-level"`` gives the
    tree-level weak charge ``(1 − 4 sin²θ_W) Z − N`` with no radiative terms, the form shown
    with the COHERENT result (A. Konovalov, "Results and future of COHERENT", COHERENT
    collaboration talk, 2021). On the CsI 2021 data the tree-level fit is 0.0035 higher; the
    how-to on new physics tabulates both.
    """

    sin2_theta_w: float = SIN2_REFERENCE
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "weak-angle"
    summary: ClassVar[str] = "weak mixing angle moving g_V^p (the scheme's radiative terms kept)"

    def __post_init__(self) -> None:
        self.parameter("sin2_theta_w").check(self.sin2_theta_w)

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return (ModelParameter(
            "sin2_theta_w", "", SIN2_REFERENCE, (0.0, 1.0),
            "low-energy weak mixing angle sin²θ_W (MS-bar, Q→0) in g_V^p = ½ − 2 sin²θ_W + "
            "the coupling scheme's radiative terms", "quadratic", step=0.05),)

    def vector_shifts(self, flavour: Flavour, q: FloatArray) -> tuple[float, float]:
        return -2.0 * (self.sin2_theta_w - SIN2_REFERENCE), 0.0


FormFactorFamily = Literal["helm", "symmetrized_fermi", "klein_nystrand"]

#: Form-factor families a neutron radius can be fitted with.
FORM_FACTOR_FAMILIES: Mapping[str, type] = {
    "helm": Helm,
    "symmetrized_fermi": SymmetrizedFermi,
    "klein_nystrand": KleinNystrand,
}


def _default_neutron_radius(isotope: Isotope) -> float:
    """The Standard-Model default neutron rms radius (fm): Helm with the Lewin–Smith radius."""
    return float(Helm().rms_radius(isotope)) / u.fm


@dataclass(frozen=True)
class NeutronRadius(NewPhysics):
    """Neutron rms radius (fm) of nuclei as fit parameters, with a selectable form factor.

    Parameters
    ----------
    isotopes
        Isotope symbols the radii apply to (e.g. ``("Cs133", "I127")``); use
        :meth:`of_target` to take every isotope of a material.
    radii
        Radii in fm: one value when ``shared`` (the same radius for every listed isotope, as in
        the CsI fits that quote one average ``R_n``), else one per isotope.
    shared
        One radius for all listed isotopes (parameter ``name``) or one per isotope (parameters
        ``<name>_<symbol>``).
    form_factor
        ``"helm"`` (``R₀² = (5/3)(R_n² − 3s²)``, ``s = 0.9 fm``), ``"symmetrized_fermi"``
        (``a = 0.52 fm``) or ``"klein_nystrand"`` (``a_k = 0.7 fm``) for the neutrons; the
        protons keep the Standard-Model form factor.
    name
        Parameter name (``"r_n"``); distinct names let two radius models compose (a joint fit
        of CsI and Ar).

    Notes
    -----
    The null value of each parameter is the Standard-Model default (Helm with the
    Lewin–Smith box radius); for a shared radius it is the mean of the listed isotopes' defaults,
    so only the per-isotope model reproduces the Standard Model exactly at its null.
    """

    isotopes: tuple[str, ...] = ("Cs133", "I127")
    radii: tuple[float, ...] = ()
    shared: bool = True
    form_factor: FormFactorFamily = "helm"
    name: str = "r_n"
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "neutron-radius"
    summary: ClassVar[str] = "neutron rms radius of the target nuclei (Helm, SF or KN)"

    def __post_init__(self) -> None:
        isotopes: object = self.isotopes
        if isinstance(isotopes, str):  # "Cs133, I127", not its characters
            isotopes = tuple(s.strip() for s in isotopes.split(","))
        if not (isinstance(isotopes, tuple | list) and isotopes
                and all(isinstance(s, str) for s in isotopes)):
            raise ValueError(f"isotopes: a neutron-radius model needs a list of isotope names "
                             f"(e.g. 'Cs133, I127'), got {isotopes!r}")
        if not isinstance(self.shared, bool):
            raise ValueError(f"shared: must be true or false, got {self.shared!r}")
        if not (isinstance(self.name, str) and self.name.isidentifier()):
            raise ValueError(f"name: the parameter name must be a word such as 'r_n', "
                             f"got {self.name!r}")
        symbols = tuple(Isotope.parse(s).symbol for s in isotopes)
        object.__setattr__(self, "isotopes", symbols)
        if not isinstance(self.form_factor, str) or self.form_factor not in FORM_FACTOR_FAMILIES:
            raise ValueError(f"form_factor: unknown family {self.form_factor!r}; "
                             f"allowed: {sorted(FORM_FACTOR_FAMILIES)}")
        params = self.parameters
        radii = tuple(self.radii) or tuple(p.null for p in params)
        if len(radii) != len(params):
            raise ValueError(f"radii: need {len(params)} value(s) (fm), got {len(radii)}")
        object.__setattr__(self, "radii", tuple(p.check(r) for p, r in zip(params, radii,
                                                                             strict=True)))

    @classmethod
    def of_target(cls, target: str | Target, **options: object) -> NeutronRadius:
        """The model acting on every isotope of ``target`` (e.g. ``"CsI"``, ``"Ar"``)."""
        tgt = target if isinstance(target, Target) else Target.parse(target)
        return cls(isotopes=tuple(i.symbol for i in tgt.isotopes), **options)  # type: ignore[arg-type]

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        defaults = [_default_neutron_radius(Isotope.parse(s)) for s in self.isotopes]
        if self.shared:
            where = ", ".join(self.isotopes)
            return (ModelParameter(self.name, "fm", round(float(np.mean(defaults)), 6),
                                   (2.0, 10.0), f"neutron rms radius of {where} (shared)",
                                   "nonlinear", step=0.5, grid=(3.0, 8.0, 41)),)
        return tuple(ModelParameter(f"{self.name}_{s}", "fm", d, (2.0, 10.0),
                                    f"neutron rms radius of {s}", "nonlinear", step=0.5,
                                    grid=(3.0, 8.0, 41))
                     for s, d in zip(self.isotopes, defaults, strict=True))

    def values(self) -> dict[str, float]:
        return {p.name: r for p, r in zip(self.parameters, self.radii, strict=True)}

    def _replace(self, values: Mapping[str, float]) -> NewPhysics:
        current = self.values()
        current.update(values)
        return replace(self, radii=tuple(current[p.name] for p in self.parameters))

    def radius_of(self, symbol: str) -> float:
        """Neutron rms radius (fm) this model gives ``symbol``."""
        i = self.isotopes.index(symbol)
        return self.radii[0] if self.shared else self.radii[i]

    def check_target(self, target: Target) -> None:
        present = {i.symbol for i in target.isotopes}
        if not present.intersection(self.isotopes):
            raise ValueError(
                f"{self.parameters[0].name}: the neutron radius of {', '.join(self.isotopes)} "
                f"does not apply to target {target.name} (isotopes: {', '.join(sorted(present))})"
            )

    def configure(self, sm: StandardModel) -> StandardModel:
        family: FormFactor = FORM_FACTOR_FAMILIES[self.form_factor]()
        radii = dict(sm.neutron_radii)
        for s in self.isotopes:
            radii[s] = self.radius_of(s) * u.fm
        if self.form_factor == "helm" and isinstance(sm.neutron_form_factor, Helm):
            family = sm.neutron_form_factor
        if family == sm.neutron_form_factor:
            return replace(sm, neutron_radii=radii)
        # Another family for the listed isotopes only: wrap so the others keep theirs.
        return replace(sm, neutron_radii=radii,
                       neutron_form_factor=_PerIsotope(family, sm.neutron_form_factor,
                                                       self.isotopes))


@dataclass(frozen=True)
class _PerIsotope:
    """A form factor that uses ``chosen`` for some isotopes and ``other`` for the rest."""

    chosen: FormFactor
    other: FormFactor
    isotopes: tuple[str, ...]

    def __call__(self, q: FloatArray, isotope: Isotope,
                 rms_radius: float | None = None) -> FloatArray:
        ff = self.chosen if isotope.symbol in self.isotopes else self.other
        return ff(q, isotope, rms_radius)
