"""Spin-independent WIMP–nucleus recoil spectra in the Standard Halo Model.

Differential rate per target nucleus (Lewin & Smith, Astropart. Phys. 6 (1996) 87, Eqs. 3.1,
3.7; Baxter et al., EPJC 81 (2021) 907, arXiv:2105.00599, Eqs. 2–4)

    dR/dE_R = (ρ_χ / m_χ) · m_N σ_p A² / (2 μ_p²) · F²(q) · η(v_min),
    v_min = √(m_N E_R / (2 μ_N²)),   q = √(2 m_N E_R),

with isospin-conserving couplings (``f_p = f_n``), the Helm form factor with the Lewin–Smith
parameters (:class:`cevns.physics.form_factors.Helm`, ``convention="lewin_smith"``) and the mean
inverse speed of a Maxwell–Boltzmann distribution truncated at the escape speed and boosted to
the Earth frame (Savage, Freese & Gondolo, PRD 74 (2006) 043531, Eqs. B3–B4; Baxter et al.
2021, Eq. 12):

    η(v_min) = [erf(x+y) − erf(x−y) − 4y e^{−z²}/√π] / (2 N_esc v₀ y)        x < z − y
             = [erf(z) − erf(x−y) − 2(z+y−x) e^{−z²}/√π] / (2 N_esc v₀ y)    z − y ≤ x < z + y
             = 0                                                            x ≥ z + y

where ``x = v_min/v₀``, ``y = v_E/v₀``, ``z = v_esc/v₀`` and ``N_esc = erf z − 2z e^{−z²}/√π``.

Default halo (:data:`SHM_BAXTER_2021`): the recommended conventions of Baxter et al. 2021
(Table 1): ρ_χ = 0.3 GeV cm⁻³, v₀ = 238 km/s, v_esc = 544 km/s, Earth speed equal to the
annual mean, i.e. the Sun's speed ``|(11.1, 238 + 12.2, 7.3)| = 250.5`` km/s (local standard
of rest plus the solar peculiar velocity of Schönrich, Binney & Dehnen 2010). The halo with
which O'Hare (2021) computed his published neutrino floor is :data:`SHM_OHARE_2021`
(v₀ = 236.2 km/s, v_esc = 533 km/s, v_E = 245.6 km/s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import erf

from .. import units as u
from ..constants import PROTON_MASS
from ..physics.form_factors import Helm
from ..physics.targets import Isotope, Target
from ..types import FloatArray
from ..validation import array_in_range

__all__ = [
    "SHM_BAXTER_2021",
    "SHM_OHARE_2021",
    "SPEED_OF_LIGHT_KM_S",
    "StandardHalo",
    "wimp_recoil_rate",
]

#: Speed of light (km/s, exact SI definition).
SPEED_OF_LIGHT_KM_S = 299792.458
#: Speed of light in internal units (cm/ns).
_C_CM_PER_NS = SPEED_OF_LIGHT_KM_S * 1e5 / 1e9


@dataclass(frozen=True)
class StandardHalo:
    """Truncated Maxwellian halo seen from the Earth.

    Parameters
    ----------
    density
        Local dark-matter density (GeV cm⁻³), > 0.
    v0
        Most probable speed (circular speed) v₀ (km/s), > 0.
    v_escape
        Galactic escape speed (km/s), > v0.
    v_earth
        Earth speed in the Galactic frame (km/s), >= 0 and < v_escape.
    """

    density: float = 0.3
    v0: float = 238.0
    v_escape: float = 544.0
    v_earth: float = 250.5

    def __post_init__(self) -> None:
        for name in ("density", "v0", "v_escape", "v_earth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise ValueError(f"{name}: expected a number, got {value!r}")
        for name in ("density", "v0", "v_escape"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"{name}: must be finite and > 0, got {v}")
        if self.v_escape <= self.v0:
            raise ValueError(
                f"v_escape: must exceed v0 = {self.v0} km/s, got {self.v_escape} km/s"
            )
        if not (math.isfinite(self.v_earth) and 0 <= self.v_earth < self.v_escape):
            raise ValueError(
                f"v_earth: must be in [0, v_escape = {self.v_escape}) km/s, got {self.v_earth}"
            )

    @property
    def v_max(self) -> float:
        """Largest WIMP speed in the Earth frame, ``v_esc + v_E`` (km/s)."""
        return self.v_escape + self.v_earth

    def mean_inverse_speed(self, v_min: ArrayLike) -> FloatArray:
        """η(v_min) in (km/s)⁻¹ for ``v_min`` in km/s (see module docstring)."""
        vmin = np.asarray(v_min, dtype=float)
        if not np.all(np.isfinite(vmin)) or np.any(vmin < 0):
            raise ValueError("v_min: must be finite and >= 0 km/s")
        v0 = self.v0
        x = vmin / v0
        z = self.v_escape / v0
        y = max(self.v_earth / v0, 1e-12)
        ez = math.exp(-z * z) / math.sqrt(math.pi)
        n_esc = math.erf(z) - 2.0 * z * ez
        low = erf(x + y) - erf(x - y) - 4.0 * y * ez
        mid = math.erf(z) - erf(x - y) - 2.0 * (z + y - x) * ez
        out = np.where(x < z - y, low, np.where(x < z + y, mid, 0.0))
        result: FloatArray = np.maximum(out, 0.0) / (2.0 * n_esc * v0 * y)
        return result


#: Allowed WIMP masses (GeV), recoil energies (keVnr) and WIMP–proton cross sections (cm²):
#: far outside any search, guards so that a typo is an error instead of a division by zero
#: (a 1e-300 GeV WIMP) or an overflow (1e300 keVnr, 1e300 cm²).
MASS_RANGE = (1e-6, 1e12)
RECOIL_RANGE = (0.0, 1e9)
CROSS_SECTION_RANGE = (0.0, 1.0)

#: Baxter et al., EPJC 81 (2021) 907, Table 1 (Earth speed: annual mean, see module docstring).
SHM_BAXTER_2021 = StandardHalo(0.3, 238.0, 544.0, 250.5)
#: The halo of O'Hare's published neutrino floor, PRL 127 (2021) 251802: the WIMP rates of the
#: code accompanying the paper (github.com/cajohare/NeutrinoFog, ``src/WIMPFuncs.py``:
#: ``dRdE`` with ρ = 0.3 GeV cm⁻³ and ``MeanInverseSpeed_SHM`` with its defaults, dispersion
#: σ_v = 167 km/s, i.e. v₀ = √2 σ_v = 236.2 km/s, v_esc = 533 km/s, v_lab = 245.6 km/s), as
#: called by ``src/runNuFloor_SI.py``. (The ``SHM`` object of that code's ``Params.py``,
#: v₀ = 220 km/s and v_esc = 544 km/s, is not the one its floor calculation uses.)
SHM_OHARE_2021 = StandardHalo(0.3, 167.0 * math.sqrt(2.0), 533.0, 245.6)

_HELM = Helm("lewin_smith")


def _isotope_rate(
    isotope: Isotope, recoil_energy: FloatArray, mass: FloatArray, halo: StandardHalo
) -> FloatArray:
    """dR/dE_R per nucleus at σ_p = 1 cm², per MeV per second; shape (masses, energies)."""
    m_n = isotope.nuclear_mass
    mp = float(PROTON_MASS)
    m_chi = mass[:, None]
    mu_n = m_chi * m_n / (m_chi + m_n)
    mu_p = m_chi * mp / (m_chi + mp)
    e = recoil_energy[None, :]
    v_min_c = np.sqrt(m_n * e / (2.0 * mu_n**2))  # units of c
    eta = halo.mean_inverse_speed(v_min_c * SPEED_OF_LIGHT_KM_S) * SPEED_OF_LIGHT_KM_S  # 1/c
    q = np.sqrt(2.0 * m_n * recoil_energy)
    f2 = _HELM(q, isotope) ** 2
    number_density = halo.density * u.GeV / m_chi  # WIMPs per cm³
    rate_per_ns = number_density * _C_CM_PER_NS * m_n * isotope.A**2 / (2.0 * mu_p**2) * eta
    out: FloatArray = rate_per_ns * f2[None, :] * u.s
    return out


def wimp_recoil_rate(
    mass: ArrayLike,
    target: Target | str,
    recoil_energy: ArrayLike,
    cross_section: float = 1e-45,
    halo: StandardHalo = SHM_BAXTER_2021,
) -> FloatArray:
    """Spin-independent WIMP recoil spectrum (events per tonne·year per keVnr).

    Parameters
    ----------
    mass
        WIMP masses (GeV), each > 0; a scalar or 1-D array.
    target
        Target material (e.g. ``"Xe"``, natural abundances) or :class:`Target`.
    recoil_energy
        Nuclear-recoil energies (keVnr), >= 0, 1-D.
    cross_section
        WIMP–proton spin-independent cross section σ_p (cm²), > 0.
    halo
        Halo model; default Baxter et al. 2021.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(mass), len(recoil_energy))`` (leading axis dropped for scalar mass).
    """
    m = array_in_range(mass, "mass", "GeV", *MASS_RANGE)
    e = array_in_range(recoil_energy, "recoil_energy", "keVnr", *RECOIL_RANGE, min_size=0)
    array_in_range(cross_section, "cross_section", "cm²", *CROSS_SECTION_RANGE, strict_low=True)
    tgt = Target.parse(target) if isinstance(target, str) else target
    per_tonne = tgt.nuclei_per_kg() * (u.tonne / u.kg)
    total = np.zeros((m.size, e.size))
    for iso, n in zip(tgt.isotopes, per_tonne, strict=True):
        total += n * _isotope_rate(iso, e * u.keV, m * u.GeV, halo)
    out: FloatArray = total * cross_section * (u.year / u.s) * u.keV
    return out[0] if np.ndim(mass) == 0 else out
