"""Stopped-pion (πDAR) neutrino spectra.

π⁺ → μ⁺ ν_μ at rest gives a line at ``(m_π² − m_μ²)/(2 m_π)`` (29.79 MeV); the
μ⁺ → e⁺ ν_e ν̄_μ decay at rest gives the Michel spectra (seed 004; e.g.
Louis, Los Alamos Science 25 (1997); physics brief §4), with ``x = 2E/m_μ``:

* ν_e:  ``dN/dx = 12 x² (1 − x)``
* ν̄_μ: ``dN/dx = 2 x² (3 − 2x)``

each normalised to one neutrino per decay, endpoint ``m_μ/2`` = 52.83 MeV.
Masses are PDG values through :mod:`particle`.
"""

from __future__ import annotations

import numpy as np

from ..constants import CHARGED_PION_MASS, MUON_MASS
from ..flavours import Flavour
from .spectrum import FloatArray, SpectralLine, Spectrum


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
