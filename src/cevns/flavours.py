"""Neutrino flavours, shared by sources, cross sections and detectors."""

from __future__ import annotations

from enum import StrEnum


class Flavour(StrEnum):
    """The six neutrino species. The value is the short name used in files and on the CLI."""

    NU_E = "nu_e"
    NU_MU = "nu_mu"
    NU_TAU = "nu_tau"
    NU_E_BAR = "nu_e_bar"
    NU_MU_BAR = "nu_mu_bar"
    NU_TAU_BAR = "nu_tau_bar"

    @property
    def is_antineutrino(self) -> bool:
        """True for ν̄ (the axial term of the cross section changes sign)."""
        return self.value.endswith("_bar")

    @property
    def lepton(self) -> str:
        """Charged-lepton family: ``"e"``, ``"mu"`` or ``"tau"``."""
        return self.value.split("_")[1]

    @property
    def symbol(self) -> str:
        """Readable symbol, e.g. ``ν̄_μ``."""
        base = {"e": "e", "mu": "μ", "tau": "τ"}[self.lepton]
        return ("ν̄" if self.is_antineutrino else "ν") + "_" + base

    @classmethod
    def parse(cls, name: str | Flavour) -> Flavour:
        """Accept a :class:`Flavour` or a name: ``"nu_mu_bar"``, ``"numubar"``, ``"NU_MU_BAR"``."""
        if isinstance(name, Flavour):
            return name
        key = str(name).strip().lower().replace("-", "_")
        for member in cls:
            if key in (member.value, member.value.replace("_", ""), member.name.lower()):
                return member
        raise ValueError(
            f"flavour: unknown neutrino flavour {name!r}; allowed: {[f.value for f in cls]}"
        )


ALL_FLAVOURS: tuple[Flavour, ...] = tuple(Flavour)
