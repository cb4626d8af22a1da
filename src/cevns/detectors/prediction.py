"""Predictions: expected CEvNS counts in the bins an experiment measures.

``predict(source, detector, exposure)`` computes, per flavour and isotope,

    N[e, (f,) t] = exposure/(4π L²) · N_nuclei · Σ_k w_k dR/dT(T_k)
                   · R[e(, f) | E_ee(T_k)] · ∫_t p_f(t) ε_t(t) dt

with ``dR/dT`` from :func:`cevns.engine.rates.recoil_spectrum` on a Gauss–Legendre
grid in ``log T`` (panel edges at the recoil endpoints of spectral lines), so the
physics is computed once. The response is compiled into matrices:

* a *smearing kernel* ``K[x, g]``: probability that a visible energy on a fixed
  ``E_ee`` grid ``g`` is reconstructed in fine observable sub-bin ``x``;
* a *deposit matrix* ``D[g, k]`` that places the events of recoil node ``k`` on the
  ``E_ee`` grid by linear interpolation at ``E_ee = Q(T_k)`` (this is linear
  interpolation of the kernel in ``E_ee``);
* the efficiency on the fine sub-bins, the F90 template, the sum of sub-bins into
  the coarse bins and the time-bin probabilities.

A :class:`Prediction` keeps ``dR/dT`` and ``K``; changing a quenching or efficiency
nuisance (:meth:`Prediction.with_nuisances`) only rebuilds ``D`` or the efficiency
vector and redoes a few small matrix products (well under 2 ms for CsI 2021).

Units: counts are expected events; recoil spectra in events/MeV; energies MeV.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine.rates import recoil_spectrum
from ..flavours import Flavour
from ..physics.kinematics import max_recoil_energy
from ..physics.targets import Isotope
from ..sources.spectrum import Spectrum
from ..types import FloatArray
from ..validation import exposure_in_range, shown
from .beam import Exposure, SpectralSource, source_spectra, source_time_probabilities
from .detector import Detector, ObservableBinning, ResponseChain
from .efficiency import Efficiency, GaussianF90, StepEfficiency, TimeEfficiency
from .quenching import Quenching
from .smearing import NoSmearing, PoissonSmearing

#: Gauss–Legendre nodes per recoil panel and number of log-spaced panels.
RECOIL_NODES_PER_PANEL = 8
RECOIL_PANELS = 32
#: Start of the log-spaced panels as a fraction of the largest recoil; below it (down to
#: zero when the detector sets no ``recoil_energy_min``) one linear panel.
LOG_PANEL_START = 1e-3
#: Points of the visible-energy (E_ee) grid of the smearing kernel.
VISIBLE_GRID_POINTS = 800
#: Largest change of an observable efficiency across one fine sub-bin, and of its second
#: difference (kinks, curvature), before the sub-bin is split (adaptive sub-binning).
EFFICIENCY_STEP = 0.01
EFFICIENCY_CURVATURE = 2e-4
#: Widest arrival-time sub-bin (ns). A time efficiency acts on the arrival-time density, so each
#: time bin is split into sub-bins no wider than this, the efficiency is averaged over each
#: sub-bin and the efficiency-weighted probabilities are summed back into the bin. Averaging
#: ε(t) over a whole bin instead weights it uniformly in time, which is wrong where the arrival
#: density falls across the bin (a single 0–6 µs bin lost 5 % of the CsI 2021 counts).
TIME_SUBBIN_WIDTH = 10.0
#: Gauss–Legendre points per sub-bin over which an observable efficiency is averaged.
EFFICIENCY_NODES = 8
#: Visible-grid nodes per standard deviation of a Gaussian resolution (adaptive grid).
NODES_PER_SIGMA = 24.0


@dataclass(frozen=True)
class Resolution:
    """Discretisation of :func:`predict`.

    The defaults converge to better than 1e-3 in every bin holding more than one event for
    every built-in detector, checked against a run :meth:`refined` 10× in every direction
    (``tests/detectors/test_convergence.py``).

    Parameters
    ----------
    recoil_panels
        Log-spaced recoil panels between ``1e-3 T_max`` and ``T_max`` (plus one linear panel
        down to zero, and panel edges at spectral-line endpoints, at recoil-energy
        thresholds and, for a detector without smearing, at the recoils of the bin edges).
    recoil_nodes
        Gauss–Legendre nodes per recoil panel.
    visible_points
        Points of the visible-energy grid on which the smearing kernel is tabulated.
    fine_divisor
        Divides the default width of the observable sub-bins (0.25 PE, or 1/64 of the
        narrowest bin; a binning's own ``fine_width`` is divided too). Sub-bins are further
        split where an observable efficiency changes quickly or has a kink.
    """

    recoil_panels: int = RECOIL_PANELS
    recoil_nodes: int = RECOIL_NODES_PER_PANEL
    visible_points: int = VISIBLE_GRID_POINTS
    fine_divisor: float = 1.0

    def __post_init__(self) -> None:
        for name in ("recoil_panels", "recoil_nodes", "visible_points"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 2):
                raise ValueError(f"{name}: must be an integer >= 2, got {value!r}")
        if not (np.isfinite(self.fine_divisor) and self.fine_divisor >= 1):
            raise ValueError(f"fine_divisor: must be finite and >= 1, got {self.fine_divisor}")

    def refined(self, factor: int) -> Resolution:
        """Every direction ``factor`` times finer (for convergence checks)."""
        if not (isinstance(factor, int) and factor >= 1):
            raise ValueError(f"factor: must be an integer >= 1, got {factor!r}")
        return Resolution(
            self.recoil_panels * factor,
            self.recoil_nodes,
            self.visible_points * factor,
            self.fine_divisor * factor,
        )


@dataclass(frozen=True)
class _Physics:
    """Everything that does not depend on the response (computed once)."""

    isotopes: tuple[Isotope, ...]
    flavours: tuple[Flavour, ...]
    recoil_nodes: tuple[FloatArray, ...]  # per isotope, (n_T,) MeV
    recoil_weights: tuple[FloatArray, ...]  # per isotope, (n_T,) MeV
    rates: tuple[FloatArray, ...]  # per isotope, (n_flav, n_T) events/MeV
    time_probabilities: FloatArray | None  # (n_flav, n_sub): per sub-bin of time_subedges
    source: object = None  # kept to redo the time probabilities for a timing nuisance
    resolution: Resolution = field(default_factory=Resolution)
    time_subedges: FloatArray | None = None  # (n_sub + 1,) ns, the time bins split finely
    time_starts: NDArray[np.intp] | None = None  # first sub-bin of each time bin
    # binned, efficiency-weighted time probabilities per time efficiency (not copied by replace)
    _binned_time: dict[object, FloatArray] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def binned_time_probabilities(self, efficiency: TimeEfficiency | None) -> FloatArray:
        """``∫_bin p_f(t) ε(t) dt`` for every flavour and time bin, ``(n_f, n_t)``."""
        try:
            hash(efficiency)
        except TypeError:  # an unhashable user-defined efficiency is not cached
            cacheable = False
        else:
            cacheable = True
            if efficiency in self._binned_time:
                return self._binned_time[efficiency]
        assert self.time_probabilities is not None and self.time_starts is not None
        assert self.time_subedges is not None
        pt = self.time_probabilities
        if efficiency is not None:
            pt = pt * efficiency.bin_average(self.time_subedges)
        out = np.asarray(np.add.reduceat(pt, self.time_starts, axis=1), dtype=float)
        if cacheable:
            self._binned_time[efficiency] = out
        return out


def _time_subedges(edges: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
    """Time bin ``edges`` (ns) split into equal sub-bins of at most :data:`TIME_SUBBIN_WIDTH`.

    Returns the sub-bin edges and the index of each bin's first sub-bin (for ``reduceat``).
    """
    widths = np.diff(edges)
    counts = np.maximum(1, np.ceil(widths / TIME_SUBBIN_WIDTH - 1e-9)).astype(np.intp)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    step = np.repeat(widths / counts, counts)
    offset = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    sub = np.repeat(edges[:-1], counts) + offset * step
    return np.append(sub, edges[-1]), starts


def _time_subbin_probabilities(
    source: object, flavours: Sequence[Flavour], subedges: FloatArray
) -> FloatArray:
    rows = [source_time_probabilities(source, f, subedges) for f in flavours]
    if any(r is None for r in rows):
        raise ValueError(
            "time_edges: the detector bins arrival time but the source has no time "
            "structure (no time_bin_probabilities); remove the time binning or use a "
            "beam source"
        )
    return np.stack([np.asarray(r, dtype=float) for r in rows])


@dataclass(frozen=True)
class _Kernel:
    """The smearing kernel on a fixed visible-energy grid (depends on smearing and binning)."""

    visible_grid: FloatArray  # (n_g,) MeV, starts at 0
    fine_edges: FloatArray  # (n_fine + 1,)
    fine_points: FloatArray  # (n_fine,) representative point of each sub-bin
    efficiency_nodes: FloatArray  # (n_fine, m) where efficiencies are averaged
    efficiency_weights: FloatArray  # (m,) averaging weights (sum 1)
    starts: NDArray[np.intp]  # (n_energy,) first fine bin of each coarse bin
    kernel_t: FloatArray  # (n_g, n_fine) = K.T


def _recoil_grid(
    t_low: float, t_high: float, breakpoints: Sequence[float], resolution: Resolution
) -> tuple[FloatArray, FloatArray]:
    """Gauss–Legendre nodes/weights (MeV) on panels covering ``[t_low, t_high]``.

    The panels are log-spaced from ``max(t_low, 1e-3 t_high)`` up to ``t_high``. When
    ``t_low`` is 0 (no threshold) a first linear panel ``[0, 1e-3 t_high]`` with its own
    Gauss rule covers the lowest recoils exactly: ``dR/dT`` is smooth and finite at
    ``T = 0`` (``dσ/dT`` tends to a constant and ``E_min(T) → 0``), so the full integral
    from zero is kept instead of dropping the ~0.7 % of CsI events below ``1e-3 T_max``.
    ``breakpoints`` (kinks or jumps of the integrand) become panel edges.
    """
    log_low = max(t_low, t_high * LOG_PANEL_START)
    edges = np.geomspace(log_low, t_high, resolution.recoil_panels + 1)
    if t_low < log_low:
        edges = np.concatenate([[t_low], edges])
    inner = [b for b in breakpoints if t_low < b < t_high]
    edges = np.unique(np.concatenate([edges, inner]))
    x, w = np.polynomial.legendre.leggauss(resolution.recoil_nodes)
    a, b = edges[:-1, None], edges[1:, None]
    nodes = 0.5 * (a + b) + 0.5 * (b - a) * x
    weights = 0.5 * (b - a) * w
    return nodes.ravel(), weights.ravel()


def _response_breakpoints(detector: Detector, isotope: Isotope, t_high: float) -> list[float]:
    """Recoil energies (MeV) where the nominal response jumps or changes steeply.

    A recoil-energy step efficiency jumps at its threshold; the recorded bin changes where
    the mean observable of the quenched energy crosses a bin edge (a jump without smearing,
    a steep step for a sharp resolution) or an observable step threshold. These recoils,
    found by inverting the monotone nominal quenching on a fine table, become panel edges
    so that the Gauss rule of each panel integrates a smooth function.
    """
    resp = detector.response
    points: list[float] = []
    eff = resp.efficiency
    if isinstance(eff, StepEfficiency) and eff.variable == "recoil_energy":
        points.append(eff.threshold)
    observable = list(detector.binning.energy_edges)
    if isinstance(eff, StepEfficiency) and eff.variable == "observable":
        observable.append(eff.threshold)
    t = np.geomspace(t_high * 1e-9, t_high, 4001)
    visible = resp.quenching.visible_energy(t, isotope.Z, isotope.A)
    if np.all(np.diff(visible) > 0):
        targets = np.asarray(observable) / float(resp.smearing.mean_observable(1.0))
        inside = (targets > visible[0]) & (targets < visible[-1])
        # log-log interpolation: quenching is close to a power law between table points
        points += list(np.exp(np.interp(np.log(targets[inside]), np.log(visible), np.log(t))))
    return points


def _detector_spectra(
    source: object, detector: Detector, survival: Any
) -> tuple[dict[Flavour, Spectrum], float]:
    """Spectra to fold and the factor turning them into fluence per source unit (1/cm²)."""
    flux_at = getattr(source, "flux_at", None)
    if callable(flux_at):
        flux = flux_at(detector.distance, survival)
        return {Flavour.parse(f): s for f, s in dict(flux).items()}, 1.0
    if survival is not None:
        raise ValueError("survival: this source has no flux_at(distance, survival) to apply it")
    spectra = source_spectra(source)  # type: ignore[arg-type]
    return spectra, 1.0 / (4.0 * np.pi * detector.distance**2)


def _compute_physics(
    spectra: Mapping[Flavour, Spectrum],
    source: object,
    detector: Detector,
    exposure: float,
    model: Any,
    dilution: float,
    resolution: Resolution,
) -> _Physics:
    target = detector.target
    flavours = tuple(f for f in spectra if spectra[f].max_energy > 0)
    if not flavours:
        raise ValueError("source: no flavour carries any neutrinos")
    e_max = max(spectra[f].max_energy for f in flavours)
    line_energies = sorted({ln.energy for f in flavours for ln in spectra[f].lines})
    nuclei = target.nuclei_per_kg() * detector.mass
    flux_factor = exposure * dilution  # source units per cm² (1 if already a flux)
    nodes_all, weights_all, rates_all = [], [], []
    for iso, n_nuclei in zip(target.isotopes, nuclei, strict=True):
        t_high = float(max_recoil_energy(e_max, iso.nuclear_mass))
        t_low = detector.recoil_energy_min or 0.0
        if t_low >= t_high:
            raise ValueError(
                f"recoil_energy_min: {t_low} MeV is above the largest recoil "
                f"{t_high} MeV on {iso.symbol}"
            )
        breaks = [float(max_recoil_energy(e, iso.nuclear_mass)) for e in line_energies]
        breaks += _response_breakpoints(detector, iso, t_high)
        nodes, weights = _recoil_grid(t_low, t_high, breaks, resolution)
        rates = np.stack(
            [recoil_spectrum(spectra[f], iso, f, nodes, model) for f in flavours]
        ) * (n_nuclei * flux_factor)
        nodes_all.append(nodes)
        weights_all.append(weights)
        rates_all.append(rates)
    time_probs = subedges = starts = None
    time_edges = detector.binning.time_edges
    if time_edges is not None:
        subedges, starts = _time_subedges(np.asarray(time_edges, dtype=float))
        time_probs = _time_subbin_probabilities(source, flavours, subedges)
    return _Physics(
        isotopes=target.isotopes,
        flavours=flavours,
        recoil_nodes=tuple(nodes_all),
        recoil_weights=tuple(weights_all),
        rates=tuple(rates_all),
        time_probabilities=time_probs,
        source=source,
        resolution=resolution,
        time_subedges=subedges,
        time_starts=starts,
    )


def _compile_kernel(detector: Detector, physics: _Physics) -> _Kernel:
    quenching = detector.response.quenching
    e_top = max(
        float(np.max(quenching.visible_energy(t, iso.Z, iso.A)))
        for iso, t in zip(physics.isotopes, physics.recoil_nodes, strict=True)
    )
    smearing = detector.response.smearing
    # Grid up to 3× the nominal largest visible energy (room for nuisance shifts), and
    # at least up to the top of the observable range.
    obs_top = detector.binning.energy_edges[-1]
    mean_per_mev = float(smearing.mean_observable(1.0))
    e_hi = max(3.0 * e_top, 1.2 * obs_top / mean_per_mev)
    grid = _visible_grid(
        smearing, e_hi, physics.resolution.visible_points, obs_top / mean_per_mev
    )
    binning = detector.binning
    if physics.resolution.fine_divisor != 1.0:
        width = binning.fine_width or _default_fine_width(binning)
        binning = replace(binning, fine_width=width / physics.resolution.fine_divisor)
    fine_edges, starts = binning.fine_edges()
    eff = detector.response.efficiency
    if eff is not None and not _efficiency_before_binning(detector):
        fine_edges, starts = _refine_for_efficiency(fine_edges, starts, eff, smearing)
    if isinstance(smearing, NoSmearing):
        kernel_t = np.zeros((0, fine_edges.size - 1))  # events go straight to their sub-bin
    else:
        # K.T (n_g, n_fine), filled in blocks of grid points to keep temporaries small.
        kernel_t = np.empty((grid.size, fine_edges.size - 1))
        block = max(1, 2_000_000 // fine_edges.size)
        for start in range(0, grid.size, block):
            part = smearing.bin_probabilities(grid[start : start + block], fine_edges).T
            # Probabilities below 1e-30 are noise for counts; as subnormal floats they
            # would slow every matrix product with the kernel a hundredfold.
            kernel_t[start : start + block] = np.where(part > 1e-30, part, 0.0)
    lo, hi = fine_edges[:-1], fine_edges[1:]
    if isinstance(smearing, PoissonSmearing):
        points = np.ceil(lo)  # the integer PE counts of each sub-bin
        nodes, weights = points[:, None], np.ones((1,))
    else:
        points = 0.5 * (lo + hi)
        x, w = np.polynomial.legendre.leggauss(EFFICIENCY_NODES)
        nodes = points[:, None] + 0.5 * (hi - lo)[:, None] * x
        weights = 0.5 * w
    return _Kernel(
        visible_grid=grid,
        fine_edges=fine_edges,
        fine_points=points,
        efficiency_nodes=nodes,
        efficiency_weights=weights,
        starts=starts,
        kernel_t=kernel_t,
    )


def _visible_grid(smearing: Any, e_hi: float, points: int, top: float) -> FloatArray:
    """Visible-energy nodes (MeV) of the kernel: 0, then ``[1e-5 e_hi, e_hi]``.

    ``points`` log-spaced nodes by default. With a Gaussian resolution ``σ(E)`` the node
    density is adaptive: at least :data:`NODES_PER_SIGMA` nodes per ``σ`` up to 1.5× the
    top of the observable range (``top``, MeVee) wherever that is denser than the log
    spacing (up to 4× the points), so linear interpolation of a sharp kernel (HPGe, argon
    at high energy; Gaussian tails) stays converged without refining where the resolution
    is broad or no bin is.
    """
    e_lo = e_hi * 1e-5
    sigma = getattr(smearing, "sigma", None)
    if not callable(sigma):
        return np.concatenate([[0.0], np.geomspace(e_lo, e_hi, points - 1)])
    log_e = np.linspace(np.log(e_lo), np.log(e_hi), 20001)
    energy = np.exp(log_e)
    yield_per_mev = float(smearing.mean_observable(1.0))
    resolution = np.maximum(np.asarray(sigma(energy), dtype=float) / yield_per_mev, 1e-300)
    base = (points - 2) / (log_e[-1] - log_e[0])  # nodes per unit ln E of the log grid
    sharp = np.where(energy <= 1.5 * top, NODES_PER_SIGMA * energy / resolution, 0.0)
    density = np.maximum(base, sharp)  # nodes per unit ln E
    cumulative = np.concatenate(
        [[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(log_e))]
    )
    n_nodes = int(min(np.ceil(cumulative[-1]), 4 * points)) + 1
    nodes = np.interp(np.linspace(0.0, cumulative[-1], n_nodes), cumulative, log_e)
    return np.concatenate([[0.0], np.exp(nodes)])


def _default_fine_width(binning: ObservableBinning) -> float:
    """A sub-bin width at least as fine as the binning's default (0.25 PE, or 1/16 of the
    narrowest energy bin)."""
    if binning.observable == "PE":
        return 0.25
    return float(np.diff(np.asarray(binning.energy_edges, dtype=float)).min()) / 16.0


def _refine_for_efficiency(
    fine_edges: FloatArray, starts: NDArray[np.intp], eff: Efficiency, smearing: object
) -> tuple[FloatArray, NDArray[np.intp]]:
    """Split sub-bins where the observable efficiency changes fast or bends (adaptive).

    The efficiency is applied at one point per sub-bin (midpoint; the integer count for
    Poisson photoelectrons), so a sub-bin is split in four while the efficiency (nominal or
    shifted by up to ±2σ of its nuisance) changes by
    more than :data:`EFFICIENCY_STEP` across it, or its second difference (a kink, such as
    the clipping of the CsI 2021 sigmoid to zero near 7 PE, or strong curvature) exceeds
    :data:`EFFICIENCY_CURVATURE`. Coarse edges are kept, so ``starts`` is recomputed.
    Integer photoelectron counts are not subdivided (a sub-bin holds at most one integer).
    """
    if isinstance(smearing, PoissonSmearing):
        return fine_edges, starts
    coarse = np.append(fine_edges[starts], fine_edges[-1])
    # the nominal curve and its nuisance variations up to ±2σ (their kinks move)
    curves = [eff] + [eff.shifted(theta) for theta in (-2.0, -1.0, 1.0, 2.0)]
    edges = fine_edges
    for _ in range(4):
        lo, hi = edges[:-1], edges[1:]
        bad = np.zeros(lo.size, dtype=bool)
        for curve in curves:
            e_lo, e_mid, e_hi = curve(lo), curve(0.5 * (lo + hi)), curve(hi)
            bad |= (np.abs(e_hi - e_lo) > EFFICIENCY_STEP) | (
                np.abs(e_lo - 2.0 * e_mid + e_hi) > EFFICIENCY_CURVATURE
            )
        if not bad.any():
            break
        extra = lo[bad, None] + (hi - lo)[bad, None] * np.array([0.25, 0.5, 0.75])
        edges = np.unique(np.concatenate([edges, extra.ravel()]))
    new_starts = np.searchsorted(edges, coarse[:-1]).astype(np.intp)
    return edges, new_starts


def _to_fine(
    kernel: _Kernel, smearing: object, visible: FloatArray, events: FloatArray
) -> FloatArray:
    """Events ``(..., n_T)`` at visible energies ``visible`` → events per fine sub-bin.

    With smearing: deposit on the visible grid and apply the tabulated kernel. Without: each
    recoil node lands in the sub-bin of its observable value (the recoil grid has panel
    edges at the bin edges, so this is exact for the nominal response).
    """
    if isinstance(smearing, NoSmearing):
        obs = smearing.mean_observable(visible)
        edges = kernel.fine_edges
        idx = np.searchsorted(edges, obs, side="right") - 1
        inside = (idx >= 0) & (idx < edges.size - 1)
        n_fine = edges.size - 1
        lead = events.shape[:-1]
        flat = events.reshape(-1, events.shape[-1])
        rows = np.arange(flat.shape[0])[:, None] * n_fine
        target = (rows + np.where(inside, idx, 0)[None, :]).ravel()
        out = np.bincount(
            target,
            weights=(flat * inside[None, :]).ravel(),
            minlength=flat.shape[0] * n_fine,
        )
        return np.asarray(out, dtype=float).reshape(*lead, n_fine)
    deposited = _deposit(kernel.visible_grid, visible, events)
    # counts below 1e-100 are zero for any purpose; as subnormal floats (rates vanishing
    # at a kinematic endpoint) they would slow the matrix product a hundredfold
    deposited = np.where(np.abs(deposited) > 1e-100, deposited, 0.0)
    return np.asarray(deposited @ kernel.kernel_t, dtype=float)


def _deposit(grid: FloatArray, visible: FloatArray, events: FloatArray) -> FloatArray:
    """Spread ``events[..., k]`` at energies ``visible[k]`` linearly onto the grid nodes.

    Returns ``(..., n_g)``: ``Σ_k events[..., k] D[g, k]`` with ``D`` the linear-interpolation
    weights, so that ``K @ result`` is the kernel interpolated at each ``visible[k]``.
    """
    n_g = grid.size
    e = np.clip(visible, 0.0, grid[-1])
    idx = np.clip(np.searchsorted(grid, e, side="right") - 1, 0, n_g - 2)
    frac = (e - grid[idx]) / (grid[idx + 1] - grid[idx])
    lead = events.shape[:-1]
    flat = events.reshape(-1, events.shape[-1])
    rows = np.arange(flat.shape[0])[:, None] * n_g
    out = np.bincount(
        np.concatenate([(rows + idx).ravel(), (rows + idx + 1).ravel()]),
        weights=np.concatenate([(flat * (1.0 - frac)).ravel(), (flat * frac).ravel()]),
        minlength=flat.shape[0] * n_g,
    )
    return np.asarray(out, dtype=float).reshape(*lead, n_g)


@dataclass(frozen=True)
class Prediction:
    """Expected counts of one detector, exposure and source, with the pieces to redo them.

    Attributes
    ----------
    detector
        The detector (with the response steps used for these counts).
    exposure
        Source normalisation units (e.g. POT).
    flavours, isotopes
        Labels of the first two axes of :attr:`components`.
    components
        Expected events, shape ``(n_flavour, n_isotope) + detector.binning.shape``:
        ``(..., n_energy[, n_psd][, n_time])``.
    """

    detector: Detector
    exposure: float
    flavours: tuple[Flavour, ...]
    isotopes: tuple[str, ...]
    components: FloatArray
    _physics: _Physics = field(repr=False, compare=False)
    _kernel: _Kernel = field(repr=False, compare=False)
    _fine: FloatArray = field(repr=False, compare=False)  # (n_f, n_i, n_fine) before ε(x)
    _nominal: ResponseChain | None = field(default=None, repr=False, compare=False)

    # ----------------------------------------------------------------- views
    @property
    def counts(self) -> FloatArray:
        """Total expected events per bin, shape ``detector.binning.shape``."""
        return np.asarray(self.components.sum(axis=(0, 1)), dtype=float)

    @property
    def total(self) -> float:
        """Expected events summed over all bins (the binning's region of interest)."""
        return float(self.components.sum())

    def by_flavour(self) -> dict[Flavour, FloatArray]:
        """Counts per flavour (summed over isotopes)."""
        return {f: self.components[i].sum(axis=0) for i, f in enumerate(self.flavours)}

    def by_isotope(self) -> dict[str, FloatArray]:
        """Counts per isotope (summed over flavours)."""
        return {s: self.components[:, i].sum(axis=0) for i, s in enumerate(self.isotopes)}

    def energy_counts(self) -> FloatArray:
        """Counts per energy bin, summed over F90 and time."""
        c = self.counts
        return np.asarray(c.reshape(c.shape[0], -1).sum(axis=1), dtype=float)

    def time_counts(self) -> FloatArray:
        """Counts per time bin, summed over energy and F90 (needs time bins)."""
        if self.detector.binning.time_edges is None:
            raise ValueError("time_edges: this prediction has no time axis")
        c = self.counts
        return np.asarray(c.reshape(-1, c.shape[-1]).sum(axis=0), dtype=float)

    def total_in(
        self,
        energy: tuple[float, float] | None = None,
        time: tuple[float, float] | None = None,
    ) -> float:
        """Events in a region of interest; bins partly inside count by overlap fraction.

        Parameters
        ----------
        energy
            ``(low, high)`` in the observable (PE, or MeV).
        time
            ``(low, high)`` in ns (needs time bins).
        """
        b = self.detector.binning
        c = self.counts
        weights_e = _overlap(np.asarray(b.energy_edges), energy, "energy")
        c = np.tensordot(weights_e, c, axes=(0, 0))
        if b.time_edges is not None:
            weights_t = _overlap(np.asarray(b.time_edges), time, "time")
            c = np.tensordot(c, weights_t, axes=(-1, 0))
        elif time is not None:
            raise ValueError("time: this prediction has no time axis")
        return float(np.sum(c))

    def recoil_spectrum(self) -> dict[str, tuple[FloatArray, FloatArray]]:
        """``dN/dT`` (events/MeV) before any detector response, per isotope.

        Returns ``{isotope: (T nodes in MeV, dN/dT of shape (n_flavour, n_T))}``.
        """
        return {
            iso.symbol: (t, r)
            for iso, t, r in zip(
                self._physics.isotopes, self._physics.recoil_nodes, self._physics.rates, strict=True
            )
        }

    def recoil_counts(self, edges: FloatArray) -> FloatArray:
        """Events per recoil-energy bin (edges in MeV), shape ``(n_flavour, n_bins)``."""
        out = np.zeros((len(self.flavours), len(edges) - 1))
        for t, w, r in zip(
            self._physics.recoil_nodes, self._physics.recoil_weights, self._physics.rates,
            strict=True,
        ):
            for i in range(len(self.flavours)):
                out[i] += np.histogram(t, bins=edges, weights=r[i] * w)[0]
        return out

    def recoil_density(self, edges: FloatArray) -> FloatArray:
        """``dN/dT`` averaged over recoil bins (edges MeV): events/MeV, ``(n_flavour, n_bins)``."""
        e = np.asarray(edges, dtype=float)
        return np.asarray(self.recoil_counts(e) / np.diff(e), dtype=float)

    def visible_density(self, edges: FloatArray) -> FloatArray:
        """``dN/dE_ee`` averaged over bins (edges MeVee): events/MeVee, ``(n_flavour, n_bins)``."""
        e = np.asarray(edges, dtype=float)
        return np.asarray(self.visible_counts(e) / np.diff(e), dtype=float)

    def default_recoil_edges(self, n_bins: int = 60) -> FloatArray:
        """Log-spaced recoil-energy edges (MeV) spanning the integration grid."""
        lo = min(float(t.min()) for t in self._physics.recoil_nodes)
        hi = max(float(t.max()) for t in self._physics.recoil_nodes)
        return np.geomspace(lo, hi * (1 + 1e-9), n_bins + 1)

    def visible_counts(self, edges: FloatArray) -> FloatArray:
        """Events per electron-equivalent energy bin (edges in MeVee), ``(n_flavour, n_bins)``.

        No smearing or efficiency: the quenched energy of every recoil.
        """
        q = self.detector.response.quenching
        out = np.zeros((len(self.flavours), len(edges) - 1))
        for iso, t, w, r in zip(
            self._physics.isotopes, self._physics.recoil_nodes, self._physics.recoil_weights,
            self._physics.rates, strict=True,
        ):
            e = q.visible_energy(t, iso.Z, iso.A)
            for i in range(len(self.flavours)):
                out[i] += np.histogram(e, bins=edges, weights=r[i] * w)[0]
        return out

    # ----------------------------------------------------------------- nuisances
    def with_nuisances(
        self,
        quenching: float | Sequence[float] | Quenching | None = None,
        efficiency: float | Efficiency | None = None,
        time_efficiency: float | TimeEfficiency | None = None,
        psd: float | GaussianF90 | None = None,
        normalisation: float = 1.0,
        light_yield: float | None = None,
        time_shift: float | None = None,
    ) -> Prediction:
        """Re-predict after moving response nuisances, reusing the physics and kernel.

        Parameters
        ----------
        quenching, efficiency, time_efficiency, psd
            Either a number (or sequence, for several quenching directions) of standard
            deviations applied to the *nominal* step of the original prediction through its
            ``shifted`` method, or a replacement step object. None keeps the current step.
        normalisation
            Overall factor (e.g. flux ``1 + θσ``), >= 0.
        light_yield
            Factor on the nominal light yield (gain), > 0. This recompiles the smearing
            kernel (a few ms rather than < 1 ms).
        time_shift
            Delay (ns) of the neutrino arrival times relative to the nominal beam timing
            (e.g. ``θ × 200 ns`` for the SNS trace mean of the LAr 2020 release); only the
            source's time-bin probabilities are recomputed (well under 1 ms).
        """
        if not (np.isfinite(normalisation) and normalisation >= 0):
            raise ValueError(f"normalisation: must be finite and >= 0, got {normalisation}")
        nominal_chain = self._nominal or self.detector.response
        resp = nominal_chain
        steps: dict[str, Any] = {}
        if quenching is not None:
            steps["quenching"] = (
                resp.quenching.shifted(quenching)
                if isinstance(quenching, int | float | Sequence | np.ndarray)
                else quenching
            )
        for name, value in (("efficiency", efficiency), ("time_efficiency", time_efficiency),
                            ("psd", psd)):
            if value is None:
                continue
            nominal = getattr(resp, name)
            if isinstance(value, int | float):
                if nominal is None:
                    raise ValueError(f"{name}: the detector has no {name} step to shift")
                steps[name] = nominal.shifted(value)
            else:
                steps[name] = value
        kernel = self._kernel
        if light_yield is not None:
            if not (np.isfinite(light_yield) and light_yield > 0):
                raise ValueError(f"light_yield: factor must be finite and > 0, got {light_yield}")
            steps["smearing"] = nominal_chain.smearing.scaled_yield(light_yield)
        elif self.detector.response.smearing is not nominal_chain.smearing:
            steps["smearing"] = nominal_chain.smearing  # back to the nominal gain
        detector = self.detector.with_response(**steps) if steps else self.detector
        if detector.response.smearing is not self.detector.response.smearing:
            kernel = _compile_kernel(detector, self._physics)
        new_eff = detector.response.efficiency
        old_eff = self.detector.response.efficiency
        reuse = (
            kernel is self._kernel
            and detector.response.quenching is self.detector.response.quenching
            and not any(
                e is not None and _efficiency_before_binning(detector) and e is not old_eff
                for e in (new_eff,)
            )
        )
        fine = self._fine if reuse else _fine_counts(detector, self._physics, kernel)
        physics = self._physics
        if time_shift is not None:
            physics = _shifted_timing(physics, detector, float(time_shift))
        comps = _components(detector, physics, kernel, fine) * normalisation
        return replace(
            self, detector=detector, components=comps, _fine=fine, _kernel=kernel,
            _nominal=nominal_chain, _physics=physics,
        )

    def response_matrix(self, isotope: str) -> tuple[FloatArray, FloatArray]:
        """The compiled response of one isotope: ``(T nodes [MeV], R)``.

        ``R[..., k]`` (shape ``binning energy[/F90] shape + (n_T,)``) is the probability that a
        recoil of energy ``T_k`` is recorded in each observable bin, with quenching, smearing,
        energy efficiency and F90 template applied (time acts per flavour, separately).
        """
        names = [i.symbol for i in self._physics.isotopes]
        if isotope not in names:
            raise ValueError(f"isotope: {isotope!r} is not in this target; allowed: {names}")
        i = names.index(isotope)
        iso = self._physics.isotopes[i]
        t = self._physics.recoil_nodes[i]
        resp = self.detector.response
        unit = np.eye(t.size)
        visible = resp.quenching.visible_energy(t, iso.Z, iso.A)
        if resp.efficiency is not None and _efficiency_before_binning(self.detector):
            unit = unit * _node_efficiency(resp.efficiency, resp.smearing, t, visible)
        # the recoil nodes take the place of the isotope axis: (1, n_T, n_fine)
        fine = _to_fine(self._kernel, resp.smearing, visible, unit)[None]
        det = self.detector.with_binning(replace(self.detector.binning, time_edges=None))
        coarse = _components(det, self._physics, self._kernel, fine)[0]  # (n_T, ...)
        return t, np.moveaxis(coarse, 0, -1)


def _shifted_timing(physics: _Physics, detector: Detector, shift: float) -> _Physics:
    """Time-bin probabilities of arrivals delayed by ``shift`` (ns): edges moved by −shift."""
    if not np.isfinite(shift):
        raise ValueError(f"time_shift: must be finite (ns), got {shift}")
    if detector.binning.time_edges is None or physics.time_probabilities is None:
        raise ValueError("time_shift: this prediction has no time axis")
    assert physics.time_subedges is not None
    probs = _time_subbin_probabilities(physics.source, physics.flavours,
                                       physics.time_subedges - shift)
    return replace(physics, time_probabilities=probs)


def _overlap(edges: FloatArray, window: tuple[float, float] | None, name: str) -> FloatArray:
    if window is None:
        return np.ones(edges.size - 1)
    lo, hi = window
    if not hi > lo:
        raise ValueError(f"{name}: region of interest needs low < high, got {window}")
    inter = np.clip(np.minimum(edges[1:], hi) - np.maximum(edges[:-1], lo), 0.0, None)
    return np.asarray(inter / np.diff(edges), dtype=float)


def _efficiency_before_binning(detector: Detector) -> bool:
    """Whether the energy efficiency acts on each recoil node rather than on the sub-bins.

    A recoil-energy efficiency always does; so does an observable efficiency when there is
    no smearing (the observable of each node is then known exactly). Otherwise the
    efficiency of the observable is applied at the point of each sub-bin (see
    :func:`predict` for the convention).
    """
    eff = detector.response.efficiency
    if eff is None:
        return False
    return eff.variable == "recoil_energy" or isinstance(detector.response.smearing, NoSmearing)


def _node_efficiency(
    eff: Efficiency, smearing: Any, recoil: FloatArray, visible: FloatArray
) -> FloatArray:
    """Efficiency of each recoil node: at ``T``, or at the exact observable without smearing."""
    if eff.variable == "recoil_energy":
        return eff(recoil)
    return eff(smearing.mean_observable(visible))


def _fine_counts(detector: Detector, physics: _Physics, kernel: _Kernel) -> FloatArray:
    """Events per fine observable sub-bin, ``(n_f, n_i, n_fine)``, before ε(observable)."""
    resp = detector.response
    eff = resp.efficiency
    n_f = len(physics.flavours)
    n_i = len(physics.isotopes)
    out = np.empty((n_f, n_i, kernel.fine_edges.size - 1))
    for i, (iso, t, w, r) in enumerate(
        zip(physics.isotopes, physics.recoil_nodes, physics.recoil_weights, physics.rates,
            strict=True)
    ):
        events = r * w  # (n_f, n_T)
        visible = resp.quenching.visible_energy(t, iso.Z, iso.A)
        if eff is not None and _efficiency_before_binning(detector):
            events = events * _node_efficiency(eff, resp.smearing, t, visible)
        out[:, i, :] = _to_fine(kernel, resp.smearing, visible, events)
    return out


def _components(
    detector: Detector, physics: _Physics, kernel: _Kernel, fine: FloatArray
) -> FloatArray:
    """Counts per coarse bin from the fine-bin events (efficiency, F90, time applied here)."""
    resp = detector.response
    eff = resp.efficiency
    n_f = len(physics.flavours)
    y = fine
    if eff is not None and not _efficiency_before_binning(detector):
        y = y * (eff(kernel.efficiency_nodes) @ kernel.efficiency_weights)
    binning = detector.binning
    if binning.psd_edges is not None:
        assert resp.psd is not None
        energies = kernel.fine_points / float(resp.smearing.mean_observable(1.0))
        if binning.observable == "energy":
            energies = kernel.fine_points
        p = resp.psd.bin_probabilities(energies, np.asarray(binning.psd_edges))  # (n_fine, n_p)
        y = y[..., :, None] * p  # (n_f, n_i, n_fine, n_p)
        coarse = np.add.reduceat(y, kernel.starts, axis=2)
    else:
        coarse = np.add.reduceat(y, kernel.starts, axis=2)
    if binning.time_edges is not None:
        pt = physics.binned_time_probabilities(resp.time_efficiency)  # (n_f, n_t)
        extra = coarse.ndim - 2
        shape = (n_f, 1) + (1,) * extra + (pt.shape[1],)
        coarse = coarse[..., None] * pt.reshape(shape)
    return np.asarray(coarse, dtype=float)


def recoil_response(
    detector: Detector,
    isotope: Isotope,
    recoil_high: float,
    recoil_low: float = 0.0,
    resolution: Resolution | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The detector's response to nuclear recoils of one isotope on a recoil quadrature grid.

    For a recoil spectrum that does not come from neutrinos (e.g. dark matter), this is the
    same response chain :func:`predict` applies (quenching, smearing, energy efficiency, PSD):
    ``counts[bins] = R @ (w · dN/dT(T))``.

    Parameters
    ----------
    detector
        The detector (its time binning is ignored: timing is the caller's).
    isotope
        Target nucleus (one of the detector's).
    recoil_high, recoil_low
        Recoil range (MeV) of the Gauss–Legendre grid (log-spaced panels, as :func:`predict`).
    resolution
        Discretisation (:class:`Resolution`); None uses the converged defaults.

    Returns
    -------
    (T, w, R)
        Recoil nodes (MeV), quadrature weights (MeV) and ``R`` of shape
        ``binning energy[/F90] shape + (n_T,)``: the probability that a recoil ``T_k`` is
        recorded in each observable bin.
    """
    if not (np.isfinite(recoil_high) and recoil_high > max(recoil_low, 0.0)):
        raise ValueError(f"recoil_high: must be finite and above recoil_low = {recoil_low} MeV, "
                         f"got {recoil_high}")
    res = resolution or Resolution()
    breaks = _response_breakpoints(detector, isotope, recoil_high)
    nodes, weights = _recoil_grid(max(recoil_low, 0.0), recoil_high, breaks, res)
    physics = _Physics(
        isotopes=(isotope,), flavours=(), recoil_nodes=(nodes,), recoil_weights=(weights,),
        rates=(np.zeros((0, nodes.size)),), time_probabilities=None, source=None, resolution=res,
    )
    kernel = _compile_kernel(detector, physics)
    resp = detector.response
    unit = np.eye(nodes.size)
    visible = resp.quenching.visible_energy(nodes, isotope.Z, isotope.A)
    if resp.efficiency is not None and _efficiency_before_binning(detector):
        unit = unit * _node_efficiency(resp.efficiency, resp.smearing, nodes, visible)
    fine = _to_fine(kernel, resp.smearing, visible, unit)[None]
    det = detector.with_binning(replace(detector.binning, time_edges=None))
    coarse = _components(det, physics, kernel, fine)[0]
    return nodes, weights, np.moveaxis(coarse, 0, -1)


def checked_source_and_exposure(
    detector: Detector, source: Any, exposure: float | Exposure | None
) -> tuple[Any, float]:
    """The source (the detector's own if None) and the exposure in its normalisation units
    (the detector's default if None), after checking ``detector`` is a :class:`Detector` and
    the exposure is a number in the range of the source's unit (POT, fissions, bursts:
    :data:`cevns.validation.RANGES`).

    Raises
    ------
    ValueError
        One line naming ``detector``, ``source`` or ``exposure`` and what is allowed.
    """
    if not isinstance(detector, Detector):
        raise ValueError(
            f"detector: expected a Detector (cevns.detectors.load_detector), got {shown(detector)}"
        )
    src = detector.source if source is None else source
    if src is None:
        raise ValueError(f"source: detector {detector.name!r} has no default source; pass one")
    if exposure is None:
        if detector.exposure is None:
            raise ValueError(
                f"exposure: detector {detector.name!r} has no default exposure; pass one"
            )
        units = detector.exposure
    elif isinstance(exposure, Exposure):
        units = exposure.units
    elif isinstance(exposure, bool) or not isinstance(exposure, int | float | np.number):
        raise ValueError(
            f"exposure: expected a number of source units or an Exposure, got {shown(exposure)}"
        )
    else:
        units = Exposure(float(exposure)).units
    # the exposure must be in the range of what the source counts (POT, fissions, bursts)
    return src, exposure_in_range(units, getattr(src, "normalisation_unit", None))


def predict(
    source: SpectralSource | Mapping[Flavour, Spectrum] | None,
    detector: Detector,
    exposure: float | Exposure | None = None,
    model: Any = None,
    survival: Any = None,
    resolution: Resolution | None = None,
) -> Prediction:
    """Expected CEvNS counts of ``detector`` exposed to ``source``.

    Parameters
    ----------
    source
        A source with ``spectra()`` (and ``time_bin_probabilities`` when the detector
        bins time), or a ``{Flavour: Spectrum}`` mapping; None uses the detector's own.
    detector
        The detector (target, mass, distance, response, binning).
    exposure
        Source normalisation units (POT for a beam) or an :class:`Exposure`; None uses
        the detector's default exposure.
    model
        Physics model (couplings, form factors, new physics from :mod:`cevns.models`); None
        is the Standard Model. A model that changes the flux (a sterile neutrino) supplies
        ``survival`` itself; a model that cannot act on the target raises ValueError.
    survival
        Optional ``P(E, L, flavour)`` applied at the detector through the source's
        ``flux_at(distance, survival)`` (oscillations, e.g. a sterile neutrino).
    resolution
        Discretisation (:class:`Resolution`); None uses the converged defaults.

    Returns
    -------
    Prediction
        Counts per observable bin by flavour and isotope, with recoil spectra and the
        compiled response for fast re-prediction.
    """
    src, units = checked_source_and_exposure(detector, source, exposure)
    if model is not None:
        check = getattr(model, "check_target", None)
        if callable(check):
            check(detector.target)
        if survival is None and callable(getattr(model, "survival", None)):
            survival = model.survival()  # a sterile neutrino acts on the flux at the detector
    if model is None:
        model = detector.model
    spectra, dilution = _detector_spectra(src, detector, survival)
    physics = _compute_physics(
        spectra, src, detector, units, model, dilution, resolution or Resolution()
    )
    kernel = _compile_kernel(detector, physics)
    fine = _fine_counts(detector, physics, kernel)
    comps = _components(detector, physics, kernel, fine)
    if not np.all(np.isfinite(comps)):
        raise ValueError(
            f"prediction: detector {detector.name!r} gives non-finite expected counts; an input "
            f"is outside the range the computation supports (cevns.validation.RANGES)"
        )
    return Prediction(
        detector=detector,
        exposure=units,
        flavours=physics.flavours,
        isotopes=tuple(i.symbol for i in physics.isotopes),
        components=comps,
        _physics=physics,
        _kernel=kernel,
        _fine=fine,
        _nominal=detector.response,
    )


__all__ = ["Prediction", "Resolution", "predict", "recoil_response"]
