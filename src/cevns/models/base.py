"""Parameters and the common machinery of new-physics models.

A new-physics model is a small frozen dataclass whose fields are its parameter values, each
described by a :class:`ModelParameter` (name, unit, null value, physical range, one-line
description, how the counts depend on it). Models act on the Standard-Model cross section
through a few hooks, all optional:

* ``vector_shifts(flavour, q)`` — additive shifts ``(δg_V^p, δg_V^n)`` of the nucleon vector
  couplings for an incoming flavour (NSI, Z′, charge radius, weak mixing angle);
* ``axial_shifts(flavour, q)`` — the same for the axial couplings;
* ``transition_shifts(flavour, final, q)`` — flavour-changing nucleon couplings
  ``(g^p_{αβ}, g^n_{αβ})`` for a final flavour ``β ≠ α`` (their charges add in quadrature);
* ``configure(sm)`` — a modified :class:`~cevns.models.StandardModel` (neutron radius);
* ``incoherent(E, T, isotope, flavour, sm)`` — an incoherent ``dσ/dT`` added to CEvNS
  (magnetic moment, scalar mediator);
* ``survival_probability(E, L, flavour)`` — what reaches the detector (sterile neutrinos).

:class:`NewPhysics` turns those hooks into the engine's model protocol
(:class:`~cevns.models.standard_model.CEvNSModel`), so a single model is usable on its own,
and :class:`Composite` (``compose(a, b)`` or ``a + b``) combines several: coupling shifts and
flavour-changing amplitudes add, incoherent terms add, and at most one model may change the
nuclear radii or the survival probability of a given isotope/flavour.

Parameter values are plain floats *in the unit the parameter states* (``fm``, ``MeV``,
``1e-10 mu_B``...), so that a fit sees numbers of order one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Literal

import numpy as np

from ..flavours import Flavour
from ..physics.kinematics import MomentumTransferConvention
from ..physics.targets import Isotope, Target
from ..types import FloatArray
from .standard_model import StandardModel

__all__ = [
    "Composite",
    "ModelParameter",
    "NewPhysics",
    "ParameterKind",
    "compose",
]

#: How expected counts depend on a parameter: ``"quadratic"`` — exactly a quadratic
#: polynomial in ``value**power`` (couplings entering the weak charges linearly, or incoherent
#: terms); ``"nonlinear"`` — anything else (mediator mass, Δm², radii).
ParameterKind = Literal["quadratic", "rate-linear", "nonlinear"]

_SM = StandardModel()


@dataclass(frozen=True)
class ModelParameter:
    """Description of one model parameter.

    Attributes
    ----------
    name
        Identifier (also the name of the fit parameter).
    unit
        Unit the value is given in (``""`` for dimensionless).
    null
        Value at which the model reduces to the Standard Model.
    bounds
        Physical range ``(low, high)``, inclusive.
    description
        One line of physics.
    kind
        How counts depend on the parameter (see :data:`ParameterKind`).
    power
        For ``"quadratic"``/``"rate-linear"``: counts are polynomial in ``value**power``
        (2 for a mediator coupling ``g``, whose square multiplies the propagator).
    step
        A natural size of a variation (the first design step of a quadratic template).
    grid
        For ``"nonlinear"`` parameters: ``(low, high, nodes)`` of the default template grid.
    log
        Whether the parameter is naturally on a log scale (grids, scans, plots).
    """

    name: str
    unit: str
    null: float
    bounds: tuple[float, float]
    description: str
    kind: ParameterKind = "quadratic"
    power: int = 1
    step: float = 1.0
    grid: tuple[float, float, int] | None = None
    log: bool = False

    def __post_init__(self) -> None:
        lo, hi = self.bounds
        if not lo < hi:
            raise ValueError(f"bounds: parameter {self.name!r} needs low < high, got {self.bounds}")
        if not lo <= self.null <= hi:
            raise ValueError(f"null: parameter {self.name!r} null value outside its bounds")
        if self.kind not in ("quadratic", "rate-linear", "nonlinear"):
            raise ValueError(f"kind: parameter {self.name!r} has unknown kind {self.kind!r}")

    def check(self, value: object) -> float:
        """``value`` as a float if finite and inside the bounds, else a one-line ValueError."""
        try:
            if isinstance(value, bool | str | bytes):  # no True as 1, no text as a number
                raise TypeError(type(value))
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: must be a number, got {value!r}") from None
        lo, hi = self.bounds
        unit = f" {self.unit}" if self.unit else ""
        if not math.isfinite(v) or not lo <= v <= hi:
            raise ValueError(f"{self.name}: {value!r} is outside the allowed range "
                             f"[{lo:g}, {hi:g}]{unit}")
        return v

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {"name": self.name, "unit": self.unit, "null": self.null,
                "bounds": list(self.bounds), "description": self.description,
                "kind": self.kind, "power": self.power, "log": self.log,
                "grid": None if self.grid is None else list(self.grid)}


class NewPhysics:
    """Base of every new-physics model: parameters, ``with_values`` and the engine protocol.

    Subclasses are frozen dataclasses; they set the class attributes ``model_name`` (the
    registry name) and ``summary`` and implement :attr:`parameters` plus any of the hooks
    listed in the module docstring. ``base`` (a :class:`StandardModel`) is what the model
    deforms; every subclass declares it as its last field.
    """

    model_name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    base: StandardModel

    def __post_init__(self) -> None:
        """Check every parameter against its allowed range (one-line error naming it)."""
        for p in self.parameters:
            p.check(getattr(self, p.name))

    # ------------------------------------------------------------ parameters
    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        """The model's parameters."""
        raise NotImplementedError

    def values(self) -> dict[str, float]:
        """Current parameter values by name."""
        return {p.name: float(getattr(self, p.name)) for p in self.parameters}

    def parameter(self, name: str) -> ModelParameter:
        """The description of parameter ``name`` (one-line error naming the allowed ones)."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise ValueError(f"{name}: unknown parameter of model {self.model_name!r}; "
                         f"allowed: {[p.name for p in self.parameters]}")

    def with_values(self, **values: float) -> NewPhysics:
        """A copy with some parameters set (checked against their ranges)."""
        checked = {k: self.parameter(k).check(v) for k, v in values.items()}
        return self._replace(checked)

    def _replace(self, values: Mapping[str, float]) -> NewPhysics:
        return replace(self, **values)  # type: ignore[type-var]

    def with_standard_model(self, base: StandardModel) -> NewPhysics:
        """A copy that deforms ``base`` (e.g. other couplings) instead of its own."""
        return replace(self, base=base)  # type: ignore[type-var]

    def null(self) -> NewPhysics:
        """The model with every parameter at its null (Standard-Model) value."""
        return self.with_values(**{p.name: p.null for p in self.parameters})

    def check_target(self, target: Target) -> None:
        """Raise a one-line ValueError if the model cannot act on ``target``."""

    def applies_to(self, target: Target) -> bool:
        """Whether the model acts on ``target`` at all (see :meth:`check_target`)."""
        try:
            self.check_target(target)
        except ValueError:
            return False
        return True

    def for_target(self, target: Target) -> NewPhysics | None:
        """The part of the model that acts on ``target`` (None if nothing does)."""
        return self if self.applies_to(target) else None

    # ------------------------------------------------------------ hooks (defaults: no effect)
    def vector_shifts(
        self, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray | float, FloatArray | float] | None:
        """Additive shifts ``(δg_V^p, δg_V^n)`` of the vector nucleon couplings."""
        return None

    def axial_shifts(
        self, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray | float, FloatArray | float] | None:
        """Additive shifts ``(δg_A^p, δg_A^n)`` of the axial nucleon couplings."""
        return None

    def transition_shifts(
        self, flavour: Flavour, final: Flavour, q: FloatArray
    ) -> tuple[FloatArray | float, FloatArray | float] | None:
        """Flavour-changing vector nucleon couplings ``(g^p_{αβ}, g^n_{αβ})``, ``β ≠ α``."""
        return None

    def configure(self, sm: StandardModel) -> StandardModel:
        """The Standard-Model object this model modifies (radii, form factors)."""
        return sm

    def incoherent(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
        sm: StandardModel,
    ) -> FloatArray | None:
        """An incoherent ``dσ/dT`` (cm²/MeV) added to CEvNS."""
        return None

    def survival_probability(
        self, energy: FloatArray, distance: float, flavour: Flavour
    ) -> FloatArray | None:
        """Probability that ``flavour`` reaches the detector as an active neutrino."""
        return None

    @property
    def has_survival(self) -> bool:
        """Whether the model changes the flux at the detector (needs the survival hook)."""
        return False

    # ------------------------------------------------------------ engine protocol
    def _parts(self) -> tuple[NewPhysics, ...]:
        return (self,)

    def standard_model(self) -> StandardModel:
        """The Standard-Model object after every part's :meth:`configure`."""
        sm = self.base
        for part in self._parts():
            sm = part.configure(sm)
        return sm

    @property
    def momentum_transfer(self) -> MomentumTransferConvention:
        return self.base.momentum_transfer

    def weak_charges(
        self, isotope: Isotope, flavour: Flavour, q: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """``(G_V, G_A)`` with every part's coupling shifts (Barranco et al. 2005, Eq. 1)."""
        sm = self.standard_model()
        g = sm.nucleon_couplings(flavour)
        f_p, f_n = sm.form_factors(isotope, q)
        dvp: FloatArray | float = 0.0
        dvn: FloatArray | float = 0.0
        dap: FloatArray | float = 0.0
        dan: FloatArray | float = 0.0
        for part in self._parts():
            v = part.vector_shifts(flavour, q)
            if v is not None:
                dvp, dvn = dvp + v[0], dvn + v[1]
            a = part.axial_shifts(flavour, q)
            if a is not None:
                dap, dan = dap + a[0], dan + a[1]
        g_v = (g.g_V_p + dvp) * isotope.Z * f_p + (g.g_V_n + dvn) * isotope.N * f_n
        g_a = ((g.g_A_p + dap) * 2.0 * isotope.spin_proton * f_p
               + (g.g_A_n + dan) * 2.0 * isotope.spin_neutron * f_n)
        return np.asarray(g_v, dtype=float), np.asarray(g_a, dtype=float)

    def transition_charges_squared(
        self, isotope: Isotope, flavour: Flavour, q: FloatArray
    ) -> FloatArray | None:
        """``Σ_{β≠α} |G_V^{αβ}|²`` of the flavour-changing vector charges, or None."""
        sm = self.standard_model()
        total: FloatArray | None = None
        f_p: FloatArray | None = None
        f_n: FloatArray | None = None
        for final in _same_helicity(flavour):
            gp: FloatArray | float = 0.0
            gn: FloatArray | float = 0.0
            seen = False
            for part in self._parts():
                s = part.transition_shifts(flavour, final, q)
                if s is not None:
                    gp, gn, seen = gp + s[0], gn + s[1], True
            if not seen:
                continue
            if f_p is None or f_n is None:
                f_p, f_n = sm.form_factors(isotope, q)
            charge = gp * isotope.Z * f_p + gn * isotope.N * f_n
            total = charge * charge if total is None else total + charge * charge
        return None if total is None else np.asarray(total, dtype=float)

    def extra_differential_cross_section(
        self,
        neutrino_energy: FloatArray,
        recoil_energy: FloatArray,
        isotope: Isotope,
        flavour: Flavour,
    ) -> FloatArray | None:
        """Sum of the parts' incoherent ``dσ/dT`` (cm²/MeV), or None."""
        sm = self.standard_model()
        total: FloatArray | None = None
        for part in self._parts():
            extra = part.incoherent(neutrino_energy, recoil_energy, isotope, flavour, sm)
            if extra is not None:
                total = extra if total is None else total + extra
        return total

    def survival(self) -> Any:
        """The ``P(E, L, flavour)`` hook for the sources, or None if the flux is unchanged."""
        parts = [p for p in self._parts() if p.has_survival]
        if not parts:
            return None
        if len(parts) > 1:
            raise ValueError("model: at most one part may change the neutrino flux")
        part = parts[0]

        def hook(energy: FloatArray, distance: float, flavour: Flavour) -> FloatArray:
            p = part.survival_probability(energy, distance, flavour)
            return np.ones_like(energy) if p is None else p

        return hook

    def __add__(self, other: NewPhysics) -> Composite:
        return compose(self, other)


def _same_helicity(flavour: Flavour) -> tuple[Flavour, ...]:
    """The other two flavours of the same (anti)neutrino family, as flavour-changing finals."""
    return tuple(f for f in Flavour if f.is_antineutrino == flavour.is_antineutrino
                 and f is not flavour)


@dataclass(frozen=True)
class Composite(NewPhysics):
    """Several models acting together (e.g. NSI plus a free neutron radius).

    Parameter names must be distinct across the parts; :meth:`with_values` routes each value
    to the part that owns it. ``base`` replaces the parts' own Standard-Model objects.
    """

    parts: tuple[NewPhysics, ...]
    base: StandardModel = field(default_factory=StandardModel)

    model_name: ClassVar[str] = "composite"
    summary: ClassVar[str] = "several models acting together"

    def __post_init__(self) -> None:
        flat: list[NewPhysics] = []
        for p in self.parts:
            if not isinstance(p, NewPhysics):
                raise ValueError(f"parts: {p!r} is not a new-physics model")
            flat.extend(p.parts if isinstance(p, Composite) else (p,))
        if not flat:
            raise ValueError("parts: a composite model needs at least one model")
        object.__setattr__(self, "parts", tuple(flat))
        names = [q.name for p in flat for q in p.parameters]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"parts: parameter names {dup} appear in more than one model; "
                             "give the models distinct parameter names")
        if sum(p.has_survival for p in flat) > 1:
            raise ValueError("parts: at most one model may change the neutrino flux")

    @property
    def parameters(self) -> tuple[ModelParameter, ...]:
        return tuple(q for p in self.parts for q in p.parameters)

    def values(self) -> dict[str, float]:
        return {k: v for p in self.parts for k, v in p.values().items()}

    def _replace(self, values: Mapping[str, float]) -> NewPhysics:
        new = []
        for p in self.parts:
            own = {k: v for k, v in values.items() if k in {q.name for q in p.parameters}}
            new.append(p._replace(own) if own else p)
        return replace(self, parts=tuple(new))

    def _parts(self) -> tuple[NewPhysics, ...]:
        return self.parts

    def with_standard_model(self, base: StandardModel) -> NewPhysics:
        # Every part too: a target that only one part acts on gets that part alone.
        return replace(self, parts=tuple(p.with_standard_model(base) for p in self.parts),
                       base=base)

    def check_target(self, target: Target) -> None:
        for p in self.parts:
            p.check_target(target)

    @property
    def has_survival(self) -> bool:
        return any(p.has_survival for p in self.parts)

    def for_target(self, target: Target) -> NewPhysics | None:
        parts = [p for p in self.parts if p.applies_to(target)]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Composite(tuple(parts), self.base)

    @property
    def label(self) -> str:
        """``"name+name"`` of the parts."""
        return "+".join(p.model_name for p in self.parts)


def compose(*models: NewPhysics, base: StandardModel | None = None) -> Composite:
    """Combine models (their parameters must have distinct names)."""
    b = base if base is not None else models[0].base if models else _SM
    return Composite(tuple(models), b)


def field_names(model: NewPhysics) -> Sequence[str]:
    """Dataclass field names of a model (for the registry's keyword checks)."""
    return [f.name for f in fields(model)]  # type: ignore[arg-type]
