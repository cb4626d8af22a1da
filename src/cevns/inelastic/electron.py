"""Neutrino–electron elastic scattering as a :class:`~cevns.inelastic.channel.Channel`.

Registers ``"e-nue"``: ``ν e⁻ → ν e⁻`` on one *free* electron, every flavour, with the
radiative corrections of Bahcall, Kamionkowski & Sirlin, PRD 51 (1995) 6146
(:mod:`cevns.physics.electron_scattering`). The number of targets of this channel in a
detector is the number of electrons (``Z`` per atom); where the recoil spectrum matters,
:meth:`ElectronScatteringChannel.differential_cross_section` gives ``dσ/dT`` and
:meth:`ElectronScatteringChannel.atomic_differential_cross_section` the per-atom
spectrum in the stepping approximation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..flavours import ALL_FLAVOURS, Flavour
from ..physics.electron_scattering import ENERGY_RANGE, NeutrinoElectronScattering, max_recoil
from ..types import FloatArray
from .channel import FinalState, Process, register_channel

__all__ = ["ElectronScatteringChannel"]


@dataclass(frozen=True)
class ElectronScatteringChannel:
    """``ν e⁻ → ν e⁻`` on a free electron (cross sections per electron, cm²)."""

    physics: NeutrinoElectronScattering = field(default_factory=NeutrinoElectronScattering)
    name: str = "e-nue"
    target: str = "e"
    process: Process = Process.ELECTRON_ELASTIC
    flavours: tuple[Flavour, ...] = ALL_FLAVOURS
    energy_range: tuple[float, float] = ENERGY_RANGE
    final_states: tuple[FinalState, ...] = (FinalState("e⁻ recoil", 0.0),)

    def threshold(self, flavour: Flavour) -> float:
        """No threshold on a free electron (0 MeV)."""
        Flavour.parse(flavour)
        return 0.0

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section per free electron in cm²."""
        return self.physics.cross_section(energy, flavour)

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """The single final state: shape ``energy.shape + (1,)``."""
        return self.cross_section(energy, flavour)[..., None]

    def differential_cross_section(self, energy: ArrayLike, recoil: ArrayLike,
                                   flavour: Flavour) -> FloatArray:
        """``dσ/dT`` per free electron in cm²/MeV (``recoil`` = electron kinetic energy)."""
        return self.physics.dsigma_dT(energy, recoil, flavour)

    def atomic_differential_cross_section(self, energy: ArrayLike, recoil: ArrayLike,
                                          flavour: Flavour, element: str) -> FloatArray:
        """``dσ/dT`` per atom of ``element`` (stepping approximation), cm²/MeV."""
        return self.physics.atomic_dsigma_dT(energy, recoil, flavour, element)

    def max_recoil(self, energy: ArrayLike) -> FloatArray:
        """Largest electron kinetic energy in MeV."""
        return max_recoil(np.asarray(energy, dtype=np.float64))


register_channel("e-nue", ElectronScatteringChannel)
