"""Neutrino sources: spectra per flavour, timing, normalisation and flux at a detector.

Submodules: :mod:`~cevns.sources.spectrum` (continuous + exact-line spectra),
:mod:`~cevns.sources.stopped_pion` (πDAR spectra, yields, :class:`StoppedPionSource`),
:mod:`~cevns.sources.timing` (proton pulses and analytic arrival-time PDFs),
:mod:`~cevns.sources.facilities` (catalogue), :mod:`~cevns.sources.exposure` (POT),
:mod:`~cevns.sources.reactor`, :mod:`~cevns.sources.supernova`,
:mod:`~cevns.sources.generic`, :mod:`~cevns.sources.solar`,
:mod:`~cevns.sources.base` (interface, ``1/(4πL²)``,
survival hook) and :mod:`~cevns.sources.catalogue` (name lookup).
"""

from __future__ import annotations

from .base import (
    NeutrinoSource,
    SurvivalProbability,
    apply_survival,
    flux_from_spectra,
    geometric_dilution,
    total_flux,
)
from .catalogue import catalogue, get_source
from .exposure import beam_energy_from_pot, protons_on_target, protons_per_second
from .facilities import facility, facility_catalogue
from .generic import CallableSource, MonochromaticSource, TabulatedSource
from .reactor import CONNIE, CONUS, REACTOR_PRESETS, FissionIsotope, ReactorSource, fission_isotopes
from .solar import OscillationParameters, SolarSource, survival_probability
from .spectrum import SpectralLine, Spectrum
from .stopped_pion import (
    YIELD_CSI_2017,
    YIELD_CSI_2021,
    YIELD_LAR_2020,
    YIELD_PRESETS,
    NeutrinoYield,
    StoppedPionSource,
    efremenko_total_yield,
    efremenko_yield,
    stopped_pion_spectra,
)
from .supernova import ERG, PinchedThermal, SupernovaSource, spectra_from_snewpy
from .timing import (
    GaussianPulse,
    TabulatedArrivalTimes,
    TabulatedPulse,
    decay_chain_cdf,
    decay_chain_pdf,
)

__all__ = [
    "CONNIE",
    "CONUS",
    "ERG",
    "REACTOR_PRESETS",
    "YIELD_CSI_2017",
    "YIELD_CSI_2021",
    "YIELD_LAR_2020",
    "YIELD_PRESETS",
    "CallableSource",
    "FissionIsotope",
    "GaussianPulse",
    "MonochromaticSource",
    "NeutrinoSource",
    "NeutrinoYield",
    "OscillationParameters",
    "PinchedThermal",
    "ReactorSource",
    "SolarSource",
    "SpectralLine",
    "Spectrum",
    "StoppedPionSource",
    "SupernovaSource",
    "SurvivalProbability",
    "TabulatedArrivalTimes",
    "TabulatedPulse",
    "TabulatedSource",
    "apply_survival",
    "beam_energy_from_pot",
    "catalogue",
    "decay_chain_cdf",
    "decay_chain_pdf",
    "efremenko_total_yield",
    "efremenko_yield",
    "facility",
    "facility_catalogue",
    "fission_isotopes",
    "flux_from_spectra",
    "geometric_dilution",
    "get_source",
    "protons_on_target",
    "protons_per_second",
    "spectra_from_snewpy",
    "stopped_pion_spectra",
    "survival_probability",
    "total_flux",
]
