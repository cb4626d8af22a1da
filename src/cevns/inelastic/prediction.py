"""Expected counts of the non-CEvNS channels of a detector, by channel and flavour.

For a channel ``c`` on target ``t`` (``N_t`` target particles in the detector), a source of
fluence ``Φ_α(E)`` per source unit at the detector and an exposure ``X`` (source units)::

    N_{c,α,j} = ε X N_t ∫ σ_{c,j}(E, α) Φ_α(E) dE

for every final state ``j`` of the channel (:meth:`Channel.final_state_cross_sections`), with
``ε`` the detector's constant efficiency for these channels. The energy the detector sees is

* charged current: the outgoing lepton, ``E_ℓ = E_ν − excitation_j`` (total energy, nuclear
  recoil neglected);
* neutral current: the de-excitation γ cascade, ``gamma_energy_j`` (a line); final states that
  emit a particle instead have no γ and are left out of the spectrum (they are still counted,
  and their neutrons are);
* ν–e elastic scattering: the electron kinetic energy ``T`` from ``dσ/dT``, with the
  detector's atomic electrons in the stepping approximation where shell energies exist
  (:mod:`cevns.physics.electron_scattering`), ``Z`` free electrons per atom otherwise.

Neutrino-induced neutrons: ``Σ_j N_{c,α,j} P_j(k)`` events with ``k`` neutrons
(:attr:`FinalState.neutron_probabilities`) and ``Σ_k k (…)`` neutrons in all.

Energies in MeV; counts are expected events for the exposure.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..constants import ELECTRON_MASS
from ..detectors.detector import MAX_EDGES_PER_AXIS
from ..flavours import Flavour
from ..physics.electron_scattering import ATOMIC_SHELLS
from ..physics.targets import Target
from ..sources.spectrum import Spectrum
from ..types import FloatArray
from ..validation import shown
from .averaging import MIN_PANELS
from .channel import Channel, Process, channel_names, get_channel

__all__ = [
    "CEVNS_CHANNEL",
    "ChannelCounts",
    "InelasticPrediction",
    "InelasticSettings",
    "check_channel_names",
    "predict_channels",
    "target_count",
]

#: The name of CEvNS itself in detector files (predicted by :func:`cevns.detectors.predict`).
CEVNS_CHANNEL = "cevns"

#: Width (MeV) of the neutrino-energy cells used to build the visible-energy spectra.
_SPECTRUM_STEP = 0.05
#: Gauss–Legendre nodes per visible-energy bin for the ν–e recoil spectrum.
_T_NODES = 8


@dataclass(frozen=True)
class InelasticSettings:
    """How a detector records the non-CEvNS channels (the ``[inelastic]`` table of a file).

    Parameters
    ----------
    energy_edges:
        Bin edges of the visible energy (MeV): outgoing lepton, γ, or recoil electron.
    roi:
        ``(low, high)`` visible-energy window (MeV) of the analysis, or None.
    efficiency:
        Constant detection efficiency applied to every channel, in ``[0, 1]``.
    """

    energy_edges: tuple[float, ...] = tuple(float(x) for x in np.arange(0.0, 62.0, 2.0))
    roi: tuple[float, float] | None = None
    efficiency: float = 1.0

    def __post_init__(self) -> None:
        e = _real_array(self.energy_edges, "energy_edges")
        if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or np.any(np.diff(e) <= 0) \
                or e[0] < 0:
            raise ValueError("energy_edges: need >= 2 finite, increasing, non-negative edges (MeV)")
        if e.size > MAX_EDGES_PER_AXIS:
            raise ValueError(f"energy_edges: {e.size} edges; at most {MAX_EDGES_PER_AXIS} "
                             f"are supported")
        if self.roi is not None:
            window = _real_array(self.roi, "roi")
            if window.shape != (2,) or not (np.all(np.isfinite(window))
                                           and 0 <= window[0] < window[1]):
                raise ValueError(f"roi: need (low, high) with 0 <= low < high (MeV), "
                                 f"got {shown(self.roi)}")
        eff = _real_array(self.efficiency, "efficiency", "")
        if eff.ndim != 0 or not (np.isfinite(eff) and 0 <= eff <= 1):
            raise ValueError(f"efficiency: must be in [0, 1], got {shown(self.efficiency)}")


def _real_array(value: Any, name: str, unit: str = "MeV") -> FloatArray:
    """``value`` as a float array; text, booleans and objects are a one-line error."""
    raw = np.asarray(value)
    if raw.dtype.kind not in "iuf":
        in_unit = f" in {unit}" if unit else ""
        raise ValueError(f"{name}: expected real numbers{in_unit}, got {shown(value)}")
    return np.asarray(raw, dtype=np.float64)


def check_channel_names(names: Sequence[str]) -> tuple[str, ...]:
    """Normalise channel names (lower case), checking each exists.

    Raises
    ------
    ValueError
        One line naming the unknown channel and listing every known one (``cevns`` too).
    """
    known = (CEVNS_CHANNEL, *channel_names())
    if isinstance(names, str):  # one name, not its characters
        names = (names,)
    out: list[str] = []
    for name in names:
        key = str(name).strip().lower()
        if key not in known:
            raise ValueError(f"channels: unknown channel {name!r}; known channels: "
                             f"{', '.join(known)}")
        if key in out:
            raise ValueError(f"channels: {name!r} is listed twice")
        out.append(key)
    if not out:
        raise ValueError("channels: list at least one channel")
    return tuple(out)


_NUCLIDE = re.compile(r"^(\d+)([A-Za-z]{1,2})$")


def target_count(target: Target, mass: float, channel_target: str) -> float:
    """Number of target particles of ``channel_target`` in ``mass`` kg of ``target``.

    ``"e"`` counts electrons (``Z`` per atom); ``"127I"`` the ¹²⁷I nuclei.

    Raises
    ------
    ValueError
        If the material holds none of that nuclide (naming the isotopes it has).
    """
    nuclei = target.nuclei_per_kg() * mass
    if channel_target == "e":
        return float(sum(n * iso.Z for n, iso in zip(nuclei, target.isotopes, strict=True)))
    match = _NUCLIDE.match(channel_target.strip())
    if match is None:
        raise ValueError(f"target: cannot read the nuclide {channel_target!r} (e.g. '127I')")
    a, symbol = int(match.group(1)), match.group(2).capitalize()
    total = 0.0
    for n, iso in zip(nuclei, target.isotopes, strict=True):
        if a == iso.A and re.sub(r"\d+$", "", iso.symbol) == symbol:
            total += float(n)
    if total == 0.0:
        have = ", ".join(iso.symbol for iso in target.isotopes)
        raise ValueError(f"channels: the target {target.name!r} has no {channel_target} for this "
                         f"channel; its isotopes: {have}")
    return total


def _electron_weight(target: Target, mass: float) -> tuple[float, Any]:
    """Electrons per detector and ``n_eff(T)``: active electrons (stepping approximation)."""
    nuclei = target.nuclei_per_kg() * mass
    elements: dict[str, tuple[float, int]] = {}
    for n, iso in zip(nuclei, target.isotopes, strict=True):
        symbol = re.sub(r"\d+$", "", iso.symbol)
        count, z = elements.get(symbol, (0.0, iso.Z))
        elements[symbol] = (count + float(n), z)
    total = sum(c * z for c, z in elements.values())

    def n_eff(recoil: FloatArray) -> FloatArray:
        out = np.zeros_like(recoil)
        for symbol, (count, z) in elements.items():
            shells = ATOMIC_SHELLS.get(symbol)
            out = out + count * (z if shells is None else shells.active_electrons(recoil))
        return np.asarray(out, dtype=np.float64)

    return total, (n_eff, elements)


@dataclass(frozen=True)
class ChannelCounts:
    """The prediction of one channel.

    Attributes
    ----------
    channel, process, target:
        Channel name, kind and target (``"e"`` for electrons).
    targets:
        Number of target particles in the detector.
    flavours:
        Flavours of the source, in the order of the arrays.
    final_states:
        Labels of the channel's final states.
    counts:
        Expected events, shape ``(flavour, final state)``.
    spectra:
        Events per visible-energy bin, shape ``(flavour, bin)``.
    roi_counts:
        Events with visible energy in the settings' ROI, per flavour (None without an ROI).
    neutron_multiplicity:
        Events with ``k = 0, 1, 2, …`` neutrons, shape ``(flavour, k)``.
    observable:
        What the spectrum bins: ``"lepton energy"``, ``"gamma energy"``, ``"electron recoil"``.
    """

    channel: str
    process: Process
    target: str
    targets: float
    flavours: tuple[Flavour, ...]
    final_states: tuple[str, ...]
    counts: FloatArray
    spectra: FloatArray
    roi_counts: FloatArray | None
    neutron_multiplicity: FloatArray
    observable: str

    @property
    def total(self) -> float:
        """All events of the channel."""
        return float(self.counts.sum())

    def by_flavour(self) -> dict[Flavour, float]:
        """Events per flavour."""
        return {f: float(c) for f, c in zip(self.flavours, self.counts.sum(axis=1), strict=True)}

    @property
    def neutrons(self) -> float:
        """Expected number of emitted neutrons (all flavours)."""
        k = np.arange(self.neutron_multiplicity.shape[1])
        return float((self.neutron_multiplicity * k).sum())


@dataclass(frozen=True)
class InelasticPrediction:
    """Predictions of a detector's non-CEvNS channels for one exposure."""

    detector: str
    exposure: float
    settings: InelasticSettings
    channels: tuple[ChannelCounts, ...] = field(default_factory=tuple)

    def __getitem__(self, name: str) -> ChannelCounts:
        for c in self.channels:
            if c.channel == name.lower():
                return c
        have = ", ".join(c.channel for c in self.channels) or "none"
        raise KeyError(f"channel {name!r} is not in this prediction; it has: {have}")

    def rows(self) -> list[dict[str, Any]]:
        """One row per channel and flavour: events, ROI events and neutrons."""
        out: list[dict[str, Any]] = []
        for c in self.channels:
            k = np.arange(c.neutron_multiplicity.shape[1])
            for i, f in enumerate(c.flavours):
                out.append({
                    "channel": c.channel,
                    "flavour": f.value,
                    "events": float(c.counts[i].sum()),
                    "roi_events": None if c.roi_counts is None else float(c.roi_counts[i]),
                    "neutrons": float((c.neutron_multiplicity[i] * k).sum()),
                })
        return out


