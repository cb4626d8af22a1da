"""Nuclear targets: isotopes, natural elements, compounds and explicit mixtures.

Isotope masses and natural abundances come from :mod:`periodictable` (AME/IUPAC);
the nuclear mass is ``M = m_atomic − Z·m_e`` (electron binding energies,
< 0.1 MeV even for Cs, are neglected). Ground-state spins
and spin expectation values ⟨S_p⟩, ⟨S_n⟩ and measured charge radii are read
from the tables shipped in ``cevns/data/nuclear/`` (origins in its README).

Examples
--------
>>> Target.parse("CsI").isotopes[0].symbol
'Cs133'
>>> [i.symbol for i in Target.parse("Ar").isotopes]
['Ar36', 'Ar38', 'Ar40']

Doped crystals are written as physicists write them: ``"CsI(Na)"``, ``"CsI[Na]"``,
``"NaI(Tl)"`` are the host crystal (the dopant, ~0.1 % of the nuclei, is ignored and the
target's :attr:`Target.note` says so), never a three-element compound. A stated dopant
fraction of the nuclei is included: ``"CsI(Na:0.1%)"`` or ``"NaI[Tl 1e-3]"``.

>>> Target.parse("CsI(Na)").note
'dopant Na ignored (no fraction stated; write e.g. CsI(Na:0.1%) to include it)'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import periodictable

from .. import units as u
from ..constants import ATOMIC_MASS_UNIT, AVOGADRO, ELECTRON_MASS
from ..types import FloatArray

_ISOTOPE_NAME = re.compile(r"^\s*([A-Z][a-z]?)[-_ ]?(\d{1,3})\s*$")
_ISOTOPE_NAME_MASS_FIRST = re.compile(r"^\s*(\d{1,3})[-_ ]?([A-Z][a-z]?)\s*$")
#: ``Host(Dopant)`` or ``Host[Dopant]`` with an optional fraction of the nuclei:
#: ``CsI(Na)``, ``NaI[Tl]``, ``CsI(Na:0.1%)``, ``NaI(Tl 1e-3)``. A single element in a
#: trailing group with no count is never a chemical group (``Ca(OH)2`` has a count).
_DOPED = re.compile(
    r"^(?P<host>.+?)\s*(?P<open>[(\[])\s*(?P<dopant>[A-Z][a-z]?)\s*"
    r"(?:[:,;=]?\s*(?P<fraction>[0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*(?P<percent>%|ppm)?)?"
    r"\s*(?P<close>[)\]])$"
)


@dataclass(frozen=True)
class NuclearSpin:
    """Ground-state spin ``J`` and spin expectation values ⟨S_p⟩, ⟨S_n⟩ with their source."""

    spin: float
    spin_proton: float
    spin_neutron: float
    reference: str


@cache
def _read_table(name: str) -> tuple[dict[str, str], ...]:
    path = resources.files("cevns.data").joinpath("nuclear").joinpath(name)
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(csv.DictReader(io.StringIO("\n".join(lines))))


@cache
def spin_table() -> dict[tuple[int, int], NuclearSpin]:
    """Ground-state spin data keyed by ``(Z, A)``, from ``nuclear/spin_expectation_values.csv``."""
    table: dict[tuple[int, int], NuclearSpin] = {}
    for row in _read_table("spin_expectation_values.csv"):
        table[(int(row["Z"]), int(row["A"]))] = NuclearSpin(
            spin=float(row["spin_J"]),
            spin_proton=float(row["S_p"]),
            spin_neutron=float(row["S_n"]),
            reference=row["reference"].strip(),
        )
    return table


@cache
def charge_radius_table() -> dict[tuple[int, int], float]:
    """Measured nuclear charge rms radii (cm) keyed by ``(Z, A)`` (``nuclear/charge_radii.csv``)."""
    return {
        (int(r["Z"]), int(r["A"])): float(r["charge_rms_radius_fm"]) * u.fm
        for r in _read_table("charge_radii.csv")
    }


@dataclass(frozen=True)
class Isotope:
    """One nuclide as a scattering target.

    Parameters
    ----------
    symbol
        Element symbol and mass number, e.g. ``"Cs133"``.
    Z, A
        Proton and mass numbers.
    nuclear_mass
        Nuclear mass (MeV): atomic mass minus ``Z`` electron masses.
    spin
        Ground-state spin ``J`` (ħ); 0 for even-even nuclei.
    spin_proton, spin_neutron
        ⟨S_p⟩ and ⟨S_n⟩; the axial charge uses ``Z₊ − Z₋ = 2⟨S_p⟩`` and ``N₊ − N₋ = 2⟨S_n⟩``.
    charge_radius
        Measured charge rms radius (cm) or ``None`` if not tabulated.
    spin_reference
        Where the spin data come from (or why they are absent).
    """

    symbol: str
    Z: int
    A: int
    nuclear_mass: float
    spin: float = 0.0
    spin_proton: float = 0.0
    spin_neutron: float = 0.0
    charge_radius: float | None = None
    spin_reference: str = "even-even nucleus: J = 0"

    @property
    def N(self) -> int:
        """Neutron number ``A − Z``."""
        return self.A - self.Z

    @property
    def atomic_mass(self) -> float:
        """Atomic mass (MeV), nuclear mass plus ``Z`` electrons."""
        return self.nuclear_mass + self.Z * float(ELECTRON_MASS)

    @property
    def has_spin(self) -> bool:
        """True if the nucleus has an axial (spin-dependent) CEvNS term."""
        return self.spin_proton != 0.0 or self.spin_neutron != 0.0

    @classmethod
    def parse(cls, name: str) -> Isotope:
        """Build an isotope from ``"Cs133"``, ``"Cs-133"``, ``"133Cs"`` or ``"D"``/``"H2"``.

        Raises
        ------
        ValueError
            If the element or the isotope is unknown to :mod:`periodictable`.
        """
        text = str(name).strip()
        if text == "D":
            text = "H2"
        if text == "T":
            text = "H3"
        match = _ISOTOPE_NAME.match(text) or _ISOTOPE_NAME_MASS_FIRST.match(text)
        if match is None:
            raise ValueError(
                f"isotope: cannot read {name!r}; write element symbol and mass number, e.g. 'Cs133'"
            )
        sym, mass_number = match.groups()
        if sym.isdigit():
            sym, mass_number = mass_number, sym
        return cls.from_numbers(_element(sym, name).number, int(mass_number))

    @classmethod
    def from_numbers(cls, Z: int, A: int) -> Isotope:
        """Build an isotope from its proton number ``Z`` and mass number ``A``."""
        return _isotope(int(Z), int(A))


def _element(symbol: str, original: str) -> periodictable.core.Element:
    el = getattr(periodictable, symbol, None)
    if not isinstance(el, periodictable.core.Element) or el.number == 0:
        raise ValueError(f"isotope: unknown element {symbol!r} in {original!r}")
    return el


@cache
def _isotope(Z: int, A: int) -> Isotope:
    if not 1 <= Z <= 118:
        raise ValueError(f"Z: proton number must be in [1, 118], got {Z}")
    el = periodictable.elements[Z]
    if A not in el.isotopes:
        known = list(el.isotopes)
        raise ValueError(
            f"isotope: unknown isotope {el.symbol}{A}; periodictable knows A in "
            f"[{min(known)}, {max(known)}] for {el.symbol}"
        )
    iso = el[A]
    nuclear_mass = iso.mass * float(ATOMIC_MASS_UNIT) - Z * float(ELECTRON_MASS)
    spin = spin_table().get((Z, A))
    if spin is None:
        if Z % 2 == 0 and (A - Z) % 2 == 0:
            spin = NuclearSpin(0.0, 0.0, 0.0, "even-even nucleus: J = 0, no axial term")
        else:
            spin = NuclearSpin(0.0, 0.0, 0.0, "not tabulated: axial term neglected")
    return Isotope(
        symbol=f"{el.symbol}{A}",
        Z=Z,
        A=A,
        nuclear_mass=nuclear_mass,
        spin=spin.spin,
        spin_proton=spin.spin_proton,
        spin_neutron=spin.spin_neutron,
        charge_radius=charge_radius_table().get((Z, A)),
        spin_reference=spin.reference,
    )


def natural_isotopes(symbol: str) -> dict[Isotope, float]:
    """Naturally occurring isotopes of an element with their molar abundances (sum 1).

    Raises
    ------
    ValueError
        If the element is unknown or has no natural isotopes (e.g. Tc).
    """
    el = _element(symbol, symbol)
    abundances = {A: el[A].abundance for A in el.isotopes if el[A].abundance > 0}
    if not abundances:
        raise ValueError(f"element: {symbol!r} has no naturally abundant isotopes; name one")
    total = sum(abundances.values())
    return {Isotope.from_numbers(el.number, A): a / total for A, a in abundances.items()}


Basis = Literal["molar", "mass"]


@dataclass(frozen=True)
class Target:
    """A target material: isotopes and the fraction of nuclei each makes up.

    Use :meth:`parse` for names and formulas or :meth:`from_fractions` for
    explicit mixtures. ``number_fractions`` always refers to nuclei (atoms),
    so a CsI crystal is ½ Cs133 + ½ I127.
    """

    name: str
    isotopes: tuple[Isotope, ...]
    number_fractions: tuple[float, ...]
    #: What was assumed reading the name (e.g. a dopant ignored); empty when nothing was.
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.isotopes) != len(self.number_fractions) or not self.isotopes:
            raise ValueError("isotopes: need one number fraction per isotope, at least one isotope")
        total = sum(self.number_fractions)
        if abs(total - 1.0) > 1e-6 or min(self.number_fractions) < 0:
            raise ValueError(f"number_fractions: must be >= 0 and sum to 1, got sum {total!r}")

    # ---------------------------------------------------------------- construction
    @classmethod
    def parse(cls, name: str) -> Target:
        """Target from an isotope (``"Cs133"``), element (``"Ar"``) or formula (``"C3F8"``).

        Elements in formulas take natural abundances; isotopes written as in
        periodictable formulas (``"D2O"``, ``"H[2]2O"``) are kept as given. A doped
        crystal (``"CsI(Na)"``, ``"CsI[Na]"``, ``"NaI(Tl)"``) is its host crystal; a dopant
        fraction of the nuclei may be stated (``"CsI(Na:0.1%)"``, ``"NaI(Tl 1e-3)"``) and is
        then included, otherwise the dopant is ignored and :attr:`note` says so.
        """
        return _parse_target(str(name).strip())

    @classmethod
    def _parse_uncached(cls, text: str) -> Target:
        name = text
        doped = _DOPED.match(text)
        if doped and {doped["open"], doped["close"]} in ({"(", ")"}, {"[", "]"}):
            return cls._doped(text, doped)
        if not text:
            raise ValueError("target: empty name; give an isotope, element or formula")
        if _ISOTOPE_NAME.match(text) or _ISOTOPE_NAME_MASS_FIRST.match(text):
            iso = Isotope.parse(text)
            return cls(iso.symbol, (iso,), (1.0,))
        try:
            formula = periodictable.formula(text)
        except Exception as exc:  # periodictable raises pyparsing errors
            raise ValueError(
                f"target: cannot parse {name!r} as an isotope, element or formula"
            ) from exc
        if not formula.atoms:
            raise ValueError(f"target: {name!r} contains no atoms")
        counts: dict[Isotope, float] = {}
        for atom, count in formula.atoms.items():
            if isinstance(atom, periodictable.core.Isotope):
                parts = {Isotope.from_numbers(atom.number, atom.isotope): 1.0}
            else:
                parts = natural_isotopes(atom.symbol)
            for iso, fraction in parts.items():
                counts[iso] = counts.get(iso, 0.0) + count * fraction
        total = sum(counts.values())
        isotopes = tuple(counts)
        return cls(text, isotopes, tuple(counts[i] / total for i in isotopes))

    @classmethod
    def _doped(cls, text: str, match: re.Match[str]) -> Target:
        """Host crystal with an ignored or stated dopant (see :meth:`parse`)."""
        host = _parse_target(match["host"])
        dopant = match["dopant"]
        _element(dopant, text)  # an unknown dopant symbol is an error, not ignored
        if match["fraction"] is None:
            note = (f"dopant {dopant} ignored (no fraction stated; write e.g. "
                    f"{match['host']}({dopant}:0.1%) to include it)")
            return cls(text, host.isotopes, host.number_fractions, note)
        scale = {"%": 1e-2, "ppm": 1e-6}.get(match["percent"] or "", 1.0)
        fraction = float(match["fraction"]) * scale
        if not 0.0 <= fraction < 0.5:
            raise ValueError(
                f"target: dopant fraction in {text!r} must be in [0, 0.5) of the nuclei, "
                f"got {fraction:g}"
            )
        counts = {i: (1.0 - fraction) * f for i, f in zip(host.isotopes, host.number_fractions,
                                                          strict=True)}
        for iso, f in natural_isotopes(dopant).items():
            counts[iso] = counts.get(iso, 0.0) + fraction * f
        isotopes = tuple(counts)
        note = f"dopant {dopant}: {fraction:.3g} of the nuclei (natural isotopes)"
        return cls(text, isotopes, tuple(counts[i] for i in isotopes), note)

    @classmethod
    def from_fractions(
        cls, fractions: Mapping[str | Isotope, float], basis: Basis = "molar", name: str = ""
    ) -> Target:
        """Explicit isotope mixture by molar (number) or mass fraction.

        Raises
        ------
        ValueError
            If a fraction is negative or they do not sum to one within 1e-6.
        """
        if basis not in ("molar", "mass"):
            raise ValueError(f"basis: must be 'molar' or 'mass', got {basis!r}")
        isotopes = tuple(i if isinstance(i, Isotope) else Isotope.parse(i) for i in fractions)
        values = np.array([float(v) for v in fractions.values()])
        if np.any(~np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"fractions: each must be finite and >= 0, got {list(values)}")
        if abs(values.sum() - 1.0) > 1e-6:
            raise ValueError(f"fractions: must sum to 1 (±1e-6), got {values.sum()!r}")
        if basis == "mass":
            masses = np.array([i.atomic_mass for i in isotopes])
            values = (values / masses) / np.sum(values / masses)
        parts = zip(isotopes, values, strict=True)
        label = name or "+".join(f"{v:.4g}*{i.symbol}" for i, v in parts)
        return cls(label, isotopes, tuple(float(v) for v in values))

    # ---------------------------------------------------------------- properties
    @property
    def fractions(self) -> FloatArray:
        """Number fractions as an array (sum 1)."""
        return np.array(self.number_fractions)

    def mass_fractions(self) -> FloatArray:
        """Fraction of the material's mass carried by each isotope."""
        masses = np.array([i.atomic_mass for i in self.isotopes])
        weights = self.fractions * masses
        return np.asarray(weights / weights.sum(), dtype=float)

    def mean_atomic_mass(self) -> float:
        """Mean atomic mass per nucleus (MeV)."""
        return float(np.sum(self.fractions * np.array([i.atomic_mass for i in self.isotopes])))

    def nuclei_per_kg(self) -> FloatArray:
        """Nuclei of each isotope in one kg of the material (1/kg).

        Atomic masses in MeV are turned into grams per mole through
        ``m_u`` and Avogadro's number (CODATA 2022).
        """
        grams_per_mole = self.mean_atomic_mass() / float(ATOMIC_MASS_UNIT)  # g/mol
        total = (1.0 * u.kg / u.g) / grams_per_mole * float(AVOGADRO)
        return np.asarray(total * self.fractions, dtype=float)

    def __str__(self) -> str:
        return self.name


@cache
def _parse_target(text: str) -> Target:
    """Cached :meth:`Target.parse` (formula parsing costs ~1 ms; targets are immutable)."""
    return Target._parse_uncached(text)
