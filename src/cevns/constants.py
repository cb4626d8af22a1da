"""Physical constants: value, uncertainty, unit and citation, in one place.

Each constant is a :class:`Constant`, a ``float`` in the internal unit system
(:mod:`cevns.units`) that also carries its one-sigma uncertainty, the unit it
is expressed in and where it comes from. They combine like plain floats::

    >>> from cevns.constants import FERMI_CONSTANT
    >>> float(FERMI_CONSTANT)          # MeV^-2
    1.1663787e-11
    >>> FERMI_CONSTANT.reference
    'CODATA 2022 via scipy.constants'

Values that a maintained package already provides are read from it rather
than typed in: CODATA 2022 through :mod:`scipy.constants`, PDG particle data
through :mod:`particle`. Only numbers that no dependency provides are written
here, each with its paper.
"""

from __future__ import annotations

from scipy import constants as _codata

from . import units as u


class Constant(float):
    """A float with an uncertainty, a unit string and a citation."""

    uncertainty: float
    unit: str
    reference: str

    def __new__(cls, value: float, uncertainty: float, unit: str, reference: str) -> Constant:
        obj = super().__new__(cls, value)
        obj.uncertainty = float(uncertainty)
        obj.unit = unit
        obj.reference = reference
        return obj

    def __repr__(self) -> str:
        return f"Constant({float(self)!r} ± {self.uncertainty!r} {self.unit}; {self.reference})"

    def __reduce__(self) -> tuple[type, tuple[float, float, str, str]]:
        return (Constant, (float(self), self.uncertainty, self.unit, self.reference))


def _codata_constant(key: str, scale: float, unit: str) -> Constant:
    value, _unit, sigma = _codata.physical_constants[key]
    return Constant(value * scale, sigma * scale, unit, "CODATA 2022 via scipy.constants")


#: PDG Monte Carlo numbers of the particles whose data we read (``Particle.from_pdgid`` is a
#: dictionary look-up; ``from_name`` searches the whole table, ~0.15 s each).
_PDGID = {"mu-": 13, "pi+": 211, "pi0": 111, "eta": 221}


def _pdg_mass(name: str) -> Constant:
    from particle import Particle

    p = Particle.from_pdgid(_PDGID[name])
    assert p.name == name
    assert p.mass is not None
    err = max(p.mass_upper or 0.0, p.mass_lower or 0.0)
    return Constant(p.mass * u.MeV, err * u.MeV, "MeV", f"PDG via particle ({name})")


def _pdg_lifetime(name: str) -> Constant:
    from particle import Particle

    p = Particle.from_pdgid(_PDGID[name])
    assert p.name == name and p.lifetime is not None and p.width  # particle gives lifetimes in ns
    relative = max(p.width_upper or 0.0, p.width_lower or 0.0) / p.width  # σ_τ/τ = σ_Γ/Γ
    tau = p.lifetime * u.ns
    return Constant(tau, relative * tau, "ns", f"PDG via particle ({name})")


# --- Electroweak ---------------------------------------------------------------
#: Fermi constant G_F/(ħc)³ in MeV⁻².
FERMI_CONSTANT = _codata_constant("Fermi coupling constant", 1e-6, "MeV^-2")

#: ħc in MeV·cm (exact in the 2019 SI).
HBAR_C = _codata_constant("reduced Planck constant times c in MeV fm", u.MeV * u.fm, "MeV cm")

#: Fine-structure constant α at Q² = 0.
FINE_STRUCTURE = _codata_constant("fine-structure constant", 1.0, "")

#: Low-energy weak mixing angle, MS-bar scheme, sin²θ̂_W(Q → 0).
SIN2_THETA_W_LOW_Q = Constant(
    0.23857,
    0.00005,
    "",
    "PDG 2024, Review of Particle Physics, Sec. 10 'Electroweak model and constraints "
    "on new physics' (J. Erler, A. Freitas): sin²θ̂_W(0) = 0.23857(5)",
)

