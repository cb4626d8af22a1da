"""Stopped-pion (πDAR) neutrino spectra.

π⁺ → μ⁺ ν_μ at rest gives a line at ``(m_π² − m_μ²)/(2 m_π)`` (29.79 MeV); the
μ⁺ → e⁺ ν_e ν̄_μ decay at rest gives the Michel spectra (Jeong, K-Neutrino Symposium 2024; e.g.
Louis, Los Alamos Science 25 (1997)), with ``x = 2E/m_μ``:

* ν_e:  ``dN/dx = 12 x² (1 − x)``
* ν̄_μ: ``dN/dx = 2 x² (3 − 2x)``

each normalised to one neutrino per decay, endpoint ``m_μ/2`` = 52.83 MeV.
Masses are PDG values through :mod:`particle`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from ..constants import CHARGED_PION_LIFETIME, CHARGED_PION_MASS, MUON_LIFETIME, MUON_MASS
from ..flavours import Flavour
from .base import SurvivalProbability, flux_from_spectra
from .exposure import protons_per_second
from .spectrum import FloatArray, SpectralLine, Spectrum
from .timing import (
    SNS_LAR2020_TRACE,
    ProtonPulse,
    TabulatedArrivalTimes,
    decay_chain_cdf,
    decay_chain_pdf,
)


def prompt_line_energy() -> float:
    """Energy (MeV) of the prompt ν_μ from π⁺ → μ⁺ ν_μ at rest: ``(m_π² − m_μ²)/(2 m_π)``."""
    m_pi, m_mu = float(CHARGED_PION_MASS), float(MUON_MASS)
    return (m_pi**2 - m_mu**2) / (2.0 * m_pi)


def michel_endpoint() -> float:
    """Endpoint (MeV) of the Michel spectra, ``m_μ/2`` (electron mass neglected)."""
    return float(MUON_MASS) / 2.0


def michel_nu_e_density(energy: FloatArray) -> FloatArray:
    """ν_e spectrum from μ⁺ decay at rest, ``dN/dE = (24/m_μ) x²(1 − x)``, 1/MeV per decay."""
    m_mu = float(MUON_MASS)
    x = 2.0 * np.asarray(energy, dtype=float) / m_mu
    return np.where((x >= 0) & (x <= 1), 12.0 * x**2 * (1.0 - x) * 2.0 / m_mu, 0.0)


def michel_nu_mu_bar_density(energy: FloatArray) -> FloatArray:
    """ν̄_μ spectrum from μ⁺ decay at rest, ``dN/dE = (4/m_μ) x²(3 − 2x)``, 1/MeV per decay."""
    m_mu = float(MUON_MASS)
    x = 2.0 * np.asarray(energy, dtype=float) / m_mu
    return np.where((x >= 0) & (x <= 1), 2.0 * x**2 * (3.0 - 2.0 * x) * 2.0 / m_mu, 0.0)


def stopped_pion_spectra(nu_e_bar_fraction: float = 0.0) -> dict[Flavour, Spectrum]:
    """Per-flavour πDAR spectra, each normalised to one neutrino per π⁺ decay chain.

    Parameters
    ----------
    nu_e_bar_fraction
        ν̄_e per π⁺ chain from the (mostly captured) π⁻ → μ⁻ decays at rest; its
        spectrum is the ν_e Michel shape (CP mirror of μ⁻ → e⁻ ν̄_e ν_μ). Default 0.

    Returns
    -------
    dict
        ``{ν_μ: line, ν_e: Michel, ν̄_μ: Michel[, ν̄_e: Michel × fraction]}``.
    """
    if not (np.isfinite(nu_e_bar_fraction) and 0.0 <= nu_e_bar_fraction <= 1.0):
        raise ValueError(f"nu_e_bar_fraction: must be in [0, 1], got {nu_e_bar_fraction}")
    end = michel_endpoint()
    spectra = {
        Flavour.NU_MU: Spectrum(
            lines=(SpectralLine(prompt_line_energy(), 1.0),), label="prompt ν_μ (π⁺ → μ⁺ ν_μ)"
        ),
        Flavour.NU_E: Spectrum(
            density=michel_nu_e_density, support=(0.0, end), label="delayed ν_e (Michel)"
        ),
        Flavour.NU_MU_BAR: Spectrum(
            density=michel_nu_mu_bar_density, support=(0.0, end), label="delayed ν̄_μ (Michel)"
        ),
    }
    if nu_e_bar_fraction > 0:
        spectra[Flavour.NU_E_BAR] = Spectrum(
            density=michel_nu_e_density, support=(0.0, end), label="ν̄_e (π⁻/μ⁻ DAR)"
        ).scaled(nu_e_bar_fraction)
    return spectra


# =============================================================================== yields
@dataclass(frozen=True)
class NeutrinoYield:
    """Neutrinos of each πDAR flavour (ν_μ, ν_e, ν̄_μ) per proton on target.

    Parameters
    ----------
    per_flavour
        ν per flavour per POT (the prompt ν_μ, the delayed ν_e and ν̄_μ each get this many).
    relative_uncertainty
        One-sigma relative uncertainty (default 10 %, the COHERENT flux uncertainty:
        arXiv:2109.11049; Efremenko, NuINT 2024 "we know neutrino flux with 10% accuracy").
    reference
        Where the number comes from.
    """

    per_flavour: float
    relative_uncertainty: float = 0.10
    reference: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.per_flavour) and 0 < self.per_flavour < 1):
            raise ValueError(
                f"per_flavour: neutrinos per flavour per proton must be in (0, 1), "
                f"got {self.per_flavour}"
            )
        if not (math.isfinite(self.relative_uncertainty) and 0 <= self.relative_uncertainty < 1):
            raise ValueError(
                f"relative_uncertainty: must be in [0, 1), got {self.relative_uncertainty}"
            )

    @property
    def uncertainty(self) -> float:
        """Absolute one-sigma uncertainty (ν per flavour per POT)."""
        return self.per_flavour * self.relative_uncertainty


#: COHERENT CsI 2017 data release / Science 2017: 0.08 ± 0.008 ν/flavour/POT (slide "0.08
#: neutrinos per flavor per proton on target" of K. Scholberg, MPA Summer School 2021).
YIELD_CSI_2017 = NeutrinoYield(
    0.08, 0.10, "COHERENT CsI 2017 (Science 357 (2017) 1123): 0.08 ± 0.008"
)
#: COHERENT CsI 2021 analysis (PRL 129 (2022) 081801): 0.0848 ν/flavour/POT at 0.984 GeV.
YIELD_CSI_2021 = NeutrinoYield(0.0848, 0.10, "COHERENT CsI 2021 (PRL 129 (2022) 081801): 0.0848")
#: COHERENT LAr 2020 data release, ``LArParametersAnlA.yaml`` ``neutrinosPerProton``: 0.09 ± 0.009.
YIELD_LAR_2020 = NeutrinoYield(
    0.09, 0.10, "COHERENT LAr 2020 release (LArParametersAnlA.yaml): 0.09 ± 0.009"
)

#: Named yield presets as the data releases use them.
YIELD_PRESETS: dict[str, NeutrinoYield] = {
    "csi2017": YIELD_CSI_2017,
    "csi2021": YIELD_CSI_2021,
    "lar2020": YIELD_LAR_2020,
}

#: Proton kinetic energies (MeV) between which the Efremenko, NuINT 2024 parametrisation is used.
EFREMENKO_YIELD_VALIDITY: tuple[float, float] = (800.0, 1300.0)


def efremenko_total_yield(proton_energy: float) -> float:
    """ν per proton summed over ν_μ, ν_e, ν̄_μ on the SNS mercury target.

    ``Y(E) = 0.28 E² − 1.12 E + 1.79 − 0.68/E`` with ``E`` the proton kinetic energy
    in GeV (Efremenko, NuINT 2024, "Neutrino Flux Prediction for the SNS";
    read as the three-flavour sum: 0.27 at 1 GeV = 0.09 per flavour,
    matching the LAr 2020 release).

    Parameters
    ----------
    proton_energy
        Proton kinetic energy (MeV).

    Raises
    ------
    ValueError
        Outside 0.8–1.3 GeV, the range of SNS operating energies the Geant4 study
        behind the fit covers (present 0.9–1 GeV to the 1.3 GeV power upgrade, Efremenko, NuINT
        2024).
        The fit is a polynomial and is not extrapolated.
    """
    e = float(proton_energy)
    lo, hi = EFREMENKO_YIELD_VALIDITY
    if not (math.isfinite(e) and lo <= e <= hi):
        raise ValueError(
            f"proton_energy: the Efremenko, NuINT 2024 yield parametrisation is valid for "
            f"{lo / 1e3:g}–{hi / 1e3:g} GeV, got {e / 1e3:g} GeV; give an explicit yield"
        )
    x = e / 1e3
    return 0.28 * x * x - 1.12 * x + 1.79 - 0.68 / x


def efremenko_yield(proton_energy: float, relative_uncertainty: float = 0.10) -> NeutrinoYield:
    """Per-flavour yield from :func:`efremenko_total_yield` (one third of the sum)."""
    return NeutrinoYield(
        efremenko_total_yield(proton_energy) / 3.0,
        relative_uncertainty,
        f"Efremenko (NuINT 2024) parametrisation at {proton_energy / 1e3:g} GeV"
        " (three-flavour sum / 3)",
    )


# =============================================================================== source
#: Decay chain before each flavour's emission: lifetimes (ns) convolved with the pulse.
def _chain_lifetimes(flavour: Flavour) -> tuple[float, ...]:
    tau_pi, tau_mu = float(CHARGED_PION_LIFETIME), float(MUON_LIFETIME)
    if flavour is Flavour.NU_MU:
        return (tau_pi,)
    if flavour in (Flavour.NU_E, Flavour.NU_MU_BAR, Flavour.NU_E_BAR):
        # ν̄_e (π⁻ → μ⁻ → e⁻ ν̄_e ν_μ) is given the free μ lifetime: an approximation, the
        # few μ⁻ that decay rather than capture do so mostly in light materials.
        return (tau_pi, tau_mu)
    raise ValueError(
        f"flavour: {flavour.value} is not produced by a stopped-pion source; "
        f"allowed: nu_mu, nu_e, nu_mu_bar, nu_e_bar"
    )


@dataclass(frozen=True)
class StoppedPionSource:
    """A pulsed spallation source of stopped-pion (πDAR) neutrinos.

    Parameters
    ----------
    name
        Identifier (``"SNS"``).
    proton_energy
        Proton kinetic energy (MeV), > 0.
    beam_power
        Average beam power (internal units, ``1.4 * u.MW``), >= 0.
    repetition_rate
        Pulses per ns (enter as ``60 / u.s``), > 0.
    pulse
        Proton pulse time profile (:mod:`cevns.sources.timing`).
    neutrino_yield
        ν per flavour per POT with its uncertainty.
    nu_e_bar_fraction
        ν̄_e per πDAR chain from π⁻/μ⁻ decays at rest (Michel ν_e shape), default 0.
    arrival_times
        Optional tabulated arrival-time PDFs per flavour
        (:class:`~cevns.sources.timing.TabulatedArrivalTimes`, e.g. from a release); when
        given they replace the pulse ⊗ decay-chain model for every timing question.

    Notes
    -----
    Spectra are per proton on target: ``Y × (δ(E − 29.79 MeV)`` for ν_μ, ``Y × Michel``
    for ν_e and ν̄_μ, ``Y × f × Michel(ν_e)`` for ν̄_e). Arrival times: the pulse
    convolved with the π⁺ lifetime (ν_μ) or π⁺ and μ⁺ lifetimes (the others), see
    :mod:`cevns.sources.timing`.
    """

    name: str
    proton_energy: float
    beam_power: float
    repetition_rate: float
    pulse: ProtonPulse = field(default_factory=lambda: SNS_LAR2020_TRACE)
    neutrino_yield: NeutrinoYield = YIELD_LAR_2020
    nu_e_bar_fraction: float = 0.0
    description: str = ""
    arrival_times: TabulatedArrivalTimes | None = None

    normalisation_unit: ClassVar[str] = "proton on target"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.proton_energy) and self.proton_energy > 0):
            raise ValueError(f"proton_energy: must be finite and > 0 MeV, got {self.proton_energy}")
        if not (math.isfinite(self.beam_power) and self.beam_power >= 0):
            raise ValueError(
                f"beam_power: must be finite and >= 0 (enter as e.g. 1.4 * u.MW), "
                f"got {self.beam_power}"
            )
        if not (math.isfinite(self.repetition_rate) and self.repetition_rate > 0):
            raise ValueError(
                f"repetition_rate: must be finite and > 0 per ns (enter as e.g. 60 / u.s), "
                f"got {self.repetition_rate}"
            )
        if not (math.isfinite(self.nu_e_bar_fraction) and 0 <= self.nu_e_bar_fraction <= 1):
            raise ValueError(f"nu_e_bar_fraction: must be in [0, 1], got {self.nu_e_bar_fraction}")

    # ------------------------------------------------------------------ energy
    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """Flavours this source emits."""
        base = (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR)
        return (*base, Flavour.NU_E_BAR) if self.nu_e_bar_fraction > 0 else base

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Neutrinos per MeV (lines: per line) per proton on target, per flavour."""
        per_chain = stopped_pion_spectra(self.nu_e_bar_fraction)
        y = self.neutrino_yield.per_flavour
        return {flavour: spectrum.scaled(y) for flavour, spectrum in per_chain.items()}

    @property
    def protons_per_second(self) -> float:
        """Protons on target per second (1/s)."""
        return protons_per_second(self.beam_power, self.proton_energy)

    @property
    def normalisation_rate(self) -> float:
        """Normalisation units (POT) per second."""
        return self.protons_per_second

    def flux_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux per POT at ``distance`` (cm): 1/cm²/MeV (lines 1/cm²) per proton on target."""
        return flux_from_spectra(self.spectra(), distance, survival)

    def flux_rate_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Flux per second at ``distance`` (cm) at the nominal beam power: 1/cm²/MeV/s."""
        return flux_from_spectra(self.spectra(), distance, survival, scale=self.protons_per_second)

    def fluence(
        self,
        distance: float,
        protons_on_target: float,
        survival: SurvivalProbability | None = None,
    ) -> dict[Flavour, Spectrum]:
        """Time-integrated flux (1/cm²/MeV) for an exposure of ``protons_on_target`` POT."""
        if not (math.isfinite(protons_on_target) and protons_on_target >= 0):
            raise ValueError(f"protons_on_target: must be finite and >= 0, got {protons_on_target}")
        return flux_from_spectra(self.spectra(), distance, survival, scale=protons_on_target)

    # ------------------------------------------------------------------ time
    def arrival_time_pdf(self, flavour: Flavour | str, t: ArrayLike) -> FloatArray:
        """Arrival-time density (1/ns) of ``flavour`` at times ``t`` (ns), normalised to 1."""
        fl = Flavour.parse(flavour)
        if self.arrival_times is not None:
            return self.arrival_times.pdf(fl, t)
        return decay_chain_pdf(self.pulse, t, _chain_lifetimes(fl))

    def arrival_time_cdf(self, flavour: Flavour | str, t: ArrayLike) -> FloatArray:
        """Fraction of ``flavour`` arriving before ``t`` (ns)."""
        fl = Flavour.parse(flavour)
        if self.arrival_times is not None:
            return self.arrival_times.cdf(fl, t)
        return decay_chain_cdf(self.pulse, t, _chain_lifetimes(fl))

    def arrival_time_pdfs(self, t: ArrayLike) -> dict[Flavour, FloatArray]:
        """Arrival-time densities (1/ns) of every emitted flavour at ``t`` (ns)."""
        if self.arrival_times is not None:
            return {fl: self.arrival_times.pdf(fl, t) for fl in self.flavours}
        cache: dict[tuple[float, ...], FloatArray] = {}
        out: dict[Flavour, FloatArray] = {}
        for fl in self.flavours:
            key = _chain_lifetimes(fl)
            if key not in cache:
                cache[key] = decay_chain_pdf(self.pulse, t, key)
            out[fl] = cache[key]
        return out

    def time_window_fraction(self, flavour: Flavour | str, t_lo: float, t_hi: float) -> float:
        """Fraction of ``flavour`` arriving in ``[t_lo, t_hi]`` (ns)."""
        if not (math.isfinite(t_lo) and math.isfinite(t_hi) and t_hi >= t_lo):
            raise ValueError(f"t_hi: need finite t_lo <= t_hi (ns), got [{t_lo}, {t_hi}]")
        cdf = self.arrival_time_cdf(flavour, np.array([t_lo, t_hi]))
        return float(cdf[1] - cdf[0])

    def time_bin_probabilities(self, flavour: Flavour | str, edges: ArrayLike) -> FloatArray:
        """Probability of ``flavour`` arriving in each bin of ``edges`` (ns, increasing)."""
        e = np.asarray(edges, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0):
            raise ValueError("edges: need >= 2 finite, strictly increasing bin edges (ns)")
        return np.diff(self.arrival_time_cdf(flavour, e))

    def duty_factor(self, window: float) -> float:
        """Fraction of wall-clock time inside a ``window`` (ns) opened at each pulse.

        This is the steady-state background suppression: beam-unrelated events are
        accepted with probability ``window × repetition_rate`` (e.g. 60 Hz × 10 µs = 6 × 10⁻⁴,
        Scholberg, MPA Summer School 2021 "background rejection factor ~ few × 10⁻⁴").
        """
        if not (math.isfinite(window) and window >= 0):
            raise ValueError(f"window: must be finite and >= 0 ns, got {window}")
        period = 1.0 / self.repetition_rate
        if window > period:
            raise ValueError(
                f"window: must not exceed the pulse period {period:g} ns, got {window:g}"
            )
        return window * self.repetition_rate

    # ------------------------------------------------------------------ report
    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        from .. import units as u

        return {
            "name": self.name,
            "kind": "stopped-pion (πDAR) spallation source",
            "proton_energy": f"{self.proton_energy / u.GeV:g} GeV",
            "beam_power": f"{self.beam_power / u.MW:g} MW",
            "repetition_rate": f"{self.repetition_rate * u.s:g} Hz",
            "pulse": self.pulse.describe(),
            "yield": (
                f"{self.neutrino_yield.per_flavour:g} ± {self.neutrino_yield.uncertainty:.2g} "
                f"ν/flavour/POT ({self.neutrino_yield.reference})"
            ),
            "protons_per_second": f"{self.protons_per_second:.4g} /s",
            "nu_e_bar_fraction": f"{self.nu_e_bar_fraction:g}",
            "normalisation_unit": self.normalisation_unit,
        }