def _cc_binned(channel: Channel, spectrum: Spectrum, flavour: Flavour, threshold: float,
               edge_sets: Sequence[FloatArray]) -> list[FloatArray]:
    """Charged-current events per lepton-energy bin (per unit scale and target) for each set of
    edges: ``E_ℓ = E_ν − excitation_j``, so state ``j``'s content of ``[a, b)`` is the
    cumulative integral of ``σ_j φ`` between ``a + X_j`` and ``b + X_j``."""
    x = np.array([s.excitation for s in channel.final_states])
    out = [np.zeros(e.size - 1) for e in edge_sets]
    if spectrum.density is not None:
        lo, hi = max(threshold, spectrum.support[0]), spectrum.support[1]
        if hi > lo:
            n = max(int(np.ceil((hi - lo) / _SPECTRUM_STEP)), 1)
            h = (hi - lo) / n
            mid = lo + h * (np.arange(n) + 0.5)
            cell = channel.final_state_cross_sections(mid, flavour) * (
                spectrum.continuous(mid) * h)[:, None]  # (cells, states)
            cumulative = np.vstack([np.zeros(cell.shape[1]), np.cumsum(cell, axis=0)])
            states = np.arange(cell.shape[1])
            for k, edges in enumerate(edge_sets):
                u = np.clip((edges[None, :] + x[:, None] - lo) / h, 0.0, float(n))
                idx = np.minimum(np.floor(u).astype(np.intp), n - 1)
                frac = u - idx
                at = cumulative[idx, states[:, None]] + frac * cell[idx, states[:, None]]
                out[k] = out[k] + np.diff(at, axis=1).sum(axis=0)
    for line in spectrum.lines:
        if line.energy < threshold:
            continue
        sigma = channel.final_state_cross_sections(np.array([line.energy]), flavour)[0]
        lepton = line.energy - x
        for k, edges in enumerate(edge_sets):
            b = np.searchsorted(edges, lepton, side="right") - 1
            inside = (b >= 0) & (b < edges.size - 1)
            np.add.at(out[k], b[inside], line.intensity * sigma[inside])
    return out


