"""General binned likelihoods: models, Poisson likelihood, fits, profiles, toys, pyhf export."""

from cevns.stats.data import (
    BinnedData,
    BinnedDataError,
    histogram_events,
    read_binned_centres,
    read_binned_csv,
)
from cevns.stats.likelihood import (
    BinnedLikelihood,
    ConvergenceError,
    FitResult,
    ProfileScan,
    discovery_significance,
    fit,
    profile,
    toy_pulls,
)
from cevns.stats.model import (
    BinnedModel,
    GridSys,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
    combine_models,
)
from cevns.stats.pyhf_export import to_pyhf_workspace
from cevns.stats.yields import sample_yields

__all__ = [
    "BinnedData",
    "BinnedDataError",
    "BinnedLikelihood",
    "BinnedModel",
    "ConvergenceError",
    "FitResult",
    "GridSys",
    "HistoSys",
    "NormFactor",
    "NormSys",
    "Parameter",
    "ProfileScan",
    "Sample",
    "combine_models",
    "discovery_significance",
    "fit",
    "histogram_events",
    "profile",
    "read_binned_centres",
    "read_binned_csv",
    "sample_yields",
    "to_pyhf_workspace",
    "toy_pulls",
]