# --- Masses (MeV) and lifetimes (ns) ---------------------------------------------
ELECTRON_MASS = _codata_constant("electron mass energy equivalent in MeV", u.MeV, "MeV")
PROTON_MASS = _codata_constant("proton mass energy equivalent in MeV", u.MeV, "MeV")
NEUTRON_MASS = _codata_constant("neutron mass energy equivalent in MeV", u.MeV, "MeV")
ATOMIC_MASS_UNIT = _codata_constant("atomic mass constant energy equivalent in MeV", u.MeV, "MeV")
# MUON_MASS, CHARGED_PION_MASS, MUON_LIFETIME, CHARGED_PION_LIFETIME: read from the PDG
# table of `particle` on first use (module __getattr__ below), so that importing cevns or
# running `cevns --help` does not load the table (~0.5 s).
MUON_MASS: Constant  #: μ⁻ mass (MeV), PDG via particle
CHARGED_PION_MASS: Constant  #: π⁺ mass (MeV), PDG via particle
MUON_LIFETIME: Constant  #: μ lifetime (ns), PDG via particle
CHARGED_PION_LIFETIME: Constant  #: π⁺ lifetime (ns), PDG via particle
NEUTRAL_PION_MASS: Constant  #: π⁰ mass (MeV), PDG via particle
ETA_MASS: Constant  #: η mass (MeV), PDG via particle
_LAZY_PDG = {
    "MUON_MASS": (_pdg_mass, "mu-"),
    "CHARGED_PION_MASS": (_pdg_mass, "pi+"),
    "MUON_LIFETIME": (_pdg_lifetime, "mu-"),
    "CHARGED_PION_LIFETIME": (_pdg_lifetime, "pi+"),
    "NEUTRAL_PION_MASS": (_pdg_mass, "pi0"),
    "ETA_MASS": (_pdg_mass, "eta"),
}