def _gamma_binned(channel: Channel, per_state: FloatArray,
                  edge_sets: Sequence[FloatArray]) -> list[FloatArray]:
    """Neutral-current events per γ-energy bin: each final state's events at its γ energy
    (states without a γ are left out)."""
    g = np.array([s.gamma_energy for s in channel.final_states])
    out = []
    for edges in edge_sets:
        b = np.searchsorted(edges, g, side="right") - 1
        inside = (g > 0) & (b >= 0) & (b < edges.size - 1)
        binned = np.zeros(edges.size - 1)
        np.add.at(binned, b[inside], per_state[inside])
        out.append(binned)
    return out


def _channel_counts(channel: Channel, spectra: Mapping[Flavour, Spectrum], scale: float,
                    target: Target, mass: float, settings: InelasticSettings) -> ChannelCounts:
    edges = np.asarray(settings.energy_edges, dtype=float)
    flavours = tuple(spectra)
    n_states = len(channel.final_states)
    n_k = max(len(s.neutron_probabilities) for s in channel.final_states)
    probs = np.zeros((n_states, n_k))
    for j, s in enumerate(channel.final_states):
        probs[j, : len(s.neutron_probabilities)] = s.neutron_probabilities
    counts = np.zeros((len(flavours), n_states))
    spec = np.zeros((len(flavours), edges.size - 1))
    roi = None if settings.roi is None else np.zeros(len(flavours))
    roi_edges = None if settings.roi is None else np.asarray(settings.roi, dtype=float)
    electron = channel.process is Process.ELECTRON_ELASTIC
    if electron:
        targets, n_eff = _electron_weight(target, mass)
        observable = "electron recoil"
    else:
        targets = target_count(target, mass, channel.target)
        observable = ("lepton energy" if channel.process is Process.CHARGED_CURRENT
                      else "gamma energy")
    factor = scale * settings.efficiency
    for i, flavour in enumerate(flavours):
        spectrum = spectra[flavour]
        if flavour not in channel.flavours or spectrum.max_energy <= channel.threshold(flavour):
            continue
        if electron:
            spec[i], total, roi_i = _electron_spectrum(channel, spectrum, flavour, edges,
                                                       roi_edges, n_eff)
            counts[i, 0] = factor * total
            spec[i] *= factor
            if roi is not None:
                roi[i] = factor * roi_i
            continue
        threshold = channel.threshold(flavour)
        fine = dataclasses.replace(spectrum, panels=max(spectrum.panels, MIN_PANELS))
        energy, weight = fine.quadrature(lower=threshold)
        sigma = channel.final_state_cross_sections(energy, flavour)
        counts[i] = factor * targets * np.einsum("n,nj->j", weight, sigma)
        edge_sets = [edges] if roi_edges is None else [edges, roi_edges]
        if channel.process is Process.CHARGED_CURRENT:
            binned = _cc_binned(channel, spectrum, flavour, threshold, edge_sets)
            binned = [factor * targets * b for b in binned]
        else:
            binned = _gamma_binned(channel, counts[i], edge_sets)
        spec[i] = binned[0]
        if roi is not None:
            roi[i] = float(binned[1].sum())
    multiplicity = counts @ probs
    return ChannelCounts(
        channel=channel.name.lower(), process=channel.process, target=channel.target,
        targets=float(targets), flavours=flavours,
        final_states=tuple(s.label for s in channel.final_states), counts=counts,
        spectra=spec, roi_counts=roi, neutron_multiplicity=multiplicity, observable=observable,
    )


