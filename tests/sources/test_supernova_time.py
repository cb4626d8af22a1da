"""Time-dependent supernova emission and the CEvNS rate versus time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import PinchedThermal, SupernovaSource
from cevns.sources.supernova import ERG, default_emission
from cevns.sources.supernova_time import (
    FlavourHistory,
    TimeDependentSupernova,
    read_garching_table,
)


def _constant(lum: float, mean: float, alpha: float) -> FlavourHistory:
    t = np.linspace(0.0, 10.0, 11)
    return FlavourHistory(t, np.full(11, lum), np.full(11, mean), np.full(11, alpha))


def test_constant_history_equals_time_integrated_burst() -> None:
    """Constant L, ⟨E⟩, α over 10 s reproduce the time-integrated pinched-thermal burst of
    :class:`SupernovaSource` (Keil, Raffelt & Janka 2003, Eq. 2); tolerance 1e-6."""
    history = _constant(5e51, 12.0, 3.0)
    sn = TimeDependentSupernova({Flavour.NU_E: history})
    ref = SupernovaSource(emission={Flavour.NU_E: PinchedThermal(5e52 * ERG, 12.0, 3.0)})
    got = sn.fluence(0.0, 10.0)[Flavour.NU_E]
    want = ref.fluence()[Flavour.NU_E]
    assert got.total == pytest.approx(want.total, rel=1e-6)
    assert got.mean_energy() == pytest.approx(12.0, rel=1e-6)


def test_rate_versus_time_adds_up() -> None:
    """Events in time bins sum to the events of the whole burst (same quadrature), and a
    constant luminosity gives equal counts in equal bins."""
    sn = TimeDependentSupernova({Flavour.NU_MU: _constant(5e51, 15.0, 2.3)})
    per_bin = sn.cevns_events("Ar", 20e3, 1.0 * u.keV, [0.0, 2.5, 5.0, 7.5, 10.0])
    total = sn.cevns_events("Ar", 20e3, 1.0 * u.keV, [0.0, 10.0])
    assert per_bin.sum() == pytest.approx(total[0], rel=1e-9)
    np.testing.assert_allclose(per_bin, per_bin[0], rtol=1e-9)
    assert total[0] > 0


def test_alpha_from_moments() -> None:
    """α = (2⟨E⟩² − ⟨E²⟩)/(⟨E²⟩ − ⟨E⟩²) (Keil et al. 2003, Eq. 3): a pinched-thermal spectrum
    with α = 3 has ⟨E²⟩ = ⟨E⟩² (α+2)/(α+1)."""
    e = np.array([10.0, 12.0])
    h = FlavourHistory.from_moments([0.0, 1.0], [1e51, 1e51], e, e**2 * 5.0 / 4.0)
    np.testing.assert_allclose(h.alpha, 3.0)


def test_garching_reader_and_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "nu_e.txt"
    good.write_text(
        "# time L <E> <E2>\n0.0 0.0 5.0 30.0\n0.1 10.0 10.0 125.0\n0.2 5.0 10.0 125.0\n"
    )
    h = read_garching_table(good)
    assert h.time.tolist() == [0.1, 0.2]  # rows before the luminosity switches on dropped
    np.testing.assert_allclose(h.luminosity, [1e52, 5e51])
    bad = tmp_path / "bad.txt"
    bad.write_text("0.0 1.0 5.0\n")
    with pytest.raises(ValueError, match=r"bad.txt:1: need 4 finite columns"):
        read_garching_table(bad)
    with pytest.raises(ValueError, match=r"no such file"):
        read_garching_table(tmp_path / "missing.txt")


def test_bad_histories() -> None:
    with pytest.raises(ValueError, match=r"^time: must be strictly increasing"):
        FlavourHistory(np.array([1.0, 0.0]), np.ones(2), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"^luminosity: must be >= 0"):
        FlavourHistory(np.array([0.0, 1.0]), -np.ones(2), np.ones(2), np.ones(2))
    sn = TimeDependentSupernova({Flavour.NU_E: _constant(1e51, 10.0, 2.0)})
    with pytest.raises(ValueError, match=r"^time_edges:"):
        sn.cevns_events("Xe", 1e3, 1.0 * u.keV, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"^time window:"):
        sn.fluence(2.0, 1.0)


def _default_burst_in_time() -> TimeDependentSupernova:
    """The illustrative default burst (:func:`default_emission`) spread evenly over 10 s."""
    t = np.linspace(0.0, 10.0, 3)
    return TimeDependentSupernova({
        flavour: FlavourHistory(t, np.full(3, p.total_energy / ERG / 10.0),
                                np.full(3, p.mean_energy), np.full(3, p.alpha))
        for flavour, p in default_emission().items()
    })


def test_burst_events_against_lang_2016() -> None:
    """Lang et al., PRD 94 (2016) 103009 (arXiv:1606.09243), abstract: about 35 (XENON1T),
    123 (XENONnT, LZ) and 704 (DARWIN) events from the 27 M☉ progenitor at 10 kpc, counted
    from the S2 signal of a realistic dual-phase detector (no fixed recoil threshold).

    Assumed, not read in the paper: the DARWIN mass of 40 t (the published counts are in the
    ratio 704 : 123 : 35 ≈ 40 : 7 : 2) and the emission. The 27 M☉ model's luminosities, mean
    energies and pinching are not in the abstract and no table is shipped, so the burst is our
    illustrative default (3 × 10⁵³ erg shared by six species, ⟨E⟩ = 12 / 15 / 18 MeV, α = 3,
    10 s). Measured in 40 t of natural xenon: 813 events above 1 keVnr and 575 above 2 keVnr;
    the published 704 lies between (that bracket is the tolerance). In 20 t of argon the same
    burst gives 152 events above 1 keVnr (no published number for that mass found)."""
    sn = _default_burst_in_time()
    above_1 = sn.cevns_events("Xe", 40e3, 1.0 * u.keV, [0.0, 10.0])[0]
    above_2 = sn.cevns_events("Xe", 40e3, 2.0 * u.keV, [0.0, 10.0])[0]
    assert above_2 < 704 < above_1
    assert above_1 == pytest.approx(813.0, rel=0.01)
    assert above_2 == pytest.approx(574.5, rel=0.01)
    argon = sn.cevns_events("Ar", 20e3, 1.0 * u.keV, [0.0, 10.0])[0]
    assert argon == pytest.approx(152.0, rel=0.01)


def test_burst_events_per_tonne_against_horowitz_2003() -> None:
    """Horowitz, Coakley & McKinsey, astro-ph/0302071 ("Supernova observation via
    neutrino-nucleus elastic scattering in the CLEAN detector"), abstract (only the abstract was
    read): an elastic-scattering detector "could observe a few, or more, events per
    ton for a galactic supernova at 10 kpc" (targets from ⁴He to ²⁰⁸Pb).

    The statement is a lower bound; we read "a few" as at least 2. The illustrative default
    burst gives, above 1 keVnr, 20.3 events per tonne of natural xenon and 7.6 per tonne of
    argon (pinned at 1 %); argon's lighter nuclei take less of the coherent N² enhancement.
    """
    sn = _default_burst_in_time()
    xenon = sn.cevns_events("Xe", 1e3, 1.0 * u.keV, [0.0, 10.0])[0]
    argon = sn.cevns_events("Ar", 1e3, 1.0 * u.keV, [0.0, 10.0])[0]
    assert xenon >= 2.0 and argon >= 2.0
    assert xenon == pytest.approx(20.33, rel=0.01)
    assert argon == pytest.approx(7.60, rel=0.01)


def test_burst_events_against_pandax_4t_2024() -> None:
    """PandaX-4T, Chinese Phys. C, doi:10.1088/1674-1137/ad3efe (arXiv:2403.06220), abstract
    (only the abstract was read): 6.6 to 13.7 expected CEvNS events at 10 kpc over 10 s in
    PandaX-4T, the range spanning their progenitor masses and explosion models.

    Measured gap, not a match: with the ``pandax-4t`` detector file (3.7 t sensitive xenon,
    sharp 5 keVnr threshold, both from the WIMP-search abstract it cites) the illustrative burst
    gives 21.6 events, 1.58 times the upper end (pinned at 1 %). Diagnosis, tested here: the
    count falls by a quarter per keVnr of threshold at 5 keVnr (5.84 → 4.46 events per tonne
    from 5 to 6 keVnr), so the threshold and efficiency of the supernova analysis (not in
    the abstract), the mass it used and the emission model (their own models
    spread by a factor 13.7 / 6.6 = 2.1) each move the count by tens of per cent.
    """
    sn = _default_burst_in_time()
    at_5 = sn.cevns_events("Xe", 1e3, 5.0 * u.keV, [0.0, 10.0])[0]
    at_6 = sn.cevns_events("Xe", 1e3, 6.0 * u.keV, [0.0, 10.0])[0]
    ours = 3.7 * at_5
    assert ours / 13.7 == pytest.approx(1.58, rel=0.01)
    assert 1.0 - at_6 / at_5 == pytest.approx(0.237, abs=0.01)
