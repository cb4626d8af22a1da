"""Light dark-matter models for accelerator production: a dark photon and a baryonic vector.

Both are a scalar (or Dirac fermion) χ with a vector mediator ``V`` produced on shell in
``π⁰ → γV`` and decaying ``V → χχ̄`` (``m_V > 2m_χ``, ``BR(V → χχ̄) ≈ 1`` for ``α_D ≫ ε²α``).

* :class:`DarkPhoton` — kinetic mixing ``ε``: production ``∝ ε²``, scattering ``∝ ε² α_D Z²``;
  the usual benchmark ``Y = ε² α_D (m_χ/m_V)⁴`` with ``m_V = 3m_χ``, ``α_D = 0.5``
  (Izaguirre, Krnjaic, Schuster & Toro, PRL 115 (2015) 251301; COHERENT, PRL 130 (2023)
  051803).
* :class:`Leptophobic` — a vector coupled to baryon number with ``α_B = g_B²/4π``:
  production ``∝ α_B``, scattering ``∝ α_B α_D A²`` (deNiverville et al., PRD 95 (2017)
  035006; COHERENT, arXiv:2205.12414).

Masses in MeV. Bad input raises a one-line ``ValueError`` naming the parameter and its range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from .. import constants as c
from ..engine.dark_matter import Spin
from ..physics.targets import Isotope
from .production import baryonic_branching, dark_photon_branching, meson_mass

__all__ = [
    "DARK_MATTER_MODELS",
    "DarkMatterModel",
    "DarkPhoton",
    "Leptophobic",
    "get_dark_matter_model",
]

#: Benchmark of the accelerator dark-matter literature: ``α_D = 0.5``, ``m_V = 3 m_χ``.
DEFAULT_ALPHA_D = 0.5
DEFAULT_MASS_RATIO = 3.0


def _positive(name: str, value: float, unit: str = "MeV") -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: must be finite and > 0 {unit}, got {value!r}".rstrip())


def _non_negative(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name}: must be finite and >= 0, got {value!r}")


@dataclass(frozen=True)
class DarkMatterModel:
    """Common parameters: χ mass, mediator mass (default ``3 m_χ``), ``α_D``, χ spin, meson."""

    chi_mass: float
    mediator_mass: float | None = None
    alpha_d: float = DEFAULT_ALPHA_D
    spin: Spin = "scalar"
    meson: str = "pi0"

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _positive("chi_mass", self.chi_mass)
        if self.mediator_mass is None:
            object.__setattr__(self, "mediator_mass", DEFAULT_MASS_RATIO * self.chi_mass)
        _positive("mediator_mass", self.m_v)
        _positive("alpha_d", self.alpha_d, "")
        if self.spin not in ("scalar", "fermion"):
            raise ValueError(f"spin: must be 'scalar' or 'fermion', got {self.spin!r}")
        top = meson_mass(self.meson)
        if self.m_v >= top:
            raise ValueError(
                f"mediator_mass: {self.m_v:g} MeV is not below the {self.meson} mass "
                f"{top:.4g} MeV (allowed: 2 m_chi < m_V < {top:.4g} MeV)")
        if self.m_v <= 2.0 * self.chi_mass:
            raise ValueError(
                f"mediator_mass: on-shell V -> chi chi needs m_V > 2 m_chi = "
                f"{2 * self.chi_mass:g} MeV, got {self.m_v:g} MeV")

    @property
    def m_v(self) -> float:
        """Mediator mass (MeV)."""
        assert self.mediator_mass is not None
        return float(self.mediator_mass)

    def production_branching(self) -> float:
        """``BR(meson → γV)``."""
        raise NotImplementedError

    def coupling(self, isotope: Isotope) -> float:
        """Prefactor ``C`` of :func:`cevns.engine.dark_matter.chi_nucleus_cross_section`."""
        raise NotImplementedError

    @property
    def strength(self) -> float:
        """The coupling that scales production and scattering (``ε`` or ``α_B``)."""
        raise NotImplementedError

    @property
    def rate_power(self) -> float:
        """Counts scale as ``strength**rate_power`` (4 for ``ε``, 2 for ``α_B``)."""
        raise NotImplementedError

    def with_values(self, **values: Any) -> DarkMatterModel:
        """A copy with some parameters changed (validated again)."""
        if "chi_mass" in values and "mediator_mass" not in values:
            ratio = self.m_v / self.chi_mass
            values["mediator_mass"] = ratio * float(values["chi_mass"])
        return replace(self, **values)

    def chi_per_meson(self) -> float:
        """χ plus χ̄ per meson: ``2 BR(M → γV) BR(V → χχ̄)`` with ``BR(V → χχ̄) = 1``."""
        return 2.0 * self.production_branching()


@dataclass(frozen=True)
class DarkPhoton(DarkMatterModel):
    """Kinetically mixed dark photon with χ (``epsilon`` >= 0)."""

    epsilon: float = 1e-4

    name: ClassVar[str] = "dark-photon"
    label: ClassVar[str] = "dark photon (vector portal)"

    def __post_init__(self) -> None:
        super().__post_init__()
        _non_negative("epsilon", self.epsilon)

    def production_branching(self) -> float:
        return float(dark_photon_branching(self.m_v, self.epsilon, self.meson))

    def coupling(self, isotope: Isotope) -> float:
        alpha = float(c.FINE_STRUCTURE)
        return 2.0 * math.pi * alpha * self.alpha_d * self.epsilon**2 * isotope.Z**2

    @property
    def strength(self) -> float:
        return self.epsilon

    @property
    def rate_power(self) -> float:
        return 4.0

    @property
    def y(self) -> float:
        """``Y = ε² α_D (m_χ/m_V)⁴`` (dimensionless)."""
        return self.epsilon**2 * self.alpha_d * (self.chi_mass / self.m_v) ** 4

    def epsilon_for_y(self, y: float) -> float:
        """``ε`` giving ``Y`` at this model's masses and ``α_D``."""
        _non_negative("y", y)
        return math.sqrt(y / (self.alpha_d * (self.chi_mass / self.m_v) ** 4))


