"""Nuclear channels against measurements and published numbers; channel bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cevns.flavours import Flavour
from cevns.inelastic import Channel, get_channel
from cevns.inelastic.averaging import flux_averaged_cross_section
from cevns.inelastic.deexcitation import neutron_probabilities, neutron_separation_energy
from cevns.inelastic.nuclear import argon40_cc
from cevns.sources.stopped_pion import stopped_pion_spectra

SPECTRA = stopped_pion_spectra()
NU_E = Flavour.NU_E


def _nu_e_average(name: str) -> float:
    return flux_averaged_cross_section(get_channel(name), SPECTRA[NU_E], NU_E)


@pytest.mark.parametrize("name", ["12c-cc", "12c-nc", "40ar-cc"])
def test_registered_channels_implement_the_protocol(name: str) -> None:
    channel = get_channel(name)
    assert isinstance(channel, Channel)
    energy = np.linspace(0.0, 55.0, 23)
    for flavour in channel.flavours:
        parts = channel.final_state_cross_sections(energy, flavour)
        assert parts.shape == (*energy.shape, len(channel.final_states))
        assert np.allclose(parts.sum(axis=-1), channel.cross_section(energy, flavour))
        assert np.all(
            channel.cross_section(energy[energy < channel.threshold(flavour)], flavour) == 0
        )
    for state in channel.final_states:
        assert sum(state.neutron_probabilities) == pytest.approx(1.0)


def test_c12_ground_state_threshold_is_the_12n_mass_excess() -> None:
    """Threshold = mass excess of ¹²N: 17.342 ± 0.005 MeV (Ajzenberg-Selove, TUNL A=12
    evaluation, 1968); AME masses through periodictable give 17.338 MeV."""
    assert get_channel("12c-cc").threshold(NU_E) == pytest.approx(17.342, abs=0.006)


def test_c12_ground_state_flux_average_matches_lsnd_and_e225() -> None:
    """¹²C(ν_e, e⁻)¹²N(g.s.) for the μ⁺ decay-at-rest ν_e spectrum.

    LSND: (8.9 ± 0.3 ± 0.9) × 10⁻⁴² cm² (Auerbach et al., Phys. Rev. C 64 (2001) 065501,
    arXiv:hep-ex/0105068, abstract); LAMPF E225: (1.05 ± 0.10 ± 0.10) × 10⁻⁴¹ cm² (Krakauer
    et al., Phys. Rev. C 45 (1992) 2450, abstract). Tolerance: two combined standard
    deviations of each measurement. The allowed q = 0 strength gives 9.9 × 10⁻⁴² cm².
    """
    sigma = _nu_e_average("12c-cc")
    assert abs(sigma - 8.9e-42) < 2 * np.hypot(0.3, 0.9) * 1e-42
    assert abs(sigma - 10.5e-42) < 2 * np.hypot(1.0, 1.0) * 1e-42


def test_c12_nc_is_flavour_blind_and_below_cc_strength() -> None:
    nc = get_channel("12c-nc")
    e = np.array([20.0, 40.0])
    assert np.array_equal(nc.cross_section(e, "nu_mu"), nc.cross_section(e, "nu_e_bar"))
    assert nc.final_states[0].gamma_energy == pytest.approx(15.11)


def test_argon_table_has_the_fermi_sum_rule_and_the_measured_strength() -> None:
    """The isobaric analog state carries B(F) = N − Z = 4; the Bhattacharya et al. (1998)
    rows sum to g_A² B(GT) = 5.52 (sum of the transcribed table)."""
    ar = argon40_cc()
    assert sum(ar.b_f) == pytest.approx(4.0)
    measured = [b * 1.26**2 for b, e in zip(ar.b_gt, ar.excitations, strict=True) if e < 7.0]
    assert sum(measured) == pytest.approx(5.52, abs=1e-9)


def test_argon_coulomb_modes_order() -> None:
    """The Coulomb correction raises the ⁴⁰Ar cross section; the plain MEMA most."""
    ar = argon40_cc()
    values = {
        mode: flux_averaged_cross_section(
            dataclasses.replace(ar, coulomb=mode), SPECTRA[NU_E], NU_E
        )
        for mode in ("none", "fermi", "fermi-mema", "mema")
    }
    assert values["none"] < values["fermi-mema"] <= values["fermi"] < values["mema"]


def test_neutron_emission_thresholds() -> None:
    """S_n(⁴⁰K) = 7.80 MeV, S_n(¹²⁷Xe) = 7.25 MeV, S_n(²⁰⁸Bi) = 6.89 MeV (AME masses via
    periodictable; tolerance 0.02 MeV)."""
    assert neutron_separation_energy(19, 40) == pytest.approx(7.80, abs=0.02)
    assert neutron_separation_energy(54, 127) == pytest.approx(7.25, abs=0.02)
    assert neutron_separation_energy(83, 208) == pytest.approx(6.89, abs=0.02)
    assert neutron_probabilities(5.0, 83, 208) == (1.0,)
    assert neutron_probabilities(10.0, 83, 208) == (0.0, 1.0)
    p = neutron_probabilities(19.2, 83, 208)
    assert len(p) == 3 and sum(p) == pytest.approx(1.0) and p[2] > 0


@pytest.mark.parametrize("energy", [61.0, float("nan"), -1.0])
def test_energy_outside_range_is_one_line_error(energy: float) -> None:
    with pytest.raises(ValueError, match=r"^energy: channel '40ar-cc'") as info:
        get_channel("40ar-cc").cross_section(energy, NU_E)
    assert "\n" not in str(info.value)


def test_bad_ga_on_channel_is_one_line_error() -> None:
    with pytest.raises(ValueError, match=r"^g_a: axial coupling"):
        dataclasses.replace(argon40_cc(), g_a=-1.0)


def test_other_flavours_have_no_charged_current() -> None:
    ar = get_channel("40ar-cc")
    assert np.all(ar.cross_section([30.0, 50.0], "nu_mu") == 0)
    assert flux_averaged_cross_section(ar, SPECTRA[Flavour.NU_MU], "nu_mu") == 0.0
