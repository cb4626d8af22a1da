"""Nuclear form factors ``F(q)`` with ``F(0) = 1`` (Helm, Phys. Rev. 104 (1956) 1466; Lewin &
Smith, Astropart. Phys. 6 (1996) 87).

Every form factor is a small frozen dataclass called as ``ff(q, isotope, rms_radius)``:

* ``q`` — momentum transfer (MeV), any shape;
* ``isotope`` — the :class:`~cevns.physics.targets.Isotope` (for ``A`` and tabulated radii);
* ``rms_radius`` — an explicit rms radius (cm) of the distribution, e.g. a neutron
  radius being fitted; ``None`` means the form factor's own default.

A user callable with the same signature can be used anywhere a form factor is
expected (:class:`CallableFormFactor` wraps one with validation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from .. import units as u
from ..constants import HBAR_C
from ..types import FloatArray
from .targets import Isotope

#: Helm surface thickness ``s`` (cm), Lewin & Smith, Astropart. Phys. 6 (1996) 87, §4.
HELM_SKIN_THICKNESS = 0.9 * u.fm
#: Lewin & Smith (1996) Eq. (4.11) parameters: ``c = 1.23 A^{1/3} − 0.60 fm``, ``a = 0.52 fm``.
LEWIN_SMITH_C_SLOPE = 1.23 * u.fm
LEWIN_SMITH_C_OFFSET = -0.60 * u.fm
LEWIN_SMITH_A = 0.52 * u.fm
#: ``R₀ = 1.2 A^{1/3}`` fm, the radius of the COHERENT reference code and of Klein–Nystrand.
R0_PER_A13 = 1.2 * u.fm
#: Klein–Nystrand Yukawa range ``a_k`` (cm), Klein & Nystrand, PRC 60 (1999) 014903.
KLEIN_NYSTRAND_RANGE = 0.7 * u.fm
#: Symmetrized-Fermi diffuseness ``a`` (cm), the value used with it in Piekarewicz et al.,
#: PRC 94 (2016) 034316 and in CEvNS fits (e.g. Cadeddu et al., PRL 120 (2018) 072501).
SYMMETRIZED_FERMI_DIFFUSENESS = 0.52 * u.fm


@runtime_checkable
class FormFactor(Protocol):
    """Anything callable as ``F(q [MeV], isotope, rms_radius [cm] | None) -> array``."""

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray: ...


def _x(q: ArrayLike, radius: float) -> FloatArray:
    """Dimensionless ``q R / ħc``."""
    return np.asarray(q, dtype=float) * radius / float(HBAR_C)


def spherical_bessel_ratio(x: ArrayLike) -> FloatArray:
    """``3 j₁(x)/x``, the Fourier transform of a uniform sphere; 1 at ``x = 0``.

    Uses the Taylor series ``1 − x²/10 + x⁴/280`` for ``|x| < 1e-2`` to avoid cancellation.
    """
    z = np.abs(np.asarray(x, dtype=float))
    small = z < 1e-2
    zs = np.where(small, 1.0, z)
    exact = 3.0 * (np.sin(zs) - zs * np.cos(zs)) / zs**3
    series = 1.0 - z**2 / 10.0 + z**4 / 280.0
    return np.asarray(np.where(small, series, exact), dtype=float)


def _check_radius(radius: float, name: str) -> float:
    r = float(radius)
    if not np.isfinite(r) or r <= 0:
        raise ValueError(f"{name}: a form-factor radius must be finite and > 0 cm, got {radius!r}")
    return r


HelmConvention = Literal["rms", "lewin_smith", "a13"]


@dataclass(frozen=True)
class Helm:
    """Helm form factor ``F = 3 j₁(qR₀)/(qR₀) · exp(−q²s²/2)`` (Helm, Phys. Rev. 104 (1956) 1466).

    Parameters
    ----------
    convention
        How the box radius ``R₀`` is obtained (Helm, Phys. Rev. 104 (1956) 1466; Lewin & Smith,
        Astropart. Phys. 6 (1996) 87):

        * ``"rms"`` — from an rms radius ``R``: ``R₀² = (5/3)(R² − 3s²)``; the radius is the
          explicit ``rms_radius`` or else the isotope's measured charge radius;
        * ``"lewin_smith"`` — ``R₀² = c² + (7/3)π²a² − 5s²``, ``c = 1.23 A^{1/3} − 0.60`` fm,
          ``a = 0.52`` fm (Lewin & Smith 1996, Eq. 4.11);
        * ``"a13"`` — ``R₀ = 1.2 A^{1/3}`` fm (COHERENT reference code).

        An explicit ``rms_radius`` always takes precedence and implies the ``"rms"`` relation.
    skin
        Surface thickness ``s`` (cm), default 0.9 fm.
    """

    convention: HelmConvention = "lewin_smith"
    skin: float = HELM_SKIN_THICKNESS

    def __post_init__(self) -> None:
        if self.convention not in ("rms", "lewin_smith", "a13"):
            raise ValueError(
                f"convention: must be 'rms', 'lewin_smith' or 'a13', got {self.convention!r}"
            )
        _check_radius(self.skin, "skin")

    def box_radius(self, isotope: Isotope, rms_radius: float | None = None) -> float:
        """The Helm box radius ``R₀`` (cm) for this isotope and convention."""
        s = self.skin
        if rms_radius is not None or self.convention == "rms":
            if rms_radius is None:
                if isotope.charge_radius is None:
                    raise ValueError(
                        f"rms_radius: no measured charge radius is tabulated for {isotope.symbol}; "
                        "pass rms_radius or use the 'lewin_smith' or 'a13' convention"
                    )
                rms_radius = isotope.charge_radius
            r = _check_radius(rms_radius, "rms_radius")
            r0_squared = 5.0 / 3.0 * (r * r - 3.0 * s * s)
            if r0_squared <= 0:
                raise ValueError(
                    f"rms_radius: {r / u.fm:.4g} fm is too small for a Helm form factor with "
                    f"s = {s / u.fm:.3g} fm (need R > √3 s = {np.sqrt(3) * s / u.fm:.4g} fm)"
                )
            return float(np.sqrt(r0_squared))
        a13 = isotope.A ** (1.0 / 3.0)
        if self.convention == "a13":
            return float(R0_PER_A13 * a13)
        c = LEWIN_SMITH_C_SLOPE * a13 + LEWIN_SMITH_C_OFFSET
        r0_squared = c * c + 7.0 / 3.0 * np.pi**2 * LEWIN_SMITH_A**2 - 5.0 * s * s
        return float(np.sqrt(r0_squared))

    def rms_radius(self, isotope: Isotope, rms_radius: float | None = None) -> float:
        """The rms radius (cm) of the Helm distribution: ``R² = (3/5)R₀² + 3s²``."""
        r0 = self.box_radius(isotope, rms_radius)
        return float(np.sqrt(0.6 * r0 * r0 + 3.0 * self.skin**2))

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray:
        r0 = self.box_radius(isotope, rms_radius)
        qs = _x(q, self.skin)
        return spherical_bessel_ratio(_x(q, r0)) * np.exp(-0.5 * qs * qs)


@dataclass(frozen=True)
class KleinNystrand:
    """Klein–Nystrand form factor ``F = 3 j₁(qR_A)/(qR_A) · 1/(1 + q²a_k²)``.

    A hard sphere of radius ``R_A = 1.2 A^{1/3}`` fm folded with a Yukawa potential of
    range ``a_k = 0.7`` fm (Klein & Nystrand, PRC 60 (1999) 014903; used by COHERENT 2017).
    An explicit ``rms_radius`` sets ``R_A`` through ``R² = (3/5)R_A² + 6a_k²``.
    """

    radius_per_a13: float = R0_PER_A13
    yukawa_range: float = KLEIN_NYSTRAND_RANGE

    def __post_init__(self) -> None:
        _check_radius(self.radius_per_a13, "radius_per_a13")
        _check_radius(self.yukawa_range, "yukawa_range")

    def sphere_radius(self, isotope: Isotope, rms_radius: float | None = None) -> float:
        """Hard-sphere radius ``R_A`` (cm)."""
        if rms_radius is None:
            return float(self.radius_per_a13 * isotope.A ** (1.0 / 3.0))
        r = _check_radius(rms_radius, "rms_radius")
        ra2 = (r * r - 6.0 * self.yukawa_range**2) / 0.6
        if ra2 <= 0:
            raise ValueError(f"rms_radius: {r / u.fm:.4g} fm is too small for Klein–Nystrand")
        return float(np.sqrt(ra2))

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray:
        ra = self.sphere_radius(isotope, rms_radius)
        qa = _x(q, self.yukawa_range)
        return spherical_bessel_ratio(_x(q, ra)) / (1.0 + qa * qa)


@dataclass(frozen=True)
class SymmetrizedFermi:
    """Analytic form factor of the symmetrized Fermi distribution.

    ``F(q) = 3/(qc) · [πqa / sinh(πqa)] · [πqa/tanh(πqa) · sin(qc) − qc · cos(qc)]
    / [(qc)² + (πqa)²]`` (Sprung & Martorell, J. Phys. A 30 (1997) 6525;
    Piekarewicz, Linero, Giuliani, Chicken, PRC 94 (2016) 034316, Eq. 8), with
    ``R² = (3/5)c² + (7/5)π²a²`` linking the half-density radius ``c`` to the rms radius.

    Parameters
    ----------
    diffuseness
        Surface diffuseness ``a`` (cm), default 0.52 fm.
    """

    diffuseness: float = SYMMETRIZED_FERMI_DIFFUSENESS

    def __post_init__(self) -> None:
        _check_radius(self.diffuseness, "diffuseness")

    def half_density_radius(self, isotope: Isotope, rms_radius: float | None = None) -> float:
        """Half-density radius ``c`` (cm).

        From the explicit rms radius, else the measured charge radius, else the
        Lewin–Smith ``c = 1.23 A^{1/3} − 0.60`` fm.
        """
        a = self.diffuseness
        radius = rms_radius if rms_radius is not None else isotope.charge_radius
        if radius is None:
            return float(LEWIN_SMITH_C_SLOPE * isotope.A ** (1.0 / 3.0) + LEWIN_SMITH_C_OFFSET)
        r = _check_radius(radius, "rms_radius")
        c2 = (r * r - 7.0 / 5.0 * np.pi**2 * a * a) * 5.0 / 3.0
        if c2 <= 0:
            raise ValueError(
                f"rms_radius: {r / u.fm:.4g} fm is too small for diffuseness {a / u.fm} fm"
            )
        return float(np.sqrt(c2))

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray:
        c = self.half_density_radius(isotope, rms_radius)
        qc = _x(q, c)
        pqa = np.pi * _x(q, self.diffuseness)
        small = qc < 1e-3
        qc_s = np.where(small, 1.0, qc)
        pqa_s = np.where(small, 1.0, pqa)
        value = (
            3.0
            / qc_s
            * (pqa_s / np.sinh(pqa_s))
            * (pqa_s / np.tanh(pqa_s) * np.sin(qc_s) - qc_s * np.cos(qc_s))
            / (qc_s**2 + pqa_s**2)
        )
        # Second moment: F ≈ 1 − q²R²/6 with R the rms radius.
        r2 = 0.6 * c * c + 1.4 * np.pi**2 * self.diffuseness**2
        series = 1.0 - np.asarray(q, dtype=float) ** 2 * r2 / (6.0 * float(HBAR_C) ** 2)
        return np.where(small, series, value)


@dataclass(frozen=True)
class Unity:
    """``F = 1``: full coherence (the approximation of Freedman 1974)."""

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray:
        return np.ones_like(np.asarray(q, dtype=float))


@dataclass(frozen=True)
class CallableFormFactor:
    """Wrap a user function ``f(q [MeV], isotope, rms_radius [cm] | None) -> F``.

    The result is checked to be finite and of the shape of ``q``.
    """

    function: Callable[[FloatArray, Isotope, float | None], ArrayLike]
    label: str = "user form factor"

    def __call__(
        self, q: FloatArray, isotope: Isotope, rms_radius: float | None = None
    ) -> FloatArray:
        q = np.asarray(q, dtype=float)
        raw = np.asarray(self.function(q, isotope, rms_radius), dtype=float)
        value = np.broadcast_to(raw, q.shape)
        if not np.all(np.isfinite(value)):
            raise ValueError(f"form_factor: {self.label} returned non-finite values")
        return np.array(value)


FORM_FACTORS: dict[str, Callable[[], FormFactor]] = {
    "helm": Helm,
    "helm_rms": lambda: Helm("rms"),
    "helm_lewin_smith": lambda: Helm("lewin_smith"),
    "helm_a13": lambda: Helm("a13"),
    "klein_nystrand": KleinNystrand,
    "symmetrized_fermi": SymmetrizedFermi,
    "unity": Unity,
}


def form_factor_by_name(name: str) -> FormFactor:
    """Look up a built-in form factor by name (see :data:`FORM_FACTORS`)."""
    try:
        return FORM_FACTORS[name.lower()]()
    except KeyError:
        allowed = sorted(FORM_FACTORS)
        raise ValueError(f"form_factor: unknown name {name!r}; allowed: {allowed}") from None
