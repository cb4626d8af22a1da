"""²⁰⁸Pb and ¹⁶O in the allowed approximation: the sum rules that fix their Fermi strength, the
level-table factory a measured strength table would go through, and what the published table
channels (``208pb-cc``, ``208pb-nc``, ``16o-cc``) must respect whatever their forbidden content.

No ``208pb-cc-allowed`` or ``16o-cc-allowed`` channel is registered: the measured Gamow–Teller
strength distributions of ²⁰⁸Pb(p,n) / (³He,t) and ¹⁶O(p,n) are not available in tabulated
form with their source (see the inelastic physics page).
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.constants import ELECTRON_MASS
from cevns.flavours import Flavour
from cevns.inelastic import get_channel
from cevns.inelastic.allowed import fermi_sum_rule, ikeda_sum_rule
from cevns.inelastic.deexcitation import (
    atomic_mass,
    neutron_probabilities,
    neutron_separation_energy,
    two_neutron_separation_energy,
)
from cevns.inelastic.nuclear import argon40_cc, charged_current_from_levels

NU_E = Flavour.NU_E


@pytest.mark.parametrize(
    ("z", "n", "fermi", "ikeda"),
    [(82, 126, 44.0, 132.0), (18, 22, 4.0, 12.0), (8, 8, 0.0, 0.0), (6, 6, 0.0, 0.0)],
)
def test_fermi_and_ikeda_sum_rules(z: int, n: int, fermi: float, ikeda: float) -> None:
    """S(F⁻) = N − Z and S(GT⁻) − S(GT⁺) = 3(N − Z), exact (isospin algebra): ²⁰⁸Pb 44 and
    132, ⁴⁰Ar 4 and 12, and nothing for the N = Z nuclei ¹⁶O and ¹²C."""
    assert fermi_sum_rule(z, n) == fermi
    assert ikeda_sum_rule(z, n) == ikeda


def test_argon_isobaric_analog_state_carries_the_whole_fermi_sum_rule() -> None:
    """The ⁴⁰Ar channel puts all of S(F⁻) = N − Z in one level, the analog state (1e-12)."""
    ar = argon40_cc()
    assert sum(ar.b_f) == pytest.approx(fermi_sum_rule(18, 22), rel=1e-12)
    assert sum(1 for b in ar.b_f if b > 0) == 1


def test_oxygen_charged_current_has_no_fermi_part() -> None:
    """¹⁶O (T = 0) has S(F⁻) = 0: an allowed ¹⁶O(ν_e, e⁻) channel is Gamow–Teller only, and a
    level table with the Fermi sum rule alone gives exactly zero at every energy."""
    fermi_only = charged_current_from_levels(
        "16o-fermi", "16O", 8, 16, [0.0], [fermi_sum_rule(8, 8)], [0.0], "¹⁶F"
    )
    assert np.all(fermi_only.cross_section(np.linspace(0.0, 55.0, 12), NU_E) == 0.0)


def test_level_factory_puts_208bi_thresholds_and_neutrons_on_each_level() -> None:
    """The machinery a measured ²⁰⁸Pb strength table would use (the strengths here are unit
    placeholders, not physics): threshold Q + E_x with Q = M(²⁰⁸Bi) − M(²⁰⁸Pb) = 2.878 MeV
    (AME masses; 1e-3 MeV), γ decay below S_n(²⁰⁸Bi) = 6.89 MeV, one neutron between S_n and
    S_2n, two with the evaporation probability above."""
    levels = [1.0, 10.0, 20.0]
    lead = charged_current_from_levels(
        "208pb-machinery", "208Pb", 82, 208, levels, [0.0, 0.0, 1.0], [1.0, 1.0, 0.0], "²⁰⁸Bi"
    )
    assert lead.z_final == 83
    assert lead.q_value == pytest.approx(2.878, abs=1e-3)
    assert lead.threshold(NU_E) == pytest.approx(lead.q_value + 1.0, abs=1e-12)
    m_e = float(ELECTRON_MASS)
    for state, level in zip(lead.final_states, levels, strict=True):
        assert state.excitation == pytest.approx(lead.q_value + level - m_e, abs=1e-12)
        assert state.neutron_probabilities == neutron_probabilities(level, 83, 208)
    assert [len(s.neutron_probabilities) for s in lead.final_states] == [1, 2, 3]
    energy = np.array([10.0, 30.0, 50.0])
    parts = lead.final_state_cross_sections(energy, NU_E)
    assert parts.shape == (3, 3)
    assert np.allclose(parts.sum(axis=-1), lead.cross_section(energy, NU_E), rtol=1e-12)
    assert parts[0, 2] == 0.0 and parts[0, 1] == 0.0  # 10 MeV is below both thresholds


def test_published_table_thresholds_respect_the_mass_thresholds() -> None:
    """Whatever multipoles a table contains, no cross section can start below the energy the
    final state costs (AME masses; the table's own threshold is its last zero, 0.03–0.05 MeV
    grid steps). ²⁰⁸Pb(ν_e, e⁻)²⁰⁸Bi + n needs Q + S_n(²⁰⁸Bi) = 9.77 MeV (table: 10.23) and
    + 2n Q + S_2n = 17.86 MeV (table: 20.69); ²⁰⁸Pb(ν, ν')²⁰⁸Pb + n needs S_n(²⁰⁸Pb) = 7.37 MeV
    (11.26) and + 2n 14.11 MeV (22.90); ¹⁶O(ν_e, e⁻)¹⁶F needs Q = 15.41 MeV (16.28) and
    ¹⁶O(ν̄_e, e⁺)¹⁶N Q + 2m_e = 11.44 MeV (13.60)."""
    q_bi = atomic_mass(83, 208) - atomic_mass(82, 208)
    cc, nc = get_channel("208pb-cc"), get_channel("208pb-nc")
    one, two = cc.final_states
    assert one.excitation >= q_bi + neutron_separation_energy(83, 208)
    assert two.excitation >= q_bi + two_neutron_separation_energy(83, 208)
    one, two = nc.final_states
    assert one.excitation >= neutron_separation_energy(82, 208)
    assert two.excitation >= two_neutron_separation_energy(82, 208)
    oxygen = get_channel("16o-cc")
    q_f = atomic_mass(9, 16) - atomic_mass(8, 16)
    q_n = atomic_mass(7, 16) - atomic_mass(8, 16)
    assert oxygen.threshold(NU_E) >= q_f
    assert oxygen.threshold(Flavour.NU_E_BAR) >= q_n + 2 * float(ELECTRON_MASS)
    assert cc.threshold(NU_E) == pytest.approx(10.23, abs=0.01)
    assert oxygen.threshold(NU_E) == pytest.approx(16.28, abs=0.01)


@pytest.mark.parametrize(
    ("z", "n", "match"),
    [(83, 82, r"^n: the sum rules here need 0 <= Z <= N, got Z=83, N=82$"),
     (-1, 4, r"^n: the sum rules here need"),
     (8.5, 8, r"^z, n: proton and neutron numbers must be integers"),
     (True, 8, r"^z, n: proton and neutron numbers must be integers"),
     (float("nan"), 8, r"^z, n: proton and neutron numbers must be integers"),
     (82, float("inf"), r"^z, n: proton and neutron numbers must be integers"),
     ("82", 126, r"^z, n: proton and neutron numbers must be integers")],
)
def test_sum_rule_bad_input_is_one_line(z: int, n: int, match: str) -> None:
    for rule in (fermi_sum_rule, ikeda_sum_rule):
        with pytest.raises(ValueError, match=match) as info:
            rule(z, n)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("levels", "b_f", "b_gt", "match"),
    [([1.0, 2.0], [0.0], [1.0, 1.0], r"^levels: 'bad' needs one B\(F\) and one B\(GT\) per"),
     ([], [], [], r"^levels: 'bad' needs one B\(F\)"),
     ([float("nan")], [0.0], [1.0], r"^levels: 'bad' needs finite values >= 0$"),
     ([1.0], [-1.0], [1.0], r"^b_f: 'bad' needs finite values >= 0$"),
     ([1.0], [0.0], [float("inf")], r"^b_gt: 'bad' needs finite values >= 0$")],
)
def test_level_factory_bad_input_is_one_line(
    levels: list[float], b_f: list[float], b_gt: list[float], match: str
) -> None:
    with pytest.raises(ValueError, match=match) as info:
        charged_current_from_levels("bad", "208Pb", 82, 208, levels, b_f, b_gt, "²⁰⁸Bi")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("changes", "match"),
    [({"z": 82.5}, r"^z, mass_number: the target needs integers"),
     ({"z": True}, r"^z, mass_number: the target needs integers"),
     ({"z": 0}, r"^z, mass_number: the target needs integers"),
     ({"z": 200}, r"^z, mass_number: the target needs integers"),
     ({"mass_number": 82}, r"^z, mass_number: the target needs integers"),
     ({"mass_number": 300}, r"^z, mass_number: no atomic mass for Z=82, A=300"),
     ({"levels": ["a"], "b_f": [0.0], "b_gt": [1.0]}, r"^levels: 'bad' needs numbers"),
     ({"forbidden_uncertainty": -0.1}, r"^forbidden_uncertainty: must be finite and >= 0"),
     ({"forbidden_uncertainty": float("nan")}, r"^forbidden_uncertainty: must be finite")],
)
def test_level_factory_bad_target_is_one_line(changes: dict[str, object], match: str) -> None:
    """A target that is not a nucleus with known AME masses (non-integer or boolean Z, Z = 0,
    Z + 1 beyond the periodic table, A <= Z, no mass for (Z+1, A)), a non-numeric level or a
    negative / NaN forbidden uncertainty is a one-line ValueError naming the parameter (before,
    some were a KeyError from the mass table, Z = True built a hydrogen channel and a NaN
    uncertainty was accepted)."""
    arguments: dict[str, object] = {
        "name": "bad", "target": "208Pb", "z": 82, "mass_number": 208, "levels": [1.0],
        "b_f": [0.0], "b_gt": [1.0], "final_label": "²⁰⁸Bi",
    }
    arguments.update(changes)
    with pytest.raises(ValueError, match=match) as info:
        charged_current_from_levels(**arguments)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