def _electron_spectrum(channel: Channel, spectrum: Spectrum, flavour: Flavour, edges: FloatArray,
                       roi: FloatArray | None, electrons: Any) -> tuple[FloatArray, float, float]:
    """ν–e events per recoil bin, in total and in the ROI, per unit scale (electrons inside).

    ``electrons`` is ``(n_eff(T), {element: (atoms, Z)})`` from :func:`_electron_weight`.
    """
    n_eff, elements = electrons
    dsdt = getattr(channel, "differential_cross_section", None)
    physics = getattr(channel, "physics", None)
    if not callable(dsdt) or physics is None:
        raise ValueError(f"channels: {channel.name!r} has no recoil spectrum (dσ/dT)")
    energy, weight = spectrum.quadrature()
    active = weight > 0
    energy, weight = energy[active], weight[active]
    x, w = np.polynomial.legendre.leggauss(_T_NODES)

    t_max = 2.0 * energy**2 / (float(ELECTRON_MASS) + 2.0 * energy)  # (E,)
    cuts = np.array(sorted({b for sym in elements if sym in ATOMIC_SHELLS
                            for b in ATOMIC_SHELLS[sym].binding}))

    def binned(bin_edges: FloatArray) -> FloatArray:
        # integrate on sub-intervals between bin edges and shell energies (where the stepping
        # jumps), each clipped at T_max(E) (where dσ/dT drops to zero)
        inner = cuts[(cuts > bin_edges[0]) & (cuts < bin_edges[-1])]
        fine = np.unique(np.concatenate([bin_edges, inner]))
        owner = np.searchsorted(bin_edges, fine[:-1], side="right") - 1
        a = fine[:-1][None, :]
        b = np.minimum(fine[1:][None, :], t_max[:, None])  # (E, fine)
        half = np.clip(b - a, 0.0, None) / 2.0
        t = (a + half)[..., None] + half[..., None] * x  # (E, fine, nodes)
        density = dsdt(energy[:, None, None], t, flavour)
        per_fine = np.einsum("e,efn,efn->f", weight, density, half[..., None] * w * n_eff(t))
        return np.asarray(np.bincount(owner, per_fine, minlength=bin_edges.size - 1),
                          dtype=np.float64)

    spec = binned(edges)
    total = 0.0
    for symbol, (count, z) in elements.items():
        if symbol in ATOMIC_SHELLS:
            sigma = physics.atomic_cross_section(energy, flavour, symbol)
        else:
            sigma = z * physics.cross_section(energy, flavour)
        total += count * float(np.sum(weight * sigma))
    roi_count = float(binned(roi).sum()) if roi is not None else 0.0
    return spec, total, roi_count


