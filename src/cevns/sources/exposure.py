"""Beam exposure: protons on target from integrated beam energy or from power × time.

Experimenters quote an accelerator exposure as protons on target (POT), as the
integrated beam energy delivered to the target (GWh) at a proton kinetic energy,
or as a run time at a beam power. The conversions are exact:

    POT = E_beam / E_p,        E_beam = P × t,        POT rate = P / E_p

(``POT = E_beam / E_p``). Example: the COHERENT CsI 2021 exposure, 13.99 GWh at
0.984 GeV, is 3.195 × 10²³ POT (PRL 129 (2022) 081801; ``../shared/data/README.md``:
"13.99 GWh (≈ 3.20 × 10²³ POT)").

Units: energies in MeV, power in MeV/ns (``cevns.units.MW``), times in ns.
"""

from __future__ import annotations

from ..validation import non_negative_scalar, positive_scalar


def protons_per_second(beam_power: float, proton_energy: float) -> float:
    """Protons per second delivered by a beam of ``beam_power`` at ``proton_energy``.

    Parameters
    ----------
    beam_power
        Average beam power (internal units; enter as ``1.4 * u.MW``), >= 0.
    proton_energy
        Proton kinetic energy (MeV; ``1 * u.GeV``), > 0.

    Returns
    -------
    float
        Protons per second (1/s).
    """
    from ..units import s

    power = non_negative_scalar(beam_power, "beam_power", "(enter as e.g. 1.4 * u.MW)")
    energy = positive_scalar(proton_energy, "proton_energy", "MeV")
    return power / energy * s


def protons_on_target(
    *,
    proton_energy: float,
    beam_energy: float | None = None,
    beam_power: float | None = None,
    duration: float | None = None,
) -> float:
    """Protons on target from an integrated beam energy or from power × time.

    Give ``proton_energy`` and either ``beam_energy`` or both ``beam_power`` and
    ``duration``.

    Parameters
    ----------
    proton_energy
        Proton kinetic energy (MeV), > 0.
    beam_energy
        Integrated beam energy on target (internal units; ``13.99 * u.GWh``), >= 0.
    beam_power
        Average beam power (``1.4 * u.MW``), >= 0.
    duration
        Time at that power (ns; ``1 * u.year``), >= 0.

    Returns
    -------
    float
        Number of protons on target.

    Examples
    --------
    >>> from cevns import units as u
    >>> round(protons_on_target(beam_energy=13.99 * u.GWh, proton_energy=0.984 * u.GeV) / 1e23, 3)
    3.195
    """
    energy = positive_scalar(proton_energy, "proton_energy", "MeV")
    if beam_energy is not None:
        if beam_power is not None or duration is not None:
            raise ValueError(
                "beam_energy: give either beam_energy or beam_power and duration, not both"
            )
        return (
            non_negative_scalar(beam_energy, "beam_energy", "(enter as e.g. 13.99 * u.GWh)")
            / energy
        )
    if beam_power is None or duration is None:
        raise ValueError("beam_energy: give beam_energy, or both beam_power and duration")
    power = non_negative_scalar(beam_power, "beam_power", "(enter as e.g. 1.4 * u.MW)")
    time = non_negative_scalar(duration, "duration", "ns")
    return power * time / energy


def beam_energy_from_pot(protons: float, proton_energy: float) -> float:
    """Integrated beam energy (internal units; divide by ``u.GWh``) of ``protons`` POT."""
    pot = non_negative_scalar(protons, "protons", "(number of protons on target)")
    return pot * positive_scalar(proton_energy, "proton_energy", "MeV")
