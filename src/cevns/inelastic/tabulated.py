"""Channels read from published tables of the total cross section ``σ(E_ν)``, split by final state.

Where no transition strengths are shipped for the allowed approximation
(:mod:`cevns.inelastic.allowed`), a channel can interpolate a published calculation of the
total cross section instead. The tables are the ones distributed with SNOwGLoBES 1.3
(Scholberg et al., the ``xscns`` files of the ``snowglobes_data`` package), converted to
``σ`` in 10⁻⁴⁰ cm² against ``E_ν`` in MeV (``data/inelastic/*.csv``; the origin of each
column, the original calculation and the conversion are in the files' headers and in
``data/README.md``).

Registered channels (names used in detector files and on the CLI):

``208pb-cc``
    ``²⁰⁸Pb(ν_e, e⁻)²⁰⁸Bi*`` followed by the emission of one or two neutrons (final states
    ``1n`` and ``2n``), from Engel, McLaughlin & Volpe, Phys. Rev. D 67 (2003) 013005
    (arXiv:hep-ph/0209267). The table gives only the neutron-emitting part: the ``0n`` part
    (levels of ²⁰⁸Bi below its neutron separation energy) is not included.
``208pb-nc``
    ``²⁰⁸Pb(ν, ν')²⁰⁸Pb*`` followed by one or two neutrons, every flavour (one column for
    neutrinos, one for antineutrinos), from the same calculation.
``16o-cc``
    ``¹⁶O(ν_e, e⁻)¹⁶F`` and ``¹⁶O(ν̄_e, e⁺)¹⁶N``, inclusive, from Kolbe, Langanke & Vogel,
    Phys. Rev. D 66 (2002) 013007. Nucleon emission after the reaction is not in the table:
    the final states carry no neutrons (an assumption; ¹⁶F and excited ¹⁶N do emit nucleons).
``16o-nc``
    ``¹⁶O(ν, ν')¹⁶O*``, inclusive, every flavour (the table is the same for neutrinos and
    antineutrinos), from the same calculation.
``40ar-nc``
    ``⁴⁰Ar(ν, ν')⁴⁰Ar*``, every flavour, the table SNOwGLoBES ships as the excitation of the
    9.8 MeV level that decays to the ground state by a single 9.8 MeV γ (A. Hayes, private
    communication to SNOwGLoBES; polynomial extrapolation by SNOwGLoBES above 52 MeV).
``40ar-cc-table``
    ``⁴⁰Ar(ν_e, e⁻)⁴⁰K*`` and ``⁴⁰Ar(ν̄_e, e⁺)⁴⁰Cl*``, inclusive, the table SNOwGLoBES ships
    for argon (its manual cites Gil-Botella & Rubbia, JCAP 0408 (2004) 001, and Kolbe,
    Langanke, Martínez-Pinedo & Vogel, J. Phys. G 29 (2003) 2569): a published calculation to
    set beside the allowed-approximation ``40ar-cc``, which lies 45 % above it at a
    stopped-pion source. Neutron emission is not in the table (0 neutrons).

Interpolation is linear in energy between the tabulated points. The cross section is exactly
zero at and below the last tabulated zero before the first non-zero point (the channel's
:meth:`~TabulatedChannel.threshold`) and rises linearly from there to that point. Above the
last point (100 MeV) and below 0 MeV the channels raise a one-line :class:`ValueError` (no
extrapolation).

Lepton and γ energies: a table gives no excitation-energy distribution, so each final state
carries the table's threshold for it as its ``excitation`` (the charged lepton's energy is
``E_ν − excitation``, an upper edge of the true spectrum). Counts do not depend on this.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from ..flavours import ALL_FLAVOURS, Flavour
from ..types import FloatArray
from .channel import FinalState, Process, register_channel

__all__ = [
    "TABLE_UNIT",
    "TabulatedChannel",
    "cross_section_table",
]

#: Unit of the shipped tables' cross-section columns (cm²).
TABLE_UNIT = 1e-40

_NEUTRINOS = tuple(f for f in ALL_FLAVOURS if not f.is_antineutrino)
_ANTINEUTRINOS = tuple(f for f in ALL_FLAVOURS if f.is_antineutrino)


@cache
def cross_section_table(name: str) -> dict[str, FloatArray]:
    """A shipped table of ``data/inelastic/``: ``energy_MeV`` (MeV) and its σ columns (cm²).

    Raises
    ------
    ValueError
        If the file does not exist, or a row is not finite, or the energies do not increase.
    """
    folder = resources.files("cevns.data").joinpath("inelastic")
    path = folder.joinpath(name)
    if not path.is_file():
        raise ValueError(f"table: no cross-section table {name!r} in cevns/data/inelastic")
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    if not rows:
        raise ValueError(f"table: {name!r} has no rows")
    out = {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}
    energy = out["energy_MeV"]
    if not all(np.all(np.isfinite(v)) for v in out.values()) or np.any(np.diff(energy) <= 0):
        raise ValueError(f"table: {name!r} needs finite values and increasing energies")
    for key in out:
        if key != "energy_MeV":
            out[key] = out[key] * TABLE_UNIT
    return out


@dataclass(frozen=True)
class TabulatedChannel:
    """A channel interpolated in a table of cross sections per final state (cm² per target).

    Parameters
    ----------
    name, target, process:
        As in :class:`~cevns.inelastic.channel.Channel`.
    table:
        File name in ``cevns/data/inelastic``.
    columns:
        For each flavour with a reaction, ``(flavour, (column for final state 0, column for
        final state 1, …))``; an empty string marks a final state that flavour cannot reach.
    final_states:
        The final states, in the order of the columns.
    source:
        The original calculation, named in error messages and docs.
    """

    name: str
    target: str
    process: Process
    table: str
    columns: tuple[tuple[Flavour, tuple[str, ...]], ...]
    final_states: tuple[FinalState, ...]
    source: str

    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """The flavours with a non-zero cross section."""
        return tuple(f for f, _ in self.columns)

    @property
    def energy_range(self) -> tuple[float, float]:
        """``(0, highest tabulated energy)`` in MeV."""
        return (0.0, float(cross_section_table(self.table)["energy_MeV"][-1]))

    def _columns(self, flavour: Flavour | str) -> tuple[str, ...]:
        fl = Flavour.parse(flavour)
        for f, cols in self.columns:
            if f is fl:
                return cols
        allowed = ", ".join(f.value for f in self.flavours)
        raise ValueError(f"flavour: channel {self.name!r} has no {fl.value} reaction; "
                         f"allowed: {allowed}")

    def threshold(self, flavour: Flavour) -> float:
        """The last tabulated energy (MeV) below the first non-zero cross section."""
        return _table_threshold(self.table, [c for c in self._columns(flavour) if c])

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Partial cross sections in cm², shape ``energy.shape + (len(final_states),)``."""
        cols = self._columns(flavour)
        e = np.asarray(energy, dtype=np.float64)
        if not np.all(np.isfinite(e)):
            raise ValueError(f"energy: channel {self.name!r} needs finite neutrino energies (MeV)")
        table = cross_section_table(self.table)
        grid = table["energy_MeV"]
        hi = float(grid[-1])
        if e.size and (float(np.min(e)) < 0 or float(np.max(e)) > hi):
            bad = float(np.min(e)) if float(np.min(e)) < 0 else float(np.max(e))
            raise ValueError(f"energy: channel {self.name!r} is tabulated for 0 to {hi:g} MeV "
                             f"({self.source}), got {bad:g} MeV")
        out = np.zeros((*e.shape, len(self.final_states)))
        for j, column in enumerate(cols):
            if column:
                out[..., j] = np.interp(e, grid, table[column], left=0.0)
        return out

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section in cm² (zero below the table's threshold)."""
        return np.asarray(self.final_state_cross_sections(energy, flavour).sum(axis=-1),
                          dtype=np.float64)


def _table_threshold(table: str, columns: Sequence[str]) -> float:
    """The last energy (MeV) of ``table`` below the first non-zero sum of ``columns``."""
    data = cross_section_table(table)
    energy = data["energy_MeV"]
    total = sum((data[c] for c in columns), np.zeros_like(energy))
    first = int(np.argmax(total > 0))
    return float(energy[max(first - 1, 0)])


def _state(label: str, table: str, column: str, neutrons: int, gamma: float = 0.0) -> FinalState:
    """A final state whose ``excitation`` is the table's threshold for ``column``."""
    probabilities = tuple(1.0 if k == neutrons else 0.0 for k in range(neutrons + 1))
    return FinalState(label, _table_threshold(table, [column]), probabilities, gamma)


_PB = "208pb_engel2003.csv"
_PB_SOURCE = "Engel, McLaughlin & Volpe 2003"
_O = "16o_kolbe2002.csv"
_O_SOURCE = "Kolbe, Langanke & Vogel 2002"
_AR = "40ar_nc_9p8mev.csv"
_AR_SOURCE = "SNOwGLoBES 1.3 (A. Hayes, private communication)"
_AR_CC = "40ar_cc_gilbotella2004.csv"
_AR_CC_SOURCE = "Gil-Botella & Rubbia 2004; Kolbe et al. 2003"
#: Energy (MeV) of the ⁴⁰Ar level of the ``40ar-nc`` table and of its single γ (SNOwGLoBES 1.3
#: manual, Sec. "Charged and Inelastic Neutral Current Interactions with Argon").
AR40_NC_LEVEL = 9.8


@cache
def lead208_cc() -> TabulatedChannel:
    """``²⁰⁸Pb(ν_e, e⁻)²⁰⁸Bi*`` with one or two neutrons (Engel et al. 2003)."""
    return TabulatedChannel(
        name="208pb-cc", target="208Pb", process=Process.CHARGED_CURRENT, table=_PB,
        columns=((Flavour.NU_E, ("cc_nue_1n", "cc_nue_2n")),),
        final_states=(_state("²⁰⁸Bi* → 1n", _PB, "cc_nue_1n", 1),
                      _state("²⁰⁸Bi* → 2n", _PB, "cc_nue_2n", 2)),
        source=_PB_SOURCE,
    )


@cache
def lead208_nc() -> TabulatedChannel:
    """``²⁰⁸Pb(ν, ν')²⁰⁸Pb*`` with one or two neutrons, every flavour (Engel et al. 2003)."""
    nu = ("nc_nu_1n", "nc_nu_2n")
    nubar = ("nc_nubar_1n", "nc_nubar_2n")
    return TabulatedChannel(
        name="208pb-nc", target="208Pb", process=Process.NEUTRAL_CURRENT, table=_PB,
        columns=tuple((f, nubar if f.is_antineutrino else nu) for f in ALL_FLAVOURS),
        final_states=(_state("²⁰⁸Pb* → 1n", _PB, "nc_nu_1n", 1),
                      _state("²⁰⁸Pb* → 2n", _PB, "nc_nu_2n", 2)),
        source=_PB_SOURCE,
    )


@cache
def oxygen16_cc() -> TabulatedChannel:
    """``¹⁶O(ν_e, e⁻)¹⁶F`` and ``¹⁶O(ν̄_e, e⁺)¹⁶N``, inclusive (Kolbe et al. 2002)."""
    return TabulatedChannel(
        name="16o-cc", target="16O", process=Process.CHARGED_CURRENT, table=_O,
        columns=((Flavour.NU_E, ("cc_nue", "")), (Flavour.NU_E_BAR, ("", "cc_nuebar"))),
        final_states=(_state("e⁻ ¹⁶F", _O, "cc_nue", 0), _state("e⁺ ¹⁶N", _O, "cc_nuebar", 0)),
        source=_O_SOURCE,
    )


@cache
def oxygen16_nc() -> TabulatedChannel:
    """``¹⁶O(ν, ν')¹⁶O*``, inclusive, every flavour (Kolbe et al. 2002)."""
    return TabulatedChannel(
        name="16o-nc", target="16O", process=Process.NEUTRAL_CURRENT, table=_O,
        columns=tuple((f, ("nc",)) for f in ALL_FLAVOURS),
        final_states=(_state("¹⁶O*", _O, "nc", 0),),
        source=_O_SOURCE,
    )


@cache
def argon40_nc() -> TabulatedChannel:
    """``⁴⁰Ar(ν, ν')⁴⁰Ar*(9.8 MeV) → γ``, every flavour (SNOwGLoBES 1.3 table)."""
    return TabulatedChannel(
        name="40ar-nc", target="40Ar", process=Process.NEUTRAL_CURRENT, table=_AR,
        columns=tuple((f, ("nc",)) for f in ALL_FLAVOURS),
        final_states=(FinalState("⁴⁰Ar* (9.8 MeV) → γ", AR40_NC_LEVEL, (1.0,), AR40_NC_LEVEL),),
        source=_AR_SOURCE,
    )


@cache
def argon40_cc_table() -> TabulatedChannel:
    """``⁴⁰Ar(ν_e, e⁻)⁴⁰K*`` and ``⁴⁰Ar(ν̄_e, e⁺)⁴⁰Cl*``, inclusive (SNOwGLoBES 1.3 table)."""
    return TabulatedChannel(
        name="40ar-cc-table", target="40Ar", process=Process.CHARGED_CURRENT, table=_AR_CC,
        columns=((Flavour.NU_E, ("cc_nue", "")), (Flavour.NU_E_BAR, ("", "cc_nuebar"))),
        final_states=(_state("e⁻ ⁴⁰K*", _AR_CC, "cc_nue", 0),
                      _state("e⁺ ⁴⁰Cl*", _AR_CC, "cc_nuebar", 0)),
        source=_AR_CC_SOURCE,
    )


register_channel("208pb-cc", lead208_cc)
register_channel("208pb-nc", lead208_nc)
register_channel("16o-cc", oxygen16_cc)
register_channel("16o-nc", oxygen16_nc)
register_channel("40ar-nc", argon40_nc)
register_channel("40ar-cc-table", argon40_cc_table)
