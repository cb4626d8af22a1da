"""The interface every neutrino interaction channel other than CEvNS implements.

A *channel* is one reaction on one target: charged current on a nucleus
(``¹²⁷I(ν_e, e⁻)¹²⁷Xe``), neutral current on a nucleus (``⁴⁰Ar(ν, ν')⁴⁰Ar*``),
the deuteron break-up reactions, or neutrino–electron elastic scattering.
Predictions treat every channel alike: a flux-weighted cross section per
flavour, and a split of that cross section over the final states that decide
what the detector sees (the outgoing lepton energy, the de-excitation γ and the
number of emitted neutrons).

Energies are in MeV and cross sections in cm² (:mod:`cevns.units`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from numpy.typing import ArrayLike

from ..flavours import Flavour
from ..types import FloatArray


class Process(StrEnum):
    """The kind of reaction; the value is the name used in detector files and on the CLI."""

    CEVNS = "cevns"
    """Coherent elastic neutrino–nucleus scattering (the engine of :mod:`cevns.engine`)."""
    CHARGED_CURRENT = "cc"
    """``ν_e A → e⁻ A'`` (or ``ν̄_e A → e⁺ A'``) on a nucleus, including the deuteron."""
    NEUTRAL_CURRENT = "nc"
    """``ν A → ν A*``: inelastic excitation of a nucleus, including deuteron break-up."""
    ELECTRON_ELASTIC = "nue"
    """Neutrino–electron elastic scattering on the target's atomic electrons."""
    NEUTRINO_INDUCED_NEUTRONS = "nin"
    """The neutrons emitted after CC and NC excitation (counted, not a reaction of its own)."""


@dataclass(frozen=True)
class FinalState:
    """One final state of a channel: a nuclear level, or a continuum bin.

    Parameters
    ----------
    label:
        Human-readable name, e.g. ``"¹²N g.s."`` or ``"1⁺ 15.11 MeV"``.
    excitation:
        Excitation energy of the final nucleus above the *target's* ground state
        plus the reaction Q value, i.e. the energy taken from the neutrino in
        MeV (``E_lepton ≈ E_ν − excitation`` for charged current, neglecting the
        nuclear recoil). For neutral current it is the level energy.
    neutron_probabilities:
        Probabilities of emitting 0, 1, 2, … neutrons in the de-excitation
        (they sum to 1). ``(1.0,)`` for a bound level.
    gamma_energy:
        Total energy of the de-excitation γ cascade in MeV if no particle is
        emitted (0 for a ground state).
    """

    label: str
    excitation: float
    neutron_probabilities: tuple[float, ...] = (1.0,)
    gamma_energy: float = 0.0


@runtime_checkable
class Channel(Protocol):
    """A neutrino reaction on one target, vectorised over neutrino energy.

    Implementations are small frozen dataclasses. ``cross_section`` and
    ``final_state_cross_sections`` broadcast over ``energy`` and return exactly
    zero below the reaction threshold (a physical zero, not a missing value).
    Above :attr:`energy_range` they raise a one-line :class:`ValueError` naming
    the channel and the range, unless the channel documents an extrapolation.
    """

    @property
    def name(self) -> str:
        """Unique name used in detector files and on the CLI, e.g. ``"127I-cc"``."""
        ...

    @property
    def target(self) -> str:
        """The nucleus (``"127I"``, ``"2H"``) or ``"e"`` for electron scattering."""
        ...

    @property
    def process(self) -> Process:
        """The kind of reaction."""
        ...

    @property
    def flavours(self) -> tuple[Flavour, ...]:
        """The flavours with a non-zero cross section."""
        ...

    @property
    def energy_range(self) -> tuple[float, float]:
        """Neutrino energies in MeV where the cross section is valid."""
        ...

    @property
    def final_states(self) -> tuple[FinalState, ...]:
        """The final states over which the cross section is split (may be one)."""
        ...

    def threshold(self, flavour: Flavour) -> float:
        """Lowest neutrino energy in MeV with a non-zero cross section."""
        ...

    def cross_section(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Total cross section in cm² at neutrino energy ``energy`` (MeV)."""
        ...

    def final_state_cross_sections(self, energy: ArrayLike, flavour: Flavour) -> FloatArray:
        """Partial cross sections, shape ``energy.shape + (len(final_states),)``, in cm².

        They sum over the last axis to :meth:`cross_section`.
        """
        ...


_REGISTRY: dict[str, Callable[[], Channel]] = {}


def register_channel(name: str, factory: Callable[[], Channel]) -> None:
    """Make a channel available to :func:`get_channel` under ``name``.

    Raises
    ------
    ValueError
        If ``name`` is already registered.
    """
    key = name.strip().lower()
    if key in _REGISTRY:
        raise ValueError(f"name: channel {name!r} is already registered")
    _REGISTRY[key] = factory


def channel_names() -> tuple[str, ...]:
    """The names of every registered channel, sorted."""
    _load_builtin_channels()
    return tuple(sorted(_REGISTRY))


def get_channel(name: str) -> Channel:
    """The channel registered as ``name`` (case-insensitive).

    Raises
    ------
    ValueError
        One line listing the channels that exist, if ``name`` is unknown.
    """
    _load_builtin_channels()
    key = str(name).strip().lower()
    if key not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(f"channel: unknown channel {name!r}; known channels: {known}")
    return _REGISTRY[key]()


_BUILTIN_MODULES: tuple[str, ...] = ("electron", "deuteron", "nuclear", "tabulated")
"""Modules of :mod:`cevns.inelastic` that register channels when imported."""

_loaded = False


def _load_builtin_channels() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for module in _BUILTIN_MODULES:
        importlib.import_module(f"{__package__}.{module}")
