"""Electron-recoil background of solar neutrinos in a dark-matter detector (ν–e scattering).

Solar neutrinos scatter elastically on the atomic electrons of the target; below ~100 keV
the pp and ⁷Be neutrinos dominate this irreducible electron-recoil (ER) background of xenon
WIMP searches. The rate per unit target mass at electron recoil energy ``T`` is

    dR/dT = N_atoms Σ_f ∫_{E_min(T)} φ_f(E) dσ_atom/dT(E, T; f) dE,
    E_min(T) = (T + √(T² + 2 m_e T)) / 2,

with the solar fluxes and their MSW-LMA flavour content at Earth of
:class:`~cevns.sources.solar.SolarSource` (B16-GS98 by default; ν_e plus the ν_μ and ν_τ it
converts into), the Standard-Model ν–e cross section with the radiative corrections of
Bahcall, Kamionkowski & Sirlin (PRD 51 (1995) 6146) and, per atom, the stepping
approximation for the bound electrons (:mod:`cevns.physics.electron_scattering`): an
electron of binding energy ``B`` contributes only for ``T > B``. Line fluxes (pep, the two
⁷Be lines) are integrated exactly. No detector response: ``T`` is the energy given to the
electron (keV), before any resolution or efficiency.

Units: electron recoil energies in keV at the boundary (the keVee scale: an electron recoil is
not quenched; not keVnr), events per tonne of target per year per keV.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import units as u
from ..constants import ELECTRON_MASS
from ..physics.electron_scattering import NeutrinoElectronScattering, atomic_shells
from ..physics.targets import Target
from ..sources.solar import SolarSource
from ..types import FloatArray
from ..validation import shown

__all__ = ["solar_electron_recoil_rate"]

_SECONDS_PER_YEAR = u.year / u.s
#: Largest electron recoil (keV): above every solar neutrino's reach (18.8 MeV for hep), below
#: the 1 GeV where the ν–e cross section stops.
MAX_RECOIL_KEV = 1e5


def solar_electron_recoil_rate(
    recoil_energy_kev: ArrayLike,
    element: str = "Xe",
    components: Sequence[str] = ("pp", "be7"),
    source: SolarSource | None = None,
    stepping: bool = True,
) -> FloatArray:
    """Solar-neutrino ν–e scattering rate in events per tonne·year per keV of electron recoil.

    Parameters
    ----------
    recoil_energy_kev
        Electron recoil energies ``T`` (keV), finite and > 0, any shape.
    element
        Target element with tabulated atomic shells (``"Xe"``, ``"Ar"``, ``"Ge"``, ``"I"``,
        ``"Na"``); natural isotopic composition for the number of atoms per tonne.
    components
        Solar fluxes to include (names of :data:`cevns.sources.solar.SOLAR_COMPONENTS`);
        default pp and ⁷Be, the two that dominate below ~200 keV.
    source
        Solar model and oscillation parameters; default ``SolarSource()`` (B16-GS98, MSW-LMA
        with its cited default mixing). Its own ``components`` are replaced by ``components``.
    stepping
        ``True``: bound electrons in the stepping approximation (``Σ_i n_i θ(T − B_i)``);
        ``False``: all ``Z`` electrons free.
    """
    raw = np.asarray(recoil_energy_kev)
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"recoil_energy_kev: expected real numbers in keV, got {shown(raw)}")
    t_kev = raw.astype(np.float64)
    if not np.all(np.isfinite(t_kev)) or np.any(t_kev <= 0) or np.any(t_kev > MAX_RECOIL_KEV):
        raise ValueError(f"recoil_energy_kev: electron recoil energies must be in "
                         f"(0, {MAX_RECOIL_KEV:g}] keV")
    if isinstance(components, str):  # one name, not its characters
        components = (components,)
    shells = atomic_shells(element)  # one-line error for an element without shell data
    symbol = shells.symbol
    base = SolarSource() if source is None else source
    sun = SolarSource(model=base.model, components=tuple(components),
                      oscillation=base.oscillation, flux_scale=base.flux_scale)
    physics = NeutrinoElectronScattering()
    t = t_kev.ravel() * u.keV
    me = float(ELECTRON_MASS)
    e_min = 0.5 * (t + np.sqrt(t * t + 2.0 * me * t))
    per_atom = np.zeros_like(t)
    for flavour, spectrum in sun.flux_at().items():
        energies, weights = spectrum.quadrature(lower=e_min)
        if stepping:
            dsigma = physics.atomic_dsigma_dT(energies, t[:, None], flavour, symbol)
        else:
            z = float(sum(shells.electrons))
            dsigma = z * physics.dsigma_dT(energies, t[:, None], flavour)
        per_atom += np.sum(weights * dsigma, axis=-1)  # per MeV per second per atom
    atoms = float(np.sum(Target.parse(symbol).nuclei_per_kg())) * u.tonne / u.kg
    rate = per_atom * atoms * _SECONDS_PER_YEAR * u.keV
    out: FloatArray = rate.reshape(t_kev.shape)
    return out

