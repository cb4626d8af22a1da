"""De-excitation of a nuclear level: how many neutrons it emits, and its γ energy.

A level below the neutron separation energy ``S_n`` of the final nucleus decays by γ
emission (0 neutrons). Above it the neutron width exceeds the γ width by orders of
magnitude, so a neutron is emitted; the residual nucleus emits a second neutron if the
first left it above its own ``S_n``. The first neutron's kinetic energy ``ε`` follows the
evaporation spectrum of the statistical model (V. Weisskopf, Phys. Rev. 52 (1937) 295),

.. math::  φ(ε) ∝ ε\\, e^{−ε/T},\\quad 0 ≤ ε ≤ E_x − S_n,\\quad T = \\sqrt{(E_x − S_n)/a},

with the Fermi-gas level-density parameter ``a = A/8 MeV⁻¹`` (Bohr & Mottelson, Nuclear
Structure Vol. I (1969), Eq. 2-55 and Fig. 2-17), so that

.. math::  P(\\ge 2n) = \\frac{\\int_0^{E_x − S_{2n}} φ}{\\int_0^{E_x − S_n} φ},\\qquad
           S_{2n} = S_n(Z, A) + S_n(Z, A−1).

The last entry of :func:`neutron_probabilities` is *two or more* neutrons (levels above
``S_{3n}`` carry little strength at stopped-pion energies). Charged-particle emission is not
modelled: it is blocked by the Coulomb barrier in ¹²⁷Xe and ²⁰⁸Bi, but competes with
neutrons in light nuclei (⁴⁰K has ``S_p < S_n``), where the neutron numbers here are upper
bounds. Separation energies come from the AME atomic masses shipped with
:mod:`periodictable`.
"""

from __future__ import annotations

import math

import numpy as np
import periodictable

from ..constants import ATOMIC_MASS_UNIT, NEUTRON_MASS
from .channel import FinalState

#: Fermi-gas level-density parameter a = A / LEVEL_DENSITY_DIVISOR (MeV⁻¹); Bohr & Mottelson
#: (1969) Vol. I, Fig. 2-17 (a ≈ A/8 MeV⁻¹).
LEVEL_DENSITY_DIVISOR = 8.0


def atomic_mass(z: int, a: int) -> float:
    """Atomic mass (MeV) of the isotope ``(Z, A)`` from :mod:`periodictable`.

    Raises
    ------
    ValueError
        If the isotope is unknown.
    """
    element = periodictable.elements[z]
    try:
        mass_u = float(element[a].mass)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"isotope: no mass for Z={z}, A={a} in periodictable") from exc
    return mass_u * float(ATOMIC_MASS_UNIT)


def neutron_separation_energy(z: int, a: int) -> float:
    """``S_n = M(Z, A−1) + m_n − M(Z, A)`` in MeV (atomic masses)."""
    return atomic_mass(z, a - 1) + float(NEUTRON_MASS) - atomic_mass(z, a)


def two_neutron_separation_energy(z: int, a: int) -> float:
    """``S_2n = S_n(Z, A) + S_n(Z, A−1)`` in MeV."""
    return neutron_separation_energy(z, a) + neutron_separation_energy(z, a - 1)


def _evaporation_cdf(x: float, temperature: float) -> float:
    """``∫_0^x ε e^{−ε/T} dε`` (unnormalised)."""
    t = temperature
    return t * t * (1.0 - math.exp(-x / t) * (1.0 + x / t))


def neutron_probabilities(excitation: float, z: int, a: int) -> tuple[float, ...]:
    """``(P(0n), P(1n), P(≥2n))`` for a level at ``excitation`` MeV in nucleus ``(Z, A)``.

    Bound levels give ``(1.0,)``; between ``S_n`` and ``S_2n`` ``(0.0, 1.0)``.
    """
    if not (np.isfinite(excitation) and excitation >= 0):
        raise ValueError(f"excitation: must be finite and >= 0 MeV, got {excitation!r}")
    s_n = neutron_separation_energy(z, a)
    if excitation < s_n:
        return (1.0,)
    s_2n = s_n + neutron_separation_energy(z, a - 1)
    if excitation <= s_2n:
        return (0.0, 1.0)
    u_max = excitation - s_n
    temperature = math.sqrt(u_max / (a / LEVEL_DENSITY_DIVISOR))
    p2 = _evaporation_cdf(excitation - s_2n, temperature) / _evaporation_cdf(u_max, temperature)
    p2 = min(max(p2, 0.0), 1.0)
    return (0.0, 1.0 - p2, p2)


def level_final_state(label: str, delta: float, level_energy: float, z: int, a: int) -> FinalState:
    """A :class:`FinalState` for a level at ``level_energy`` MeV in nucleus ``(Z, A)``.

    ``delta`` is the energy taken from the neutrino (:class:`FinalState.excitation`); the
    γ energy is the level energy (the cascade to the ground state if no particle is emitted).
    """
    return FinalState(
        label=label,
        excitation=float(delta),
        neutron_probabilities=neutron_probabilities(level_energy, z, a),
        gamma_energy=float(level_energy),
    )
