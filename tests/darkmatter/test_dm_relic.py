"""The computed thermal-relic target of scalar dark matter (cevns.darkmatter.relic)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns.darkmatter.relic import (
    annihilation_coefficient,
    effective_dof,
    relic_abundance,
    relic_target_y,
    thermal_average,
)


def test_effective_dof_limits() -> None:
    """g_eff = 10.75 (γ, e±, 3ν) at a few MeV; below m_e, g_eff → 2 + 6·7/8·(4/11)^{4/3} = 3.36
    and h_eff → 2 + 6·7/8·4/11 = 3.91 (Kolb & Turner, ch. 3), to 0.02 (our neutrinos decouple
    at 2 MeV, where e± are already slightly non-relativistic)."""
    g, h = effective_dof([0.02, 5.0])
    assert g[1] == pytest.approx(10.75, abs=0.02) and h[1] == pytest.approx(10.75, abs=0.02)
    assert g[0] == pytest.approx(3.363, abs=0.02) and h[0] == pytest.approx(3.909, abs=0.02)
    with pytest.raises(ValueError, match=r"^temperature: must be within"):
        effective_dof(1e-4)


def test_thermal_average_reduces_to_the_p_wave_formula() -> None:
    """For a heavy mediator and cold χ the Gondolo–Gelmini average equals 6b/x with
    σv = b v² = (8π/3) α α_D ε² m² v² Σβ_f(…)/(m_V² − 4m²)² (IKST 2015), to 2 %; near the
    benchmark m_V = 3 m_χ at freeze-out (x = 20) the full s-dependence raises it by ~1/3."""
    b = annihilation_coefficient(10.0, 300.0, 1e-4, 0.5)
    assert thermal_average(200.0, 10.0, 300.0, 1e-4, 0.5)[0] == pytest.approx(6 * b / 200, rel=0.02)
    b3 = annihilation_coefficient(10.0, 30.0, 1e-4, 0.5)
    assert 1.2 < thermal_average(20.0, 10.0, 30.0, 1e-4, 0.5)[0] / (6 * b3 / 20) < 1.5


def test_abundance_scales_inversely_with_the_coupling_and_target_is_consistent() -> None:
    """Ω h² ∝ x_f²/σ₀ for a p-wave (Kolb & Turner, Eq. 5.45): doubling ε² lowers Ω h² by a
    little less than 2 (x_f grows by ln 2; measured 1.83), so within 1.7–2.0; the target Y
    gives Ω h² = 0.120 to 2e-3."""
    a = relic_abundance(10.0, 30.0, 1e-4)
    b = relic_abundance(10.0, 30.0, 1e-4 * np.sqrt(2.0))
    assert 1.7 < a / b < 2.0
    y = float(relic_target_y(10.0)[0])
    eps = np.sqrt(y / (0.5 * (1 / 3) ** 4))
    assert relic_abundance(10.0, 30.0, eps) == pytest.approx(0.120, rel=2e-3)


def test_relic_bad_input() -> None:
    """Bad input is a one-line ValueError naming the parameter the caller gave."""
    for call, message in (
        (lambda: relic_target_y(200.0), r"^chi_mass: the relic target covers"),
        (lambda: relic_target_y(10.0, mass_ratio=2.1), r"^mass_ratio: must be finite and > 2.2"),
        (lambda: relic_abundance(10.0, 30.0, -1e-4), r"^epsilon: must be in \[0, 1\]"),
        (lambda: relic_abundance(10.0, 30.0, 0.0), r"^epsilon: must be >= 1e-12"),
        (lambda: relic_abundance(10.0, 30.0, 1e300), r"^epsilon: must be in \[0, 1\]"),  # overflow
        (lambda: relic_abundance(10.0, 30.0, 1e-300), r"^epsilon: must be >= 1e-12"),  # log(0)
        (lambda: relic_abundance("10", 30.0, 1e-4), r"^chi_mass: expected a number"),
        (lambda: relic_target_y("a"), r"^chi_masses: expected numbers"),
        (lambda: relic_target_y(10.0, omega_h2=0.0), r"^omega_h2: must be finite and > 0"),
        (lambda: relic_target_y(10.0, alpha_d=0.0), r"^alpha_d: must be finite and > 0"),
        (lambda: relic_target_y(10.0, alpha_d=-0.5), r"^alpha_d: must be finite and > 0"),
        (lambda: relic_target_y(10.0, mass_ratio=float("nan")), r"^mass_ratio: must be"),
        (lambda: relic_target_y(10.0, mass_ratio=2.0), r"^mass_ratio: must be"),
    ):
        with pytest.raises(ValueError, match=message):
            call()
