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
# Electron-equivalent and nuclear-recoil keV are both keV of energy *inside* the library
# (plain floats); at the user boundary they are different quantity kinds (see
# :data:`KINDS`): a recoil-energy parameter rejects keVee and a visible-energy one keVnr.
eVee = eV
eVnr = eV
keVee = keV
keVnr = keV
MeVee = MeV
MeVnr = MeV
#: A photoelectron count is a number; ``PE`` marks it at the boundary.
PE = 1.0

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
    "eVee": eVee,
    "eVnr": eVnr,
    "keVee": keVee,
    "keVnr": keVnr,
    "MeVee": MeVee,
    "MeVnr": MeVnr,
    "PE": PE,
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
    **dict.fromkeys(["eV", "keV", "MeV", "GeV", "TeV"], "energy"),
    **dict.fromkeys(["eVnr", "keVnr", "MeVnr"], "recoil_energy"),
    **dict.fromkeys(["eVee", "keVee", "MeVee"], "visible_energy"),
    "PE": "photoelectrons",
    **dict.fromkeys(["fm", "mm", "cm", "m", "km", "kpc"], "length"),
    **dict.fromkeys(["ns", "us", "µs", "μs", "ms", "s", "h", "hour", "day", "yr", "year"], "time"),
    **dict.fromkeys(["g", "kg", "t", "tonne"], "mass"),
    **dict.fromkeys(["W", "MW", "GW"], "power"),
    **dict.fromkeys(["J", "Wh", "MWh", "GWh"], "beam_energy"),
    **dict.fromkeys(["cm2", "cm^2"], "area"),
}

# Matched against the stripped text: no lazy group before a trailing ``\s*$``, so the match is
# linear in the length (a 100 000-character unit used to take minutes).
_QUANTITY = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d].*)$", re.DOTALL)
#: Longest quantity text read (``"13.99 GWh"`` is 9 characters); longer input is an error.
MAX_QUANTITY_CHARS = 200
#: Magnitudes a quantity may take in internal units (MeV, cm, ns, kg, ...); anything outside
#: overflows or underflows the arithmetic downstream. Zero is allowed (ranges are checked by
#: the caller).
MAGNITUDE_RANGE = (1e-60, 1e30)

#: What each quantity kind means, for error messages and docs.
KINDS: dict[str, str] = {
    "energy": "an energy (eV, keV, MeV, GeV)",
    "recoil_energy": "a nuclear-recoil energy (eVnr, keVnr, MeVnr)",
    "visible_energy": "an electron-equivalent (visible) energy (eVee, keVee, MeVee)",
    "photoelectrons": "a number of photoelectrons (PE)",
    "length": "a length",
    "time": "a time",
    "mass": "a mass",
    "power": "a power",
    "beam_energy": "an integrated beam energy (J, Wh, MWh, GWh)",
    "area": "an area",
}

_SUGGEST = {"recoil_energy": "nr", "visible_energy": "ee"}


def _kind_error(name: str, text: str, symbol: str, kind: str) -> ValueError:
    """The one-line error for a unit of the wrong kind, with the fix when there is one."""
    have = DIMENSIONS[symbol]
    allowed = [k for k, v in DIMENSIONS.items() if v == kind]
    if kind in _SUGGEST and have in ("energy", *_SUGGEST):
        plain = re.sub(r"(nr|ee)$", "", symbol)
        fixed = str(text).replace(symbol, plain + _SUGGEST[kind])
        if have == "energy":
            why = (f"a bare {symbol!r} is ambiguous here: write {fixed!r} "
                   f"({KINDS[kind]}); keVnr and keVee are different scales")
        else:
            why = f"{text!r} is {KINDS[have]}, but this is {KINDS[kind]}"
        return ValueError(f"{name}: {why}; allowed units: {allowed}")
    return ValueError(
        f"{name}: {text!r} is {KINDS.get(have, have)}, but {KINDS.get(kind, kind)} is "
        f"required; allowed units: {allowed}"
    )


def unit_scale(symbol: str, kind: str, *, name: str = "unit") -> float:
    """The value of one ``symbol`` in internal units, checking it is of quantity ``kind``.

    ``unit_scale("keVee", "visible_energy")`` is ``1e-3``;
    ``unit_scale("keVnr", "visible_energy")`` raises :class:`ValueError`.
    """
    return parse_quantity(f"1 {symbol}", kind, name=name)


def kind_of(symbol: str) -> str:
    """The quantity kind of a unit symbol (``"keVnr"`` → ``"recoil_energy"``)."""
    if symbol not in DIMENSIONS:
        raise ValueError(f"unit: unknown unit {symbol!r}; known units: {sorted(DIMENSIONS)}")
    return DIMENSIONS[symbol]


def parse_quantity(text: str, dimension: str, *, name: str = "value") -> float:
    """Parse ``"19.3 m"`` into the internal unit system, checking its quantity kind.

    Nuclear-recoil energy, electron-equivalent (visible) energy and photoelectrons are
    distinct kinds: ``parse_quantity("5 keVnr", "recoil_energy")`` is ``5e-3``, while
    ``parse_quantity("5 keVee", "recoil_energy")`` and ``parse_quantity("5 keV",
    "recoil_energy")`` raise (the bare ``keV`` is ambiguous wherever an energy could be on
    either scale; the message suggests the explicit suffix). A plain ``"energy"`` (neutrino
    or proton energies) takes ``eV``/``keV``/``MeV``/``GeV`` and rejects the ``nr``/``ee``
    suffixes.

    Parameters
    ----------
    text
        A number followed by a unit symbol from :data:`UNITS`.
    dimension
        The expected quantity kind, a key of :data:`KINDS` (``"energy"``,
        ``"recoil_energy"``, ``"visible_energy"``, ``"photoelectrons"``, ``"length"``,
        ``"time"``, ``"mass"``, ``"power"``, ``"beam_energy"``, ``"area"``).
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
    if not isinstance(text, str):
        raise ValueError(f"{name}: expected text such as '19.3 m', got {type(text).__name__}")
    if len(text) > MAX_QUANTITY_CHARS:
        raise ValueError(f"{name}: {len(text)} characters is too long for a quantity "
                         f"(at most {MAX_QUANTITY_CHARS})")
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(
            f"{name}: cannot read {text!r} as a quantity; write a number and a unit, "
            f"e.g. '19.3 m' (a bare number is never accepted: its unit would be a guess)"
        )
    number, symbol = float(match.group(1)), match.group(2)
    if symbol not in UNITS:
        allowed = sorted(k for k, v in DIMENSIONS.items() if v == dimension)
        raise ValueError(f"{name}: unknown unit {symbol!r}; allowed {dimension} units: {allowed}")
    if dimension not in KINDS:
        raise ValueError(f"dimension: unknown quantity kind {dimension!r}; one of {list(KINDS)}")
    if DIMENSIONS[symbol] != dimension:
        raise _kind_error(name, str(text).strip(), symbol, dimension)
    value = number * UNITS[symbol]
    if not math.isfinite(value):
        raise ValueError(f"{name}: {text!r} is not finite")
    low, high = MAGNITUDE_RANGE
    if value != 0 and not low <= abs(value) <= high:
        raise ValueError(
            f"{name}: {text.strip()!r} is outside the allowed magnitudes ({low:g} to {high:g} "
            f"in the internal units MeV, cm, ns, kg)"
        )
    return value
