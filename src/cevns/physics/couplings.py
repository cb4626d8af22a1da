"""Neutrino–nucleon neutral-current couplings and the schemes that fix them.

The CEvNS weak charges are built from four nucleon couplings (Barranco, Miranda,
Rashba, JHEP 0512 (2005) 021)::

    G_V = g_V^p Z F_p + g_V^n N F_n,    G_A = g_A^p (Z₊ − Z₋) + g_A^n (N₊ − N₋)

A :class:`CouplingScheme` gives the :class:`NucleonCouplings` for each flavour.
Available schemes:

* :class:`TreeLevel` — ``g_V^p = ½ − 2 sin²θ_W``, ``g_V^n = −½``, ``g_A^{p,n} = ±½``,
  with ``sin²θ_W`` a parameter (default the PDG low-energy MS-bar value 0.23857).
* :class:`FixedCouplings` — the same four numbers for every flavour; the radiatively
  corrected set quoted by K. Scholberg (MPA Summer School 2021), that of Barranco, Miranda &
  Rashba, JHEP 0512 (2005) 021 (``g_V^p = 0.0298``, ``g_V^n = −0.5117``, ``g_A^p = 0.4955``,
  ``g_A^n = −0.5121``), is :data:`BARRANCO_2005`; any user set is a ``FixedCouplings`` too.
* :class:`ChargeRadiusCorrected` — a flavour-independent base set plus a
  flavour-dependent shift of ``g_V^p`` from the neutrino charge radius.
  :data:`CHARGE_RADIUS_SCHEMES` lists the named shift sets with their citations;
  :data:`ERLER_SU_2013` (the default of :class:`~cevns.models.StandardModel`) is the
  PDG-2015/Erler–Su set with the Erler charge-radius shifts, exactly as in the
  COHERENT collaboration's reference code (``sm_vector_couplings``/``chgradcorr`` of
  ``xscns.cc``): ``g_V^p(ν_μ) = 0.01836 + 0.0114381 = 0.0298``, the value quoted
  by Scholberg (2021).

:data:`COUPLING_SCHEMES` names the published schemes so that a model file, the CLI
(``--param couplings=tree-level``) or :func:`coupling_scheme` can select one.

Note the Barranco et al. set already contains the ν_μ charge-radius term; adding a
charge-radius shift on top of :data:`BARRANCO_2005` would count it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import numpy as np

from ..constants import SIN2_THETA_W_LOW_Q
from ..flavours import Flavour


@dataclass(frozen=True)
class NucleonCouplings:
    """The four neutral-current nucleon couplings for one neutrino flavour (dimensionless)."""

    g_V_p: float
    g_V_n: float
    g_A_p: float
    g_A_n: float

    def __post_init__(self) -> None:
        for name in ("g_V_p", "g_V_n", "g_A_p", "g_A_n"):
            value = getattr(self, name)
            if not np.isfinite(value):
                raise ValueError(f"{name}: coupling must be a finite number, got {value!r}")

    def weak_charge(self, Z: int, N: int) -> float:
        """Vector weak charge ``g_V^p Z + g_V^n N`` at ``q = 0`` (≈ −Q_W/2)."""
        return self.g_V_p * Z + self.g_V_n * N


@runtime_checkable
class CouplingScheme(Protocol):
    """Gives the nucleon couplings for a flavour."""

    def for_flavour(self, flavour: Flavour) -> NucleonCouplings: ...


@dataclass(frozen=True)
class TreeLevel:
    """Tree-level SM couplings from ``sin²θ_W`` (flavour independent).

    ``g_V^p = ½ − 2 sin²θ_W``, ``g_V^n = −½``, ``g_A^p = ½``, ``g_A^n = −½``
    (e.g. Barranco, Miranda, Rashba, JHEP 0512 (2005) 021, Eq. 2).
    """

    sin2_theta_w: float = float(SIN2_THETA_W_LOW_Q)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.sin2_theta_w) and 0.0 < self.sin2_theta_w < 1.0):
            raise ValueError(f"sin2_theta_w: must be in (0, 1), got {self.sin2_theta_w!r}")

    def for_flavour(self, flavour: Flavour) -> NucleonCouplings:
        return NucleonCouplings(0.5 - 2.0 * self.sin2_theta_w, -0.5, 0.5, -0.5)


@dataclass(frozen=True)
class FixedCouplings:
    """The same four couplings for every flavour (user-set or a published set)."""

    couplings: NucleonCouplings
    reference: str = "user supplied"

    def for_flavour(self, flavour: Flavour) -> NucleonCouplings:
        return self.couplings


#: Radiatively corrected couplings quoted in K. Scholberg, MPA Summer School 2021 from Barranco,
#: Miranda & Rashba, JHEP 0512 (2005) 021, Eq. (3).
BARRANCO_2005 = FixedCouplings(
    NucleonCouplings(g_V_p=0.0298, g_V_n=-0.5117, g_A_p=0.4955, g_A_n=-0.5121),
    reference="Barranco, Miranda, Rashba, JHEP 0512 (2005) 021 (Scholberg, MPA Summer School 2021)",
)


@dataclass(frozen=True)
class ChargeRadiusShift:
    """Flavour-dependent additive shifts of ``g_V^p`` (ν and ν̄ of a family share one)."""

    electron: float
    muon: float
    tau: float
    reference: str

    def for_lepton(self, lepton: str) -> float:
        return {"e": self.electron, "mu": self.muon, "tau": self.tau}[lepton]


#: Named sets of neutrino charge-radius shifts of ``g_V^p`` (Barranco, Miranda, Rashba, JHEP 0512
#: (2005) 021).
CHARGE_RADIUS_SCHEMES: Mapping[str, ChargeRadiusShift] = MappingProxyType(
    {
        # (α/6π)[3 − 2 ln(m_ℓ²/M_W²)] (Erler & Su 2013); identical to chgradcorr type 1 of the
        # COHERENT reference code and to Barranco, Miranda, Rashba, JHEP 0512 (2005) 021.
        "erler_su": ChargeRadiusShift(
            0.0196964,
            0.0114381,
            0.00706633,
            "J. Erler and S. Su, Prog. Part. Nucl. Phys. 71 (2013) 119; values of the "
            "COHERENT reference code (chgradcorr type 1)",
        ),
        # (2/3) M_W² sin²θ_W ⟨r²_νℓ⟩ with the SM charge radii ⟨r²⟩ = 0.83, 0.48, 0.30 × 10⁻³² cm²
        # (Cadeddu, Giunti et al., PRD 98 (2018) 113010, revised 2020); chgradcorr type 2.
        "giunti": ChargeRadiusShift(
            0.0212196,
            0.0122716,
            0.00766972,
            "M. Cadeddu, C. Giunti et al., PRD 98 (2018) 113010 [arXiv:1810.05606v4]; values "
            "of the COHERENT reference code (chgradcorr type 2)",
        ),
    }
)


#: Flavour-independent base of the Erler–Su scheme: ``g_V^p = 0.01836`` (PDG 2015 / Erler & Su,
#: Prog. Part. Nucl. Phys. 71 (2013) 119, with the ν_μ charge-radius term removed),
#: ``g_V^n = −0.5117``, ``g_A^p = 0.4995``, ``g_A^n = −0.5121`` (COHERENT reference code,
#: ``sm_vector_couplings`` and ``sm_axial_couplings`` defaults).
ERLER_SU_2013_BASE = NucleonCouplings(g_V_p=0.01836, g_V_n=-0.5117, g_A_p=0.4995, g_A_n=-0.5121)


@dataclass(frozen=True)
class ChargeRadiusCorrected:
    """Base couplings plus the neutrino charge-radius shift of ``g_V^p`` per flavour.

    Parameters
    ----------
    base
        Flavour-independent couplings the shift is added to.
    shift
        A :class:`ChargeRadiusShift` or the name of one in :data:`CHARGE_RADIUS_SCHEMES`.
    """

    base: NucleonCouplings = ERLER_SU_2013_BASE
    shift: ChargeRadiusShift | str = "erler_su"
    _resolved: ChargeRadiusShift = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shift = self.shift
        if isinstance(shift, str):
            if shift not in CHARGE_RADIUS_SCHEMES:
                raise ValueError(
                    f"shift: unknown charge-radius scheme {shift!r}; "
                    f"allowed: {sorted(CHARGE_RADIUS_SCHEMES)}"
                )
            shift = CHARGE_RADIUS_SCHEMES[shift]
        object.__setattr__(self, "_resolved", shift)

    def __hash__(self) -> int:
        return hash((self.base, self._resolved))

    def for_flavour(self, flavour: Flavour) -> NucleonCouplings:
        delta = self._resolved.for_lepton(flavour.lepton)
        b = self.base
        return NucleonCouplings(b.g_V_p + delta, b.g_V_n, b.g_A_p, b.g_A_n)


#: The default scheme: Erler–Su base with the Erler flavour-dependent charge-radius shifts.
ERLER_SU_2013 = ChargeRadiusCorrected(ERLER_SU_2013_BASE, "erler_su")


#: Named coupling schemes, selectable with :func:`coupling_scheme` (and the ``couplings``
#: option of every model, e.g. ``cevns fit ... --param couplings=tree-level``).
COUPLING_SCHEMES: Mapping[str, CouplingScheme] = MappingProxyType(
    {
        "erler-su": ERLER_SU_2013,
        "giunti": ChargeRadiusCorrected(ERLER_SU_2013_BASE, "giunti"),
        "barranco-2005": BARRANCO_2005,
        "tree-level": TreeLevel(),
    }
)


def coupling_scheme(name: str) -> CouplingScheme:
    """The coupling scheme called ``name`` in :data:`COUPLING_SCHEMES`.

    Case and ``_``/``-`` are ignored (``"tree_level"`` works). Raises a one-line ValueError
    naming the allowed schemes.
    """
    key = str(name).strip().lower().replace("_", "-")
    if key not in COUPLING_SCHEMES:
        raise ValueError(f"couplings: unknown coupling scheme {name!r}; "
                         f"allowed: {', '.join(COUPLING_SCHEMES)}")
    return COUPLING_SCHEMES[key]


def scheme_name(scheme: CouplingScheme) -> str:
    """The :data:`COUPLING_SCHEMES` name of ``scheme``, or ``"custom"`` for any other."""
    for key, known in COUPLING_SCHEMES.items():
        if scheme == known:
            return key
    return "custom"
