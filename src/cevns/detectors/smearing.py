"""Energy smearing: the probability that a visible energy ``E_ee`` lands in an observable bin.

Every model maps electron-equivalent energies ``E_ee`` (MeV) to the detector's
observable ``x``: photoelectrons (PE, a pure number) or reconstructed energy (MeV).
``bin_probabilities(visible_energy, edges)`` returns ``P[i, j]``, the probability that
a deposit ``E_ee[j]`` is reconstructed in ``[edges[i], edges[i+1])``; columns need
not sum to one (the rest falls outside the edges). All models broadcast over energies.

Models
------
* :class:`GaussianSmearing`: ``x ~ N(Y E, σ)``, ``σ_E² = a² E + b² E² + c²`` in MeVee
  (stochastic, constant and noise terms); CENNS-10 uses ``σ/E = 0.58/√(E/keVee)``
  (COHERENT LAr data release arXiv:2006.12659, ``LArParametersAnlA.yaml``).
* :class:`PoissonSmearing`: integer photoelectron counts ``n ~ Poisson(Y E)``.
* :class:`GammaSmearing`: the CsI[Na] 2021 form, a gamma distribution in PE,
  ``P(x) = (a(1+b))^(1+b)/Γ(1+b) x^b exp(−a(1+b)x)`` with ``a = α/E_ee``,
  ``b = β E_ee``; ``α = 0.0749 keVee`` (per PE) and ``β = 9.56 /keVee``, so the mean
  ``1/a = E_ee/α`` is 13.35 PE/keVee (companion parameters of the COHERENT CsI 2021
  release, PRL 129 (2022) 081801, as used in public reanalyses, e.g. the Newtrinos.jl
  ``coherent_csi`` module).
* :class:`NoSmearing`: ``x = Y E`` exactly (threshold-only detectors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ..types import FloatArray

ObservableKind = Literal["PE", "energy"]


def _check_edges(edges: ArrayLike) -> FloatArray:
    e = np.asarray(edges, dtype=float)
    if e.ndim != 1 or e.size < 2 or not np.all(np.diff(e) > 0) or not np.all(np.isfinite(e)):
        raise ValueError(f"edges: need >= 2 finite, strictly increasing bin edges, got {e}")
    return e


def _positive(value: float, name: str, unit: str) -> None:
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name}: must be finite and > 0 {unit}, got {value}")


def _non_negative(value: float, name: str, unit: str) -> None:
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name}: must be finite and >= 0 {unit}, got {value}")


@runtime_checkable
class Smearing(Protocol):
    """Maps ``E_ee`` (MeV) to probabilities of observable bins."""

    observable: ObservableKind

    def mean_observable(self, visible_energy: ArrayLike) -> FloatArray:
        """Mean observable (PE, or MeV for ``"energy"``) at ``E_ee`` (MeV)."""
        ...

    def bin_probabilities(self, visible_energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        """``P[i, j]`` of bin ``i`` for energy ``j`` (shape ``(len(edges) − 1, n)``)."""
        ...

    def scaled_yield(self, factor: float) -> Smearing:
        """The same model with its light yield (gain) multiplied by ``factor``."""
        ...


@dataclass(frozen=True)
class GaussianSmearing:
    """Gaussian resolution ``σ_E(E)² = a² E + b² E² + c²`` around ``x = Y E``.

    Parameters
    ----------
    stochastic
        ``a`` in √MeV (CENNS-10: 0.58 √keVee = 0.58·√(1e-3) √MeV).
    constant
        ``b`` (dimensionless relative term).
    noise
        ``c`` in MeV.
    light_yield
        ``Y``: PE per MeVee when ``observable == "PE"``; must be 1 for ``"energy"``.
    observable
        ``"energy"`` (reconstructed MeVee) or ``"PE"``.
    """

    stochastic: float = 0.0
    constant: float = 0.0
    noise: float = 0.0
    light_yield: float = 1.0
    observable: ObservableKind = "energy"

    def __post_init__(self) -> None:
        _non_negative(self.stochastic, "stochastic", "sqrt(MeV)")
        _non_negative(self.constant, "constant", "")
        _non_negative(self.noise, "noise", "MeV")
        _positive(self.light_yield, "light_yield", "per MeVee")
        if self.observable == "energy" and self.light_yield != 1.0:
            raise ValueError("light_yield: must be 1 when the observable is an energy")
        if self.stochastic == self.constant == self.noise == 0.0:
            raise ValueError(
                "stochastic: at least one resolution term must be > 0 (else use NoSmearing)"
            )

    def sigma(self, visible_energy: ArrayLike) -> FloatArray:
        """Resolution ``σ`` (in observable units) at ``E_ee`` (MeV)."""
        e = np.clip(np.asarray(visible_energy, dtype=float), 0.0, None)
        sig_e = np.sqrt(self.stochastic**2 * e + (self.constant * e) ** 2 + self.noise**2)
        return np.asarray(self.light_yield * sig_e, dtype=float)

    def mean_observable(self, visible_energy: ArrayLike) -> FloatArray:
        return self.light_yield * np.asarray(visible_energy, dtype=float)

    def bin_probabilities(self, visible_energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        e = np.asarray(visible_energy, dtype=float)
        x = _check_edges(edges)
        mu = self.mean_observable(e)
        sig = np.maximum(self.sigma(e), 1e-300)
        z = (x[:, None] - mu[None, :]) / sig[None, :]
        cdf = special.ndtr(z)
        out = np.diff(cdf, axis=0)
        return np.where(e[None, :] > 0, out, 0.0)

    def scaled_yield(self, factor: float) -> GaussianSmearing:
        if self.observable == "energy":
            return self
        _positive(factor, "factor", "")
        return GaussianSmearing(
            self.stochastic, self.constant, self.noise, self.light_yield * factor, "PE"
        )


@dataclass(frozen=True)
class PoissonSmearing:
    """Photoelectron counting: ``n ~ Poisson(Y E_ee)``, observable in PE (integers).

    A bin ``[lo, hi)`` collects the integers ``n`` with ``lo <= n < hi``.

    Parameters
    ----------
    light_yield
        ``Y`` in PE per MeVee (13.35 PE/keVee = 13350 PE/MeV for CsI 2021).
    """

    light_yield: float
    observable: ObservableKind = "PE"

    def __post_init__(self) -> None:
        _positive(self.light_yield, "light_yield", "PE per MeVee")
        if self.observable != "PE":
            raise ValueError("observable: Poisson smearing counts photoelectrons ('PE')")

    def mean_observable(self, visible_energy: ArrayLike) -> FloatArray:
        return self.light_yield * np.asarray(visible_energy, dtype=float)

    def bin_probabilities(self, visible_energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        mu = np.clip(self.mean_observable(visible_energy), 0.0, None)
        x = _check_edges(edges)
        # P(n < k) = Q(k, mu) (regularised upper incomplete gamma) for integer k >= 1.
        k = np.ceil(x)
        cdf = np.where(
            k[:, None] <= 0, 0.0, special.gammaincc(np.maximum(k, 1.0)[:, None], mu[None, :])
        )
        return np.asarray(np.diff(cdf, axis=0), dtype=float)

    def scaled_yield(self, factor: float) -> PoissonSmearing:
        _positive(factor, "factor", "")
        return PoissonSmearing(self.light_yield * factor)


@dataclass(frozen=True)
class GammaSmearing:
    """CsI[Na] 2021 gamma-distribution smearing in photoelectrons.

    ``a = α/E_ee``, ``b = β E_ee``; the PE count follows a gamma law of shape ``1 + b``
    and rate ``a(1 + b)``: mean ``E_ee/α``, relative width ``1/√(1 + b)``.

    Parameters
    ----------
    alpha
        ``α`` in MeVee per PE (0.0749 keVee; i.e. light yield 1/α = 13.35 PE/keVee).
    beta
        ``β`` in 1/MeVee (9.56 /keVee = 9560 /MeV).
    """

    alpha: float
    beta: float
    observable: ObservableKind = "PE"

    def __post_init__(self) -> None:
        _positive(self.alpha, "alpha", "MeVee per PE")
        _non_negative(self.beta, "beta", "per MeVee")
        if self.observable != "PE":
            raise ValueError("observable: gamma smearing is defined in photoelectrons ('PE')")

    @property
    def light_yield(self) -> float:
        """Mean PE per MeVee, ``1/α``."""
        return 1.0 / self.alpha

    def mean_observable(self, visible_energy: ArrayLike) -> FloatArray:
        return np.asarray(visible_energy, dtype=float) / self.alpha

    def bin_probabilities(self, visible_energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        e = np.clip(np.asarray(visible_energy, dtype=float), 0.0, None)
        x = np.clip(_check_edges(edges), 0.0, None)
        positive = e > 0
        e_safe = np.where(positive, e, 1.0)
        shape = 1.0 + self.beta * e_safe
        rate = shape * self.alpha / e_safe  # a (1 + b)
        cdf = special.gammainc(shape[None, :], rate[None, :] * x[:, None])
        return np.where(positive[None, :], np.diff(cdf, axis=0), 0.0)

    def scaled_yield(self, factor: float) -> GammaSmearing:
        _positive(factor, "factor", "")
        return GammaSmearing(self.alpha / factor, self.beta)


@dataclass(frozen=True)
class NoSmearing:
    """Perfect resolution: ``x = Y E_ee``.

    Parameters
    ----------
    light_yield
        PE per MeVee for ``observable == "PE"``; 1 for ``"energy"``.
    """

    light_yield: float = 1.0
    observable: ObservableKind = "energy"

    def __post_init__(self) -> None:
        _positive(self.light_yield, "light_yield", "per MeVee")
        if self.observable == "energy" and self.light_yield != 1.0:
            raise ValueError("light_yield: must be 1 when the observable is an energy")

    def mean_observable(self, visible_energy: ArrayLike) -> FloatArray:
        return self.light_yield * np.asarray(visible_energy, dtype=float)

    def bin_probabilities(self, visible_energy: ArrayLike, edges: ArrayLike) -> FloatArray:
        x = _check_edges(edges)
        mu = self.mean_observable(visible_energy)
        inside = (mu[None, :] >= x[:-1, None]) & (mu[None, :] < x[1:, None])
        return inside.astype(float)

    def scaled_yield(self, factor: float) -> NoSmearing:
        if self.observable == "energy":
            return self
        _positive(factor, "factor", "")
        return NoSmearing(self.light_yield * factor, "PE")


__all__ = [
    "GammaSmearing",
    "GaussianSmearing",
    "NoSmearing",
    "ObservableKind",
    "PoissonSmearing",
    "Smearing",
]
