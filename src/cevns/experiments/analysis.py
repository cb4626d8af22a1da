"""A published analysis as a likelihood plus what to report: yields, significance, σ.

:class:`Analysis` bundles a :class:`~cevns.stats.likelihood.BinnedLikelihood` with its axes,
the name of the CEvNS signal-strength parameter ``μ`` (CEvNS relative to the Standard-Model
prediction), the Standard-Model flux-averaged cross section (cm²) and the data version, and
:meth:`Analysis.run` produces an :class:`AnalysisResult`: every fitted parameter with error
and correlation, fitted event yields of each component with errors propagated through the full
covariance, the CEvNS significance ``√q₀``, the measured flux-averaged cross section
``σ = μ̂ · σ_SM`` with MINOS errors on ``μ``, and optionally a profile-likelihood curve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cevns.physics.couplings import scheme_name
from cevns.stats.likelihood import (
    BinnedLikelihood,
    FitResult,
    ProfileScan,
    discovery_significance,
    fit,
    profile,
)
from cevns.stats.model import BinnedModel
from cevns.stats.yields import sample_yields
from cevns.types import FloatArray

__all__ = ["Analysis", "AnalysisResult", "Axis", "Channel"]


@dataclass(frozen=True, eq=False)
class Axis:
    """One observable axis: ``edges`` in internal units, shown divided by ``scale`` in ``unit``."""

    name: str
    edges: FloatArray
    unit: str = ""
    scale: float = 1.0

    @property
    def display_edges(self) -> FloatArray:
        """Edges in the display unit."""
        return np.asarray(self.edges, dtype=np.float64) / self.scale


@dataclass(frozen=True, eq=False)
class Channel:
    """One detector's part of a combined analysis: its slice of the flat bin axis, its axes
    and its template shape (samples of the channel are named ``"<channel>/<sample>"``)."""

    bins: slice
    axes: tuple[Axis, ...]
    shape: tuple[int, ...]


@dataclass(frozen=True)
class AnalysisResult:
    """Everything a published-analysis fit reports (see :meth:`as_dict` for the JSON form).

    ``cross_section`` is ``(value, lower error, upper error)`` in cm², ``None`` when the
    analysis has no Standard-Model reference cross section.
    """

    name: str
    data_version: str
    fit: FitResult
    yields: dict[str, tuple[float, float]]
    significance: float
    signal_strength: tuple[float, float, float]
    cross_section: tuple[float, float, float] | None
    sm_cross_section: float | None
    stat_only_errors: dict[str, float]
    profile: ProfileScan | None = None
    published: dict[str, Any] = field(default_factory=dict)
    detectors: str = ""
    signal_detectors: str = ""
    channel_labels: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """``"csi/cevns"`` → ``"CsI[Na] 2021: cevns"`` (a channel-prefixed name in words)."""
        prefix, sep, rest = key.partition("/")
        if sep and prefix in self.channel_labels:
            return f"{self.channel_labels[prefix]}: {rest}"
        return key
    intervals: list[dict[str, Any]] = field(default_factory=list)
    model: str | None = None
    couplings: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary: parameters, errors, correlations, yields, data version."""
        out: dict[str, Any] = {
            "analysis": self.name,
            "detectors": self.detectors or self.name,
            "signal_detectors": self.signal_detectors or self.detectors or self.name,
            "channel_labels": self.channel_labels,
            "data_version": self.data_version,
            "fit": self.fit.as_dict(),
            "chi2_per_dof": [self.fit.chi2, self.fit.ndof],
            "yields": {k: {"value": v, "error": e} for k, (v, e) in self.yields.items()},
            "yields_stat_only_error": self.stat_only_errors,
            "cevns_significance_sigma": self.significance,
            "signal_strength": dict(zip(("value", "minos_lower", "minos_upper"),
                                        self.signal_strength, strict=True)),
        }
        if self.cross_section is not None:
            out["flux_averaged_cross_section_cm2"] = dict(
                zip(("value", "lower_error", "upper_error"), self.cross_section, strict=True)
            )
            out["sm_flux_averaged_cross_section_cm2"] = self.sm_cross_section
        if self.profile is not None:
            out["profile"] = {
                "parameter": self.profile.parameter,
                "values": self.profile.values.tolist(),
                "q": self.profile.q.tolist(),
            }
        if self.published:
            out["published"] = self.published
        if self.model is not None:
            out["model"] = self.model
            if self.couplings is not None:
                out["couplings"] = self.couplings
            out["parameter_of_interest"] = self.fit.parameter_names[0] if not self.profile \
                else self.profile.parameter
        if self.intervals:
            out["intervals"] = self.intervals
        return out


