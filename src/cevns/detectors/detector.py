"""The detector model: target, mass, distance, response chain and observable binning.

A :class:`Detector` is a frozen dataclass composed of

* a :class:`~cevns.physics.targets.Target` (isotopes and number fractions),
* ``mass`` (kg, total or fiducial as the file states) and ``distance`` (cm),
* a :class:`ResponseChain`: quenching → smearing (light yield and resolution) →
  energy efficiency → optional F90 (PSD) template → time efficiency,
* an :class:`ObservableBinning`: the bins the experiment measures (PE or
  reconstructed energy, optional F90, optional arrival time),
* optionally the source and exposure the detector was run with (the built-in
  files carry them, so ``cevns predict NAME`` needs nothing else).

Units: energies MeV, lengths cm, times ns, masses kg (:mod:`cevns.units`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..physics.targets import Target
from ..validation import in_range
from .efficiency import Efficiency, GaussianF90, TimeEfficiency
from .quenching import Quenching
from .smearing import ObservableKind, Smearing

#: Sub-bins per energy bin when the observable is an energy and no fine width is given.
DEFAULT_SUB_BINS = 16


def _edges(values: tuple[float, ...] | None, name: str, unit: str) -> None:
    if values is None:
        return
    e = np.asarray(values, dtype=float)
    if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or not np.all(np.diff(e) > 0):
        raise ValueError(f"{name}: need >= 2 finite, strictly increasing bin edges ({unit})")


#: Size limits of a binning, checked before anything is allocated: edges per axis, bins in
#: total (energy × F90 × time) and fine energy sub-bins (see :meth:`ObservableBinning.fine_edges`).
MAX_EDGES_PER_AXIS = 10_001
MAX_BINS = 1_000_000
MAX_FINE_BINS = 200_000


@dataclass(frozen=True)
class ObservableBinning:
    """Bins of the measured observable.

    Parameters
    ----------
    energy_edges
        Edges in PE (``observable == "PE"``) or in reconstructed energy (MeV).
    observable
        ``"PE"`` or ``"energy"``.
    time_edges
        Arrival-time edges (ns), or None for a time-integrated prediction.
    psd_edges
        F90 edges, or None without pulse-shape discrimination.
    fine_width
        Largest width of the sub-bins used to integrate smearing × efficiency inside
        each energy bin (PE or MeV); None picks 0.25 PE, or 16 sub-bins per energy bin.
        :func:`~cevns.detectors.predict` splits sub-bins further where an efficiency or an
        F90 template changes quickly (its defaults converge to 1e-3 in every bin holding
        more than one event, tests/detectors/test_convergence.py).
    """

    energy_edges: tuple[float, ...]
    observable: ObservableKind = "energy"
    time_edges: tuple[float, ...] | None = None
    psd_edges: tuple[float, ...] | None = None
    fine_width: float | None = None

    def __post_init__(self) -> None:
        for name, axis in (("energy_edges", self.energy_edges), ("time_edges", self.time_edges),
                           ("psd_edges", self.psd_edges)):
            if axis is not None and len(axis) > MAX_EDGES_PER_AXIS:
                raise ValueError(f"{name}: {len(axis)} edges; at most {MAX_EDGES_PER_AXIS} "
                                 f"are supported")
        _edges(self.energy_edges, "energy_edges", "PE" if self.observable == "PE" else "MeV")
        _edges(self.time_edges, "time_edges", "ns")
        _edges(self.psd_edges, "psd_edges", "F90")
        if self.observable not in ("PE", "energy"):
            raise ValueError(f"observable: must be 'PE' or 'energy', got {self.observable!r}")
        if self.energy_edges[0] < 0:
            raise ValueError("energy_edges: must be >= 0")
        if self.fine_width is not None and not (
            isinstance(self.fine_width, int | float) and math.isfinite(self.fine_width)
            and self.fine_width > 0
        ):
            raise ValueError(f"fine_width: must be finite and > 0, got {self.fine_width}")
        total = math.prod(self.shape)
        if total > MAX_BINS:
            raise ValueError(f"binning: {total} bins (energy × F90 × time); at most {MAX_BINS} "
                             f"are supported")
        self._fine_counts()  # the sub-bin count is checked before anything is allocated

    @property
    def shape(self) -> tuple[int, ...]:
        """``(n_energy[, n_psd][, n_time])``."""
        dims = [len(self.energy_edges) - 1]
        if self.psd_edges is not None:
            dims.append(len(self.psd_edges) - 1)
        if self.time_edges is not None:
            dims.append(len(self.time_edges) - 1)
        return tuple(dims)

    def _fine_counts(self) -> NDArray[np.intp]:
        """Sub-bins per coarse energy bin; an error if there would be too many."""
        coarse = np.asarray(self.energy_edges, dtype=float)
        widths = np.diff(coarse)
        if self.fine_width is not None:
            step: float | None = self.fine_width
        elif self.observable == "PE":
            step = 0.25
        else:
            step = None  # DEFAULT_SUB_BINS per energy bin
        if step is None:
            per_bin = np.full(widths.size, float(DEFAULT_SUB_BINS))
        else:
            per_bin = np.maximum(np.ceil(widths / step - 1e-9), 1.0)
        total = float(per_bin.sum())
        if not total <= MAX_FINE_BINS:
            raise ValueError(
                f"energy_edges: integrating the bins needs {total:.3g} sub-bins of width "
                f"{'1/16 of each bin' if step is None else f'{step:.3g}'}, more than the limit "
                f"{MAX_FINE_BINS}; use wider or more even bins, or a larger fine_width"
            )
        return per_bin.astype(np.intp)

    def fine_edges(self) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Sub-bin edges and, for each coarse bin, the index of its first sub-bin."""
        coarse = np.asarray(self.energy_edges, dtype=float)
        counts = self._fine_counts()
        parts = [
            np.linspace(lo, hi, n + 1)[:-1]
            for lo, hi, n in zip(coarse[:-1], coarse[1:], counts, strict=True)
        ]
        fine = np.append(np.concatenate(parts), coarse[-1])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
        return fine, starts


