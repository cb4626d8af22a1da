"""Accelerator-produced light dark matter at spallation sources.

Meson production and the vector portals (:mod:`~cevns.darkmatter.production`), the models
and their parameters (:mod:`~cevns.darkmatter.models`), the χ flux and arrival times at a
detector (:mod:`~cevns.darkmatter.flux`) and signal templates through a detector's response
(:mod:`~cevns.darkmatter.signal`). The χ–nucleus cross section is in
:mod:`cevns.engine.dark_matter`; the CsI 2021 search in :mod:`cevns.experiments.csi2021_dm`.
"""

from __future__ import annotations

from .flux import ChiFlux, chi_flux
from .models import (
    DARK_MATTER_MODELS,
    DarkMatterModel,
    DarkPhoton,
    Leptophobic,
    get_dark_matter_model,
)
from .production import (
    SNS_PI0,
    MesonProduction,
    SanfordWang,
    baryonic_branching,
    dark_photon_branching,
)

__all__ = [
    "DARK_MATTER_MODELS",
    "SNS_PI0",
    "ChiFlux",
    "DarkMatterModel",
    "DarkPhoton",
    "Leptophobic",
    "MesonProduction",
    "SanfordWang",
    "baryonic_branching",
    "chi_flux",
    "dark_photon_branching",
    "get_dark_matter_model",
]
