"""Model objects that give the cross-section engine its couplings and form factors."""

from __future__ import annotations

from .standard_model import CEvNSModel, StandardModel

__all__ = ["CEvNSModel", "StandardModel"]
