"""General binned likelihoods: models, Poisson likelihood, fits, profiles, toys, pyhf export."""

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
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
    combine_models,
)

__all__ = [
    "BinnedLikelihood",
    "BinnedModel",
    "ConvergenceError",
    "FitResult",
    "HistoSys",
    "NormFactor",
    "NormSys",
    "Parameter",
    "ProfileScan",
    "Sample",
    "combine_models",
    "discovery_significance",
    "fit",
    "profile",
    "toy_pulls",
]
