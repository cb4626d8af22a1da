"""Expected sensitivities of a future detector and run plan, as functions of exposure.

:class:`Projection` turns a :class:`~cevns.projections.setup.ProjectionSetup` (detector,
background model, systematics) and a :class:`~cevns.projections.plan.RunPlan` into the same
kind of binned likelihood the fits to real data use (:class:`cevns.stats.BinnedModel`):

* samples ``cevns`` (the Standard-Model prediction of :func:`cevns.detectors.predict` summed
  over the plan's periods, each with its own source), ``steady_state`` and ``beam_neutrons``;
* the CEvNS signal strength ``mu`` (or a new-physics parameter of :mod:`cevns.models` as a
  parametric template), a normalisation nuisance per signal systematic (flux, ...), the
  quenching shape (±1σ re-predictions) and the two background normalisations, constrained as
  the background model says.

The whole plan scales with one exposure factor ``s`` (every period's duration × ``s``): the
templates are computed once and multiplied, so a curve of 20 exposures costs 20 small fits.

Asimov results (Cowan, Cranmer, Gross & Vitells, EPJC 71 (2011) 1554): the data set equal to
its expectation gives the median expected discovery significance ``Z = √q₀`` of CEvNS
(profiled fit at ``mu = 0``), the expected uncertainty of ``mu`` from the inverse Fisher
information (exact for the Asimov Hesse error) and the expected profile-likelihood interval of
a model parameter. The impact of each nuisance is ``√(σ² − σ²_fixed)`` with ``σ_fixed`` the
uncertainty when it is fixed at its nominal value (what limits the measurement). Toy
experiments (seeded, run on the scan engine's executors) give the median and the ±1σ/±2σ bands.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import chi2

from ..detectors.prediction import Prediction, predict
from ..scan.compiled import CompiledModel
from ..scan.engine import map_chunks
from ..scan.profiler import Profiler
from ..scan.sensitivity import BAND_QUANTILES
from ..stats.model import (
    BinnedModel,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
    combine_models,
)
from ..stats.templates import InterpolatedTemplate, QuadraticTemplate
from ..types import FloatArray
from .impacts import PullsImpacts, pulls_and_impacts, toy_data
from .plan import RunPlan
from .setup import ProjectionSetup

__all__ = ["IntervalBands", "Projection", "ProjectionPoint", "ToyBands",
           "combined_interval_toys", "combined_model_intervals",
           "exposure_scales", "model_for_parameter", "profile_intervals",
           "projected_pulls_impacts"]

#: Name of the CEvNS signal strength (cross section relative to the Standard Model).
MU = "mu"
CROSS_SECTION = "cross_section"


def model_for_parameter(parameter: str, detector_target: str, **values: float) -> Any:
    """The registry model that owns ``parameter`` (``"sin2_theta_w"`` → weak angle, ``"r_n"``
    → the neutron radius of the detector's target, ...), with ``values`` set."""
    from ..models.registry import MODELS, get_model

    for name in MODELS:
        model = get_model(name) if name != "neutron-radius" else get_model(
            name, target=detector_target)
        if parameter in [p.name for p in model.parameters]:
            return model.with_values(**values) if values else model
    allowed = [CROSS_SECTION] + [p.name for n in MODELS for p in (
        get_model(n) if n != "neutron-radius" else get_model(n, target=detector_target)
    ).parameters]
    raise ValueError(f"measure: unknown parameter {parameter!r}; allowed: {', '.join(allowed)}")


@dataclass(frozen=True)
class ProjectionPoint:
    """Asimov result at one exposure.

    Attributes
    ----------
    scale
        Exposure factor on the plan.
    beam_energy, protons_on_target
        Exposure (internal units; GWh = ``u.GWh``) and POT.
    signal, steady_state, beam_neutrons
        Expected events in the region of interest.
    significance
        Median expected CEvNS discovery significance ``√q₀``.
    sigma_mu
        Expected 1σ uncertainty of the signal strength (relative cross-section precision).
    sigma_stat
        The same with every nuisance fixed (statistics only).
    impacts
        Nuisance → its impact on ``mu`` (see module doc), largest first.
    interval
        For a model parameter: ``{"68%": (low, high), "90%": ...}`` (None for an end the scan
        does not reach); empty for the cross section.
    """

    scale: float
    beam_energy: float
    protons_on_target: float
    signal: float
    steady_state: float
    beam_neutrons: float
    significance: float
    sigma_mu: float
    sigma_stat: float
    impacts: dict[str, float] = field(default_factory=dict)
    interval: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (exposure in GWh)."""
        from .. import units as u

        return {"scale": self.scale, "beam_energy_gwh": self.beam_energy / u.GWh,
                "protons_on_target": self.protons_on_target, "signal": self.signal,
                "steady_state": self.steady_state, "beam_neutrons": self.beam_neutrons,
                "significance": self.significance, "sigma_mu": self.sigma_mu,
                "sigma_stat": self.sigma_stat, "impacts": self.impacts,
                "interval": {k: list(v) for k, v in self.interval.items()}}


@dataclass(frozen=True)
class ToyBands:
    """Toy quantiles (:data:`cevns.scan.sensitivity.BAND_QUANTILES`) per exposure.

    ``significance`` and ``sigma_mu`` have shape ``(n_scales, 5)``: −2σ, −1σ, median, +1σ, +2σ.
    """

    scales: FloatArray
    significance: FloatArray
    sigma_mu: FloatArray
    n_toys: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"scales": self.scales.tolist(), "quantiles": list(BAND_QUANTILES),
                "significance": self.significance.tolist(), "sigma_mu": self.sigma_mu.tolist(),
                "n_toys": self.n_toys, "seed": self.seed}


@dataclass(frozen=True, eq=False)
class _ToyPayload:
    """What every toy chunk needs (picklable for the process and Dask executors): one
    compiled model, expectation and nominal vector per exposure; chunk ``i`` is exposure
    ``i // n_chunks``."""

    models: tuple[CompiledModel, ...]
    expected: tuple[FloatArray, ...]
    x0: tuple[FloatArray, ...]
    toys_per_chunk: int
    n_chunks: int
    seed: int

    def draws(self, index: int) -> tuple[int, Iterator[tuple[FloatArray, FloatArray]]]:
        """The exposure of chunk ``index`` and its toys: per toy the Poisson counts of every
        bin, then one auxiliary value per constrained nuisance (seeded from seed, exposure,
        chunk, so a chunk draws the same toys wherever it runs)."""
        j, c = divmod(index, self.n_chunks)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, j, c]))
        model, expected, x0 = self.models[j], self.expected[j], self.x0[j]
        centre = x0[model.constrained_index]

        def toys() -> Iterator[tuple[FloatArray, FloatArray]]:
            for _ in range(self.toys_per_chunk):
                counts = rng.poisson(expected).astype(np.float64)
                yield counts, rng.normal(centre, model.constraint_sigma)

        return j, toys()