@dataclass(frozen=True)
class ResponseChain:
    """The swappable steps from a nuclear recoil to what the experiment records.

    Parameters
    ----------
    quenching
        ``T`` (MeVnr) → ``E_ee`` (MeVee).
    smearing
        ``E_ee`` → observable (light yield and resolution included).
    efficiency
        Energy efficiency (of the observable or of the recoil energy), or None.
    time_efficiency
        Arrival-time efficiency, or None.
    psd
        F90 template for the PSD axis, or None.
    """

    quenching: Quenching
    smearing: Smearing
    efficiency: Efficiency | None = None
    time_efficiency: TimeEfficiency | None = None
    psd: GaussianF90 | None = None


@dataclass(frozen=True)
class Detector:
    """A CEvNS detector.

    Parameters
    ----------
    name
        Catalogue name (``"csi-2021"``).
    target
        Target material.
    mass
        Target mass in kg (fiducial where the experiment quotes one).
    distance
        Source–detector distance in cm.
    response
        The response chain.
    binning
        Observable binning (the release's region of interest for the built-ins).
    description
        One line for tables.
    source
        Default source (e.g. :class:`~cevns.sources.stopped_pion.StoppedPionSource`) or None.
    exposure
        Default exposure in source units (POT), or None.
    exposure_label
        How the default exposure was stated (``"13.99 GWh"``).
    recoil_energy_min
        Smallest recoil energy (MeV) on the integration grid; None integrates from zero.
    references
        Citations of the file's numbers.
    assumptions
        What was assumed where a published number is missing.
    model
        Physics model used by :func:`~cevns.detectors.predict` when none is passed (a
        :class:`~cevns.models.StandardModel` with chosen form factors, or a
        :func:`cevns.models.get_model` model); None is the default Standard Model.
    channels
        The reactions this detector records (``"cevns"`` and any channel of
        :func:`cevns.inelastic.channel_names`); the non-CEvNS ones are predicted by
        :func:`cevns.inelastic.predict_channels`.
    inelastic
        How the non-CEvNS channels are recorded (:class:`cevns.inelastic.InelasticSettings`:
        visible-energy bins, region of interest, efficiency), or None for the defaults.
    """

    name: str
    target: Target
    mass: float
    distance: float
    response: ResponseChain
    binning: ObservableBinning
    description: str = ""
    source: object | None = None
    exposure: float | None = None
    exposure_label: str = ""
    recoil_energy_min: float | None = None
    references: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    model: object | None = None
    channels: tuple[str, ...] = ("cevns",)
    inelastic: object | None = None

    def __post_init__(self) -> None:
        in_range(self.mass, "mass")  # finite, inside cevns.validation.RANGES
        in_range(self.distance, "distance")
        if self.exposure is not None and not (np.isfinite(self.exposure) and self.exposure > 0):
            raise ValueError(f"exposure: must be finite and > 0, got {self.exposure}")
        if self.recoil_energy_min is not None and not self.recoil_energy_min > 0:
            raise ValueError(f"recoil_energy_min: must be > 0 MeV, got {self.recoil_energy_min}")
        if self.binning.psd_edges is not None and self.response.psd is None:
            raise ValueError("psd_edges: the binning has an F90 axis but the response has no psd")
        if self.binning.observable != self.response.smearing.observable:
            raise ValueError(
                f"observable: binning is in {self.binning.observable!r} but the smearing "
                f"produces {self.response.smearing.observable!r}"
            )

    @property
    def observable_unit(self) -> tuple[str, float]:
        """Display unit of the energy axis and its size in internal units.

        ``("PE", 1.0)`` for a photoelectron axis; ``("keVnr", 1e-3)`` when the quenching is
        the constant factor 1 and there is no smearing (the observable *is* the nuclear
        recoil energy); otherwise ``("keVee", 1e-3)``, the electron-equivalent scale.
        """
        from .. import units as u
        from .quenching import ConstantQuenching
        from .smearing import NoSmearing

        if self.binning.observable == "PE":
            return "PE", u.PE
        q, s = self.response.quenching, self.response.smearing
        if isinstance(q, ConstantQuenching) and q.factor == 1.0 and isinstance(s, NoSmearing):
            return "keVnr", u.keVnr
        return "keVee", u.keVee

    def with_mass(self, mass: float) -> Detector:
        """The same detector with another target mass (kg)."""
        return replace(self, mass=mass)

    def with_distance(self, distance: float) -> Detector:
        """The same detector at another distance (cm)."""
        return replace(self, distance=distance)

    def with_response(self, **steps: Any) -> Detector:
        """The same detector with some response steps replaced (``quenching=...``)."""
        return replace(self, response=replace(self.response, **steps))

    def with_binning(self, binning: ObservableBinning) -> Detector:
        """The same detector with another observable binning."""
        return replace(self, binning=binning)


__all__ = ["Detector", "ObservableBinning", "ResponseChain"]
