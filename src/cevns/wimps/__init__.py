"""Dark-matter direct detection: WIMP recoil spectra, the neutrino floor and the neutrino fog.

:mod:`~cevns.wimps.halo` — Standard Halo Model spin-independent recoil spectra;
:mod:`~cevns.wimps.fog` — CEvNS backgrounds of solar and atmospheric neutrinos, discovery
limits (Billard, Figueroa-Feliciano & Strigari 2014), the fog opacity and floor (O'Hare 2021);
:mod:`~cevns.wimps.electron_recoils` — the electron-recoil background of solar neutrinos
(ν–e scattering on bound electrons).
"""

from __future__ import annotations

from .electron_recoils import solar_electron_recoil_rate
from .fog import (
    DEFAULT_FLUX_UNCERTAINTIES,
    NeutrinoBackground,
    binned_wimp_rate,
    discovery_limit,
    neutrino_background,
    neutrino_floor,
    opacity,
)
from .halo import SHM_BAXTER_2021, SHM_OHARE_2021, StandardHalo, wimp_recoil_rate

__all__ = [
    "DEFAULT_FLUX_UNCERTAINTIES",
    "SHM_BAXTER_2021",
    "SHM_OHARE_2021",
    "NeutrinoBackground",
    "StandardHalo",
    "binned_wimp_rate",
    "discovery_limit",
    "neutrino_background",
    "neutrino_floor",
    "opacity",
    "solar_electron_recoil_rate",
    "wimp_recoil_rate",
]
