"""Quenching: from nuclear-recoil energy ``T`` (keVnr) to electron-equivalent energy ``E_ee``.

Every model is a small frozen dataclass with one method,
``visible_energy(recoil_energy, Z, A) -> E_ee`` (both in MeV, broadcasting), and a
``shifted(theta)`` method that returns the model moved by ``theta`` standard
deviations of its nuisance parameter(s), so that a fit can vary the quenching
without touching the physics (:meth:`cevns.detectors.Prediction.with_nuisances`).

Models
------
* :class:`ConstantQuenching`: ``E_ee = q T``.
* :class:`LinearQuenching`: ``E_ee = (a + b T) T``; CENNS-10 Analysis A uses
  ``a = 0.246 ± 0.006``, ``b = 0.00078 ± 0.00009 /keVnr`` (COHERENT LAr data release,
  arXiv:2006.12659, ``LArParametersAnlA.yaml``; fit described in arXiv:2003.10630).
* :class:`PolynomialQuenching`: ``E_ee = Σ_k c_k T^(k+1)``; the CsI[Na] 2021 release
  gives ``c = (0.0554628, 4.30681, −111.707, 840.384)`` with ``T`` in MeVnr and ``E_ee``
  in MeVee (``scintRespCoefficients.txt``, PRL 129 (2022) 081801), plus two pairs of
  ±1σ coefficient sets used here as two nuisance directions.
* :class:`LindhardQuenching`: Lindhard et al., Mat. Fys. Medd. Dan. Vid. Selsk. 33 (1963)
  no. 10, in the form of Lewin & Smith, Astropart. Phys. 6 (1996) 87:
  ``ε = 11.5 T[keV] Z^(−7/3)``, ``g = 3 ε^0.15 + 0.7 ε^0.6 + ε``,
  ``QF = k g / (1 + k g)``, with ``k = 0.133 Z^(2/3) A^(−1/2)`` unless set.
* :class:`TabulatedQuenching`: a quenching factor table, linearly interpolated.

Results are clipped at zero: a polynomial fitted over a range never produces a
negative light output (the release's curve is used only inside its fit range).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike

from .. import units as u
from ..types import FloatArray


def _as_thetas(theta: float | ArrayLike, n: int, name: str) -> FloatArray:
    values = np.atleast_1d(np.asarray(theta, dtype=float))
    if values.size == 1 and n > 1:
        values = np.concatenate([values, np.zeros(n - 1)])
    if values.shape != (n,) or not np.all(np.isfinite(values)):
        raise ValueError(
            f"{name}: expected {n} finite nuisance value(s) (standard deviations), got {theta!r}"
        )
    return values


@runtime_checkable
class Quenching(Protocol):
    """Map ``T`` (MeVnr) → ``E_ee`` (MeVee) for a nucleus of charge ``Z``, mass number ``A``."""

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """Electron-equivalent energy (MeV) of a nuclear recoil of kinetic energy ``T`` (MeV)."""
        ...

    def shifted(self, theta: float | ArrayLike) -> Quenching:
        """The model moved by ``theta`` standard deviations of its nuisance parameter(s)."""
        ...

    @property
    def n_nuisances(self) -> int:
        """Number of nuisance directions understood by :meth:`shifted`."""
        ...


@dataclass(frozen=True)
class ConstantQuenching:
    """``E_ee = q · T`` with a constant quenching factor ``q`` (dimensionless, in (0, 1]).

    Parameters
    ----------
    factor
        Quenching factor ``q``.
    uncertainty
        One-sigma uncertainty on ``q`` (absolute); the nuisance moves ``q`` by ``θ σ``.
    """

    factor: float
    uncertainty: float = 0.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.factor) and 0.0 < self.factor <= 1.0):
            raise ValueError(f"factor: quenching factor must be in (0, 1], got {self.factor}")
        if not (np.isfinite(self.uncertainty) and self.uncertainty >= 0.0):
            raise ValueError(f"uncertainty: must be finite and >= 0, got {self.uncertainty}")

    @property
    def n_nuisances(self) -> int:
        return 1

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """``q T`` (MeV)."""
        return self.factor * np.asarray(recoil_energy, dtype=float)

    def shifted(self, theta: float | ArrayLike) -> ConstantQuenching:
        (t,) = _as_thetas(theta, 1, "quenching")
        return replace(self, factor=min(max(self.factor + t * self.uncertainty, 1e-6), 1.0))


@dataclass(frozen=True)
class LinearQuenching:
    """``QF(T) = a + b T`` so that ``E_ee = (a + b T) T`` (CENNS-10 form, arXiv:2006.12659).

    Parameters
    ----------
    intercept
        ``a`` (dimensionless).
    slope
        ``b`` in 1/MeV (the release quotes 0.00078 /keVnr = 0.78 /MeV).
    intercept_uncertainty, slope_uncertainty
        One-sigma uncertainties of ``a`` (dimensionless) and ``b`` (1/MeV); two nuisances.
    """

    intercept: float
    slope: float
    intercept_uncertainty: float = 0.0
    slope_uncertainty: float = 0.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.intercept) and 0.0 < self.intercept <= 1.0):
            raise ValueError(f"intercept: must be in (0, 1], got {self.intercept}")
        if not np.isfinite(self.slope):
            raise ValueError(f"slope: must be finite (1/MeV), got {self.slope}")
        for name in ("intercept_uncertainty", "slope_uncertainty"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0.0):
                raise ValueError(f"{name}: must be finite and >= 0, got {value}")

    @property
    def n_nuisances(self) -> int:
        return 2

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """``(a + b T) T`` (MeV), clipped so that the quenching factor stays in [0, 1]."""
        t = np.asarray(recoil_energy, dtype=float)
        return np.asarray(np.clip(self.intercept + self.slope * t, 0.0, 1.0) * t, dtype=float)

    def shifted(self, theta: float | ArrayLike) -> LinearQuenching:
        ta, tb = _as_thetas(theta, 2, "quenching")
        return replace(
            self,
            intercept=min(max(self.intercept + ta * self.intercept_uncertainty, 1e-6), 1.0),
            slope=self.slope + tb * self.slope_uncertainty,
        )


@dataclass(frozen=True)
class PolynomialQuenching:
    """``E_ee(T) = Σ_k c_k T^(k+1)`` (no constant term), the CsI[Na] 2021 release form.

    Parameters
    ----------
    coefficients
        ``c_k`` for ``T`` and ``E_ee`` both in MeV (``c_k`` has unit MeV^(−k)).
    variations
        Pairs ``(plus, minus)`` of alternative coefficient sets, each a ±1σ systematic
        direction; nuisance ``θ_i`` interpolates linearly towards ``plus`` (θ > 0) or
        ``minus`` (θ < 0), as the release's "Syst model 0/1, ±1 sigma" curves.
    valid_below
        Largest recoil energy (MeV) of the fit range; above it the curve continues
        linearly with its slope there (the polynomial must not turn over).
    """

    coefficients: tuple[float, ...]
    variations: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...] = ()
    valid_below: float = field(default=np.inf)

    def __post_init__(self) -> None:
        c = np.asarray(self.coefficients, dtype=float)
        if c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
            raise ValueError(f"coefficients: need a non-empty list of finite numbers, got {c}")
        if c[0] <= 0:
            raise ValueError(
                f"coefficients: the linear coefficient must be > 0 (light grows with energy), "
                f"got {c[0]}"
            )
        for i, pair in enumerate(self.variations):
            if len(pair) != 2 or any(len(v) != c.size for v in pair):
                raise ValueError(
                    f"variations: entry {i} must be a (plus, minus) pair of {c.size} coefficients"
                )
        if not self.valid_below > 0:
            raise ValueError(f"valid_below: must be > 0 MeV, got {self.valid_below}")

    @property
    def n_nuisances(self) -> int:
        return len(self.variations)

    def _polynomial(self, t: FloatArray) -> FloatArray:
        c = np.asarray(self.coefficients, dtype=float)
        return np.asarray(t * np.polynomial.polynomial.polyval(t, c), dtype=float)

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """``Σ c_k T^(k+1)`` (MeV), clipped at zero; linear continuation beyond ``valid_below``."""
        t = np.asarray(recoil_energy, dtype=float)
        if np.isfinite(self.valid_below):
            t0 = self.valid_below
            c = np.asarray(self.coefficients, dtype=float)
            k = np.arange(1, c.size + 1)
            slope = float(np.sum(c * k * t0 ** (k - 1)))
            inside = self._polynomial(np.minimum(t, t0))
            value = np.where(t > t0, inside + slope * (t - t0), inside)
        else:
            value = self._polynomial(t)
        return np.asarray(np.clip(value, 0.0, None), dtype=float)

    def shifted(self, theta: float | ArrayLike) -> PolynomialQuenching:
        if not self.variations:
            _as_thetas(theta, 1, "quenching")
            return self
        thetas = _as_thetas(theta, len(self.variations), "quenching")
        c = np.asarray(self.coefficients, dtype=float)
        new = c.copy()
        for th, (plus, minus) in zip(thetas, self.variations, strict=True):
            target = np.asarray(plus if th >= 0 else minus, dtype=float)
            new = new + abs(th) * (target - c)
        return replace(self, coefficients=tuple(float(x) for x in new))


@dataclass(frozen=True)
class LindhardQuenching:
    """Lindhard quenching (Lindhard et al. 1963; Lewin & Smith 1996, eq. 9.2).

    ``ε = 11.5 Z^(−7/3) T/keV``, ``g(ε) = 3 ε^0.15 + 0.7 ε^0.6 + ε``, ``QF = k g/(1 + k g)``.

    Parameters
    ----------
    k
        Electronic-stopping constant; ``None`` uses Lindhard's ``0.133 Z^(2/3) A^(−1/2)``
        of the recoiling nucleus (0.166 for Ge-72/74 ... see tests).
    k_uncertainty
        One-sigma uncertainty on ``k`` (nuisance direction); ignored when ``k`` is None.
    """

    k: float | None = None
    k_uncertainty: float = 0.0

    def __post_init__(self) -> None:
        if self.k is not None and not (np.isfinite(self.k) and self.k > 0):
            raise ValueError(f"k: must be > 0, got {self.k}")
        if not (np.isfinite(self.k_uncertainty) and self.k_uncertainty >= 0):
            raise ValueError(f"k_uncertainty: must be finite and >= 0, got {self.k_uncertainty}")

    @property
    def n_nuisances(self) -> int:
        return 1

    def factor(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """Quenching factor ``E_ee/T`` (dimensionless) at recoil energy ``T`` (MeV)."""
        if Z < 1 or A < Z:
            raise ValueError(f"Z: need 1 <= Z <= A for Lindhard quenching, got Z={Z}, A={A}")
        t = np.asarray(recoil_energy, dtype=float)
        k = 0.133 * Z ** (2.0 / 3.0) / np.sqrt(A) if self.k is None else self.k
        eps = 11.5 * np.clip(t, 0.0, None) / u.keV * Z ** (-7.0 / 3.0)
        g = 3.0 * eps**0.15 + 0.7 * eps**0.6 + eps
        return np.asarray(k * g / (1.0 + k * g), dtype=float)

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """``QF(T) T`` (MeV)."""
        t = np.asarray(recoil_energy, dtype=float)
        return np.asarray(self.factor(t, Z, A) * np.clip(t, 0.0, None), dtype=float)

    def shifted(self, theta: float | ArrayLike) -> LindhardQuenching:
        (t,) = _as_thetas(theta, 1, "quenching")
        if self.k is None or self.k_uncertainty == 0:
            return self
        return replace(self, k=max(self.k + t * self.k_uncertainty, 1e-6))


@dataclass(frozen=True)
class TabulatedQuenching:
    """Quenching factor ``QF(T)`` from a table, linearly interpolated, held constant outside.

    Parameters
    ----------
    recoil_energies
        Strictly increasing recoil energies (MeV).
    factors
        Quenching factors in (0, 1] at those energies.
    relative_uncertainty
        One-sigma relative scale uncertainty applied to the whole table (nuisance).
    """

    recoil_energies: tuple[float, ...]
    factors: tuple[float, ...]
    relative_uncertainty: float = 0.0
    scale: float = 1.0

    def __post_init__(self) -> None:
        t = np.asarray(self.recoil_energies, dtype=float)
        q = np.asarray(self.factors, dtype=float)
        if t.ndim != 1 or t.size < 2 or t.shape != q.shape:
            raise ValueError("recoil_energies: need >= 2 energies and as many factors")
        if not np.all(np.diff(t) > 0) or t[0] < 0:
            raise ValueError("recoil_energies: must be >= 0 and strictly increasing (MeV)")
        if not np.all((q > 0) & (q <= 1)):
            raise ValueError(f"factors: quenching factors must be in (0, 1], got {q}")

    @property
    def n_nuisances(self) -> int:
        return 1

    def visible_energy(self, recoil_energy: ArrayLike, Z: int, A: int) -> FloatArray:
        """``QF(T) T`` (MeV) with ``QF`` interpolated in the table."""
        t = np.asarray(recoil_energy, dtype=float)
        qf = np.interp(t, self.recoil_energies, self.factors) * self.scale
        return np.asarray(np.clip(qf, 0.0, 1.0) * t, dtype=float)

    def shifted(self, theta: float | ArrayLike) -> TabulatedQuenching:
        (t,) = _as_thetas(theta, 1, "quenching")
        return replace(self, scale=max(self.scale * (1.0 + t * self.relative_uncertainty), 1e-6))


__all__ = [
    "ConstantQuenching",
    "LindhardQuenching",
    "LinearQuenching",
    "PolynomialQuenching",
    "Quenching",
    "TabulatedQuenching",
]
