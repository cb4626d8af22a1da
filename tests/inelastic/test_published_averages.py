"""Flux-averaged cross sections over the Michel ν_e spectrum against published values.

Sources (each number below was read where stated):

* LSND, ¹²C(ν_e, e⁻)¹²N(g.s.): (8.9 ± 0.3 ± 0.9) × 10⁻⁴² cm² (Auerbach et al.,
  arXiv:hep-ex/0105068, abstract of the paper's LaTeX source).
* LAMPF E225, the same reaction: (1.05 ± 0.10 ± 0.10) × 10⁻⁴¹ cm², and the inclusive
  ¹²C(ν_e, e⁻)X (1.41 ± 0.23) × 10⁻⁴¹ cm² (Krakauer et al., "Experimental study of neutrino
  absorption on carbon", abstract only).
* Athar, Ahmad & Singh, "Neutrino nucleus cross sections for low energy neutrinos at SNS
  facilities" (arXiv:nucl-th/0506046): local-density RPA with Coulomb distortion, inclusive
  CC cross sections averaged over the Michel spectrum of their Eq. (1),
  ``φ(E) = 12 E²(E₀ − E)/E₀⁴`` with ``E₀ = 52.8 MeV`` (Eq. (1) read in the paper's opening).
  The averages themselves are read from their transcription in the SNOwGLoBES repository
  (``xscns/scripts/parameterization/athar_xs.dat``, "Michel averaged cross sections from the
  Athar et al. paper", column ``xs(RPA C)``); the paper's table was not re-read. The file gives
  no unit; it is 10⁻⁴² cm²: its ¹²C value 13.60 matches the E225 inclusive measurement above
  (14.1 ± 2.3 in that unit) and its ⁴⁰Ar value lies 8 % from the Gil-Botella & Rubbia /
  Kolbe et al. table.

No stopped-pion average of the ²⁰⁸Pb neutral current or of the ¹²C 15.11 MeV neutral current
could be read in a citable source; they are not compared.
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.flavours import Flavour
from cevns.inelastic import get_channel
from cevns.inelastic.averaging import flux_averaged_cross_section
from cevns.sources.spectrum import Spectrum
from cevns.sources.stopped_pion import stopped_pion_spectra

NU_E = Flavour.NU_E
MICHEL = stopped_pion_spectra()[NU_E]

#: Athar, Ahmad & Singh (arXiv:nucl-th/0506046), Michel-averaged inclusive ν_e CC cross
#: sections in 10⁻⁴² cm², as transcribed in SNOwGLoBES's ``athar_xs.dat`` (see module doc).
ATHAR_MICHEL = {"12C": 13.60, "16O": 14.55, "40Ar": 228.0, "127I": 1253.0, "208Pb": 2643.0}

#: LSND and E225 ¹²N(g.s.) averages, 10⁻⁴² cm², with stat. and syst. combined in quadrature.
LSND_GS = (8.9, float(np.hypot(0.3, 0.9)))
E225_GS = (10.5, float(np.hypot(1.0, 1.0)))


def _athar_spectrum() -> Spectrum:
    """Eq. (1) of Athar et al.: the Michel ν_e spectrum with ``E₀ = 52.8 MeV`` (normalised)."""
    e0 = 52.8
    return Spectrum(density=lambda e: 12.0 / e0**4 * e**2 * (e0 - e), support=(0.0, e0),
                    label="Michel ν_e, E₀ = 52.8 MeV")


def _average(name: str, spectrum: Spectrum = MICHEL) -> float:
    return flux_averaged_cross_section(get_channel(name), spectrum, NU_E)


@pytest.mark.parametrize("name", ["12c-cc", "16o-cc", "40ar-cc", "40ar-cc-table", "208pb-cc"])
def test_the_published_averages_use_our_flux_shape(name: str) -> None:
    """Our ν_e spectrum is the Michel spectrum of Athar et al.'s Eq. (1), with the endpoint
    m_μ/2 = 52.83 MeV instead of 52.8 MeV. Averaging any ν_e channel over their spectrum
    changes ⟨σ⟩ by at most 0.4 % (measured 0.13–0.36 %, largest for ¹⁶O, whose threshold is
    highest relative to its rise): no gap below of more than a few per cent can come from
    the flux shape."""
    ours = _average(name)
    theirs = _average(name, _athar_spectrum())
    assert _athar_spectrum().total == pytest.approx(1.0, rel=1e-9)
    assert ours / theirs == pytest.approx(1.0, abs=4e-3)


def test_c12_ground_state_against_the_combined_measurements() -> None:
    """¹²C(ν_e, e⁻)¹²N(g.s.): the allowed channel gives 9.92 × 10⁻⁴² cm², 1.11 times LSND and
    0.94 times E225. Their weighted mean (independent errors assumed; both ran at the Los
    Alamos beam stop, so part of the flux uncertainty may be shared) is 9.40 ± 0.79; ours is
    5.5 % (0.66 σ) above it. Within the measurements there is no gap to explain; the
    neglected momentum dependence of the Gamow–Teller operator stays a quoted 20 %
    uncertainty of the channel. Ratios pinned (1e-3)."""
    ours = _average("12c-cc") / 1e-42
    values = np.array([LSND_GS[0], E225_GS[0]])
    weights = 1.0 / np.array([LSND_GS[1], E225_GS[1]]) ** 2
    mean = float(np.sum(weights * values) / np.sum(weights))
    error = float(np.sum(weights) ** -0.5)
    assert mean == pytest.approx(9.397, abs=1e-3) and error == pytest.approx(0.788, abs=1e-3)
    assert abs(ours - mean) < error
    assert ours / LSND_GS[0] == pytest.approx(1.114, rel=1e-3)
    assert ours / E225_GS[0] == pytest.approx(0.944, rel=1e-3)
    assert get_channel("12c-cc").forbidden_uncertainty == pytest.approx(0.2)


def test_c12_ground_state_lies_below_the_inclusive_cross_section() -> None:
    """The exclusive ¹²N(g.s.) channel is part of the inclusive ¹²C(ν_e, e⁻)X: ours (9.92) lies
    below Athar et al.'s inclusive 13.60 and below E225's measured inclusive 14.1 ± 2.3
    (10⁻⁴² cm²); the remaining 3.7 is the excited ¹²N states the channel leaves out."""
    ours = _average("12c-cc") / 1e-42
    assert ours < ATHAR_MICHEL["12C"] and ours < 14.1
    assert ATHAR_MICHEL["12C"] - ours == pytest.approx(3.68, abs=0.01)


def test_oxygen16_cc_against_athar() -> None:
    """¹⁶O(ν_e, e⁻)¹⁶F: the Kolbe, Langanke & Vogel (2002) table gives 8.99 × 10⁻⁴² cm², 0.618
    times Athar et al.'s 14.55 (pinned, 1e-3). Not the flux (≤ 0.4 %, above) nor the unit
    (the same file's ⁴⁰Ar agrees with the ⁴⁰Ar table to 8 %): the two nuclear models differ by
    62 %, the largest spread among the published ¹⁶O calculations compared in the inelastic
    how-to (Suzuki et al. 2018 about 1.2, the second SNOwGLoBES table 1.45 times Kolbe's).
    Even Athar's value would leave the heavy-water detector's ν_e O / ν_e d ratio 2.77 times
    below the COHERENT talk's (4.48 with Kolbe's, ``test_coherent_detectors``): the ¹⁶O
    model is not the whole of that gap."""
    ours = _average("16o-cc") / 1e-42
    assert ours == pytest.approx(8.990, rel=1e-3)
    ratio = ours / ATHAR_MICHEL["16O"]
    assert ratio == pytest.approx(0.618, rel=1e-3)
    assert 4.48 * ratio == pytest.approx(2.77, abs=0.01)


def test_lead208_cc_against_athar() -> None:
    """²⁰⁸Pb(ν_e, e⁻): the Engel, McLaughlin & Volpe (2003) table holds only the 1n and 2n
    parts and already gives 3.68 × 10⁻³⁹ cm², 1.394 times Athar et al.'s inclusive 2.643
    (pinned, 1e-3). The 0n part it leaves out (levels of ²⁰⁸Bi below S_n = 6.89 MeV) can only
    add to it, so the two calculations differ by at least 39 %: a nuclear-model difference
    (RPA with measured strengths vs local-density RPA), not the flux (≤ 0.4 %) nor the
    omission of 0n."""
    lead = get_channel("208pb-cc")
    ours = _average("208pb-cc") / 1e-42
    assert ours / ATHAR_MICHEL["208Pb"] == pytest.approx(1.394, rel=1e-3)
    assert [s.neutron_probabilities[0] for s in lead.final_states] == [0.0, 0.0]


def test_iodine127_cc_against_athar_and_marley() -> None:
    """¹²⁷I(ν_e, e⁻): the schematic ``127i-cc`` (analog state plus one Gamow–Teller resonance,
    no low-lying strength) gives 16.4 × 10⁻⁴⁰ cm², 1.31 times Athar et al.'s 12.53 (pinned,
    1e-3). The published values themselves span a factor 2.4: MARLEY's allowed calculation
    with the measured (p,n) strengths, 22.5 (+1.2 −6.5) × 10⁻⁴⁰ (COHERENT, PRL 131 (2023)
    221801), is 1.80 times Athar's, and the NaIvE measurement 9.2 (+2.1 −1.8) × 10⁻⁴⁰ (same
    paper) 0.73 times it. Ours lies between the two calculations, inside MARLEY's band."""
    ours = _average("127i-cc") / 1e-42
    assert ours / ATHAR_MICHEL["127I"] == pytest.approx(1.307, rel=1e-3)
    assert 2250.0 / ATHAR_MICHEL["127I"] == pytest.approx(1.80, abs=0.01)
    assert 920.0 / ATHAR_MICHEL["127I"] == pytest.approx(0.73, abs=0.01)
    assert ATHAR_MICHEL["127I"] < ours < 2250.0 and ours > 2250.0 - 650.0


def test_athar_ratios_are_not_one_common_factor() -> None:
    """Against the one published set that averages several targets over the same spectrum,
    our channels come out 0.62 (¹⁶O table), 1.08 (⁴⁰Ar table), ≥ 1.39 (²⁰⁸Pb table) and 1.57
    (allowed ⁴⁰Ar) times Athar et al. A convention shared by all channels (flux normalisation,
    unit, spectrum endpoint) would move every ratio by the same factor; the ratios spread by a
    factor 2.5, so the differences are the nuclear models'. Pinned (1e-3)."""
    ratios = {
        "16o-cc": _average("16o-cc") / (ATHAR_MICHEL["16O"] * 1e-42),
        "40ar-cc-table": _average("40ar-cc-table") / (ATHAR_MICHEL["40Ar"] * 1e-42),
        "208pb-cc": _average("208pb-cc") / (ATHAR_MICHEL["208Pb"] * 1e-42),
        "40ar-cc": _average("40ar-cc") / (ATHAR_MICHEL["40Ar"] * 1e-42),
    }
    assert list(ratios.values()) == pytest.approx([0.618, 1.081, 1.394, 1.567], rel=1e-3)
    assert max(ratios.values()) / min(ratios.values()) > 2.5
