"""Deuteron break-up channels from the Nakamura et al. (2002) tables."""

from __future__ import annotations

import numpy as np
import pytest

from cevns.flavours import ALL_FLAVOURS, Flavour
from cevns.inelastic import get_channel
from cevns.inelastic.averaging import flux_averaged_cross_section, flux_averaged_cross_sections
from cevns.inelastic.deuteron import Q_CC, Q_CC_BAR, deuteron_table
from cevns.sources.stopped_pion import stopped_pion_spectra


def test_tabulated_points_are_returned_exactly() -> None:
    """The channels reproduce the table at its nodes (Nakamura et al., NPA 707 (2002) 561)."""
    table = deuteron_table()
    e = table["energy_MeV"][table["energy_MeV"] > 4.1]
    cc, nc = get_channel("2h-cc"), get_channel("2h-nc")
    np.testing.assert_allclose(cc.cross_section(e, Flavour.NU_E), table["cc"][-e.size:])
    np.testing.assert_allclose(cc.cross_section(e, Flavour.NU_E_BAR), table["cc_bar"][-e.size:])
    np.testing.assert_allclose(nc.cross_section(e, Flavour.NU_TAU), table["nc"][-e.size:])
    np.testing.assert_allclose(nc.cross_section(e, Flavour.NU_MU_BAR), table["nc_bar"][-e.size:])


def test_thresholds_and_zero_below() -> None:
    cc, nc = get_channel("2h-cc"), get_channel("2h-nc")
    assert cc.threshold(Flavour.NU_E) == Q_CC and cc.threshold(Flavour.NU_E_BAR) == Q_CC_BAR
    assert cc.cross_section(np.array([0.5, 1.44]), Flavour.NU_E).tolist() == [0.0, 0.0]
    assert nc.cross_section(2.2, Flavour.NU_MU) == 0.0
    assert cc.cross_section(1.45, Flavour.NU_E) > 0


def test_pidar_flux_averages_against_the_cited_values() -> None:
    """πDAR flux averages vs the values of Efremenko, SNvD 2023 (from Nakamura et al.):
    delayed CC ν_e 5.5e-41 and prompt NC ν_μ 1.8e-41 cm², within 2 % (two-digit rounding).
    The delayed NC 'ν_e + ν̄_μ' value 6.0e-41 is *not* reproduced: the sum of the ν_e and
    ν̄_μ averages is 5.09e-41 (5.79e-41 if the neutrino NC table were used for ν̄_μ); the test
    pins our number (1e-3) so a change is noticed."""
    spectra = stopped_pion_spectra()
    cc = flux_averaged_cross_sections(get_channel("2h-cc"), spectra)
    nc = flux_averaged_cross_sections(get_channel("2h-nc"), spectra)
    assert cc[Flavour.NU_E] == pytest.approx(5.5e-41, rel=0.02)
    assert cc[Flavour.NU_MU] == 0.0 and cc[Flavour.NU_MU_BAR] == 0.0
    assert nc[Flavour.NU_MU] == pytest.approx(1.8e-41, rel=0.02)
    assert nc[Flavour.NU_E] + nc[Flavour.NU_MU_BAR] == pytest.approx(5.093e-41, rel=1e-3)


def test_final_states_split_and_neutrons() -> None:
    cc, nc = get_channel("2h-cc"), get_channel("2h-nc")
    e = np.array([10.0, 40.0])
    for channel in (cc, nc):
        for fl in channel.flavours:
            parts = channel.final_state_cross_sections(e, fl)
            np.testing.assert_allclose(parts.sum(axis=-1), channel.cross_section(e, fl))
    assert nc.final_states[0].neutron_probabilities == (0.0, 1.0)
    assert set(nc.flavours) == set(ALL_FLAVOURS)


@pytest.mark.parametrize(
    ("name", "call", "match"),
    [
        ("2h-cc", lambda c: c.cross_section(200.0, Flavour.NU_E), r"0 to 170 MeV"),
        ("2h-cc", lambda c: c.cross_section(20.0, Flavour.NU_MU), r"no nu_mu reaction; allowed"),
        ("2h-nc", lambda c: c.cross_section(float("nan"), Flavour.NU_E), r"finite"),
    ],
)
def test_bad_input(name: str, call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        call(get_channel(name))  # type: ignore[operator]
    assert "\n" not in str(info.value)


def test_delayed_nc_gap_diagnosis() -> None:
    """Why the delayed NC 'ν_e + ν̄_μ on d' of Efremenko, SNvD 2023 (6.0e-41 cm², Nakamura et
    al.) is not our 5.09e-41 (each flavour's table over its own Michel spectrum). Candidate
    readings, computed from the same tables (pinned, 1e-3):

    * the neutrino NC table for ν̄_μ too: 2.43 + 3.36 = 5.79e-41 (−3.5 % from 6.0);
    * each flavour's table over the ν̄_μ (harder) spectrum: 3.36 + 2.66 = 6.02e-41 (+0.4 %).

    The second matches the quoted two digits; the talk does not say how 6.0 was formed, so
    this is a diagnosis, not a correction: the channel keeps the standard definition."""
    spectra = stopped_pion_spectra()
    nc = get_channel("2h-nc")
    own = (flux_averaged_cross_section(nc, spectra[Flavour.NU_E], Flavour.NU_E)
           + flux_averaged_cross_section(nc, spectra[Flavour.NU_MU_BAR], Flavour.NU_MU_BAR))
    nu_table_both = (flux_averaged_cross_section(nc, spectra[Flavour.NU_E], Flavour.NU_E)
                     + flux_averaged_cross_section(nc, spectra[Flavour.NU_MU_BAR], Flavour.NU_E))
    numubar_spectrum = (
        flux_averaged_cross_section(nc, spectra[Flavour.NU_MU_BAR], Flavour.NU_E)
        + flux_averaged_cross_section(nc, spectra[Flavour.NU_MU_BAR], Flavour.NU_MU_BAR))
    assert own == pytest.approx(5.093e-41, rel=1e-3)
    assert nu_table_both == pytest.approx(5.790e-41, rel=1e-3)
    assert numubar_spectrum == pytest.approx(6.024e-41, rel=1e-3)
    assert numubar_spectrum == pytest.approx(6.0e-41, rel=0.01)
