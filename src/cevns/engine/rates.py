"""Recoil spectra: the cross section folded with a neutrino spectrum.

``recoil_spectrum`` computes, for each recoil energy ``T``,

    dR/dT = ∫_{E_min(T)} φ(E) dσ/dT(E, T) dE  +  Σ_lines I_i dσ/dT(E_i, T)

per target nucleus and per unit of the spectrum's normalisation (per proton on
target, per fission, ...). The lower limit ``E_min(T) = (T + √(T² + 2MT))/2`` is
applied exactly per ``T`` through :meth:`Spectrum.quadrature`, so the kink at
threshold costs no accuracy; lines stay exact.

Units: ``T`` in MeV; result in cm²/MeV per nucleus per normalisation unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..flavours import Flavour
from ..models.standard_model import CEvNSModel
from ..physics.kinematics import min_neutrino_energy
from ..physics.targets import Isotope
from ..sources.spectrum import DEFAULT_NODES_PER_PANEL, Spectrum
from ..types import FloatArray
from ..validation import non_negative_array
from .cross_section import _resolve, differential_cross_section


def recoil_spectrum(
    spectrum: Spectrum,
    isotope: Isotope | str,
    flavour: Flavour | str,
    recoil_energy: ArrayLike,
    model: CEvNSModel | None = None,
    nodes_per_panel: int = DEFAULT_NODES_PER_PANEL,
) -> FloatArray:
    """``∫ φ(E) dσ/dT(E, T) dE`` (cm²/MeV per nucleus per normalisation unit) at each ``T``.

    Parameters
    ----------
    spectrum
        Neutrino spectrum of ``flavour`` (1/MeV per normalisation unit, plus lines).
    isotope
        Target nucleus (:class:`~cevns.physics.targets.Isotope` or name).
    flavour
        Neutrino flavour of the spectrum.
    recoil_energy
        ``T`` (MeV), >= 0, any shape.
    model
        Couplings and form factors; default Standard Model.
    nodes_per_panel
        Gauss–Legendre order per spectral panel above ``E_min(T)``.
    """
    t = non_negative_array(recoil_energy, "recoil_energy")
    iso, flav, mdl = _resolve(isotope, flavour, model)
    e_min = min_neutrino_energy(t, iso.nuclear_mass)
    energies, weights = spectrum.quadrature(lower=e_min, nodes_per_panel=nodes_per_panel)
    dsigma = differential_cross_section(energies, t[..., None], iso, flav, mdl)
    return np.asarray(np.sum(weights * dsigma, axis=-1), dtype=float)
