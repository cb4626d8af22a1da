"""Core-collapse supernova neutrino bursts.

Each flavour has a time-integrated pinched-thermal (Keil, Raffelt & Janka 2003,
ApJ 590, 971, eq. 2) spectrum

    dN/dE = N · (α+1)^(α+1) / (⟨E⟩ Γ(α+1)) · (E/⟨E⟩)^α · exp(−(α+1) E/⟨E⟩)

normalised to ``N = E_tot/⟨E⟩`` neutrinos, where ``E_tot`` is the energy the flavour
carries (given directly, or as a mean luminosity × burst duration), ``⟨E⟩`` its mean
energy and ``α`` the pinching (α ≈ 2.3 is Fermi–Dirac-like, α → ∞ a narrow spectrum).
The fluence at Earth is ``dN/dE / (4πD²)``, default ``D = 10 kpc`` (K. Scholberg,
MPA Summer School 2021: "SN burst flux @ 10 kpc"). Normalisation unit: one burst.

Defaults (:func:`default_supernova`) are illustrative, not a fit: 3 × 10⁵³ erg of binding
energy (Scholberg, MPA Summer School 2021: "~99 % of the binding energy in neutrinos") shared
equally by the six species, ⟨E⟩ = 12 MeV (ν_e), 15 MeV (ν̄_e), 18 MeV (the four ν_x),
α = 3, a 10 s burst. Give your own :class:`PinchedThermal` per flavour, or a ``snewpy``
model through :func:`spectra_from_snewpy` (optional extra ``cevns[supernova]``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import trapezoid
from scipy.special import gammaln

from .. import units as u
from ..flavours import Flavour
from .base import SurvivalProbability, check_distance, flux_from_spectra
from .spectrum import FloatArray, Spectrum

#: One erg in MeV (1 erg = 10⁻⁷ J exactly).
ERG = 1e-7 * u.joule

#: The spectrum is cut where ``(α+1) E/⟨E⟩ = 40 + 3α``: the neglected tail holds less than
#: 10⁻¹⁴ of the neutrinos for 0 <= α <= 20.
def _upper_energy(mean_energy: float, alpha: float) -> float:
    return mean_energy * (40.0 + 3.0 * max(alpha, 0.0)) / (alpha + 1.0)


@dataclass(frozen=True)
class PinchedThermal:
    """Time-integrated emission of one flavour (Keil, Raffelt & Janka 2003).

    Parameters
    ----------
    total_energy
        Energy emitted in this flavour (MeV; enter as ``5e52 * ERG``), > 0.
    mean_energy
        Mean neutrino energy ⟨E⟩ (MeV), > 0.
    alpha
        Pinching parameter α in [0, 20] (α = 2.3 is Fermi–Dirac-like; anti-pinched α < 0
        spectra are not supported).
    """

    total_energy: float
    mean_energy: float
    alpha: float = 3.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.total_energy) and self.total_energy > 0):
            raise ValueError(
                f"total_energy: must be finite and > 0 (enter as e.g. 5e52 * ERG), "
                f"got {self.total_energy}"
            )
        if not (math.isfinite(self.mean_energy) and self.mean_energy > 0):
            raise ValueError(f"mean_energy: must be finite and > 0 MeV, got {self.mean_energy}")
        if not (math.isfinite(self.alpha) and 0 <= self.alpha <= 20):
            raise ValueError(f"alpha: pinching must be in [0, 20], got {self.alpha}")

    @classmethod
    def from_luminosity(
        cls, luminosity: float, duration: float, mean_energy: float, alpha: float = 3.0
    ) -> PinchedThermal:
        """From a mean luminosity (MeV/ns, enter ``1e52 * ERG / u.s``) over ``duration`` (ns)."""
        if not (math.isfinite(luminosity) and luminosity > 0):
            raise ValueError(f"luminosity: must be finite and > 0, got {luminosity}")
        if not (math.isfinite(duration) and duration > 0):
            raise ValueError(f"duration: must be finite and > 0 ns, got {duration}")
        return cls(luminosity * duration, mean_energy, alpha)

    @property
    def number(self) -> float:
        """Neutrinos emitted, ``E_tot/⟨E⟩``."""
        return self.total_energy / self.mean_energy

    def density(self, energy: ArrayLike) -> FloatArray:
        """``dN/dE`` (neutrinos per MeV per burst) at ``energy`` (MeV)."""
        e = np.asarray(energy, dtype=float)
        a1 = self.alpha + 1.0
        x = np.maximum(e, 0.0) / self.mean_energy
        with np.errstate(divide="ignore"):
            log_shape = a1 * math.log(a1) - gammaln(a1) + self.alpha * np.log(x) - a1 * x
        out: FloatArray = np.where(e > 0, self.number / self.mean_energy * np.exp(log_shape), 0.0)
        return out

    def spectrum(self, label: str = "") -> Spectrum:
        """As a :class:`Spectrum` (neutrinos per MeV per burst), tail cut below 10⁻¹⁴."""
        hi = _upper_energy(self.mean_energy, self.alpha)
        # geometrically graded panels towards E = 0 resolve the E^α endpoint behaviour
        grading = (1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.2, 0.5, 1.0, 2.0, 4.0)
        return Spectrum(
            density=self.density,
            support=(0.0, hi),
            breakpoints=tuple(g * self.mean_energy for g in grading),
            label=label,
            panels=1,
        )


def default_emission() -> dict[Flavour, PinchedThermal]:
    """Illustrative per-flavour emission (see module docstring)."""
    share = 3e53 * ERG / 6.0
    return {
        Flavour.NU_E: PinchedThermal(share, 12.0 * u.MeV, 3.0),
        Flavour.NU_E_BAR: PinchedThermal(share, 15.0 * u.MeV, 3.0),
        **{
            fl: PinchedThermal(share, 18.0 * u.MeV, 3.0)
            for fl in (Flavour.NU_MU, Flavour.NU_MU_BAR, Flavour.NU_TAU, Flavour.NU_TAU_BAR)
        },
    }


@dataclass(frozen=True)
class SupernovaSource:
    """A supernova burst: per-flavour emission, duration and distance.

    Parameters
    ----------
    name
        Identifier.
    emission
        :class:`PinchedThermal` per flavour (or use ``tabulated`` for snewpy spectra).
    duration
        Burst duration (ns), > 0; the mean flux is ``fluence / duration``.
    distance
        Distance to the supernova (cm), default 10 kpc.
    tabulated
        Optional ready-made spectra per flavour (neutrinos per MeV per burst), e.g. from
        :func:`spectra_from_snewpy`; they replace ``emission`` for those flavours.
    """

    name: str = "SN-10kpc"
    emission: Mapping[Flavour, PinchedThermal] = field(default_factory=default_emission)
    duration: float = 10.0 * u.s
    distance: float = 10.0 * u.kpc
    tabulated: Mapping[Flavour, Spectrum] = field(default_factory=dict)

    normalisation_unit: ClassVar[str] = "burst"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.duration) and self.duration > 0):
            raise ValueError(
                f"duration: burst duration must be finite and > 0 ns, got {self.duration}"
            )
        check_distance(self.distance)

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Neutrinos emitted per MeV per burst, per flavour."""
        out = {fl: p.spectrum(f"{fl.symbol} pinched thermal") for fl, p in self.emission.items()}
        out.update(self.tabulated)
        return out

    def fluence(
        self, distance: float | None = None, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Time-integrated flux at Earth (1/cm²/MeV per burst), default at ``self.distance``."""
        d = self.distance if distance is None else distance
        return flux_from_spectra(self.spectra(), d, survival)

    def flux_at(
        self, distance: float | None = None, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Same as :meth:`fluence` (the normalisation unit is one burst)."""
        return self.fluence(distance, survival)

    @property
    def normalisation_rate(self) -> float:
        """Bursts per second averaged over the burst: ``1 s / duration``."""
        return u.s / self.duration

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        out = {
            "name": self.name,
            "kind": "core-collapse supernova burst",
            "distance": f"{self.distance / u.kpc:g} kpc",
            "duration": f"{self.duration / u.s:g} s",
            "normalisation_unit": self.normalisation_unit,
        }
        for fl, p in self.emission.items():
            out[fl.value] = (
                f"E_tot {p.total_energy / ERG:.3g} erg, <E> {p.mean_energy:g} MeV, α {p.alpha:g}"
            )
        for fl in self.tabulated:
            out[fl.value] = "tabulated (snewpy)"
        return out


# ----------------------------------------------------------------------------- snewpy
_SNEWPY_MISSING = (
    "snewpy: the optional package 'snewpy' is not installed; install it with "
    "`pip install 'cevns[supernova]'` (or `pip install snewpy`) to use supernova models "
    "from snewpy, or build a SupernovaSource from PinchedThermal spectra instead"
)


def _import_snewpy() -> Any:
    try:
        import snewpy  # noqa: F401
        from snewpy.neutrino import Flavor
    except ImportError as exc:
        raise ImportError(_SNEWPY_MISSING) from exc
    return Flavor


def _to_value(quantity: Any, unit: str) -> FloatArray:
    """Astropy quantity → float array in ``unit``; plain arrays pass through."""
    if hasattr(quantity, "to_value"):
        return np.asarray(quantity.to_value(unit), dtype=float)
    return np.asarray(quantity, dtype=float)


def spectra_from_snewpy(
    model: Any,
    times: ArrayLike,
    energies: ArrayLike,
    *,
    flavour_map: Mapping[Any, tuple[Flavour, ...]] | None = None,
    importer: Callable[[], Any] | None = None,
) -> dict[Flavour, Spectrum]:
    """Time-integrated emitted spectra from a ``snewpy`` model.

    Parameters
    ----------
    model
        A ``snewpy.models`` object with ``get_initial_spectra(t, E)`` returning, per
        ``snewpy.neutrino.Flavor``, ``dN/dE dt`` (1/(erg s)) on the grid.
    times
        Post-bounce times (ns) spanning the burst, increasing; trapezoidal integration.
    energies
        Energy grid (MeV), increasing, >= 0.
    flavour_map
        snewpy flavour → cevns flavours; default ``NU_E → ν_e``, ``NU_E_BAR → ν̄_e``,
        ``NU_X → ν_μ, ν_τ``, ``NU_X_BAR → ν̄_μ, ν̄_τ``.
    importer
        For tests: returns the snewpy ``Flavor`` enum.

    Returns
    -------
    dict
        :class:`Spectrum` per flavour, neutrinos per MeV per burst, linearly
        interpolated between the energy grid points.

    Raises
    ------
    ImportError
        If snewpy is not installed (message says how to install it).
    """
    flavor_enum = (importer or _import_snewpy)()
    t = np.asarray(times, dtype=float)
    e = np.asarray(energies, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError("times: need >= 2 strictly increasing times (ns)")
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] < 0:
        raise ValueError("energies: need >= 2 strictly increasing energies >= 0 (MeV)")
    mapping = flavour_map or {
        flavor_enum.NU_E: (Flavour.NU_E,),
        flavor_enum.NU_E_BAR: (Flavour.NU_E_BAR,),
        flavor_enum.NU_X: (Flavour.NU_MU, Flavour.NU_TAU),
        flavor_enum.NU_X_BAR: (Flavour.NU_MU_BAR, Flavour.NU_TAU_BAR),
    }
    t_s = t / u.s
    erg_per_mev = 1.0 / ERG
    rows: dict[Any, list[FloatArray]] = {key: [] for key in mapping}
    try:
        import astropy.units as apu

        t_arg: Any = t_s * apu.s
        e_arg: Any = e * apu.MeV
    except ImportError:  # pragma: no cover - astropy comes with snewpy
        t_arg, e_arg = t_s, e
    for ti in t_arg:
        initial = model.get_initial_spectra(ti, e_arg)
        for key in mapping:
            # 1/(erg s) → 1/(MeV s)
            rows[key].append(_to_value(initial[key], "1 / (erg s)") * erg_per_mev)
    out: dict[Flavour, Spectrum] = {}
    for key, flavours in mapping.items():
        per_mev = trapezoid(np.array(rows[key]), t_s, axis=0)
        values = np.maximum(per_mev, 0.0)

        def density(x: FloatArray, values: FloatArray = values) -> FloatArray:
            out_: FloatArray = np.interp(x, e, values, left=0.0, right=0.0)
            return out_

        for fl in flavours:
            out[fl] = Spectrum(
                density=density,
                support=(float(e[0]), float(e[-1])),
                breakpoints=tuple(float(x) for x in e[1:-1]) if e.size <= 200 else (),
                label=f"{fl.symbol} (snewpy {type(model).__name__})",
            )
    return out