@dataclass(frozen=True, eq=False)
class Analysis:
    """A likelihood with its reporting conventions.

    Attributes
    ----------
    name
        Analysis label (``"coherent-csi-2021"``, ...).
    likelihood
        The binned likelihood.
    axes
        Observable axes of the template shape, in order.
    signal_parameter
        Name of the CEvNS signal strength ``μ`` (1 = Standard Model).
    yield_groups
        Reported yields: label → sample names summed (e.g. ``{"cevns": ["cevns"]}``).
    sm_cross_section
        Standard-Model flux-averaged cross section per nucleus (cm²) that ``μ`` scales.
    data_version
        Version label of the release files read.
    systematics
        Systematic nuisance parameters, held at their best-fit values for the
        statistics-only errors (background yields stay free within their constraints).
    published
        Published numbers, reported next to ours.
    channels
        For a combined analysis, each detector's :class:`Channel` (plots per channel).
    detectors
        Which detector or combination every headline number belongs to, in words
        (``"COHERENT CsI[Na] 2021"``, ``"joint: CsI[Na] 2021 + CENNS-10 LAr 2020"``);
        empty: the analysis name.
    signal_detectors
        Which detector(s) the signal strength, significance and cross section belong to
        when that differs from ``detectors`` (one detector's μ in a joint fit).
    channel_labels
        Channel prefix → detector name (``{"csi": "CsI[Na] 2021"}``), for labelling the
        ``csi/...`` yields and parameters of a combined analysis.
    builder
        Rebuilds the analysis for a new-physics model (what :meth:`with_model` calls).
    physics_model
        The new-physics model of a :meth:`with_model` analysis (None: Standard Model).
    null_value
        Value of ``signal_parameter`` for "no signal"/"Standard Model" in the significance
        (0 for ``μ``; a model parameter's null value after :meth:`with_model`).
    """

    name: str
    likelihood: BinnedLikelihood
    axes: tuple[Axis, ...]
    signal_parameter: str
    yield_groups: dict[str, list[str]]
    sm_cross_section: float | None
    data_version: str
    systematics: tuple[str, ...] = ()
    published: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    detectors: str = ""
    signal_detectors: str = ""
    channel_labels: dict[str, str] = field(default_factory=dict)
    builder: Callable[[Any, Sequence[str] | None, Sequence[float] | None], Analysis] | None = None
    physics_model: Any = None
    null_value: float = 0.0

    def with_model(
        self,
        model: Any,
        pois: Sequence[str] | None = None,
        *,
        grid: Sequence[float] | None = None,
        **values: float | str,
    ) -> Analysis:
        """The same analysis with its CEvNS prediction from a new-physics model.

        Parameters
        ----------
        model
            A model object (:mod:`cevns.models`) or a registry name (``"nsi"``,
            ``"weak-angle+neutron-radius"``, ...).
        pois
            Parameters of interest (default: all the model's parameters); the CEvNS sample
            becomes a parametric template in them (exact for couplings, interpolated on
            ``grid`` for at most one nonlinear parameter), every nuisance is kept, and the
            first POI is the reported one. Other model parameters stay at their values.
        values
            Parameter values set on the model first (e.g. ``mass_zp=50.0``); with a registry
            name, also model options (e.g. ``couplings="tree-level"``, ``target="CsI"``).
        """
        if self.builder is None:
            raise ValueError(f"model: analysis {self.name!r} has no model-dependent CEvNS "
                             "prediction (built with an explicit signal)")
        if isinstance(model, str):
            from cevns.models.registry import get_model

            model = get_model(model, **values)
        elif values:
            model = model.with_values(**values)
        return self.builder(model, pois, grid)

    @property
    def model(self) -> BinnedModel:
        """The expectation model."""
        return self.likelihood.model

    def fit(self, **kwargs: Any) -> FitResult:
        """Maximum-likelihood fit (keywords as :func:`cevns.stats.fit`)."""
        return fit(self.likelihood, **kwargs)

    def run(
        self,
        *,
        scan: Sequence[float] | FloatArray | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> AnalysisResult:
        """Fit, compute yields, significance, cross section and (optionally) a profile scan.

        Parameters
        ----------
        scan
            Grid of ``μ`` values for the profile-likelihood curve (``None``: no scan).
        progress
            Called with a short message before each stage (for a progress display).
        """
        say = progress or (lambda _msg: None)
        say("fit with all nuisances")
        best = fit(self.likelihood, minos=[self.signal_parameter])
        yields = sample_yields(self.model, best, self.yield_groups)
        say("statistics-only errors (systematic nuisances fixed at best fit)")
        stat_fixed = {n: best.value(n) for n in self.systematics}
        stat = fit(self.likelihood, fixed=stat_fixed, start=best.values)
        stat_errors = {k: e for k, (_, e) in sample_yields(self.model, stat,
                                                            self.yield_groups).items()}
        say("CEvNS significance (μ = 0 fit)")
        z = discovery_significance(self.likelihood, self.signal_parameter, self.null_value,
                                   best_fit=best)
        mu = best.value(self.signal_parameter)
        lo, hi = best.minos.get(self.signal_parameter,
                                (-best.error(self.signal_parameter),
                                 best.error(self.signal_parameter)))
        xs = None
        if self.sm_cross_section is not None:
            xs = (mu * self.sm_cross_section, -lo * self.sm_cross_section,
                  hi * self.sm_cross_section)
        scan_result = None
        intervals: list[dict[str, Any]] = []
        if scan is None and self.physics_model is not None:
            from cevns.experiments.bsm import auto_scan

            scan = auto_scan(self.model, best, self.signal_parameter)
        if scan is not None:
            say(f"profile-likelihood scan of {self.signal_parameter}")
            scan_result = profile(self.likelihood, self.signal_parameter, scan, best_fit=best)
            if self.physics_model is not None:
                from cevns.experiments.bsm import profile_intervals

                intervals = profile_intervals(scan_result)
        return AnalysisResult(
            name=self.name,
            data_version=self.data_version,
            fit=best,
            yields=yields,
            significance=z,
            signal_strength=(mu, lo, hi),
            cross_section=xs,
            sm_cross_section=self.sm_cross_section,
            stat_only_errors=stat_errors,
            profile=scan_result,
            published=self.published,
            detectors=self.detectors or self.name,
            signal_detectors=self.signal_detectors or self.detectors or self.name,
            channel_labels=dict(self.channel_labels),
            intervals=intervals,
            model=None if self.physics_model is None else _model_label(self.physics_model),
            couplings=None if self.physics_model is None else _couplings_label(self.physics_model),
        )


def _model_label(model: Any) -> str:
    return str(getattr(model, "label", None) or getattr(model, "model_name", type(model).__name__))


def _couplings_label(model: Any) -> str | None:
    """Name of the coupling scheme the model deforms (``"custom"`` for an unnamed one)."""
    base = getattr(model, "base", None)
    scheme = getattr(base, "couplings", None)
    return None if scheme is None else scheme_name(scheme)