def predict_channels(
    detector: Any,
    channels: Sequence[str] | None = None,
    source: Any = None,
    exposure: float | None = None,
    settings: InelasticSettings | None = None,
) -> InelasticPrediction:
    """Expected counts of the non-CEvNS channels of ``detector``.

    Parameters
    ----------
    detector:
        A :class:`~cevns.detectors.Detector`.
    channels:
        Channel names; None uses the detector's ``channels`` (``"cevns"`` is skipped: it is
        :func:`cevns.detectors.predict`).
    source:
        A source with ``flux_at`` or ``spectra``; None uses the detector's own.
    exposure:
        Source units (POT for a beam); None uses the detector's default.
    settings:
        Visible-energy bins, ROI and efficiency; None uses the detector's ``[inelastic]``
        table, or :class:`InelasticSettings` defaults.

    Raises
    ------
    ValueError
        Unknown channel (listing the known ones), a target without the channel's nuclide, a
        missing source or exposure.
    """
    from ..detectors.prediction import _detector_spectra, checked_source_and_exposure

    src, units = checked_source_and_exposure(detector, source, exposure)
    names = check_channel_names(channels if channels is not None else detector.channels)
    if settings is not None and not isinstance(settings, InelasticSettings):
        raise ValueError(f"settings: expected InelasticSettings, got {type(settings).__name__}")
    chosen = settings or getattr(detector, "inelastic", None) or InelasticSettings()
    spectra, dilution = _detector_spectra(src, detector, None)
    scale = units * dilution
    results = tuple(
        _channel_counts(get_channel(name), spectra, scale, detector.target, detector.mass, chosen)
        for name in names if name != CEVNS_CHANNEL
    )
    for c in results:
        if not (np.all(np.isfinite(c.counts)) and np.all(np.isfinite(c.spectra))):
            raise ValueError(
                f"prediction: channel {c.channel!r} of detector {detector.name!r} gives "
                f"non-finite expected counts; an input is outside the range the computation "
                f"supports (cevns.validation.RANGES)")
    return InelasticPrediction(detector=detector.name, exposure=units, settings=chosen,
                               channels=results)
