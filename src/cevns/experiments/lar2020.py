"""CENNS-10 liquid-argon Analysis A (COHERENT, PRL 126 (2021) 012002): 3-D binned likelihood.

Observables: reconstructed energy (12 bins, 0–120 keVee) × F90 pulse-shape parameter (8 bins,
0.5–0.9) × arrival time (10 bins, −0.1–4.9 µs), from the data release arXiv:2006.12659.

Components (all templates from the release unless the CEvNS signal is given explicitly):

=================  =====================================================================
sample             normalisation / shape systematics
=================  =====================================================================
``cevns``          ``mu_cevns`` (free, 1 = SM prediction 128 events) × flux NormSys ±10 %
                   (0.09 ± 0.009 ν/flavour/POT, release YAML); HistoSys ``cevns_f90``
                   (±1σ F90 files), ``cevns_timing_mean`` (one-sided file, mirrored)
``brn``            prompt beam-related neutrons, ``brn_norm`` Gaussian 1 ± 160/497 (release
                   prediction 497 ± 160); HistoSys ``brn_energy`` (±1σ), ``brn_timing_mean``
                   (±1σ), ``brn_timing_width`` (one-sided, mirrored)
``delayed_brn``    ``delayed_brn_norm`` Gaussian 1 ± 1 (33 ± 33 predicted), ≥ 0
``steady_state``   ``ss_norm`` Gaussian 1 ± 25/3152 (3152 ± 25 from the beam-off sample,
                   release files; 3154 ± 25 quoted in the YAML)
=================  =====================================================================

One-sided systematic files (a single shifted template) are symmetrised as
``lo = max(2 n − hi, 0)``, the usual HistFactory treatment of one-sided variations.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cevns import units as u
from cevns.experiments.analysis import Analysis, Axis
from cevns.experiments.bsm import model_parameters, model_templates, resolve_pois
from cevns.experiments.releases import LArRelease2020, load_lar_2020
from cevns.models.base import NewPhysics
from cevns.physics.targets import Target
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import BinnedModel, HistoSys, NormFactor, NormSys, Parameter, Sample
from cevns.stats.templates import InterpolatedTemplate, ParametricTemplate, QuadraticTemplate
from cevns.types import FloatArray

__all__ = ["LAR_PUBLISHED", "build_lar_2020", "lar_sm_cross_section"]

#: Published results (PRL 126 (2021) 012002, Table I; release YAML best-fit entries).
LAR_PUBLISHED = {
    "cevns": [159, 43],
    "cevns_syst": 14,
    "brn": [553, 34],
    "steady_state": [3131, 23],
    "delayed_brn": [10, 11],
    "two_delta_nll": 15.0,
    "significance_sigma": 3.5,
    "cross_section_cm2": [2.2e-39, 0.7e-39],
}

#: Relative flux uncertainty: 0.09 ± 0.009 ν per flavour per proton (release YAML,
#: ``neutrinosPerProton``).
LAR_FLUX_UNCERTAINTY = 0.10


def _mirror(nominal: FloatArray, shifted: FloatArray) -> FloatArray:
    return np.maximum(2.0 * nominal - shifted, 0.0)


def lar_sm_cross_section() -> float:
    """SM flux-averaged CEvNS cross section per argon nucleus for the πDAR beam (cm²).

    Average of ``⟨σ⟩`` over the three πDAR flavours (ν_μ line, ν_e and ν̄_μ Michel spectra,
    equal numbers per π⁺ decay), natural argon, engine defaults.
    """
    from cevns.engine.cross_section import target_flux_averaged_cross_section
    from cevns.sources.stopped_pion import stopped_pion_spectra

    spectra = stopped_pion_spectra()
    sigmas = [target_flux_averaged_cross_section(s, "Ar", f) for f, s in spectra.items()]
    return float(np.mean(sigmas))


def build_lar_2020(
    release: LArRelease2020 | str | Path,
    *,
    systematics: bool = True,
    signal: str = "release",
    cevns_template: FloatArray | None = None,
    flux_parameter: str = "flux",
    signal_parameter: str = "mu_cevns",
    model: NewPhysics | None = None,
    pois: Sequence[str] | None = None,
    grid: Sequence[float] | None = None,
) -> Analysis:
    """Build the CENNS-10 Analysis A likelihood.

    Parameters
    ----------
    release
        A loaded release or the folder to read it from.
    systematics
        Include the shape (HistoSys) and flux nuisances; ``False`` gives the
        normalisation-only likelihood.
    signal
        ``"release"`` (default): CEvNS from the release PDF ``cevnspdf.txt`` (128 events);
        ``"prediction"``: our own SM prediction in the same binning
        (:func:`cevns.detectors.coherent.cenns10_prediction` with the release efficiency).
    cevns_template
        Explicit expected CEvNS counts at the SM (shape ``(12, 8, 10)``, events per bin);
        overrides ``signal``. With our own template the release's F90/timing shape
        variations are applied as relative shifts.
    flux_parameter, signal_parameter
        Parameter names (a joint fit shares ``flux_parameter`` between detectors).
    model, pois, grid
        A new-physics model (:mod:`cevns.models`): the CEvNS sample becomes our own prediction
        (as ``signal="prediction"``) as a parametric template in the POIs (see
        :meth:`Analysis.with_model`); the release's F90 and timing shape variations apply as
        the same relative shifts, so they are parametric too (exact); no ``mu_cevns``.
    """
    rel = release if isinstance(release, LArRelease2020) else load_lar_2020(release)
    h = rel.histograms
    release_cevns = h["cevns"]
    if signal not in ("release", "prediction"):
        raise ValueError(f"signal: must be 'release' or 'prediction', got {signal!r}")
    explicit_template = cevns_template is not None
    template: QuadraticTemplate | InterpolatedTemplate | None = None
    names: tuple[str, ...] = ()
    if model is not None:
        if cevns_template is not None:
            raise ValueError("cevns_template: give either a template or a model, not both")
        from cevns.detectors.coherent import cenns10_prediction

        model.check_target(Target.parse("Ar"))
        names = resolve_pois(model, pois)
        template = model_templates(lambda m: cenns10_prediction(rel.folder, model=m).counts,
                                   model, names, grid)
        cevns_template = template(model.values())
    if cevns_template is None and signal == "prediction":
        from cevns.detectors.coherent import cenns10_prediction

        cevns_template = cenns10_prediction(rel.folder).counts
    if cevns_template is None:
        cevns = release_cevns
    else:
        cevns = np.asarray(cevns_template, dtype=np.float64)
        if cevns.shape != release_cevns.shape:
            raise ValueError(
                f"cevns_template: shape {cevns.shape} does not match the release binning "
                f"{release_cevns.shape} (energy × F90 × time)"
            )
    # Relative shape variations of the release applied to whichever CEvNS template is used.
    def ratio(key: str) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(np.where(release_cevns > 0, h[key] / release_cevns, 1.0),
                              dtype=np.float64)

    signal_sample: FloatArray | ParametricTemplate = cevns
    if template is not None:
        # Parametric: the ratios scale the template (max(2n − r n, 0) = n max(2 − r, 0)).
        signal_sample = template
        cevns_f90_up: FloatArray | ParametricTemplate = template.scaled(ratio("cevns_f90_up"))
        cevns_f90_dn: FloatArray | ParametricTemplate = template.scaled(ratio("cevns_f90_down"))
        cevns_tm: FloatArray | ParametricTemplate = template.scaled(ratio("cevns_timing_mean"))
        cevns_tm_lo: FloatArray | ParametricTemplate = template.scaled(
            np.maximum(2.0 - ratio("cevns_timing_mean"), 0.0))
    else:
        cevns_f90_up = cevns * ratio("cevns_f90_up")
        cevns_f90_dn = cevns * ratio("cevns_f90_down")
        cevns_tm = cevns * ratio("cevns_timing_mean")
        cevns_tm_lo = _mirror(cevns, cevns_tm)
    brn = h["brn"]
    cevns_mods: list[NormFactor | NormSys | HistoSys] = (
        [NormFactor(signal_parameter)] if model is None else [])
    brn_mods: list[NormFactor | NormSys | HistoSys] = [NormFactor("brn_norm")]
    poi_params = ([Parameter(signal_parameter, 1.0, (0.0, 10.0))] if model is None or
                  template is None else model_parameters(model, names, template))
    params = [
        *poi_params,
        Parameter("brn_norm", 1.0, (0.0, 5.0), (1.0, 160.0 / 497.0)),
        Parameter("delayed_brn_norm", 1.0, (0.0, 10.0), (1.0, 1.0)),
        Parameter("ss_norm", 1.0, (0.5, 1.5), (1.0, 25.0 / 3152.0)),
    ]
    nuisances: list[str] = []
    if systematics:
        cevns_mods += [
            NormSys(flux_parameter, 1 - LAR_FLUX_UNCERTAINTY, 1 + LAR_FLUX_UNCERTAINTY),
            HistoSys("cevns_f90", cevns_f90_dn, cevns_f90_up),
            HistoSys("cevns_timing_mean", cevns_tm_lo, cevns_tm),
        ]
        brn_mods += [
            HistoSys("brn_energy", h["brn_energy_down"], h["brn_energy_up"]),
            HistoSys("brn_timing_mean", h["brn_timing_mean_down"], h["brn_timing_mean_up"]),
            HistoSys("brn_timing_width", _mirror(brn, h["brn_timing_width"]),
                     h["brn_timing_width"]),
        ]
        nuisances = [flux_parameter, "cevns_f90", "cevns_timing_mean", "brn_energy",
                     "brn_timing_mean", "brn_timing_width"]
        params += [Parameter.nuisance(n) for n in nuisances]
    binned = BinnedModel(
        [
            Sample("cevns", signal_sample, tuple(cevns_mods)),
            Sample("brn", brn, tuple(brn_mods)),
            Sample("delayed_brn", h["delayed_brn"], (NormFactor("delayed_brn_norm"),)),
            Sample("steady_state", h["steady_state"], (NormFactor("ss_norm"),)),
        ],
        params,
    )
    likelihood = BinnedLikelihood(binned, h["data"])

    def rebuild(m: NewPhysics, p: Sequence[str] | None, g: Sequence[float] | None) -> Analysis:
        return build_lar_2020(rel, systematics=systematics, flux_parameter=flux_parameter,
                              model=m, pois=p, grid=g)

    return Analysis(
        name="coherent-lar-2020",
        detectors="COHERENT CENNS-10 LAr 2020 (Analysis A)",
        likelihood=likelihood,
        axes=(
            Axis("energy", rel.energy_edges * u.keVee, "keVee", u.keVee),
            Axis("F90", rel.f90_edges, "", 1.0),
            Axis("time", rel.time_edges, "µs", u.us),
        ),
        signal_parameter=signal_parameter if model is None else names[0],
        yield_groups={s: [s] for s in ("cevns", "brn", "delayed_brn", "steady_state")},
        sm_cross_section=lar_sm_cross_section() if model is None else None,
        data_version=rel.version,
        systematics=tuple(nuisances),
        published=dict(LAR_PUBLISHED),
        builder=None if explicit_template else rebuild,
        physics_model=model,
        null_value=0.0 if model is None else model.parameter(names[0]).null,
    )