def __getattr__(name: str) -> Constant:
    """PDG constants, read on first access and then cached in the module namespace."""
    if name in _LAZY_PDG:
        reader, particle_name = _LAZY_PDG[name]
        value = reader(particle_name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Avogadro constant in mol⁻¹.
AVOGADRO = _codata_constant("Avogadro constant", 1.0, "mol^-1")

#: Rounded nucleon mass of quick estimates (M ≈ A × 938.3 MeV), as used by the T_max table in
#: A. Konovalov's COHERENT talk (2021).
ROUNDED_NUCLEON_MASS = Constant(
    938.3 * u.MeV,
    0.0,
    "MeV",
    "A. Konovalov, 'Results and future of COHERENT', COHERENT talk (2021): "
    "T_max table uses M = A x 938.3 MeV",
)

# --- Weak nuclear transitions (inelastic channels) ----------------------------------
#: |V_ud|, the CKM element of charged-current transitions d → u.
CKM_VUD = Constant(
    0.97373,
    0.00031,
    "",
    "PDG 2024, Review of Particle Physics, 'CKM quark-mixing matrix' (A. Ceccucci, "
    "Z. Ligeti, Y. Sakai): |V_ud| = 0.97373 ± 0.00031 from superallowed β decays",
)

#: Free-nucleon axial coupling g_A = |λ|, λ = g_A/g_V from neutron decay.
AXIAL_COUPLING = Constant(
    1.2754,
    0.0013,
    "",
    "PDG 2024, Review of Particle Physics, neutron listing: λ = g_A/g_V = −1.2754 ± 0.0013",
)

#: Corrected ft value Ft of the superallowed 0⁺ → 0⁺ β decays (B(F) = 2), in s. ``2 Ft``
#: turns a measured ft into a strength: ``B(F) + g_A² B(GT) = 2 Ft / ft``.
SUPERALLOWED_FT = Constant(
    3072.24,
    1.85,
    "s",
    "J.C. Hardy and I.S. Towner, Phys. Rev. C 102 (2020) 045501, arXiv:2007.07349: "
    "average Ft = 3072.24(185) s",
)

#: Radius parameter r₀ of the uniform-sphere nuclear radius R = r₀ A^{1/3} used in the
#: Fermi function and the Coulomb potential of the effective momentum approximation.
COULOMB_RADIUS_R0 = Constant(
    1.2 * u.fm,
    0.0,
    "cm",
    "R = 1.2 A^(1/3) fm: J. Engel, Phys. Rev. C 57 (1998) 2004 (effective momentum "
    "approximation); the same value in S. Gardiner, Comput. Phys. Commun. 269 (2021) 108123",
)

#: Adopted log ft of the ¹²B(1⁺) → ¹²C(0⁺ g.s.) β⁻ decay; with isospin symmetry it fixes the
#: Gamow–Teller strength of ¹²C → ¹²N(g.s.) and of ¹²C → ¹²C(1⁺, T=1, 15.11 MeV).
B12_GROUND_STATE_LOG_FT = Constant(
    4.0618,
    0.0009,
    "",
    "TUNL Nuclear Data Evaluation, 12B ground-state beta-minus decay, adopted log ft "
    "4.0618 ± 0.0009 (evaluation of September 2015)",
)

#: Excitation energy (MeV) of the 1⁺, T = 1 level of ¹²C, the isobaric analog of ¹²B/¹²N(g.s.).
C12_15MEV_LEVEL = Constant(
    15.110,
    0.003,
    "MeV",
    "F. Ajzenberg-Selove, Nucl. Phys. A506 (1990) 1, Table 12.4 (level 15.110 ± 0.003 MeV); "
    "value quoted from the evaluation, not re-read for this file",
)

# --- Branching fractions (PDG; `particle` does not carry them) ----------------------------
#: BR(π⁰ → γγ), PDG 2024 Review of Particle Physics, π⁰ summary table: 98.823 ± 0.034 %.
BR_PI0_TO_GAMMA_GAMMA = Constant(
    0.98823, 0.00034, "", "PDG 2024, Review of Particle Physics, pi0 summary table: Gamma_1 2gamma"
)
#: BR(η → γγ), PDG 2024 Review of Particle Physics, η summary table: 39.36 ± 0.18 %. (The η
#: mass was checked on the PDG live page; this fraction was not shown there. It agrees with
#: the direct measurements 39.49 ± 0.17 ± 0.30 % (SATURNE, PRD 53 (1996)) and
#: 39.86 ± 0.04 ± 0.99 % (BESIII, PRD 104 (2021) 092004), both read in their abstracts.)
BR_ETA_TO_GAMMA_GAMMA = Constant(
    0.3936, 0.0018, "", "PDG 2024, Review of Particle Physics, eta summary table: Gamma_1 2gamma"
)

# --- Cosmology (thermal relic of light dark matter) ------------------------------------
#: Planck mass √(ħc/G) in MeV (the M_Pl of the freeze-out equations).
PLANCK_MASS = _codata_constant("Planck mass energy equivalent in GeV", 1e3 * u.MeV, "MeV")
#: Cold dark-matter density Ω_c h² = 0.120 ± 0.001: Planck 2018 results VI, A&A 641 (2020) A6,
#: arXiv:1807.06209 (the combined value quoted in the abstract, checked there).
OMEGA_CDM_H2 = Constant(0.120, 0.001, "", "Planck 2018 VI, A&A 641 (2020) A6, abstract")
#: Entropy density today s₀ = 2891.2 cm⁻³ (PDG 2024, Astrophysical constants and parameters,
#: for T₀ = 2.7255 K; the table itself was not re-read). Checked against its definition:
#: (2π²/45)(43/11)(k_B T₀/ħc)³ = 2891.3 cm⁻³ at T₀ = 2.7255 K (CODATA k_B and ħc).
ENTROPY_DENSITY_TODAY = Constant(2891.2, 0.0, "cm^-3", "PDG 2024, Astrophysical constants")
#: Critical density ρ_c/h² = 1.05371 × 10⁻⁵ GeV cm⁻³ (PDG, Astrophysical constants and
#: parameters): the 1.87840(9) × 10⁻²⁹ h² g cm⁻³ of PDG 2018 (Tanabashi et al., PRD 98 (2018)
#: 030001, Table 2.1, as quoted by OEIS A327854) is 1.05371 × 10⁻⁵ h² GeV cm⁻³.
CRITICAL_DENSITY_H2 = Constant(1.05371e-2, 0.00002e-2, "MeV cm^-3",
                               "PDG 2024, Astrophysical constants (1.05371e-5 h^2 GeV cm^-3)")

# --- Derived ---------------------------------------------------------------------
#: G_F² (ħc)² in cm²/MeV²: turns G_F² M (MeV⁻³) into cm²/MeV.
GF2_HBARC2 = Constant(
    float(FERMI_CONSTANT) ** 2 * float(HBAR_C) ** 2,
    2
    * FERMI_CONSTANT.uncertainty
    / float(FERMI_CONSTANT)
    * float(FERMI_CONSTANT) ** 2
    * float(HBAR_C) ** 2,
    "cm^2 MeV^-2",
    "derived: G_F² (ħc)²",
)

__all__ = [
    "ATOMIC_MASS_UNIT",
    "AVOGADRO",
    "AXIAL_COUPLING",
    "B12_GROUND_STATE_LOG_FT",
    "BR_ETA_TO_GAMMA_GAMMA",
    "BR_PI0_TO_GAMMA_GAMMA",
    "C12_15MEV_LEVEL",
    "CHARGED_PION_LIFETIME",
    "CHARGED_PION_MASS",
    "CKM_VUD",
    "COULOMB_RADIUS_R0",
    "CRITICAL_DENSITY_H2",
    "ELECTRON_MASS",
    "ENTROPY_DENSITY_TODAY",
    "ETA_MASS",
    "FERMI_CONSTANT",
    "FINE_STRUCTURE",
    "GF2_HBARC2",
    "HBAR_C",
    "MUON_LIFETIME",
    "MUON_MASS",
    "NEUTRAL_PION_MASS",
    "NEUTRON_MASS",
    "OMEGA_CDM_H2",
    "PLANCK_MASS",
    "PROTON_MASS",
    "ROUNDED_NUCLEON_MASS",
    "SIN2_THETA_W_LOW_Q",
    "SUPERALLOWED_FT",
    "Constant",
]
