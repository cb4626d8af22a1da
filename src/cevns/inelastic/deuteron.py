"""Neutrino–deuteron break-up: ``ν_e d → e⁻ p p`` (CC), ``ν̄_e d → e⁺ n n`` and ``ν d → ν p n`` (NC).

Total cross sections interpolated (linearly in energy, from zero at the threshold) in the
tables of Nakamura, Sato, Ando, Park, Myhrer, Gudkov & Kubodera, Nucl. Phys. A707 (2002) 561
(arXiv:nucl-th/0201062), 1.5–170 MeV, shipped as ``data/inelastic/deuteron_nakamura2002.csv``.
The COHERENT D₂O programme cites this calculation (as Nucl. Phys. A721 (2003) 549) with a
2–3 % theoretical uncertainty (Konovalov, COHERENT talk 2021); the authors assign 1 % before
radiative corrections. :data:`THEORY_UNCERTAINTY` is 2 %.

Registered channels:

* ``"2h-cc"`` — ``ν_e d → e⁻ p p`` (threshold 1.442 MeV) and ``ν̄_e d → e⁺ n n`` (4.033 MeV).
  One final state; the outgoing lepton takes ``E_ν − Q`` minus the small kinetic energy of the
  two nucleons, which is neglected for the lepton spectrum (the tabulated ``dσ/dE_e`` of
  Nakamura et al. peaks near that end point). ``ν̄_e`` emits two neutrons.
* ``"2h-nc"`` — ``ν d → ν p n`` for every flavour (threshold the deuteron binding energy,
  2.2246 MeV); one neutron per reaction.

Above 170 MeV and below 0 MeV the channels raise a one-line :class:`ValueError` (no
extrapolation).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from ..flavours import ALL_FLAVOURS, Flavour
from ..types import FloatArray
from .channel import FinalState, Process, register_channel

__all__ = [
    "DEUTERON_BINDING",
    "Q_CC",
    "Q_CC_BAR",
    "THEORY_UNCERTAINTY",
    "DeuteronChannel",
    "deuteron_table",
]

#: Deuteron binding energy (MeV): the NC threshold (CODATA: 2.224566 MeV).
DEUTERON_BINDING = 2.2246
#: ``ν_e d → e⁻ p p`` threshold (MeV): ``2 m_p + m_e − m_d`` = 1.442 MeV (Nakamura et al. 2002).
Q_CC = 1.442
#: ``ν̄_e d → e⁺ n n`` threshold (MeV): ``2 m_n + m_e − m_d`` = 4.033 MeV.
Q_CC_BAR = 4.033
#: Relative theoretical uncertainty of the tabulated cross sections (COHERENT's 2–3 %,
#: Konovalov, COHERENT talk 2021; Nakamura et al. 2002 quote 1 % before radiative corrections).
THEORY_UNCERTAINTY = 0.02

_UNIT = 1e-42  # cm², the table's unit


@cache
def deuteron_table() -> dict[str, FloatArray]:
    """The shipped table: ``energy_MeV`` and the ``cc``, ``cc_bar``, ``nc``, ``nc_bar`` columns.

    Cross sections in cm², energies in MeV.
    """
    path = resources.files("cevns.data").joinpath("inelastic").joinpath("deuteron_nakamura2002.csv")
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    out = {"energy_MeV": np.array([float(r["energy_MeV"]) for r in rows])}
    for key in ("cc", "cc_bar", "nc", "nc_bar"):
        out[key] = np.array([float(r[key]) for r in rows]) * _UNIT
    return out


@dataclass(frozen=True)
class DeuteronChannel:
    """One deuteron break-up reaction from the Nakamura et al. (2002) tables (cm² per deuteron)."""

    name: str
    process: Process
    flavours: tuple[Flavour, ...]
    final_states: tuple[FinalState, ...]
    target: str = "2H"
    energy_range: tuple[float, float] = (0.0, 170.0)
    theory_uncertainty: float = THEORY_UNCERTAINTY

    def _column(self, flavour: Flavour) -> tuple[str, float]:
        fl = Flavour.parse(flavour)
        if fl not in self.flavours:
            allowed = ", ".join(f.value for f in self.flavours)
            raise ValueError(f"flavour: channel {self.name!r} has no {fl.value} reaction; "
                             f"allowed: {allowed}")
        if self.process is Process.CHARGED_CURRENT:
            return ("cc_bar", Q_CC_BAR) if fl.is_antineutrino else ("cc", Q_CC)
        return ("nc_bar" if fl.is_antineutrino else "nc", DEUTERON_BINDING)

    def threshold(self, flavour: Flavour) -> float:
        """Reaction threshold in MeV."""
        return self._column(flavour)[1]

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section per deuteron in cm² (zero below threshold)."""
        column, q = self._column(flavour)
        e = np.asarray(energy, dtype=np.float64)
        if not np.all(np.isfinite(e)):
            raise ValueError(f"energy: channel {self.name!r} needs finite neutrino energies (MeV)")
        hi = self.energy_range[1]
        if e.size and (float(np.min(e)) < 0 or float(np.max(e)) > hi):
            bad = float(np.min(e)) if float(np.min(e)) < 0 else float(np.max(e))
            raise ValueError(f"energy: channel {self.name!r} is tabulated for 0 to {hi:g} MeV "
                             f"(Nakamura et al. 2002), got {bad:g} MeV")
        table = deuteron_table()
        grid, values = table["energy_MeV"], table[column]
        keep = (grid > q) & (values > 0)
        x = np.concatenate(([q], grid[keep]))
        y = np.concatenate(([0.0], values[keep]))
        return np.asarray(np.interp(e, x, y, left=0.0), dtype=np.float64)

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """The cross section split over :attr:`final_states` (CC: by the lepton charge)."""
        sigma = self.cross_section(energy, flavour)
        if len(self.final_states) == 1:
            return sigma[..., None]
        # CC: final state 0 is ν_e (e⁻ p p), final state 1 is ν̄_e (e⁺ n n)
        index = 1 if Flavour.parse(flavour).is_antineutrino else 0
        out = np.zeros((*sigma.shape, 2))
        out[..., index] = sigma
        return out


def _cc() -> DeuteronChannel:
    return DeuteronChannel(
        name="2h-cc",
        process=Process.CHARGED_CURRENT,
        flavours=(Flavour.NU_E, Flavour.NU_E_BAR),
        final_states=(FinalState("e⁻ p p", Q_CC, (1.0,)),
                      FinalState("e⁺ n n", Q_CC_BAR, (0.0, 0.0, 1.0))),
    )


def _nc() -> DeuteronChannel:
    return DeuteronChannel(
        name="2h-nc",
        process=Process.NEUTRAL_CURRENT,
        flavours=ALL_FLAVOURS,
        final_states=(FinalState("p n", DEUTERON_BINDING, (0.0, 1.0)),),
    )


register_channel("2h-cc", _cc)
register_channel("2h-nc", _nc)