@dataclass(frozen=True, eq=False)
class _SignificanceToyPayload(_ToyPayload):
    """Toys of the significance and the cross-section precision (index of μ)."""

    mu_index: int


def _toy_chunk(payload: _SignificanceToyPayload, index: int) -> bytes:
    """``(Z, σ_mu)`` of each toy of chunk ``index``."""
    j, toys = payload.draws(index)
    model, x0 = payload.models[j], payload.x0[j]
    base = Profiler(model, payload.expected[j])
    out = np.empty((payload.toys_per_chunk, 2))
    for k, (counts, aux) in enumerate(toys):
        prof = base.with_data(counts, aux)
        # a toy count in a bin that μ = 0 nearly empties makes intermediate Newton steps
        # overflow; the profiler's fallbacks then find the minimum, so the warning is noise
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            best = prof.minimise(x0)
            null = x0.copy()
            null[payload.mu_index] = 0.0
            at_zero = prof.minimise(null, fixed=[payload.mu_index])
        q0 = max(2.0 * (at_zero.nll - best.nll), 0.0) if best.x[payload.mu_index] > 0 else 0.0
        out[k, 0] = math.sqrt(q0) if math.isfinite(q0) else math.nan
        out[k, 1] = _sigma(model, best.x, payload.mu_index)
    return out.tobytes()


@dataclass(frozen=True)
class IntervalBands:
    """Toy quantiles (:data:`cevns.scan.sensitivity.BAND_QUANTILES`) of a model parameter's
    interval half-width and upper end (the limit, for a parameter on a physical boundary) per
    exposure, shape ``(n_scales, 5)``; ``open_fraction`` is the share of toys whose interval
    reached the end of the scan (left out of the quantiles)."""

    scales: FloatArray
    half_width: FloatArray
    upper: FloatArray
    open_fraction: FloatArray
    level: float
    n_toys: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"scales": self.scales.tolist(), "quantiles": list(BAND_QUANTILES),
                "half_width": self.half_width.tolist(), "upper": self.upper.tolist(),
                "open_fraction": self.open_fraction.tolist(), "level": self.level,
                "n_toys": self.n_toys, "seed": self.seed}


@dataclass(frozen=True, eq=False)
class _IntervalToyPayload(_ToyPayload):
    """Toys of a model parameter's interval: its scan values per exposure, name and index."""

    values: tuple[FloatArray, ...]
    poi: str
    poi_index: int
    level: float


