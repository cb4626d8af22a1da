"""COHERENT CsI[Na] 2021 (PRL 129 (2022) 081801): binned Poisson likelihood in PE × time.

Region of interest 0–60 PE, 0–6 µs (release README), binned by default in 9 PE bins
(edges 0, 8, 12, 16, 20, 24, 32, 40, 50, 60 PE) × 11 arrival-time bins (edges 0, 0.125, …,
1.0, 2.0, 4.0, 6.0 µs): 99 bins, which with one unconstrained parameter gives the 98 degrees
of freedom of the published χ²/dof = 82.6/98 (the release does not state its bin edges; these
are our choice, shared with :func:`cevns.detectors.coherent.csi_2021_prediction`).

Components
----------
``cevns``
    Our own prediction (default: :func:`cevns.detectors.coherent.csi_2021_prediction` with the
    release's quenching and efficiency, gamma smearing and timing efficiency), scaled by the
    free signal strength ``mu_cevns`` (1 = SM). Nuisances: ``flux`` NormSys ±10 %
    (Konovalov, COHERENT talk 2021 systematics table), ``form_factor`` NormSys ±3.4 % (Konovalov,
    COHERENT talk 2021, theory);
    HistoSys ``quenching_0``/``quenching_1`` (the release's two ±1σ scintillation-response
    models) and ``efficiency`` (the release's two efficiency variants as ±1σ), each template
    re-predicted by the signal callable at ±1σ and interpolated (pyhf code 4p);
    ``beam_timing`` (signal arrival time shifted by ``θ × timing_uncertainty``) as a
    :class:`~cevns.stats.model.GridSys`: the shifted prediction tabulated every 0.1σ over ±5σ
    and interpolated monotonically, so the counts stay smooth and non-negative where a ±1σ
    interpolation would turn negative (the first time bins).
``steady_state``
    From the anti-coincidence beam-on sample: its PE histogram in the ROI, distributed in time
    as a uniform rate times the timing efficiency (steady-state events are uniform in arrival
    time); ``ss_norm`` Gaussian 1 ± 2.1 % (release README priors). ``"histogram"`` mode uses the
    raw 2-D anti-coincidence histogram instead.
``brn``, ``nin``
    Release PDFs, PE × time factorised (the release gives the two projections), the time PDF
    multiplied by the timing efficiency; normalised to the prior predictions 18.4 ± 4.6 BRN and
    5.6 ± 2.0 NIN (Konovalov, COHERENT talk 2021 table; ±25 % / ±36 % in the release README):
    ``brn_norm`` and ``nin_norm`` Gaussian-constrained.

Timing efficiency (release companion parameters, README): 1 below 0.52 µs, then
``exp(−0.0494 µs⁻¹ (t − 0.52 µs))``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from cevns import units as u
from cevns.detectors.efficiency import ExponentialTimeEfficiency
from cevns.experiments.analysis import Analysis, Axis
from cevns.experiments.bsm import model_parameters, model_templates, resolve_pois
from cevns.experiments.releases import CsIRelease2021, load_csi_2021
from cevns.models.base import NewPhysics
from cevns.physics.targets import Target
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import (
    BinnedModel,
    GridSys,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
)
from cevns.stats.templates import ParametricTemplate
from cevns.types import FloatArray

#: A CEvNS signal model: nuisance values in standard deviations (keys ``quenching_0``,
#: ``quenching_1``, ``efficiency``, ``beam_timing``; missing keys mean 0) → expected SM counts
#: in the analysis binning, shape ``(n_PE, n_time)``.
CsISignal = Callable[[Mapping[str, float]], FloatArray]

__all__ = [
    "CSI_ENERGY_EDGES",
    "CSI_PUBLISHED",
    "CSI_TIME_EDGES",
    "CsISignal",
    "build_csi_2021",
    "csi_sm_cross_section",
    "csi_timing_efficiency",
    "default_csi_signal",
    "sm_normalisation_budget",
]

#: Default PE bin edges (PE) inside the ROI 0–60 PE.
CSI_ENERGY_EDGES = np.array([0.0, 8, 12, 16, 20, 24, 32, 40, 50, 60])
#: Top of the reconstructed-energy window (PE): the CEvNS region of interest (release
#: README) and the full range the release records (events, anti-coincidence and neutron PDFs).
WINDOW_TOP_PE = {"cevns": 60.0, "dark-matter": 250.0}
#: Default arrival-time bin edges (ns) inside the ROI 0–6 µs.
CSI_TIME_EDGES = np.array([0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0, 2.0, 4.0,
                           6.0]) * u.us

#: Published results (PRL 129 (2022) 081801; Konovalov, COHERENT talk 2021 table).
CSI_PUBLISHED = {
    "cevns": [306, 20],
    "steady_state": [1273, 24],
    "brn": [17.3, 4.5],
    "nin": [5.5, 2.0],
    "sm_prediction": [341, 11, 42],
    "significance_sigma": 11.6,
    "chi2_per_dof": [82.6, 98],
    "cross_section_cm2": [165e-40, 25e-40, 30e-40],
    "sm_cross_section_cm2": [189e-40, 6e-40],
}

#: Priors (Konovalov, COHERENT talk 2021 "Prior Prediction" column; release README relative widths).
BRN_PRIOR = (18.4, 4.6)
NIN_PRIOR = (5.6, 2.0)
SS_RELATIVE_PRIOR = 0.021
FLUX_UNCERTAINTY = 0.10  # Konovalov, COHERENT talk 2021 systematics table: neutrino flux 10 %
FORM_FACTOR_UNCERTAINTY = 0.034  # Konovalov, COHERENT talk 2021: nuclear form factor 3.4 % (theory)
#: Default beam-timing uncertainty (ns): the SNS protons-on-target trace mean 440 ± 200 ns of
#: the LAr 2020 release (``snsPOTTraceTiming``, same beam). The CsI release quotes none, so
#: applying it to CsI is an assumption; configurable.
TIMING_UNCERTAINTY = 200.0 * u.ns
#: Beam-timing nuisance values (σ) at which the shifted signal is tabulated: every 0.1σ over
#: the nuisance's ±5σ range.
TIMING_NODES = np.round(np.linspace(-5.0, 5.0, 101), 10)

#: CsI 2021 timing efficiency (release companion parameters, data README): 1 below 0.52 µs,
#: then ``exp(−0.0494 µs⁻¹ (t − 0.52 µs))``; the same response step the detectors layer uses.
CSI_TIMING_EFFICIENCY = ExponentialTimeEfficiency(start=0.52 * u.us, decay_rate=0.0494 / u.us)


def csi_timing_efficiency(edges: Sequence[float] | FloatArray) -> FloatArray:
    """Bin-averaged CsI 2021 timing efficiency for time bin ``edges`` (ns).

    ``ε(t) = 1`` for ``t < 0.52 µs``, else ``exp(−0.0494 µs⁻¹ (t − 0.52 µs))`` (release
    companion parameters, data README); see :data:`CSI_TIMING_EFFICIENCY`.
    """
    return CSI_TIMING_EFFICIENCY.bin_average(np.asarray(edges, dtype=np.float64))


def _rebin_density(centres: FloatArray, values: FloatArray, edges: FloatArray) -> FloatArray:
    """Integrate a histogram given by uniform-width bin centres into new ``edges`` (overlap)."""
    width = float(centres[1] - centres[0])
    lo = centres - width / 2
    hi = centres + width / 2
    overlap = np.clip(
        np.minimum(hi[None, :], edges[1:, None]) - np.maximum(lo[None, :], edges[:-1, None]),
        0.0,
        None,
    )
    return np.asarray(overlap @ (values / width), dtype=np.float64)


def default_csi_signal(
    release_dir: str | Path,
    energy_edges: FloatArray = CSI_ENERGY_EDGES,
    time_edges: FloatArray = CSI_TIME_EDGES,
    timing_uncertainty: float = TIMING_UNCERTAINTY,
    model: object = None,
) -> CsISignal:
    """Signal callable from the detectors layer's CsI 2021 prediction (release response).

    Quenching, efficiency and beam-timing nuisances re-predict through
    ``Prediction.with_nuisances`` (``time_shift = θ · timing_uncertainty``: the neutrinos
    arriving later by that much), reusing the physics and response kernel. ``model`` is the
    physics model of the prediction (None: Standard Model).
    """
    from cevns.detectors.coherent import csi_2021_prediction

    base = csi_2021_prediction(release_dir, energy_edges=list(energy_edges),
                               time_edges=list(time_edges), model=model)

    def signal(theta: Mapping[str, float]) -> FloatArray:
        q = [float(theta.get("quenching_0", 0.0)), float(theta.get("quenching_1", 0.0))]
        eff = float(theta.get("efficiency", 0.0))
        shift = float(theta.get("beam_timing", 0.0)) * timing_uncertainty
        if not (any(q) or eff or shift):
            return np.asarray(base.counts, dtype=np.float64)
        moved = base.with_nuisances(quenching=q, efficiency=eff, time_shift=shift)
        return np.asarray(moved.counts, dtype=np.float64)

    return signal


def csi_sm_cross_section(model: object = None) -> float:
    """SM flux-averaged CEvNS cross section per CsI nucleus for the πDAR beam (cm²).

    Mean over the three πDAR flavours and over Cs and I (number fractions), engine defaults
    (``model``: another physics model); compare 189 ± 6 × 10⁻⁴⁰ cm² (PRL 129 (2022) 081801).
    """
    from cevns.engine.cross_section import target_flux_averaged_cross_section
    from cevns.sources.stopped_pion import stopped_pion_spectra

    spectra = stopped_pion_spectra()
    return float(np.mean([target_flux_averaged_cross_section(s, "CsI", f, model)  # type: ignore[arg-type]
                          for f, s in spectra.items()]))


def sm_normalisation_budget(release_dir: str | Path | None = None,
                            model: object = None) -> dict[str, float]:
    """Our CsI 2021 SM prediction against the published one, split into two factors.

    ``N_SM = (N_SM / ⟨σ⟩_SM) · ⟨σ⟩_SM``: the flux-averaged cross section per nucleus (the
    couplings, the form factors and the neutrino spectra) times the events per unit cross
    section (exposure, targets and the detector acceptance of the recoil spectrum, which the
    form factor also shapes). The published numbers are 341 events and 189 × 10⁻⁴⁰ cm²
    (PRL 129 (2022) 081801; Konovalov, COHERENT talk 2021 table).

    Returns
    -------
    dict
        ``events`` (ours, ROI 0–60 PE × 0–6 µs), ``cross_section_cm2`` (ours), the published
        ``published_events`` and ``published_cross_section_cm2``, and the ratios ours /
        published: ``events_ratio`` = ``cross_section_ratio`` × ``events_per_sigma_ratio``.
    """
    from cevns.detectors.coherent import csi_2021_prediction

    events = float(csi_2021_prediction(release_dir, model=model).total)
    sigma = csi_sm_cross_section(model)
    n_pub = float(CSI_PUBLISHED["sm_prediction"][0])  # type: ignore[index]
    s_pub = float(CSI_PUBLISHED["sm_cross_section_cm2"][0])  # type: ignore[index]
    return {
        "events": events,
        "cross_section_cm2": sigma,
        "published_events": n_pub,
        "published_cross_section_cm2": s_pub,
        "events_ratio": events / n_pub,
        "cross_section_ratio": sigma / s_pub,
        "events_per_sigma_ratio": (events / sigma) / (n_pub / s_pub),
    }


def _histogram2d(events: FloatArray, pe_edges: FloatArray, t_edges: FloatArray) -> FloatArray:
    counts, _, _ = np.histogram2d(events[:, 0], events[:, 1], bins=(pe_edges, t_edges))
    return np.asarray(counts, dtype=np.float64)


def build_csi_2021(
    release: CsIRelease2021 | str | Path,
    *,
    signal: CsISignal | None = None,
    energy_edges: Sequence[float] | FloatArray = CSI_ENERGY_EDGES,
    time_edges: Sequence[float] | FloatArray = CSI_TIME_EDGES,
    systematics: bool = True,
    steady_state: str = "factorised",
    timing_uncertainty: float = TIMING_UNCERTAINTY,
    flux_parameter: str = "flux",
    signal_parameter: str = "mu_cevns",
    model: NewPhysics | None = None,
    pois: Sequence[str] | None = None,
    grid: Sequence[float] | None = None,
    window: str = "cevns",
) -> Analysis:
    """Build the CsI 2021 likelihood (see the module docstring for the components).

    Parameters
    ----------
    release
        A loaded release or its folder.
    signal
        CEvNS signal callable (:data:`CsISignal`); default :func:`default_csi_signal`.
    energy_edges, time_edges
        Binning in PE and ns; must lie inside the ROI 0–60 PE, 0–6 µs.
    systematics
        Include the CEvNS shape and normalisation nuisances (flux, form factor, quenching,
        efficiency, beam timing); background normalisations are always constrained.
    steady_state
        ``"factorised"`` (default) or ``"histogram"`` (raw anti-coincidence 2-D histogram).
    timing_uncertainty
        One-sigma beam-timing shift (ns) for the default signal.
    model, pois, grid
        A new-physics model (:mod:`cevns.models`): the CEvNS sample and its quenching,
        efficiency and beam-timing variations become parametric templates in the POIs
        (default: all the model's parameters; ``grid`` for a nonlinear one), added as free
        bounded parameters; the signal strength is then fixed to the prediction (no
        ``mu_cevns``), and a neutron-radius POI replaces the form-factor normalisation
        nuisance. See :meth:`Analysis.with_model`.
    window
        ``"cevns"`` (default): the CEvNS region of interest 0–60 PE; ``"dark-matter"``: the
        release's full recorded range 0–250 PE (the events, anti-coincidence sample and BRN/NIN
        PDFs all extend to 250 PE), for searches whose signal reaches higher recoils.
    """
    if window not in WINDOW_TOP_PE:
        raise ValueError(f"window: must be one of {sorted(WINDOW_TOP_PE)}, got {window!r}")
    rel = release if isinstance(release, CsIRelease2021) else load_csi_2021(release)
    pe = np.asarray(energy_edges, dtype=np.float64)
    t = np.asarray(time_edges, dtype=np.float64)
    for name, edges, top, unit in (("energy_edges", pe, WINDOW_TOP_PE[window], "PE"),
                                   ("time_edges", t, 6.0 * u.us, "ns")):
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise ValueError(f"{name}: need at least two increasing edges ({unit})")
        if edges[0] < 0 or edges[-1] > top:
            raise ValueError(f"{name}: must lie inside the release ROI [0, {top:g}] {unit}")
    if steady_state not in ("factorised", "histogram"):
        raise ValueError(f"steady_state: must be 'factorised' or 'histogram', got {steady_state!r}")
    shape = (pe.size - 1, t.size - 1)
    observed = _histogram2d(rel.coincidence, pe, t)
    teff = csi_timing_efficiency(t)
    # Steady state from the anti-coincidence sample.
    ac = _histogram2d(rel.anticoincidence, pe, t)
    if steady_state == "factorised":
        time_shape = np.diff(t) * teff
        ss = np.outer(ac.sum(axis=1), time_shape / time_shape.sum())
    else:
        ss = ac
    # Beam-related and neutrino-induced neutrons: factorised release PDFs.
    def neutron_template(pe_pdf: FloatArray, time_pdf: FloatArray, total: float) -> FloatArray:
        pe_part = _rebin_density(pe_pdf[:, 0], pe_pdf[:, 1], pe)
        # the timing efficiency weights the release's fine (10 ns) time PDF before rebinning
        centres = time_pdf[:, 0]  # ns
        half = 0.5 * float(centres[1] - centres[0])
        fine_eff = CSI_TIMING_EFFICIENCY.bin_average(np.append(centres - half, centres[-1] + half))
        time_part = _rebin_density(centres, time_pdf[:, 1] * fine_eff, t)
        grid = np.outer(pe_part, time_part)
        return np.asarray(grid * total / grid.sum(), dtype=np.float64)

    brn = neutron_template(rel.brn_pe, rel.brn_time, BRN_PRIOR[0])
    nin = neutron_template(rel.nin_pe, rel.nin_time, NIN_PRIOR[0])
    keys = [("quenching_0", "quenching_1", "efficiency") if systematics else ()][0]
    variations: dict[tuple[str, float], FloatArray | ParametricTemplate] = {}
    poi_params: list[Parameter] = []
    names: tuple[str, ...] = ()
    if model is not None:
        if signal is not None:
            raise ValueError("signal: give either a signal callable or a model, not both")
        model.check_target(Target.parse("CsI"))
        names = resolve_pois(model, pois)
        thetas: list[dict[str, float]] = [{}] + [{k: sgn} for k in keys for sgn in (1.0, -1.0)]

        def predict_all(m: NewPhysics) -> FloatArray:
            fn = default_csi_signal(rel.folder, pe, t, timing_uncertainty, model=m)
            return np.stack([np.asarray(fn(th), dtype=np.float64) for th in thetas])

        template = model_templates(predict_all, model, names, grid)
        parametric: FloatArray | ParametricTemplate = template.component(0)
        for i, th in enumerate(thetas[1:], start=1):
            ((key, sgn),) = th.items()
            variations[(key, sgn)] = template.component(i)
        poi_params = model_parameters(model, names, template)
        nominal = parametric(model.values())  # type: ignore[operator]
        # The beam-timing shift enters as the ratio of shifted to unshifted counts, tabulated
        # at the model's own values: a model that changes the prompt/delayed flavour mix
        # changes that ratio only at second order, which is neglected.
        timing_fn = default_csi_signal(rel.folder, pe, t, timing_uncertainty, model=model)
    else:
        signal_fn = signal or default_csi_signal(rel.folder, pe, t, timing_uncertainty)
        nominal = np.asarray(signal_fn({}), dtype=np.float64)
        timing_fn = signal_fn
        parametric = nominal
        for key in keys:
            for sgn in (1.0, -1.0):
                variations[(key, sgn)] = np.maximum(
                    np.asarray(signal_fn({key: sgn}), dtype=np.float64), 0.0)
    if nominal.shape != shape:
        raise ValueError(
            f"signal: template shape {nominal.shape} does not match the binning {shape} "
            "(PE bins × time bins)"
        )
    cevns_mods: list[NormFactor | NormSys | HistoSys | GridSys] = (
        [] if model is not None else [NormFactor(signal_parameter)])
    params = [
        *([Parameter(signal_parameter, 1.0, (0.0, 10.0))] if model is None else poi_params),
        Parameter("ss_norm", 1.0, (0.5, 1.5), (1.0, SS_RELATIVE_PRIOR)),
        Parameter("brn_norm", 1.0, (0.0, 5.0), (1.0, BRN_PRIOR[1] / BRN_PRIOR[0])),
        Parameter("nin_norm", 1.0, (0.0, 5.0), (1.0, NIN_PRIOR[1] / NIN_PRIOR[0])),
    ]
    nuisances: list[str] = []
    if systematics:
        cevns_mods.append(NormSys(flux_parameter, 1 - FLUX_UNCERTAINTY, 1 + FLUX_UNCERTAINTY))
        nuisances = [flux_parameter]
        fits_radius = any(model.parameter(n).unit == "fm" for n in names) if model else False
        if not fits_radius:  # a fitted neutron radius replaces the form-factor uncertainty
            cevns_mods.append(NormSys("form_factor", 1 - FORM_FACTOR_UNCERTAINTY,
                                      1 + FORM_FACTOR_UNCERTAINTY))
            nuisances.append("form_factor")
        for key in keys:
            cevns_mods.append(HistoSys(key, variations[(key, -1.0)], variations[(key, 1.0)]))
            nuisances.append(key)
        # The beam-timing shift moves events across 125 ns bins by up to ±200 ns per σ: a ±1σ
        # interpolation goes negative in the first bins. Tabulate the directly shifted
        # prediction every 0.1σ instead (monotone cubic between nodes: smooth, never < 0).
        timing = np.stack([
            np.maximum(np.asarray(timing_fn({"beam_timing": float(node)}), dtype=np.float64), 0.0)
            for node in TIMING_NODES
        ])
        cevns_mods.append(GridSys("beam_timing", TIMING_NODES, timing))
        nuisances.append("beam_timing")
        params += [Parameter.nuisance(n) for n in nuisances]
    binned = BinnedModel(
        [
            Sample("cevns", parametric, tuple(cevns_mods)),
            Sample("steady_state", ss, (NormFactor("ss_norm"),)),
            Sample("brn", brn, (NormFactor("brn_norm"),)),
            Sample("nin", nin, (NormFactor("nin_norm"),)),
        ],
        params,
    )
    def rebuild(m: NewPhysics, p: Sequence[str] | None, g: Sequence[float] | None) -> Analysis:
        return build_csi_2021(rel, energy_edges=pe, time_edges=t, systematics=systematics,
                              steady_state=steady_state, timing_uncertainty=timing_uncertainty,
                              window=window,
                              flux_parameter=flux_parameter, model=m, pois=p, grid=g)

    return Analysis(
        name="coherent-csi-2021",
        detectors="COHERENT CsI[Na] 2021",
        likelihood=BinnedLikelihood(binned, observed),
        axes=(Axis("energy", pe, "PE", 1.0), Axis("time", t, "µs", u.us)),
        signal_parameter=signal_parameter if model is None else names[0],
        yield_groups={s: [s] for s in ("cevns", "steady_state", "brn", "nin")},
        sm_cross_section=csi_sm_cross_section() if model is None else None,
        data_version=rel.version,
        systematics=tuple(nuisances),
        published=dict(CSI_PUBLISHED),
        builder=rebuild if signal is None else None,
        physics_model=model,
        null_value=0.0 if model is None else model.parameter(names[0]).null,
    )
