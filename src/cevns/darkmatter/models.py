"""Light dark-matter models for accelerator production: a dark photon and a baryonic vector.

Both are a scalar (or Dirac fermion) χ with a vector mediator ``V`` made in ``M → γV``
(``M = π⁰`` or ``η``) and decaying ``V → χχ̄``. With ``decay="on-shell"`` (the default)
``2m_χ < m_V < m_M`` and ``BR(V → χχ̄) ≈ 1`` for ``α_D ≫ ε²α``. With ``decay="off-shell"``
the vector cannot be made on shell (``m_V < 2m_χ`` or ``m_V > m_M``) and χ pairs come from the
three-body ``M → γV* → γχχ̄``: with ``s`` the χχ̄ invariant mass squared,

    dBR(M → γχχ̄)/ds = BR(M → γV)|_{m_V² = s} · √s Γ(V_s → χχ̄) / (π (s − m_V²)²),

    Γ(V_s → χχ̄) = α_D √s β³/12 (scalar),   α_D √s β (1 + 2m_χ²/s)/3 (Dirac),
    β = (1 − 4m_χ²/s)^½,

the narrow-width generalisation whose integral is ``BR(M → γV) BR(V → χχ̄)`` at a resonance
(deNiverville, Pospelov & Ritz, PRD 84 (2011) 075020; Kahn, Krnjaic, Thaler & Toups, PRD 91
(2015) 055006, arXiv:1411.1055, for the off-shell regime).

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
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

import numpy as np

from .. import constants as c
from ..engine.dark_matter import Spin
from ..physics.targets import Isotope
from ..quadrature import gauss_legendre
from ..types import FloatArray
from .production import MESON_NAMES, baryonic_branching, dark_photon_branching, meson_mass

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
#: ``decay`` values: the vector made on shell, or the three-body decay through a virtual one.
DECAYS = ("on-shell", "off-shell")
#: Gauss–Legendre nodes in the χχ̄ invariant mass of the off-shell decay.
OFF_SHELL_NODES = 24


#: Allowed masses of χ and of the mediator (MeV): far outside any accelerator search, a guard
#: so that a typo is an error instead of an overflow (a 1e-300 MeV χ has an infinite boost).
MASS_RANGE = (1e-6, 1e6)
#: Allowed ``alpha_d`` and ``alpha_b``: far outside any model of interest, a guard so that a
#: typo is an error instead of an overflow (1e308 gave NaN templates) or an underflow of the χ
#: counts to a silent zero (1e-300).
ALPHA_RANGE = (1e-20, 1e3)
#: Allowed kinetic mixing ``epsilon``: at most 1 (a mixing); the lower end only guards the
#: counts, which go as ``epsilon**4``, against underflow to zero.
EPSILON_RANGE = (1e-12, 1.0)


def _real(value: object) -> bool:
    """A real number (numpy scalars included), not a boolean or text."""
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool))


def _mass(name: str, value: float) -> None:
    lo, hi = MASS_RANGE
    if not (_real(value) and math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name}: must be a number in [{lo:g}, {hi:g}] MeV, got {value!r}")


def _coupling(name: str, value: float, allowed: tuple[float, float]) -> None:
    lo, hi = allowed
    if not (_real(value) and math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{name}: must be a number in [{lo:g}, {hi:g}], got {value!r}")


def _non_negative(name: str, value: float) -> None:
    if not (_real(value) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name}: must be finite and >= 0, got {value!r}")


@dataclass(frozen=True)
class DarkMatterModel:
    """Common parameters: χ mass, mediator mass (default ``3 m_χ``), ``α_D``, χ spin, the
    heaviest meson whose decays make χ (``"pi0"`` or ``"eta"``; lighter mesons of the source
    contribute too) and the decay regime (``"on-shell"`` or ``"off-shell"``)."""

    chi_mass: float
    mediator_mass: float | None = None
    alpha_d: float = DEFAULT_ALPHA_D
    spin: Spin = "scalar"
    meson: str = "pi0"
    decay: str = "on-shell"

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def __post_init__(self) -> None:
        _mass("chi_mass", self.chi_mass)
        if self.mediator_mass is None:
            object.__setattr__(self, "mediator_mass", DEFAULT_MASS_RATIO * self.chi_mass)
        _mass("mediator_mass", self.mediator_mass)  # type: ignore[arg-type]
        _coupling("alpha_d", self.alpha_d, ALPHA_RANGE)
        if self.spin not in ("scalar", "fermion"):
            raise ValueError(f"spin: must be 'scalar' or 'fermion', got {self.spin!r}")
        top = meson_mass(self.meson)
        if self.decay not in DECAYS:
            raise ValueError(f"decay: must be one of {DECAYS}, got {self.decay!r}")
        if self.decay == "off-shell":
            if 2.0 * self.chi_mass >= top:
                raise ValueError(
                    f"chi_mass: {self.meson} -> gamma chi chi needs 2 m_chi < {top:.4g} MeV, "
                    f"got m_chi = {self.chi_mass:g} MeV")
            if 2.0 * self.chi_mass <= self.m_v < top:
                raise ValueError(
                    f"mediator_mass: m_V = {self.m_v:g} MeV can be made on shell "
                    f"(2 m_chi <= m_V < {top:.4g} MeV); off-shell needs m_V < 2 m_chi = "
                    f"{2 * self.chi_mass:g} MeV or m_V >= {top:.4g} MeV (or use decay='on-shell')")
            return
        if self.m_v >= top:
            raise ValueError(
                f"mediator_mass: {self.m_v:g} MeV is not below the {self.meson} mass "
                f"{top:.4g} MeV (allowed: 2 m_chi < m_V < {top:.4g} MeV)")
        if self.m_v <= 2.0 * self.chi_mass:
            raise ValueError(
                f"mediator_mass: on-shell V -> chi chi needs m_V > 2 m_chi = "
                f"{2 * self.chi_mass:g} MeV, got {self.m_v:g} MeV (decay='off-shell' "
                f"gives the three-body decay)")

    @property
    def m_v(self) -> float:
        """Mediator mass (MeV)."""
        assert self.mediator_mass is not None
        return float(self.mediator_mass)

    def vector_branching(self, vector_mass: FloatArray, meson: str) -> FloatArray:
        """``BR(meson → γV)`` for a vector of mass ``vector_mass`` (MeV, array) with this
        model's couplings (zero above the meson mass)."""
        raise NotImplementedError

    def _chi_width_over_coupling(self, s: FloatArray) -> FloatArray:
        """``Γ(V_s → χχ̄)/√s`` for a vector of mass² ``s`` (module docstring)."""
        beta2 = np.clip(1.0 - 4.0 * self.chi_mass**2 / s, 0.0, None)
        if self.spin == "scalar":
            return np.asarray(self.alpha_d * beta2**1.5 / 12.0)
        return np.asarray(self.alpha_d * np.sqrt(beta2) * (1 + 2 * self.chi_mass**2 / s) / 3.0)

    def branching_nodes(self, meson: str | None = None,
                        n: int = OFF_SHELL_NODES) -> tuple[FloatArray, FloatArray]:
        """``(vector masses [MeV], BR per node)`` of ``meson → γ(V → χχ̄)``.

        On shell: one node, ``m_V`` with ``BR(M → γV)`` (``BR(V → χχ̄) = 1``). Off shell:
        Gauss–Legendre nodes in the χχ̄ invariant mass ``√s`` from ``2m_χ`` to ``m_M`` (with
        ``s − 4m_χ² ∝ u²`` to follow the threshold), weights ``dBR/ds Δs`` (module
        docstring). ``meson`` defaults to the model's; a lighter meson of the source may be
        asked for (its nodes are empty or zero when kinematically closed).
        """
        name = self.meson if meson is None else meson
        if name not in MESON_NAMES:
            raise ValueError(f"meson: must be one of {MESON_NAMES}, got {name!r}")
        top = meson_mass(name)
        if self.decay == "on-shell":
            if self.m_v >= top:
                return np.array([self.m_v]), np.array([0.0])
            masses = np.array([self.m_v])
            return masses, np.asarray(self.vector_branching(masses, name), dtype=float)
        s0, s1 = 4.0 * self.chi_mass**2, top * top
        if s0 >= s1:
            return np.array([2.0 * self.chi_mass]), np.array([0.0])
        x, w = gauss_legendre(n)
        u = 0.5 * (x + 1.0)
        s = s0 + (s1 - s0) * u * u
        ds = (s1 - s0) * 2.0 * u * 0.5 * w
        root = np.sqrt(s)
        density = (self.vector_branching(root, name) * root * root
                   * self._chi_width_over_coupling(s) / (np.pi * (s - self.m_v**2) ** 2))
        return root, np.asarray(density * ds, dtype=float)

    def production_branching(self, meson: str | None = None) -> float:
        """``BR(meson → γV) BR(V → χχ̄)`` summed over the off-shell range (on shell:
        ``BR(meson → γV)``)."""
        return float(np.sum(self.branching_nodes(meson)[1]))

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
        unknown = sorted(set(values) - set(_parameter_names(type(self))))
        if unknown:
            raise ValueError(f"{unknown[0]}: not a parameter of {self.name!r}; allowed: "
                             f"{', '.join(_parameter_names(type(self)))}")
        if "chi_mass" in values and "mediator_mass" not in values:
            _mass("chi_mass", values["chi_mass"])
            ratio = self.m_v / self.chi_mass
            values["mediator_mass"] = ratio * float(values["chi_mass"])
        return replace(self, **values)

    def chi_per_meson(self, meson: str | None = None) -> float:
        """χ plus χ̄ per meson: ``2 BR(M → γV) BR(V → χχ̄)`` with ``BR(V → χχ̄) = 1``."""
        return 2.0 * self.production_branching(meson)