@dataclass(frozen=True)
class Leptophobic(DarkMatterModel):
    """Baryonic (leptophobic) vector coupled to quarks with ``alpha_b`` >= 0."""

    alpha_b: float = 1e-6

    name: ClassVar[str] = "leptophobic"
    label: ClassVar[str] = "leptophobic (baryonic) vector portal"

    def __post_init__(self) -> None:
        if self.meson != "pi0":
            raise ValueError(f"meson: the leptophobic portal is implemented for 'pi0' only, "
                             f"got {self.meson!r}")
        super().__post_init__()
        _non_negative("alpha_b", self.alpha_b)

    def production_branching(self) -> float:
        return float(baryonic_branching(self.m_v, self.alpha_b, self.meson))

    def coupling(self, isotope: Isotope) -> float:
        return 2.0 * math.pi * self.alpha_b * self.alpha_d * isotope.A**2

    @property
    def strength(self) -> float:
        return self.alpha_b

    @property
    def rate_power(self) -> float:
        return 2.0


#: Registry name → class.
DARK_MATTER_MODELS: dict[str, type[DarkMatterModel]] = {
    DarkPhoton.name: DarkPhoton,
    Leptophobic.name: Leptophobic,
}


def get_dark_matter_model(name: str, **values: Any) -> DarkMatterModel:
    """``get_dark_matter_model("dark-photon", chi_mass=10.0, epsilon=1e-4)``."""
    if name not in DARK_MATTER_MODELS:
        raise ValueError(f"model: unknown dark-matter model {name!r}; allowed: "
                         f"{', '.join(DARK_MATTER_MODELS)}")
    if "chi_mass" not in values:
        raise ValueError("chi_mass: a dark-matter model needs chi_mass (MeV)")
    try:
        return DARK_MATTER_MODELS[name](**values)
    except TypeError as err:
        allowed = [f for f in DARK_MATTER_MODELS[name].__dataclass_fields__]
        raise ValueError(f"model: {err}; parameters of {name!r}: {', '.join(allowed)}") from None