def _interval_toy_chunk(payload: _IntervalToyPayload, index: int) -> bytes:
    """``(low, high)`` of each toy's profile-likelihood interval (NaN for an open end)."""
    j, toys = payload.draws(index)
    model, x0, values = payload.models[j], payload.x0[j], payload.values[j]
    threshold = float(chi2.ppf(payload.level, 1))
    out = np.empty((payload.toys_per_chunk, 2))
    for k, (counts, aux) in enumerate(toys):
        prof = Profiler(model, counts, aux)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            nll = _profile_nll(model, prof, x0, payload.poi_index, payload.poi, values)
        lo, hi = _interval(values, 2.0 * (nll - nll.min()), threshold)
        out[k] = (math.nan if lo is None else lo, math.nan if hi is None else hi)
    return out.tobytes()


def _interval_toys(
    build: Callable[[float], BinnedModel],
    poi: str,
    truth: float,
    scales: Sequence[float] | FloatArray,
    *,
    n_toys: int,
    seed: int,
    level: float,
    executor: str,
    workers: int,
    chunk: int,
    scheduler: str | None,
) -> IntervalBands:
    """Toy bands of the interval of ``poi`` for the binned model ``build(scale)`` of each
    exposure (one detector or several combined: every toy draws the Poisson counts of all
    bins and one auxiliary value per constrained nuisance, so a shared nuisance is drawn
    once per toy); chunks run on :func:`cevns.scan.engine.map_chunks`."""
    if n_toys < 1 or chunk < 1:
        raise ValueError(f"n_toys: need n_toys >= 1 and chunk >= 1, got {n_toys}, {chunk}")
    if not 0 < level < 1:
        raise ValueError(f"level: must be in (0, 1), got {level}")
    chunk = min(chunk, n_toys)
    n_chunks = -(-n_toys // chunk)
    scale_values = np.asarray(scales, dtype=np.float64)
    models, expected, starts, grids = [], [], [], []
    index = 0
    lower = -math.inf
    for s in scale_values:
        binned = build(float(s))
        comp = CompiledModel(binned)
        index = binned.index(poi)
        lower = float(comp.lower[index])
        x0 = binned.init.copy()
        x0[index] = truth
        comp.set_templates({poi: truth})
        nu = comp.expected(x0)
        grids.append(_scan_values(poi, comp, Profiler(comp, nu), x0, index, None))
        comp.set_templates({poi: truth})
        models.append(comp)
        expected.append(nu)
        starts.append(x0)
    payload = _IntervalToyPayload(tuple(models), tuple(expected), tuple(starts),
                                  toys_per_chunk=chunk, n_chunks=n_chunks, seed=int(seed),
                                  values=tuple(grids), poi=poi, poi_index=index, level=level)
    blobs = map_chunks(_interval_toy_chunk, payload, range(n_chunks * scale_values.size),
                       executor=executor, workers=workers, scheduler=scheduler)
    widths, uppers, opened = [], [], []
    for j in range(scale_values.size):
        rows = np.concatenate([np.frombuffer(blobs[j * n_chunks + i]).reshape(-1, 2)
                               for i in range(n_chunks)])[:n_toys]
        if truth <= lower:
            rows[:, 0] = np.where(np.isnan(rows[:, 0]), lower, rows[:, 0])
        ok = np.all(np.isfinite(rows), axis=1)
        opened.append(1.0 - float(ok.mean()))
        half = (rows[ok, 1] - rows[ok, 0]) / 2
        empty = np.full(len(BAND_QUANTILES), math.nan)
        widths.append(np.quantile(half, BAND_QUANTILES) if half.size else empty)
        uppers.append(np.quantile(rows[ok, 1], BAND_QUANTILES) if half.size else empty)
    return IntervalBands(scale_values, np.array(widths), np.array(uppers),
                         np.array(opened), level, n_toys, int(seed))


def _fisher(model: CompiledModel, x: FloatArray) -> FloatArray:
    nu, jac = model.expected_and_jacobian(x)
    keep = nu > 0
    fisher = jac[keep].T @ (jac[keep] / nu[keep][:, None])
    fisher[model.constrained_index, model.constrained_index] += 1.0 / model.constraint_sigma**2
    return np.asarray(fisher)


def _sigma(model: CompiledModel, x: FloatArray, index: int,
           fixed: Sequence[int] = ()) -> float:
    fisher = _fisher(model, x)
    free = [i for i in range(fisher.shape[0]) if i not in set(fixed)]
    sub = fisher[np.ix_(free, free)]
    try:
        cov = np.linalg.inv(sub)
    except np.linalg.LinAlgError:
        return math.inf
    return float(math.sqrt(max(cov[free.index(index), free.index(index)], 0.0)))


class Projection:
    """Expected sensitivities of ``setup`` running ``plan`` (see module doc).

    Parameters
    ----------
    setup
        Detector with background model and systematics.
    plan
        The run plan at exposure factor 1.
    """

    def __init__(self, setup: ProjectionSetup, plan: RunPlan) -> None:
        self.setup = setup
        self.plan = plan
        self.detector = setup.detector
        # periods with the same source share one prediction (per POT, scaled)
        groups: dict[Any, list[float]] = {}
        sources: dict[Any, Any] = {}
        for period in plan.periods:
            src = period.source()
            key = (src.name, src.neutrino_yield.per_flavour, src.pulse.describe(),
                   src.proton_energy)
            groups.setdefault(key, []).append(period.protons_on_target)
            sources[key] = src
        self._groups = [(sources[k], float(sum(v))) for k, v in groups.items()]
        self._predictions: list[Prediction] = [
            predict(src, self.detector, exposure=pot) for src, pot in self._groups]
        self.signal = np.asarray(sum(p.counts for p in self._predictions), dtype=np.float64)
        self.quenching_variation: tuple[FloatArray, FloatArray] | None = None
        if setup.quenching:
            try:
                lo = sum(p.with_nuisances(quenching=-1.0).counts for p in self._predictions)
                hi = sum(p.with_nuisances(quenching=1.0).counts for p in self._predictions)
                self.quenching_variation = (np.asarray(lo), np.asarray(hi))
            except (ValueError, TypeError):
                self.quenching_variation = None  # the detector's quenching has no uncertainty
        zeros = np.zeros(self.detector.binning.shape)
        self.steady_state = (setup.steady_state.counts(self.detector, plan)
                             if setup.steady_state is not None else zeros)
        self.beam_neutrons = (setup.beam_neutrons.counts(self.detector, plan)
                              if setup.beam_neutrons is not None else zeros)

    # ------------------------------------------------------------------ models
    def _signal_for(self, model: Any) -> FloatArray:
        return np.asarray(sum(predict(src, self.detector, exposure=pot, model=model).counts
                              for src, pot in self._groups), dtype=np.float64)

    def signal_template(self, model: Any, poi: str, grid: Sequence[float] | None = None
                        ) -> QuadraticTemplate | InterpolatedTemplate:
        """Parametric CEvNS template of the plan in ``poi`` (exact for couplings)."""
        from ..experiments.bsm import model_templates

        model.check_target(self.detector.target)
        param = model.parameter(poi)
        if grid is None and param.kind == "nonlinear" and not param.log:
            # nodes around the truth (a neutron radius: ±30 %), not the catalogue's wide grid
            truth = float(model.values()[poi])
            lo, hi = param.bounds
            grid = np.linspace(max(lo, 0.7 * truth), min(hi, 1.3 * truth), 25).tolist()
        return model_templates(self._signal_for, model, [poi], grid)

    def binned_model(self, scale: float = 1.0, *, template: Any = None, model: Any = None,
                     poi: str | None = None) -> BinnedModel:
        """The expectation at exposure factor ``scale`` (``mu`` or a model POI)."""
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"scale: exposure factor must be finite and > 0, got {scale}")
        s = float(scale)
        params: list[Parameter] = []
        mods: list[NormFactor | NormSys | HistoSys] = []
        nominal: Any
        if template is None:
            nominal = self.signal * s
            params.append(Parameter(MU, 1.0, (0.0, 10.0)))
            mods.append(NormFactor(MU))
        else:
            from ..experiments.bsm import model_parameters

            nominal = template.scaled(np.full(self.detector.binning.shape, s))
            assert model is not None and poi is not None
            params += model_parameters(model, [poi], template)
        for name, rel in self.setup.systematics.items():
            mods.append(NormSys(name, 1.0 - rel, 1.0 + rel))
            params.append(Parameter.nuisance(name))
        if self.quenching_variation is not None:
            lo, hi = self.quenching_variation
            ratio_lo = np.divide(lo, self.signal, out=np.ones_like(lo), where=self.signal > 0)
            ratio_hi = np.divide(hi, self.signal, out=np.ones_like(hi), where=self.signal > 0)
            if template is None:
                mods.append(HistoSys("quenching", lo * s, hi * s))
            else:
                mods.append(HistoSys("quenching", nominal.scaled(ratio_lo),
                                     nominal.scaled(ratio_hi)))
            params.append(Parameter.nuisance("quenching"))
        samples = [Sample("cevns", nominal, tuple(mods))]
        ss = self.steady_state * s
        if ss.sum() > 0 and self.setup.steady_state is not None:
            sigma = self.setup.steady_state.constraint(float(ss.sum()))
            samples.append(Sample("steady_state", ss, (NormFactor("ss_norm"),)))
            params.append(Parameter("ss_norm", 1.0, (0.0, max(2.0, 1.0 + 10 * sigma)),
                                    (1.0, sigma)))
        brn = self.beam_neutrons * s
        if brn.sum() > 0 and self.setup.beam_neutrons is not None:
            sigma = self.setup.beam_neutrons.uncertainty
            samples.append(Sample("beam_neutrons", brn, (NormFactor("brn_norm"),)))
            params.append(Parameter("brn_norm", 1.0, (0.0, max(2.0, 1.0 + 10 * sigma)),
                                    (1.0, sigma)))
        return BinnedModel(samples, params)

    # ------------------------------------------------------------------ Asimov
    def _totals(self, s: float) -> tuple[float, float, float]:
        return (float(self.signal.sum() * s), float(self.steady_state.sum() * s),
                float(self.beam_neutrons.sum() * s))

    def asimov(self, scales: Sequence[float] | FloatArray, *, impacts: bool = True
               ) -> list[ProjectionPoint]:
        """Asimov significance, ``mu`` precision and nuisance impacts at each exposure factor."""
        out = []
        for s in np.asarray(scales, dtype=np.float64):
            binned = self.binned_model(float(s))
            comp = CompiledModel(binned)
            x0 = binned.init.copy()
            nu = binned.expected(x0)
            prof = Profiler(comp, nu)
            i_mu = binned.index(MU)
            null = x0.copy()
            null[i_mu] = 0.0
            at_zero = prof.minimise(null, fixed=[i_mu])
            q0 = max(2.0 * (at_zero.nll - prof.nll(x0)), 0.0)
            sigma = _sigma(comp, x0, i_mu)
            nuis = [i for i in range(x0.size) if i != i_mu]
            stat = _sigma(comp, x0, i_mu, fixed=nuis)
            ranking: dict[str, float] = {}
            if impacts:
                for i in nuis:
                    fixed_sigma = _sigma(comp, x0, i_mu, fixed=[i])
                    ranking[binned.parameter_names[i]] = math.sqrt(
                        max(sigma**2 - fixed_sigma**2, 0.0))
                ranking["statistics"] = stat
                ranking = dict(sorted(ranking.items(), key=lambda kv: -kv[1]))
            sig, ss, brn = self._totals(float(s))
            out.append(ProjectionPoint(
                scale=float(s), beam_energy=self.plan.beam_energy * float(s),
                protons_on_target=self.plan.protons_on_target * float(s), signal=sig,
                steady_state=ss, beam_neutrons=brn, significance=math.sqrt(q0),
                sigma_mu=sigma, sigma_stat=stat, impacts=ranking))
        return out

    def model_intervals(
        self,
        model: Any,
        poi: str,
        scales: Sequence[float] | FloatArray,
        *,
        scan: Sequence[float] | FloatArray | None = None,
        grid: Sequence[float] | None = None,
        levels: Sequence[float] = (0.6827, 0.90),
    ) -> list[ProjectionPoint]:
        """Expected (Asimov) profile-likelihood intervals of a model parameter per exposure.

        The Asimov data are the expectation at the model's current values (the Standard Model
        for the registry defaults); ``scan`` is the grid of POI values profiled (default: 81
        points across ±6 Fisher errors, within the parameter bounds).
        """
        template = self.signal_template(model, poi, grid)
        out = []
        for s in np.asarray(scales, dtype=np.float64):
            binned = self.binned_model(float(s), template=template, model=model, poi=poi)
            intervals = profile_intervals(binned, poi, model.values()[poi], scan, levels)
            out.append(_point(self.plan, float(s), self._totals(float(s)), intervals, levels))
        return out

    def interval_toys(
        self,
        model: Any,
        poi: str,
        scales: Sequence[float] | FloatArray,
        *,
        n_toys: int = 200,
        seed: int = 0,
        level: float = 0.6827,
        executor: str = "serial",
        workers: int = 1,
        chunk: int = 20,
        scheduler: str | None = None,
    ) -> IntervalBands:
        """Median and bands of the expected interval half-width of a model parameter from
        seeded toys (each toy profiled over the Asimov scan grid of its exposure) on the scan
        engine's executors; a toy lower end at the truth on a physical boundary counts as
        that boundary."""
        template = self.signal_template(model, poi)
        return _interval_toys(
            lambda s: self.binned_model(s, template=template, model=model, poi=poi),
            poi, float(model.values()[poi]), scales, n_toys=n_toys, seed=seed, level=level,
            executor=executor, workers=workers, chunk=chunk, scheduler=scheduler)

    # ------------------------------------------------------------------ toys
    def toys(
        self,
        scales: Sequence[float] | FloatArray,
        *,
        n_toys: int = 1000,
        seed: int = 0,
        executor: str = "serial",
        workers: int = 1,
        chunk: int = 100,
        scheduler: str | None = None,
    ) -> ToyBands:
        """Median and ±1σ/±2σ bands of the CEvNS significance and ``mu`` precision from
        seeded toy experiments (Poisson counts, auxiliary measurements drawn from their
        constraints) on the scan engine's executors; the result does not depend on the
        executor."""
        if n_toys < 1 or chunk < 1:
            raise ValueError(f"n_toys: need n_toys >= 1 and chunk >= 1, got {n_toys}, {chunk}")
        chunk = min(chunk, n_toys)
        n_chunks = -(-n_toys // chunk)
        values = np.asarray(scales, dtype=np.float64)
        models, expected, starts = [], [], []
        mu_index = 0
        for s in values:
            binned = self.binned_model(float(s))
            models.append(CompiledModel(binned))
            starts.append(binned.init.copy())
            expected.append(binned.expected(starts[-1]))
            mu_index = binned.index(MU)
        payload = _SignificanceToyPayload(tuple(models), tuple(expected), tuple(starts),
                                          toys_per_chunk=chunk, n_chunks=n_chunks,
                                          seed=int(seed), mu_index=mu_index)
        blobs = map_chunks(_toy_chunk, payload, range(n_chunks * values.size),
                           executor=executor, workers=workers, scheduler=scheduler)
        sig_bands, mu_bands = [], []
        for j, s in enumerate(values):
            rows = np.concatenate([np.frombuffer(blobs[j * n_chunks + i]).reshape(-1, 2)
                                   for i in range(n_chunks)])[:n_toys]
            if not np.all(np.isfinite(rows)):
                raise ValueError(f"toys: {int(np.sum(~np.isfinite(rows).all(axis=1)))} of "
                                 f"{n_toys} toys at exposure factor {s:g} did not converge")
            sig_bands.append(np.quantile(rows[:, 0], BAND_QUANTILES))
            mu_bands.append(np.quantile(rows[:, 1], BAND_QUANTILES))
        return ToyBands(np.asarray(scales, dtype=np.float64), np.array(sig_bands),
                        np.array(mu_bands), n_toys, int(seed))



def _point(plan: RunPlan, s: float, totals: tuple[float, float, float],
           intervals: dict[str, tuple[float | None, float | None]],
           levels: Sequence[float]) -> ProjectionPoint:
    lo, hi = intervals[f"{100 * levels[0]:.0f}%"]
    width = (hi - lo) / 2 if lo is not None and hi is not None else math.nan
    return ProjectionPoint(
        scale=s, beam_energy=plan.beam_energy * s, protons_on_target=plan.protons_on_target * s,
        signal=totals[0], steady_state=totals[1], beam_neutrons=totals[2],
        significance=math.nan, sigma_mu=float(width), sigma_stat=math.nan, interval=intervals)


def profile_intervals(
    binned: BinnedModel,
    poi: str,
    truth: float,
    scan: Sequence[float] | FloatArray | None = None,
    levels: Sequence[float] = (0.6827, 0.90),
) -> dict[str, tuple[float | None, float | None]]:
    """Asimov profile-likelihood intervals of ``poi`` (a parametric-template parameter) of
    ``binned``: the data are the expectation at ``poi = truth`` and the nominal nuisances; each
    scan point is profiled over every other parameter (Wilks, one degree of freedom). An end
    the scan does not reach is None, except at the parameter's lower bound (a physical
    boundary such as ``g ≥ 0``), which is then the end."""
    comp = CompiledModel(binned)
    i_poi = binned.index(poi)
    x0 = binned.init.copy()
    x0[i_poi] = truth
    comp.set_templates({poi: truth})
    prof = Profiler(comp, comp.expected(x0))
    values = _scan_values(poi, comp, prof, x0, i_poi, scan)
    nll0 = prof.minimise(x0, fixed=[i_poi]).nll
    lower, upper = float(comp.lower[i_poi]), float(comp.upper[i_poi])
    for _ in range(4):  # widen an automatic scan until the widest level is crossed
        nll = _profile_nll(comp, prof, x0, i_poi, poi, values)
        q = 2.0 * (nll - min(nll0, float(nll.min())))
        top = float(chi2.ppf(max(levels), 1))
        lo_open = q[0] <= top and values[0] > lower
        hi_open = q[-1] <= top and values[-1] < upper
        if scan is not None or not (lo_open or hi_open):
            break
        span = values[-1] - values[0]
        a = max(lower, values[0] - span) if lo_open else values[0]
        b = min(upper, values[-1] + span) if hi_open else values[-1]
        values = np.unique(np.concatenate([values, np.linspace(a, b, 81)]))
    comp.set_templates({poi: truth})
    intervals: dict[str, tuple[float | None, float | None]] = {}
    for cl in levels:
        lo_end, hi_end = _interval(values, q, float(chi2.ppf(cl, 1)))
        if lo_end is None and truth <= lower:
            lo_end = lower  # the truth on a physical boundary (g ≥ 0, μ_ν ≥ 0)
        intervals[f"{100 * cl:.0f}%"] = (lo_end, hi_end)
    return intervals


def _profile_nll(comp: CompiledModel, prof: Profiler, x0: FloatArray, i_poi: int, poi: str,
                 values: FloatArray) -> FloatArray:
    """``−ln L`` profiled at each value of the POI (warm-started from the neighbour)."""
    nll = np.empty(values.size)
    x = x0.copy()
    for k, v in enumerate(values):
        x = x.copy()
        x[i_poi] = v
        comp.set_templates({poi: float(v)})
        fit = prof.minimise(x, fixed=[i_poi])
        if fit.status != 0:
            alt_start = x0.copy()
            alt_start[i_poi] = v
            alt = prof.minimise(alt_start, fixed=[i_poi])
            fit = alt if alt.nll < fit.nll else fit
        x = fit.x
        nll[k] = fit.nll
    return nll


def _scan_values(poi: str, comp: CompiledModel, prof: Profiler, x0: FloatArray, i_poi: int,
                 scan: Sequence[float] | FloatArray | None) -> FloatArray:
    if scan is not None:
        values = np.asarray(scan, dtype=np.float64)
        if values.ndim != 1 or values.size < 3 or not np.all(np.isfinite(values)):
            raise ValueError("scan: need at least 3 finite values of the parameter")
        return np.sort(values)
    lo, hi = float(comp.lower[i_poi]), float(comp.upper[i_poi])
    centre = float(x0[i_poi])
    step = max(abs(centre) * 1e-3, 1e-6)
    at_bound = centre <= lo
    nll = []
    for d in ((0.0, step, 2 * step) if at_bound else (-step, 0.0, step)):
        v = min(max(centre + d, lo), hi)
        comp.set_templates({poi: v})
        x = x0.copy()
        x[i_poi] = v
        nll.append(prof.minimise(x, fixed=[i_poi]).nll)
    comp.set_templates({poi: centre})
    curv = (nll[0] - 2 * nll[1] + nll[2]) / step**2
    err = 1.0 / math.sqrt(curv) if curv > 0 else (hi - lo) / 10
    if at_bound:  # a physical boundary at the truth (μ_ν ≥ 0, g ≥ 0): one-sided scan
        top = min(hi, centre + 12 * err) if math.isfinite(hi) else centre + 12 * err
        return np.asarray(np.linspace(centre, top, 81))
    a = max(lo, centre - 6 * err) if math.isfinite(lo) else centre - 6 * err
    b = min(hi, centre + 6 * err) if math.isfinite(hi) else centre + 6 * err
    return np.asarray(np.unique(np.concatenate([np.linspace(a, b, 81), [centre]])))


def _combined_model(projections: Mapping[str, Projection], templates: Mapping[str, Any],
                    model: Any, poi: str, scale: float, shared: Sequence[str]) -> BinnedModel:
    """The detectors' binned models at exposure factor ``scale`` in one likelihood
    (:func:`cevns.stats.combine_models`) with ``poi`` and the ``shared`` nuisances common."""
    channels = {k: p.binned_model(scale, template=templates[k], model=model, poi=poi)
                for k, p in projections.items()}
    return combine_models(channels, shared=[poi, *shared])[0]


def combined_model_intervals(
    projections: Mapping[str, Projection],
    model: Any,
    poi: str,
    scales: Sequence[float] | FloatArray,
    *,
    shared: Sequence[str] = ("flux",),
    scan: Sequence[float] | FloatArray | None = None,
    levels: Sequence[float] = (0.6827, 0.90),
) -> list[ProjectionPoint]:
    """Expected intervals of ``poi`` from several detectors fitted together (a multi-target
    programme at one facility): one combined likelihood (:func:`cevns.stats.combine_models`)
    with the POI and the ``shared`` nuisances (the flux) common, the rest per detector."""
    if not projections:
        raise ValueError("projections: need at least one detector")
    templates = {k: p.signal_template(model, poi) for k, p in projections.items()}
    first = next(iter(projections.values()))
    out = []
    for s in np.asarray(scales, dtype=np.float64):
        combined = _combined_model(projections, templates, model, poi, float(s), shared)
        intervals = profile_intervals(combined, poi, model.values()[poi], scan, levels)
        totals = [p._totals(float(s)) for p in projections.values()]
        summed = (sum(t[0] for t in totals), sum(t[1] for t in totals),
                  sum(t[2] for t in totals))
        out.append(_point(first.plan, float(s), summed, intervals, levels))
    return out


def combined_interval_toys(
    projections: Mapping[str, Projection],
    model: Any,
    poi: str,
    scales: Sequence[float] | FloatArray,
    *,
    shared: Sequence[str] = ("flux",),
    n_toys: int = 200,
    seed: int = 0,
    level: float = 0.6827,
    executor: str = "serial",
    workers: int = 1,
    chunk: int = 20,
    scheduler: str | None = None,
) -> IntervalBands:
    """Toy bands of the interval of ``poi`` from several detectors fitted together (the
    likelihood of :func:`combined_model_intervals`): each toy draws every detector's counts
    and one auxiliary value of each ``shared`` nuisance (the flux is the same for all
    detectors, so a toy moves all of them together), seeded per (seed, exposure, chunk) and
    run on the scan engine's executors; the result does not depend on the executor.

    Parameters
    ----------
    projections
        The detectors by name (one facility, one run plan).
    model, poi
        The new-physics or Standard-Model parameter model and the parameter measured.
    scales
        Exposure factors of the run plan.
    shared
        Nuisances common to all detectors (default the neutrino flux).
    n_toys, seed, level
        Toys per exposure (>= 1), their seed and the confidence level of the interval.
    executor, workers, chunk, scheduler
        As in :func:`cevns.scan.engine.map_chunks`.

    Raises
    ------
    ValueError
        One line for no detector, ``n_toys`` or ``chunk`` < 1, or ``level`` outside (0, 1).
    """
    if not projections:
        raise ValueError("projections: need at least one detector")
    templates = {k: p.signal_template(model, poi) for k, p in projections.items()}

    def build(s: float) -> BinnedModel:
        return _combined_model(projections, templates, model, poi, s, shared)

    return _interval_toys(build, poi, float(model.values()[poi]), scales, n_toys=n_toys,
                          seed=seed, level=level, executor=executor, workers=workers,
                          chunk=chunk, scheduler=scheduler)


def projected_pulls_impacts(
    projections: Mapping[str, Projection],
    scale: float,
    *,
    model: Any = None,
    poi: str | None = None,
    shared: Sequence[str] = ("flux",),
    seed: int | None = None,
) -> PullsImpacts:
    """Post-fit pulls, constraints and impacts (:mod:`cevns.projections.impacts`) at exposure
    factor ``scale``: of the CEvNS signal strength for one detector (``model`` None), or of
    the model parameter ``poi`` for one or several detectors fitted together with the
    ``shared`` nuisances common. The data are the Asimov data set, or one seeded toy (Poisson
    counts and auxiliary measurements) with ``seed``.

    Parameters
    ----------
    projections
        The detectors by name; one for the cross section.
    scale
        Exposure factor of the run plan.
    model, poi
        The parameter model and its parameter of interest (both None: the CEvNS signal
        strength ``mu``).
    shared
        Nuisances common to several detectors (default the neutrino flux).
    seed
        None for the Asimov data, else the seed (>= 0) of one toy.

    Raises
    ------
    ValueError
        One line for no detector, several detectors without a model, a model without
        ``poi``, or a negative ``seed``.
    """
    if not projections:
        raise ValueError("projections: need at least one detector")
    if model is None:
        if len(projections) > 1:
            raise ValueError("projections: the cross section is per detector; give one, or a "
                             "model parameter to fit several together")
        binned = next(iter(projections.values())).binned_model(scale)
        name, truth = MU, 1.0
    else:
        if poi is None:
            raise ValueError("poi: name the model parameter of interest")
        templates = {k: p.signal_template(model, poi) for k, p in projections.items()}
        if len(projections) == 1:  # one detector: its own parameter names, no prefix
            (key, proj), = projections.items()
            binned = proj.binned_model(scale, template=templates[key], model=model, poi=poi)
        else:
            binned = _combined_model(projections, templates, model, poi, scale, shared)
        name, truth = poi, float(model.values()[poi])
    if seed is None:
        return pulls_and_impacts(binned, name, truth={name: truth})
    counts, aux = toy_data(binned, binned.vector({name: truth}), seed)
    return pulls_and_impacts(binned, name, truth={name: truth}, observed=counts,
                             auxiliary=aux, data=f"toy, seed {seed}")


def _interval(x: FloatArray, q: FloatArray, level: float) -> tuple[float | None, float | None]:
    """The connected set ``q ≤ level`` around the minimum (NSI and charge radii have a second,
    degenerate minimum: its separate island is not part of the precision)."""
    k = int(np.argmin(q))
    if q[k] > level:
        return (None, None)
    i = k
    while i > 0 and q[i - 1] <= level:
        i -= 1
    j = k
    while j < x.size - 1 and q[j + 1] <= level:
        j += 1
    lo = None if i == 0 else float(np.interp(level, [q[i], q[i - 1]], [x[i], x[i - 1]]))
    hi = None if j == x.size - 1 else float(np.interp(level, [q[j], q[j + 1]], [x[j], x[j + 1]]))
    return (lo, hi)


def exposure_scales(start: float, stop: float, n: int) -> FloatArray:
    """``n`` log-spaced exposure factors from ``start`` to ``stop``."""
    if not (0 < start < stop and n >= 2):
        raise ValueError(f"scales: need 0 < start < stop and n >= 2, got {start}, {stop}, {n}")
    return np.geomspace(start, stop, n)

