"""The one units policy of ``cevns``.

Every number inside the library is a plain ``float`` (or numpy array) in this
fixed internal system:

=================  ==========  =========================================
quantity           unit        notes
=================  ==========  =========================================
energy, mass       MeV         neutrino energy ``E``, recoil ``T``, nuclear mass ``M``
length             cm          distances, nuclear radii (``1 fm = 1e-13 cm``)
time               ns          arrival times, lifetimes, pulse widths
detector mass      kg          target masses
cross section      cm²         ``dσ/dT`` is in cm² / MeV
=================  ==========  =========================================

Multiply by the constants below to *enter* a value, divide to *read it out*::

    >>> from cevns import units as u
    >>> T = 10 * u.keV            # 0.01 (MeV)
    >>> L = 19.3 * u.m            # 1930.0 (cm)
    >>> L / u.m
    19.3

At the user boundary (TOML files, CSV headers, the CLI) a bare number is never
accepted where a unit is ambiguous: quantities are written with their unit
(``"19.3 m"``) and parsed with :func:`parse_quantity`.
"""

from __future__ import annotations

import math
import re

# --- energy (base: MeV) ------------------------------------------------------
MeV = 1.0
eV = 1e-6 * MeV
keV = 1e-3 * MeV
GeV = 1e3 * MeV
TeV = 1e6 * MeV
# Electron-equivalent and nuclear-recoil keV are both keV of energy; the suffix
# only says which scale a number lives on.
keVee = keV
keVnr = keV
MeVee = MeV
MeVnr = MeV

# --- length (base: cm) -------------------------------------------------------
cm = 1.0
m = 100.0 * cm
mm = 0.1 * cm
km = 1e5 * cm
fm = 1e-13 * cm
kpc = 3.0856775814913673e21 * cm  # IAU 2012 astronomical unit based parsec x 1e3

# --- time (base: ns) ---------------------------------------------------------
ns = 1.0
us = 1e3 * ns
ms = 1e6 * ns
s = 1e9 * ns
hour = 3600.0 * s
day = 86400.0 * s
year = 365.25 * day  # Julian year

# --- mass of material (base: kg) ---------------------------------------------
kg = 1.0
g = 1e-3 * kg
tonne = 1e3 * kg

# --- derived -----------------------------------------------------------------
joule = 1.0 / 1.602176634e-13 * MeV  # 1 J in MeV (SI-exact elementary charge)
W = joule / s  # power: MeV per ns
MW = 1e6 * W
GW = 1e9 * W
Wh = W * hour  # energy
MWh = 1e6 * Wh
GWh = 1e9 * Wh

cm2 = cm * cm

#: Unit symbols accepted by :func:`parse_quantity`, with their value in the
#: internal system. Aliases for the same unit are listed separately.
UNITS: dict[str, float] = {
    "eV": eV,
    "keV": keV,
    "MeV": MeV,
    "GeV": GeV,
    "TeV": TeV,
    "keVee": keVee,
    "keVnr": keVnr,
    "MeVee": MeVee,
    "MeVnr": MeVnr,
    "fm": fm,
    "mm": mm,
    "cm": cm,
    "m": m,
    "km": km,
    "kpc": kpc,
    "ns": ns,
    "us": us,
    "µs": us,
    "μs": us,
    "ms": ms,
    "s": s,
    "h": hour,
    "hour": hour,
    "day": day,
    "yr": year,
    "year": year,
    "g": g,
    "kg": kg,
    "t": tonne,
    "tonne": tonne,
    "W": W,
    "MW": MW,
    "GW": GW,
    "J": joule,
    "Wh": Wh,
    "MWh": MWh,
    "GWh": GWh,
    "cm2": cm2,
    "cm^2": cm2,
}

#: Dimension of each accepted unit, so that a length is never read as a time.
DIMENSIONS: dict[str, str] = {
    **dict.fromkeys(
        ["eV", "keV", "MeV", "GeV", "TeV", "keVee", "keVnr", "MeVee", "MeVnr"], "energy"
    ),
    **dict.fromkeys(["fm", "mm", "cm", "m", "km", "kpc"], "length"),
    **dict.fromkeys(["ns", "us", "µs", "μs", "ms", "s", "h", "hour", "day", "yr", "year"], "time"),
    **dict.fromkeys(["g", "kg", "t", "tonne"], "mass"),
    **dict.fromkeys(["W", "MW", "GW"], "power"),
    **dict.fromkeys(["J", "Wh", "MWh", "GWh"], "beam_energy"),
    **dict.fromkeys(["cm2", "cm^2"], "area"),
}

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d].*?)\s*$")


def parse_quantity(text: str, dimension: str, *, name: str = "value") -> float:
    """Parse ``"19.3 m"`` into the internal unit system.

    Parameters
    ----------
    text
        A number followed by a unit symbol from :data:`UNITS`.
    dimension
        The expected dimension (``"energy"``, ``"length"``, ``"time"``, ``"mass"``,
        ``"power"``, ``"beam_energy"``, ``"area"``).
    name
        The parameter name used in error messages.

    Returns
    -------
    float
        The value in internal units (MeV, cm, ns, kg, ...).

    Raises
    ------
    ValueError
        If the text has no unit, an unknown unit, or a unit of another dimension.
    """
    match = _QUANTITY.match(str(text))
    if match is None:
        raise ValueError(
            f"{name}: cannot read {text!r} as a quantity; write a number and a unit, "
            f"e.g. '19.3 m' (a bare number is never accepted: its unit would be a guess)"
        )
    number, symbol = float(match.group(1)), match.group(2)
    if symbol not in UNITS:
        allowed = sorted(k for k, v in DIMENSIONS.items() if v == dimension)
        raise ValueError(f"{name}: unknown unit {symbol!r}; allowed {dimension} units: {allowed}")
    if DIMENSIONS[symbol] != dimension:
        raise ValueError(
            f"{name}: {text!r} is a {DIMENSIONS[symbol]}, but a {dimension} is required"
        )
    value = number * UNITS[symbol]
    if not math.isfinite(value):
        raise ValueError(f"{name}: {text!r} is not finite")
    return value
