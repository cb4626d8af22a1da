"""Beam exposure: protons on target from integrated beam energy or from power × time.

Experimenters quote an accelerator exposure as protons on target (POT), as the
integrated beam energy delivered to the target (GWh) at a proton kinetic energy,
or as a run time at a beam power. The conversions are exact:

    POT = E_beam / E_p,        E_beam = P × t,        POT rate = P / E_p

Example: the COHERENT CsI 2021 exposure, 13.99 GWh at 0.984 GeV, is 3.195 × 10²³ POT
(PRL 129 (2022) 081801; the release README: "13.99 GWh (≈ 3.20 × 10²³ POT)").

Units: energies in MeV, power in MeV/ns (``cevns.units.MW``), times in ns.

At the user boundary an exposure is a statement with units, read by
:func:`parse_exposure` (``"1.4 MW for 5000 h"``, ``"13.99 GWh"``, ``"3.2e23 POT"``); a bare
"year" of beam is refused, because beam-years differ between facilities and papers (the
COHERENT "SNS year" is about 5000 h at 1.4 MW, a calendar year is 8766 h). Every result
prints the POT and the proton energy used (:func:`beam_exposure_label`).
"""

from __future__ import annotations

import math
import re

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


# ----------------------------------------------------------------------------- statements
#: Words accepted for a count of source normalisation units, by the source's unit.
_COUNT_WORDS: dict[str, tuple[str, ...]] = {
    "proton on target": ("POT", "protons"),
    "fission": ("fission", "fissions"),
    "burst": ("burst", "bursts"),
}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_BEAM_HINT = "'1.4 MW for 5000 h', '13.99 GWh' or '3.2e23 POT'"


def _short_unit(source: object) -> str:
    unit = str(getattr(source, "normalisation_unit", "units"))
    return "POT" if unit == "proton on target" else unit


def _hours(duration: float) -> str:
    from .. import units as u

    return f"{duration / u.hour:.6g} h"


def beam_exposure_label(
    pot: float, proton_energy: float, *, beam_energy: float | None = None,
    beam_power: float | None = None, duration: float | None = None,
) -> str:
    """The one way an accelerator exposure is printed: what was given, the proton energy
    assumed for the conversion, and the POT (``"1.4 MW for 5000 h at 1 GeV = 2.517e+23 POT"``).
    """
    from .. import units as u

    at = f"at {proton_energy / u.GeV:.4g} GeV"
    if beam_power is not None and duration is not None:
        given = f"{beam_power / u.MW:.4g} MW for {_hours(duration)} {at}"
    elif beam_energy is not None:
        given = f"{beam_energy / u.GWh:.6g} GWh {at}"
    else:
        return f"{pot:.4g} POT"
    return f"{given} = {pot:.4g} POT"


def parse_exposure(text: str, source: object | None) -> tuple[float, str]:
    """An exposure statement → (source normalisation units, the label printed with results).

    Accepted, for an accelerator (stopped-pion) source:

    * ``"3.2e23 POT"``: protons on target, used as given;
    * ``"13.99 GWh"``: integrated beam energy, POT = E_beam / E_p with the source's proton
      energy (printed in the label);
    * ``"1.4 MW for 5000 h"``: beam power × time, the same conversion.

    For a source with a rate (reactor: fissions per second; supernova: bursts) a live time
    (``"8766 h"``, ``"1 year"``) or a count (``"1e27 fission"``, ``"1 burst"``) is accepted.

    A bare time for a beam (``"1 year"``, ``"5000 h"``) is refused: it would silently
    assume the facility's nominal power and duty cycle. ``year`` is the Julian year
    (365.25 d = 8766 h) wherever it is accepted, and the label prints it in hours.

    Raises
    ------
    ValueError
        ``exposure: ...`` naming what was not understood and what is accepted.
    """
    from .. import units as u

    if not isinstance(text, str):
        raise ValueError(f"exposure: expected text such as '3.2e23 POT', got {type(text).__name__}")
    if len(text) > u.MAX_QUANTITY_CHARS:
        raise ValueError(f"exposure: {len(text)} characters is too long for an exposure "
                         f"(at most {u.MAX_QUANTITY_CHARS})")
    raw = text.strip()
    unit = _short_unit(source) if source is not None else "units"
    proton_energy = getattr(source, "proton_energy", None)
    m = re.match(rf"^({_NUMBER})\s*([A-Za-z]+)$", raw)
    words = {w for ws in _COUNT_WORDS.values() for w in ws} | {"units"}
    if m and m.group(2) in words:
        value = float(m.group(1))
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"exposure: must be finite and > 0, got {raw!r}")
        allowed = ("units", *_COUNT_WORDS.get(str(getattr(source, "normalisation_unit", "")), ()))
        if source is not None and m.group(2) not in allowed:
            raise ValueError(
                f"exposure: {raw!r} counts {m.group(2)}, but this source is normalised per "
                f"{getattr(source, 'normalisation_unit', 'unit')}; use one of {list(allowed)}"
            )
        return value, f"{value:.4g} {unit}"
    power_time = re.match(r"^(.+?)\s+(?:for|x|×|\*)\s+(.+)$", raw)
    if power_time:
        power = u.parse_quantity(power_time.group(1), "power", name="exposure (beam power)")
        duration = u.parse_quantity(power_time.group(2), "time", name="exposure (time)")
        if not (power > 0 and duration > 0):
            raise ValueError(f"exposure: power and time must be > 0, got {raw!r}")
        if proton_energy is None:
            raise ValueError(
                "exposure: a beam power × time needs an accelerator source with a proton energy"
            )
        pot = protons_on_target(beam_power=power, duration=duration, proton_energy=proton_energy)
        return pot, beam_exposure_label(pot, proton_energy, beam_power=power, duration=duration)
    m = re.match(rf"^({_NUMBER})\s*(\S+)$", raw)
    kind = u.DIMENSIONS.get(m.group(2)) if m else None
    if kind == "beam_energy":
        energy = u.parse_quantity(raw, "beam_energy", name="exposure")
        if not energy > 0:
            raise ValueError(f"exposure: must be > 0, got {raw!r}")
        if proton_energy is None:
            raise ValueError("exposure: a beam energy needs an accelerator source with a "
                             "proton energy")
        pot = protons_on_target(beam_energy=energy, proton_energy=proton_energy)
        return pot, beam_exposure_label(pot, proton_energy, beam_energy=energy)
    if kind == "time":
        duration = u.parse_quantity(raw, "time", name="exposure")
        if not duration > 0:
            raise ValueError(f"exposure: must be > 0, got {raw!r}")
        if proton_energy is not None:
            raise ValueError(
                f"exposure: a bare time {raw!r} is not a beam exposure (it would assume the "
                f"facility's nominal power); write {_BEAM_HINT}"
            )
        if getattr(source, "normalisation_unit", None) == "burst":
            raise ValueError(
                f"exposure: a live time {raw!r} does not apply to a burst source (a supernova "
                f"happens once); write a number of bursts, e.g. '1 burst'"
            )
        rate = getattr(source, "normalisation_rate", None)
        if rate is None:
            raise ValueError("exposure: a live time needs a source with a rate per second")
        n = float(rate) * duration / u.s
        return n, f"{raw} live time ({_hours(duration)}) = {n:.4g} {unit}"
    hint = _BEAM_HINT if proton_energy is not None else "'8766 h', '1e27 fission', '1 burst'"
    raise ValueError(f"exposure: cannot read {raw!r}; write e.g. {hint}")
