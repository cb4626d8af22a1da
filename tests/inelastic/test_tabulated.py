"""Table-driven channels (²⁰⁸Pb, ¹⁶O, ⁴⁰Ar NC): fidelity to the source tables, the protocol,
flux averages at a stopped-pion source, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns.flavours import ALL_FLAVOURS, Flavour
from cevns.inelastic import Channel, get_channel
from cevns.inelastic.averaging import flux_averaged_cross_section
from cevns.sources.stopped_pion import stopped_pion_spectra

SPECTRA = stopped_pion_spectra()
TABULATED = ("208pb-cc", "208pb-nc", "16o-cc", "16o-nc", "40ar-nc", "40ar-cc-table")


def _average(name: str, flavour: Flavour) -> float:
    return flux_averaged_cross_section(get_channel(name), SPECTRA[flavour], flavour)


@pytest.mark.parametrize("name", TABULATED)
def test_tabulated_channels_implement_the_protocol(name: str) -> None:
    channel = get_channel(name)
    assert isinstance(channel, Channel)
    energy = np.linspace(0.0, 100.0, 41)
    for flavour in channel.flavours:
        parts = channel.final_state_cross_sections(energy, flavour)
        assert parts.shape == (*energy.shape, len(channel.final_states))
        assert np.all(np.isfinite(parts)) and np.all(parts >= 0)
        assert np.allclose(parts.sum(axis=-1), channel.cross_section(energy, flavour))
        below = energy[energy <= channel.threshold(flavour)]
        assert np.all(channel.cross_section(below, flavour) == 0)
    for state in channel.final_states:
        assert sum(state.neutron_probabilities) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "flavour", "state", "value"),
    [
        # last row (log10 E/GeV = −1, E = 100 MeV) of each SNOwGLoBES 1.3 file, σ/E in
        # 10⁻³⁸ cm²/GeV, times 0.1 GeV: xs_nue_Pb208_1n.dat 7.391, xs_nc_numu_Pb208_1n.dat
        # 1.223 (ν) and 0.845 (ν̄), xs_nc_numu_Pb208_2n.dat 3.247 (ν), xs_nue_O16.dat 1.32,
        # xs_nc_numu_O16.dat 0.399243, xs_nc_numu_Ar40.dat 1.016408, xs_nue_Ar40.dat 5.208845,
        # xs_nuebar_Ar40.dat 0.72613.
        ("208pb-cc", Flavour.NU_E, 0, 7.391e-39),
        ("208pb-nc", Flavour.NU_MU, 0, 1.223e-39),
        ("208pb-nc", Flavour.NU_MU_BAR, 0, 0.845e-39),
        ("208pb-nc", Flavour.NU_TAU, 1, 3.247e-39),
        ("16o-cc", Flavour.NU_E, 0, 1.32e-39),
        ("16o-nc", Flavour.NU_E_BAR, 0, 0.399243e-39),
        ("40ar-nc", Flavour.NU_MU, 0, 1.016408e-39),
        ("40ar-cc-table", Flavour.NU_E, 0, 5.208845e-39),
        ("40ar-cc-table", Flavour.NU_E_BAR, 1, 0.72613e-39),
    ],
)
def test_tables_reproduce_the_source_files(name: str, flavour: Flavour, state: int,
                                           value: float) -> None:
    """The conversion σ = (σ/E) × E keeps the source values (5 significant digits: 1e-4)."""
    parts = get_channel(name).final_state_cross_sections(np.array([100.0]), flavour)
    assert parts[0, state] == pytest.approx(value, rel=1e-4)


def test_lead_thresholds_follow_the_neutron_emission_thresholds() -> None:
    """²⁰⁸Pb(ν_e, e⁻)²⁰⁸Bi + n starts at 10.2 MeV in the table, the NC 1n at 11.3 MeV, and
    the 2n channels start higher than the 1n ones (S_2n > S_n); neutron multiplicities 1, 2."""
    cc, nc = get_channel("208pb-cc"), get_channel("208pb-nc")
    assert cc.threshold(Flavour.NU_E) == pytest.approx(10.23, abs=0.01)
    assert nc.threshold(Flavour.NU_MU) == pytest.approx(11.26, abs=0.01)
    for channel in (cc, nc):
        one, two = channel.final_states
        assert one.neutron_probabilities == (0.0, 1.0)
        assert two.neutron_probabilities == (0.0, 0.0, 1.0)
        assert two.excitation > one.excitation


def test_stopped_pion_averages_are_finite_and_ordered() -> None:
    """Flux averages at a πDAR source, ordering checks (the comparisons with published
    averages are in ``test_published_averages``). ²⁰⁸Pb CC (1n + 2n) 3.7 × 10⁻³⁹ cm² lies
    above the NaIvE ¹²⁷I measurement 9.2 × 10⁻⁴⁰ (larger Z and N − Z); NC is
    flavour-independent within neutrinos (the ν̄ column lies below the ν column at each
    energy); the ν_μ line (29.8 MeV) is below the Michel-spectrum averages."""
    pb_cc = _average("208pb-cc", Flavour.NU_E)
    assert 2e-39 < pb_cc < 6e-39
    nc = {f: _average("208pb-nc", f) for f in (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR)}
    assert nc[Flavour.NU_MU] < nc[Flavour.NU_E] < nc[Flavour.NU_MU_BAR] < pb_cc / 10
    o_cc = _average("16o-cc", Flavour.NU_E)
    assert 5e-42 < o_cc < 2e-41
    ar = {f: _average("40ar-nc", f) for f in (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR)}
    assert ar[Flavour.NU_MU] < ar[Flavour.NU_E] < ar[Flavour.NU_MU_BAR]


def test_argon_nc_emits_its_9p8_mev_gamma() -> None:
    """SNOwGLoBES 1.3 manual: the ⁴⁰Ar NC table excites the 9.8 MeV level, which decays by
    one 9.8 MeV γ; below the neutron separation energy, so no neutron."""
    (state,) = get_channel("40ar-nc").final_states
    assert state.gamma_energy == pytest.approx(9.8)
    assert state.neutron_probabilities == (1.0,)


def test_every_flavour_has_a_neutral_current() -> None:
    for name in ("208pb-nc", "16o-nc", "40ar-nc"):
        assert set(get_channel(name).flavours) == set(ALL_FLAVOURS)
    assert get_channel("208pb-cc").flavours == (Flavour.NU_E,)
    assert set(get_channel("16o-cc").flavours) == {Flavour.NU_E, Flavour.NU_E_BAR}


@pytest.mark.parametrize("name", TABULATED)
def test_above_the_table_is_a_one_line_error(name: str) -> None:
    channel = get_channel(name)
    flavour = channel.flavours[0]
    with pytest.raises(ValueError, match=r"tabulated for 0 to 100 MeV") as info:
        channel.cross_section(np.array([10.0, 120.0]), flavour)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="finite"):
        channel.cross_section(np.array([np.nan]), flavour)


def test_wrong_flavour_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"has no nu_mu reaction; allowed: nu_e") as info:
        get_channel("208pb-cc").cross_section(30.0, Flavour.NU_MU)
    assert "\n" not in str(info.value)


def test_unknown_table_is_a_one_line_error() -> None:
    from cevns.inelastic.tabulated import cross_section_table

    with pytest.raises(ValueError, match=r"no cross-section table 'nope.csv'"):
        cross_section_table("nope.csv")


def test_argon_cc_allowed_against_the_published_table() -> None:
    """⁴⁰Ar(ν_e, e⁻) at a πDAR source: the table SNOwGLoBES ships (Gil-Botella & Rubbia 2004;
    Kolbe et al. 2003) gives 2.466 × 10⁻⁴⁰ cm²; the allowed approximation (MARLEY's strengths:
    measured below 7 MeV, QRPA above) gives 3.57 × 10⁻⁴⁰, 45 % more. Both pinned (1e-3): the
    gap is stated, not tuned. It is not a convention (the allowed channel reproduces MARLEY's
    allowed calculation, ``test_nuclear``) nor the Coulomb rule (Fermi-or-MEMA moves it by
    0.2 %); 46 % of it comes from the unquenched QRPA strength above 7 MeV, and the allowed
    q → 0 operators leave out the momentum-transfer reduction (see the inelastic how-to)."""
    table = _average("40ar-cc-table", Flavour.NU_E)
    allowed = _average("40ar-cc", Flavour.NU_E)
    assert table == pytest.approx(2.466e-40, rel=1e-3)
    assert allowed == pytest.approx(3.573e-40, rel=1e-3)
    assert allowed / table == pytest.approx(1.449, rel=1e-3)


def test_argon_cc_against_a_second_published_calculation() -> None:
    """Athar, Ahmad & Singh (arXiv:nucl-th/0506046; local-density RPA with Coulomb distortion)
    average ⁴⁰Ar(ν_e, e⁻) over the Michel ν_e spectrum of μ⁺ decay at rest (our πDAR ν_e
    spectrum): 228 × 10⁻⁴² cm², as transcribed in SNOwGLoBES's ``athar_xs.dat`` (the paper's
    table was not re-read). The Gil-Botella & Rubbia / Kolbe et al. table is within 10 % of it
    (+8 %); the allowed channel is 1.57 times it (pinned, 1e-3), the same excess as against the
    table."""
    athar = 2.28e-40
    table = _average("40ar-cc-table", Flavour.NU_E)
    allowed = _average("40ar-cc", Flavour.NU_E)
    assert table == pytest.approx(athar, rel=0.1)
    assert allowed / athar == pytest.approx(1.567, rel=1e-3)


@given(energy=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=20),
       name=st.sampled_from(TABULATED))
def test_tables_are_finite_non_negative_and_split_exactly(energy: list[float], name: str) -> None:
    """Any energies inside the tables: finite, ≥ 0, final states summing to the total."""
    channel = get_channel(name)
    e = np.array(energy)
    for flavour in channel.flavours:
        parts = channel.final_state_cross_sections(e, flavour)
        assert np.all(np.isfinite(parts)) and np.all(parts >= 0)
        assert np.array_equal(parts.sum(axis=-1), channel.cross_section(e, flavour))
