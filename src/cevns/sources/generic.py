"""Generic sources: monochromatic lines, tabulated spectra from CSV, user callables.

All three share the interface of :mod:`cevns.sources.base`: ``spectra()`` per
normalisation unit (free text chosen by the user, default ``"second"``), ``flux_at``
with ``1/(4πL²)`` and the survival hook.

CSV format of :meth:`TabulatedSource.from_csv` (comment lines start with ``#``)::

    energy [MeV],nu_e [1/MeV/s],nu_mu_bar [1/MeV/s]
    0.0,0.0,0.0
    1.0,2.5e10,1.0e10
    ...

The first column is the energy with its unit in brackets; every other column is named
by a flavour and gives ``dN/dE`` with unit ``1/<energy unit>[/<normalisation>]``. Energies
must be strictly increasing and >= 0; the density is interpolated linearly between rows
and is zero outside the table.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..flavours import Flavour
from ..units import parse_quantity
from .base import SurvivalProbability, flux_from_spectra
from .spectrum import FloatArray, SpectralLine, Spectrum


def _check_rate(rate: float | None) -> None:
    if rate is not None and not (math.isfinite(rate) and rate >= 0):
        raise ValueError(f"normalisation_rate: must be finite and >= 0 per second, got {rate}")


@dataclass(frozen=True)
class MonochromaticSource:
    """Neutrinos of one energy.

    Parameters
    ----------
    name
        Identifier.
    energy
        Line energy (MeV), > 0.
    intensity
        Neutrinos per normalisation unit, >= 0.
    flavour
        The flavour emitted.
    normalisation_unit
        What ``intensity`` is per (default ``"second"``).
    normalisation_rate
        Normalisation units per second, if meaningful (``1`` for ``"second"``).
    """

    name: str
    energy: float
    intensity: float = 1.0
    flavour: Flavour = Flavour.NU_E
    normalisation_unit: str = "second"
    normalisation_rate: float | None = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.energy) and self.energy > 0):
            raise ValueError(f"energy: line energy must be finite and > 0 MeV, got {self.energy}")
        if not (math.isfinite(self.intensity) and self.intensity >= 0):
            raise ValueError(f"intensity: must be finite and >= 0, got {self.intensity}")
        _check_rate(self.normalisation_rate)

    def spectra(self) -> dict[Flavour, Spectrum]:
        """One exact line (neutrinos per normalisation unit)."""
        line = SpectralLine(self.energy, self.intensity)
        return {self.flavour: Spectrum(lines=(line,), label=f"{self.energy:g} MeV line")}

    def flux_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Line intensity / (4πL²) (1/cm² per normalisation unit), times ``P``."""
        return flux_from_spectra(self.spectra(), distance, survival)

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        return {
            "name": self.name,
            "kind": "monochromatic",
            "energy": f"{self.energy:g} MeV",
            "flavour": self.flavour.value,
            "intensity": f"{self.intensity:g} per {self.normalisation_unit}",
        }