@dataclass(frozen=True)
class DarkPhoton(DarkMatterModel):
    """Kinetically mixed dark photon with χ (``epsilon`` in :data:`EPSILON_RANGE`: at most 1, a
    mixing; zero would give no χ and no reference for a limit)."""

    epsilon: float = 1e-4

    name: ClassVar[str] = "dark-photon"
    label: ClassVar[str] = "dark photon (vector portal)"

    def __post_init__(self) -> None:
        super().__post_init__()
        _coupling("epsilon", self.epsilon, EPSILON_RANGE)

    def vector_branching(self, vector_mass: FloatArray, meson: str) -> FloatArray:
        return dark_photon_branching(vector_mass, self.epsilon, meson)

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
    """Baryonic (leptophobic) vector coupled to quarks with ``alpha_b`` in
    :data:`ALPHA_RANGE`."""

    alpha_b: float = 1e-6

    name: ClassVar[str] = "leptophobic"
    label: ClassVar[str] = "leptophobic (baryonic) vector portal"

    def __post_init__(self) -> None:
        if self.meson != "pi0":
            raise ValueError(f"meson: the leptophobic portal is implemented for 'pi0' only, "
                             f"got {self.meson!r}")
        super().__post_init__()
        _coupling("alpha_b", self.alpha_b, ALPHA_RANGE)

    def vector_branching(self, vector_mass: FloatArray, meson: str) -> FloatArray:
        return baryonic_branching(vector_mass, self.alpha_b, meson)

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
    if not isinstance(name, str) or name not in DARK_MATTER_MODELS:
        raise ValueError(f"model: unknown dark-matter model {name!r}; allowed: "
                         f"{', '.join(DARK_MATTER_MODELS)}")
    if "chi_mass" not in values:
        raise ValueError("chi_mass: a dark-matter model needs chi_mass (MeV)")
    cls = DARK_MATTER_MODELS[name]
    unknown = sorted(set(values) - set(_parameter_names(cls)))
    if unknown:
        raise ValueError(f"{unknown[0]}: not a parameter of {name!r}; allowed: "
                         f"{', '.join(_parameter_names(cls))}")
    return cls(**values)


def _parameter_names(cls: type[DarkMatterModel]) -> tuple[str, ...]:
    """The constructor parameters of a model class (not its class-level name and label)."""
    return tuple(f.name for f in fields(cls))
