"""Sensitivity projections for future detectors and facilities.

* :mod:`~cevns.projections.plan` — run plans (facility configuration, power, proton energy,
  hours), :func:`load_plan` / :func:`list_plans`;
* :mod:`~cevns.projections.backgrounds` — steady-state and beam-neutron background models;
* :mod:`~cevns.projections.setup` — a detector with its backgrounds and systematics,
  :func:`load_setup` / :func:`list_setups`;
* :mod:`~cevns.projections.projection` — :class:`Projection`: Asimov significance, precision,
  nuisance impacts, model-parameter intervals and toy bands versus exposure;
* :mod:`~cevns.projections.impacts` — post-fit pulls, constraints and impacts of the
  nuisances (:func:`pulls_and_impacts`);
* :mod:`~cevns.projections.timing` — what beam timing can do at a facility (duty factor,
  prompt/delayed separation).
"""

from .backgrounds import BeamNeutronBackground, SteadyStateBackground
from .impacts import NuisanceImpact, PullsImpacts, pulls_and_impacts
from .plan import RunPeriod, RunPlan, list_plans, load_plan, parse_plan
from .projection import Projection, ProjectionPoint, ToyBands, model_for_parameter
from .setup import ProjectionSetup, list_setups, load_setup, parse_setup

__all__ = [
    "BeamNeutronBackground",
    "NuisanceImpact",
    "Projection",
    "ProjectionPoint",
    "ProjectionSetup",
    "PullsImpacts",
    "RunPeriod",
    "RunPlan",
    "SteadyStateBackground",
    "ToyBands",
    "list_plans",
    "list_setups",
    "load_plan",
    "load_setup",
    "model_for_parameter",
    "parse_plan",
    "parse_setup",
    "pulls_and_impacts",
]