@dataclass(frozen=True)
class CallableSource:
    """Spectra given by user functions ``dN/dE(E)`` (1/MeV per normalisation unit).

    Parameters
    ----------
    name
        Identifier.
    densities
        Flavour → vectorised function of energy (MeV) returning 1/MeV per normalisation unit.
    support
        ``(E_low, E_high)`` in MeV shared by all flavours.
    normalisation_unit
        What the densities are per.
    normalisation_rate
        Normalisation units per second, if meaningful.
    breakpoints
        Energies (MeV) where a density has a kink.
    """

    name: str
    densities: Mapping[Flavour, Callable[[FloatArray], FloatArray]]
    support: tuple[float, float]
    normalisation_unit: str = "second"
    normalisation_rate: float | None = 1.0
    breakpoints: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        lo, hi = self.support
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
            raise ValueError(f"support: need 0 <= E_low < E_high < inf (MeV), got {self.support}")
        if not self.densities:
            raise ValueError("densities: give at least one flavour")
        _check_rate(self.normalisation_rate)
        probe = np.linspace(lo, hi, 7)
        for fl, fn in self.densities.items():
            values = np.asarray(fn(probe), dtype=float)
            if values.shape != probe.shape:
                raise ValueError(f"densities: {fl.value} must return one value per energy")
            if not np.all(np.isfinite(values)) or np.any(values < 0):
                raise ValueError(f"densities: {fl.value} must be finite and >= 0 on the support")

    def spectra(self) -> dict[Flavour, Spectrum]:
        """The user densities as :class:`Spectrum` objects."""
        return {
            fl: Spectrum(
                density=fn, support=self.support, breakpoints=self.breakpoints, label=self.name
            )
            for fl, fn in self.densities.items()
        }

    def flux_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Spectra / (4πL²) (1/cm²/MeV per normalisation unit), times ``P``."""
        return flux_from_spectra(self.spectra(), distance, survival)

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        return {
            "name": self.name,
            "kind": "user callables",
            "support": f"{self.support[0]:g}–{self.support[1]:g} MeV",
            "flavours": ", ".join(f.value for f in self.densities),
            "normalisation_unit": self.normalisation_unit,
        }


def _parse_density_unit(cell: str, column: str) -> tuple[float, str]:
    """``'nu_e [1/MeV/s]'`` → (factor to 1/MeV, normalisation text ``'s'``)."""
    text = cell.strip()
    if "[" not in text or not text.endswith("]"):
        raise ValueError(
            f"{column}: CSV header {cell!r} has no unit; write e.g. '{column} [1/MeV/s]'"
        )
    unit = text[text.index("[") + 1 : -1].replace(" ", "")
    parts = unit.split("/")
    if len(parts) < 2 or parts[0] != "1":
        raise ValueError(
            f"{column}: density unit {unit!r} must read '1/<energy unit>[/<normalisation>]'"
        )
    per_energy = parse_quantity(f"1 {parts[1]}", "energy", name=column)
    return 1.0 / per_energy, "/".join(parts[2:])


@dataclass(frozen=True)
class TabulatedSource:
    """Spectra tabulated on an energy grid, linearly interpolated.

    Parameters
    ----------
    name
        Identifier.
    energies
        Strictly increasing grid (MeV), >= 0.
    densities
        Flavour → ``dN/dE`` on the grid (1/MeV per normalisation unit), >= 0.
    normalisation_unit
        What the densities are per.
    normalisation_rate
        Normalisation units per second, if meaningful.
    """

    name: str
    energies: tuple[float, ...]
    densities: Mapping[Flavour, tuple[float, ...]]
    normalisation_unit: str = "second"
    normalisation_rate: float | None = None
    origin: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        e = np.asarray(self.energies, dtype=float)
        if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)):
            raise ValueError("energies: need at least two finite energies (MeV)")
        if e[0] < 0:
            raise ValueError(f"energies: must be >= 0 MeV, got {e[0]}")
        if not np.all(np.diff(e) > 0):
            raise ValueError("energies: must be strictly increasing (MeV)")
        if not self.densities:
            raise ValueError("densities: give at least one flavour column")
        for fl, values in self.densities.items():
            v = np.asarray(values, dtype=float)
            if v.shape != e.shape:
                raise ValueError(f"densities: {fl.value} needs {e.size} values, got {v.size}")
            if not np.all(np.isfinite(v)) or np.any(v < 0):
                raise ValueError(f"densities: {fl.value} must be finite and >= 0")
        _check_rate(self.normalisation_rate)

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        name: str | None = None,
        normalisation_unit: str | None = None,
        normalisation_rate: float | None = None,
    ) -> TabulatedSource:
        """Read a CSV table with units in its header (see the module docstring)."""
        p = Path(path)
        with p.open(newline="") as handle:
            rows = [r for r in csv.reader(handle) if r and not r[0].lstrip().startswith("#")]
        if len(rows) < 3:
            raise ValueError(f"path: {p} needs a header row and at least two data rows")
        header = rows[0]
        if len(header) < 2:
            raise ValueError("header: need an energy column and at least one flavour column")
        energy_cell = header[0]
        if "[" not in energy_cell or not energy_cell.strip().endswith("]"):
            raise ValueError(
                f"energy: CSV header {energy_cell!r} has no unit; write e.g. 'energy [MeV]'"
            )
        energy_unit = energy_cell[energy_cell.index("[") + 1 : energy_cell.rindex("]")].strip()
        energy_scale = parse_quantity(f"1 {energy_unit}", "energy", name="energy")
        flavours: list[Flavour] = []
        scales: list[float] = []
        norms: set[str] = set()
        for cell in header[1:]:
            label = cell.split("[")[0].strip()
            flavours.append(Flavour.parse(label))
            scale, norm = _parse_density_unit(cell, label)
            scales.append(scale)
            norms.add(norm)
        if len(norms) > 1:
            raise ValueError(
                f"header: all columns must share one normalisation, got {sorted(norms)}"
            )
        try:
            data = np.array([[float(x) for x in r[: len(header)]] for r in rows[1:]])
        except ValueError as exc:
            raise ValueError(f"path: {p} has a non-numeric entry: {exc}") from exc
        energies = data[:, 0] * energy_scale
        densities = {
            fl: tuple((data[:, i + 1] * scales[i]).tolist()) for i, fl in enumerate(flavours)
        }
        unit_text = normalisation_unit or (norms.pop() or "unit")
        return cls(
            name=name or p.stem,
            energies=tuple(energies.tolist()),
            densities=densities,
            normalisation_unit=unit_text,
            normalisation_rate=normalisation_rate,
            origin=str(p),
        )

    def spectra(self) -> dict[Flavour, Spectrum]:
        """Piecewise-linear spectra (1/MeV per normalisation unit)."""
        e = np.asarray(self.energies, dtype=float)
        out: dict[Flavour, Spectrum] = {}
        for fl, values in self.densities.items():
            v = np.asarray(values, dtype=float)

            def density(x: FloatArray, v: FloatArray = v) -> FloatArray:
                res: FloatArray = np.interp(x, e, v, left=0.0, right=0.0)
                return res

            out[fl] = Spectrum(
                density=density,
                support=(float(e[0]), float(e[-1])),
                breakpoints=tuple(e[1:-1].tolist()) if e.size <= 400 else (),
                label=f"{self.name} {fl.symbol}",
                panels=1 if e.size <= 400 else 64,
            )
        return out

    def flux_at(
        self, distance: float, survival: SurvivalProbability | None = None
    ) -> dict[Flavour, Spectrum]:
        """Spectra / (4πL²) (1/cm²/MeV per normalisation unit), times ``P``."""
        return flux_from_spectra(self.spectra(), distance, survival)

    def parameters(self) -> dict[str, str]:
        """Human-readable parameters with units."""
        return {
            "name": self.name,
            "kind": "tabulated",
            "energy_range": f"{self.energies[0]:g}–{self.energies[-1]:g} MeV",
            "points": str(len(self.energies)),
            "flavours": ", ".join(f.value for f in self.densities),
            "normalisation_unit": self.normalisation_unit,
            "origin": self.origin,
        }


__all__ = ["CallableSource", "MonochromaticSource", "TabulatedSource"]
