"""Charged- and neutral-current channels on nuclei, in the allowed approximation.

Registered channels (names used in detector files and on the CLI):

``12c-cc``
    ``¹²C(ν_e, e⁻)¹²N(g.s.)``. The Gamow–Teller strength follows from the ¹²B(1⁺) → ¹²C
    β decay by isospin symmetry: ``g_A² B(GT; ¹²C → ¹²N) = 3 × 2Ft/ft(¹²B)``
    (``2J_f + 1 = 3``; Ft of the superallowed decays, Hardy & Towner 2020).
``12c-nc``
    ``¹²C(ν, ν')¹²C(1⁺, T=1, 15.11 MeV)``, every flavour; ``B(GT₀) = B(GT⁻)/2`` for a
    ``T = 0 → 1`` transition (the ``t₃`` and ``t₋`` isospin matrix elements differ by √2).
``40ar-cc``
    ``⁴⁰Ar(ν_e, e⁻)⁴⁰K*`` to the levels of ``data/inelastic/40ar_cc_strengths.csv``: the
    isobaric analog state (``B(F) = N − Z = 4``), the Gamow–Teller strengths measured by
    Bhattacharya et al., Phys. Rev. C 58 (1998) 3677 below 7 MeV and the QRPA strengths of
    Cheoun et al., Eur. Phys. J. A 48 (2012) 137 above, as tabulated in MARLEY's
    ``ve40ArCC_Bhattacharya1998.react``. At the default ``g_A`` the products ``g_A² B(GT)``
    are the tabulated ones, so the channel is MARLEY 1.x's allowed calculation (same Coulomb
    rule, r₀ = 1.2 fm); it lies 1.3–1.6 times above the Kolbe et al. / Gil-Botella & Rubbia
    table at 10–50 MeV: the unquenched QRPA strength above 7 MeV and the q → 0 operators,
    not a convention (see the inelastic how-to).

``127i-cc``
    ``¹²⁷I(ν_e, e⁻)¹²⁷Xe*`` from a *schematic* strength function (the measured ¹²⁷I(p,n)
    distribution of Palarczyk et al., Phys. Rev. C 59 (1999) 500, is not shipped): the
    isobaric analog state with ``B(F) = N − Z = 21`` at the energy of the Coulomb
    displacement systematics (Anderson, Wong & McClure, Phys. Rev. 138 (1965) B615) and one
    Gamow–Teller resonance carrying 0.6 of the Ikeda sum rule ``3(N − Z)`` (the standard
    quenching, Caurier, Poves & Zuker, arXiv:nucl-th/9401010) at ``E_IAS + 26 A^{−1/3} −
    18.5 (N − Z)/A`` MeV (Nakayama et al., Phys. Lett. B 114 (1982) 217); parameters in
    ``data/inelastic/127i_cc_schematic.csv``. Both levels lie above the neutron separation
    energy of ¹²⁷Xe (7.25 MeV): the channel has no low-lying strength and predicts no
    bound-state (0n) capture, whereas the (p,n) data hold low-lying strength and the LAMPF
    radiochemical measurement sees bound ¹²⁷Xe (see the inelastic how-to).

Each level's neutron multiplicity comes from :mod:`cevns.inelastic.deexcitation`.

²⁰⁸Pb, ¹⁶O and the neutral current on ⁴⁰Ar are channels interpolated in published tables of
the cross section (:mod:`cevns.inelastic.tabulated`); no allowed channel exists for ²⁰⁸Pb or
¹⁶O because their measured Gamow–Teller strength distributions are not shipped (their Fermi
strengths are fixed, ``N − Z`` = 44 and 0: :func:`~cevns.inelastic.allowed.fermi_sum_rule`).
:func:`charged_current_from_levels` makes a channel from any such level table.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from importlib import resources

import numpy as np

from ..constants import (
    AXIAL_COUPLING,
    B12_GROUND_STATE_LOG_FT,
    C12_15MEV_LEVEL,
    ELECTRON_MASS,
    NEUTRON_MASS,
    SUPERALLOWED_FT,
)
from .allowed import AllowedChargedCurrent, AllowedNeutralCurrent, check_integers
from .channel import FinalState, register_channel
from .deexcitation import atomic_mass, level_final_state

#: Relative uncertainty quoted for what the allowed approximation leaves out, per channel.
#: ¹²C: the momentum-transfer dependence of the Gamow–Teller form factor, which the q = 0
#: strength ignores (LSND and E225 measured the ¹²N(g.s.) cross section to 10 %);
#: ⁴⁰Ar: first-forbidden (spin-dipole) transitions above the measured region;
#: ¹²⁷I: forbidden multipoles are 0.91 times the allowed (0⁺ and 1⁺) part of the bound-state
#: cross section in Engel, Pittel & Vogel, Phys. Rev. C 50 (1994) 1702 (g_A = 1.26: 1.472 of
#: 3.096 in their multipole table, as reproduced by Efremenko, SNvD 2023).
FORBIDDEN_UNCERTAINTY = {"12c-cc": 0.2, "12c-nc": 0.2, "40ar-cc": 0.3, "127i-cc": 0.9}


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("cevns.data").joinpath("inelastic").joinpath(name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _q_value(z: int, a: int) -> float:
    """Atomic mass difference ``M(Z+1, A) − M(Z, A)`` in MeV."""
    return atomic_mass(z + 1, a) - atomic_mass(z, a)


def c12_gamow_teller_strength() -> float:
    """``B(GT)`` (no g_A) of ¹²C(0⁺) → ¹²N(1⁺ g.s.) from the ¹²B β-decay ft value."""
    ft = 10.0 ** float(B12_GROUND_STATE_LOG_FT)
    return float(3.0 * 2.0 * float(SUPERALLOWED_FT) / ft / float(AXIAL_COUPLING) ** 2)


@functools.cache
def carbon12_cc() -> AllowedChargedCurrent:
    """``¹²C(ν_e, e⁻)¹²N(g.s.)``."""
    q = _q_value(6, 12)
    state = FinalState("¹²N g.s. (1⁺)", excitation=q - float(ELECTRON_MASS))
    return AllowedChargedCurrent(
        name="12c-cc",
        target="12C",
        z_final=7,
        mass_number=12,
        q_value=q,
        excitations=(0.0,),
        b_f=(0.0,),
        b_gt=(c12_gamow_teller_strength(),),
        final_states=(state,),
        forbidden_uncertainty=FORBIDDEN_UNCERTAINTY["12c-cc"],
    )


@functools.cache
def carbon12_nc() -> AllowedNeutralCurrent:
    """``¹²C(ν, ν')¹²C(1⁺, T=1, 15.11 MeV)``, any flavour."""
    level = float(C12_15MEV_LEVEL)
    state = level_final_state("¹²C 1⁺ T=1 (15.11 MeV)", level, level, 6, 12)
    return AllowedNeutralCurrent(
        name="12c-nc",
        target="12C",
        excitations=(level,),
        b_gt0=(c12_gamow_teller_strength() / 2.0,),
        final_states=(state,),
        forbidden_uncertainty=FORBIDDEN_UNCERTAINTY["12c-nc"],
    )


#: Heaviest final nucleus a level table can name (Z + 1 <= 118, the last tabulated element).
_MAX_FINAL_Z = 118


def _check_target(z: int, mass_number: int) -> tuple[int, int]:
    """``(Z, A)`` as ints if they are integers with ``1 <= Z < A`` and ``Z + 1 <= 118``."""
    message = (
        f"z, mass_number: the target needs integers 1 <= Z < A with Z + 1 <= {_MAX_FINAL_Z}, "
        f"got {z!r}, {mass_number!r}"
    )
    zi, ai = check_integers(message, z, mass_number)
    if not (1 <= zi < ai and zi + 1 <= _MAX_FINAL_Z):
        raise ValueError(message)
    return zi, ai


def charged_current_from_levels(
    name: str,
    target: str,
    z: int,
    mass_number: int,
    levels: Sequence[float],
    b_f: Sequence[float],
    b_gt: Sequence[float],
    final_label: str,
    forbidden_uncertainty: float = 0.0,
    labels: Sequence[str] | None = None,
) -> AllowedChargedCurrent:
    """An allowed ``(ν_e, e⁻)`` channel from a table of final levels and their strengths.

    The threshold of each level is the atomic mass difference ``M(Z+1) − M(Z)`` (AME masses)
    plus its excitation energy, and its neutron multiplicity follows from the separation
    energies of the final nucleus (:func:`~cevns.inelastic.deexcitation.level_final_state`).
    ``40ar-cc`` and ``127i-cc`` are built this way; a measured strength table of another
    target (for ²⁰⁸Pb: the isobaric analog state with ``B(F) = N − Z`` and the Gamow–Teller
    levels of a charge-exchange experiment) makes a channel with no further code.

    Parameters
    ----------
    name, target
        Registry name and target nucleus (``"40Ar"``).
    z, mass_number
        Charge and mass number of the *target*.
    levels
        Excitation energies (MeV) of the final nucleus ``(Z+1, A)``, each ``>= 0``.
    b_f, b_gt
        Fermi and Gamow–Teller strengths (no ``g_A``), one per level, each ``>= 0``.
    final_label
        Name of the final nucleus in the final-state labels (``"⁴⁰K"``).
    forbidden_uncertainty
        Relative uncertainty quoted for what the allowed approximation leaves out.
    labels
        One final-state label per level; default ``"<final_label> <E_x> MeV"``.

    Raises
    ------
    ValueError
        One line, if ``z`` and ``mass_number`` are not integers with ``1 <= Z < A`` and
        ``Z + 1 <= 118`` whose atomic masses (both nuclei) are tabulated, if the three
        sequences are not numbers, differ in length or are empty, if a value is not finite and
        non-negative, if ``forbidden_uncertainty`` is not finite and non-negative, or if
        ``labels`` is not one string per level.
    """
    z, mass_number = _check_target(z, mass_number)
    try:
        lv, f, gt = (np.asarray(v, dtype=float) for v in (levels, b_f, b_gt))
    except (TypeError, ValueError):
        raise ValueError(f"levels: {name!r} needs numbers for levels, b_f and b_gt") from None
    if not (lv.ndim == f.ndim == gt.ndim == 1 and lv.size == f.size == gt.size and lv.size):
        raise ValueError(f"levels: {name!r} needs one B(F) and one B(GT) per level (1-d, same "
                         f"length > 0), got {lv.size}, {f.size}, {gt.size}")
    for label, values in (("levels", lv), ("b_f", f), ("b_gt", gt)):
        if not np.all(np.isfinite(values) & (values >= 0)):
            raise ValueError(f"{label}: {name!r} needs finite values >= 0")
    try:
        q = _q_value(z, mass_number)
    except ValueError:
        raise ValueError(
            f"z, mass_number: no atomic mass for Z={z}, A={mass_number} or Z={z + 1}, "
            f"A={mass_number} in the AME table of periodictable"
        ) from None
    if labels is None:
        names = [f"{final_label} {e:.3f} MeV" for e in lv.tolist()]
    elif len(labels) == lv.size and all(isinstance(x, str) for x in labels):
        names = list(labels)
    else:
        raise ValueError(f"labels: {name!r} needs one string per level ({lv.size})")
    m_e = float(ELECTRON_MASS)
    states = tuple(
        level_final_state(label, q + e - m_e, e, z + 1, mass_number)
        for label, e in zip(names, lv.tolist(), strict=True)
    )
    return AllowedChargedCurrent(
        name=name,
        target=target,
        z_final=z + 1,
        mass_number=mass_number,
        q_value=q,
        excitations=tuple(lv.tolist()),
        b_f=tuple(f.tolist()),
        b_gt=tuple(gt.tolist()),
        final_states=states,
        forbidden_uncertainty=forbidden_uncertainty,
    )


@functools.cache
def argon40_cc() -> AllowedChargedCurrent:
    """``⁴⁰Ar(ν_e, e⁻)⁴⁰K*`` to the tabulated ⁴⁰K levels."""
    rows = _read_csv("40ar_cc_strengths.csv")
    # The tabulated products g_A² B(GT) are what the sources fix: the ft values of the mirror
    # β decay determine g_A² B(GT), not B(GT), and the QRPA strengths go with the g_A = 1.23
    # of the calculation that produced them. Dividing by the free g_A² here makes the default
    # cross section use exactly those products (as MARLEY does); a different ``g_a`` rescales
    # them by (g_a / g_A)². Dividing by each row's own ``ga_convention`` instead would
    # re-multiply measured products by (1.2754/1.26)² and the QRPA ones by (1.2754/1.23)².
    g_a2 = float(AXIAL_COUPLING) ** 2
    return charged_current_from_levels(
        name="40ar-cc",
        target="40Ar",
        z=18,
        mass_number=40,
        levels=[float(r["level_MeV"]) for r in rows],
        b_f=[float(r["b_f"]) for r in rows],
        b_gt=[float(r["ga2_b_gt"]) / g_a2 for r in rows],
        final_label="⁴⁰K",
        forbidden_uncertainty=FORBIDDEN_UNCERTAINTY["40ar-cc"],
    )


@functools.cache
def iodine127_schematic_levels() -> tuple[tuple[float, float, float], ...]:
    """``(E_x, B(F), B(GT))`` of the schematic ¹²⁷Xe levels (MeV, no g_A).

    The isobaric analog state carries ``B(F) = N − Z`` at
    ``E_x = ΔE_C − (m_n − m_H) − Q`` with ``ΔE_C = 1.444 Z̄/A^{1/3} − 1.13`` MeV,
    ``Z̄ = Z + ½`` (Anderson, Wong & McClure, Phys. Rev. 138 (1965) B615) and
    ``Q = M(¹²⁷Xe) − M(¹²⁷I)`` (AME masses); the Gamow–Teller resonance carries
    ``0.6 × 3(N − Z)`` (Ikeda sum rule, quenching of Caurier, Poves & Zuker,
    arXiv:nucl-th/9401010) at ``E_x(IAS) + 26 A^{−1/3} − 18.5 (N − Z)/A`` MeV (Nakayama et al.,
    Phys. Lett. B 114 (1982) 217). The coefficients are read from
    ``data/inelastic/127i_cc_schematic.csv`` (see its header).

    Returns
    -------
    tuple
        ``((E_IAS, N − Z, 0), (E_GTR, 0, B(GT)))``.
    """
    params = {r["parameter"]: float(r["value"]) for r in _read_csv("127i_cc_schematic.csv")}
    z, a = 53, 127
    n_minus_z = a - 2 * z
    delta_nh = float(NEUTRON_MASS) - atomic_mass(1, 1)
    coulomb = params["coulomb_slope"] * (z + 0.5) / a ** (1.0 / 3.0) - params["coulomb_offset"]
    e_ias = coulomb - delta_nh - _q_value(z, a)
    e_gtr = (e_ias + params["gt_ias_a13"] * a ** (-1.0 / 3.0)
             - params["gt_ias_asym"] * n_minus_z / a)
    b_gt = params["gt_quenching"] * 3.0 * n_minus_z
    return ((e_ias, float(n_minus_z), 0.0), (e_gtr, 0.0, b_gt))


@functools.cache
def iodine127_cc() -> AllowedChargedCurrent:
    """``¹²⁷I(ν_e, e⁻)¹²⁷Xe*`` from the schematic strength function (IAS and GT resonance)."""
    rows = iodine127_schematic_levels()
    names = ("isobaric analog state", "Gamow–Teller resonance")
    return charged_current_from_levels(
        name="127i-cc",
        target="127I",
        z=53,
        mass_number=127,
        levels=[r[0] for r in rows],
        b_f=[r[1] for r in rows],
        b_gt=[r[2] for r in rows],
        final_label="¹²⁷Xe",
        forbidden_uncertainty=FORBIDDEN_UNCERTAINTY["127i-cc"],
        labels=[f"¹²⁷Xe {n} ({r[0]:.2f} MeV)" for n, r in zip(names, rows, strict=True)],
    )


register_channel("12c-cc", carbon12_cc)
register_channel("12c-nc", carbon12_nc)
register_channel("40ar-cc", argon40_cc)
register_channel("127i-cc", iodine127_cc)
