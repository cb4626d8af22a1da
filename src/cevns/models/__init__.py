"""Model objects the cross-section engine takes its couplings, form factors and extra terms from.

* :class:`StandardModel` — couplings, form factors and ``q`` convention (the default);
* new-physics models (:mod:`cevns.models.base`), each a frozen dataclass listing its
  :class:`ModelParameter` s: :class:`WeakMixingAngle`, :class:`NeutronRadius`,
  :class:`VectorNSI`, :class:`AxialNSI`, :class:`VectorMediator`, :class:`ScalarMediator`,
  :class:`MagneticMoment`, :class:`ChargeRadius`, :class:`Sterile3p1`; they compose
  (``compose(a, b)`` or ``a + b``) and are found by name with :func:`get_model`.

Layering: the models use the physics ingredients (:mod:`cevns.physics`) and are consumed by
the engine (:mod:`cevns.engine`); nothing here imports the engine.
"""

from __future__ import annotations

from .base import Composite, ModelParameter, NewPhysics, compose
from .electromagnetic import ChargeRadius, MagneticMoment
from .electroweak import NeutronRadius, WeakMixingAngle
from .mediators import ScalarMediator, VectorMediator
from .nsi import AxialNSI, VectorNSI
from .registry import MODELS, catalogue, get_model, model_names
from .standard_model import CEvNSModel, StandardModel
from .sterile import Sterile3p1

__all__ = [
    "MODELS",
    "AxialNSI",
    "CEvNSModel",
    "ChargeRadius",
    "Composite",
    "MagneticMoment",
    "ModelParameter",
    "NeutronRadius",
    "NewPhysics",
    "ScalarMediator",
    "StandardModel",
    "Sterile3p1",
    "VectorMediator",
    "VectorNSI",
    "WeakMixingAngle",
    "catalogue",
    "compose",
    "get_model",
    "model_names",
]
