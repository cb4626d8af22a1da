"""Targets: isotopes, natural elements, compounds, mixtures, nuclear masses, spins."""

from __future__ import annotations

import numpy as np
import periodictable
import pytest

from cevns import units as u
from cevns.constants import ATOMIC_MASS_UNIT, AVOGADRO, ELECTRON_MASS
from cevns.physics.targets import Isotope, Target


def test_isotope_names_and_nuclear_mass() -> None:
    """M = m_atomic − Z m_e (electron binding neglected) with AME masses from periodictable."""
    cs = Isotope.parse("Cs133")
    assert (cs.Z, cs.A, cs.N) == (55, 133, 78)
    atomic = periodictable.Cs[133].mass * float(ATOMIC_MASS_UNIT)
    assert cs.nuclear_mass == pytest.approx(atomic - 55 * float(ELECTRON_MASS), rel=1e-12)
    assert Isotope.parse("133Cs") == cs == Isotope.parse("Cs-133")
    assert Isotope.parse("D").symbol == "H2"


def test_natural_argon_and_compounds() -> None:
    ar = Target.parse("Ar")
    assert [i.symbol for i in ar.isotopes] == ["Ar36", "Ar38", "Ar40"]
    assert ar.fractions.sum() == pytest.approx(1.0)
    assert ar.fractions[-1] == pytest.approx(0.996035, rel=1e-4)  # IUPAC abundance of Ar40
    csi = Target.parse("CsI")
    assert dict(zip([i.symbol for i in csi.isotopes], csi.fractions, strict=True)) == {
        "Cs133": 0.5,
        "I127": 0.5,
    }
    d2o = Target.parse("D2O")
    assert d2o.isotopes[0].symbol == "H2" and d2o.fractions[0] == pytest.approx(2 / 3)
    c3f8 = Target.parse("C3F8")
    assert sum(
        f for i, f in zip(c3f8.isotopes, c3f8.fractions, strict=True) if i.Z == 9
    ) == pytest.approx(8 / 11)


def test_nuclei_per_kg_of_csi() -> None:
    """1 kg of CsI (259.81 g/mol) holds 2 N_A / 259.81 × 1000 nuclei, half of each species."""
    csi = Target.parse("CsI")
    molar_mass = periodictable.formula("CsI").mass  # g/mol
    expected = 1000.0 / molar_mass * float(AVOGADRO)
    np.testing.assert_allclose(csi.nuclei_per_kg(), [expected, expected], rtol=1e-6)


def test_mixture_by_mass_and_molar_fraction() -> None:
    by_mass = Target.from_fractions({"Ge72": 0.5, "Ge76": 0.5}, basis="mass")
    # equal masses: more nuclei of the lighter isotope, in the ratio 76/72
    ratio = by_mass.fractions[0] / by_mass.fractions[1]
    assert ratio == pytest.approx(
        Isotope.parse("Ge76").atomic_mass / Isotope.parse("Ge72").atomic_mass
    )
    by_mole = Target.from_fractions({"Ge72": 0.25, "Ge76": 0.75})
    np.testing.assert_allclose(by_mole.fractions, [0.25, 0.75])
    np.testing.assert_allclose(by_mole.mass_fractions().sum(), 1.0)


def test_spin_data_from_the_shipped_table() -> None:
    """Klos et al. PRD 88 (2013) 083516 values for I127 and Xe129 (data/nuclear/README)."""
    iodine = Isotope.parse("I127")
    assert (iodine.spin, iodine.spin_proton, iodine.spin_neutron) == (2.5, 0.342, 0.031)
    assert Isotope.parse("Xe129").spin_neutron == pytest.approx(0.329)
    assert not Isotope.parse("Ar40").has_spin
    assert Isotope.parse("Cs133").charge_radius == pytest.approx(4.8041 * u.fm)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Isotope.parse("Cs999"), "isotope"),
        (lambda: Isotope.parse("Xx12"), "element"),
        (lambda: Isotope.parse("cesium"), "isotope"),
        (lambda: Target.parse("Qz"), "target"),
        (lambda: Target.parse(""), "target"),
        (lambda: Target.from_fractions({"Ge72": 0.5, "Ge76": 0.4}), "fractions"),
        (lambda: Target.from_fractions({"Ge72": 1.5, "Ge76": -0.5}), "fractions"),
        (lambda: Target.from_fractions({"Ge72": 1.0}, basis="volume"), "basis"),  # type: ignore[arg-type]
    ],
)
def test_bad_targets_raise_clear_errors(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]


# --- dopant notation: the host crystal, never a three-element compound -------------------
@pytest.mark.parametrize(("doped", "host"), [("CsI(Na)", "CsI"), ("CsI[Na]", "CsI"),
                                             ("NaI(Tl)", "NaI"), ("NaI[Tl]", "NaI")])
def test_dopant_notation_is_the_host_crystal(doped: str, host: str) -> None:
    """Trap closed: 'CsI(Na)' was read as Cs+I+Na (129e-40 cm² instead of ~190e-40)."""
    t, h = Target.parse(doped), Target.parse(host)
    assert [i.symbol for i in t.isotopes] == [i.symbol for i in h.isotopes]
    assert t.number_fractions == h.number_fractions
    assert "ignored" in t.note and t.name == doped


def test_doped_cross_section_equals_the_host() -> None:
    from cevns.engine.cross_section import target_flux_averaged_cross_section
    from cevns.flavours import Flavour
    from cevns.sources.stopped_pion import stopped_pion_spectra

    spectrum = stopped_pion_spectra()[Flavour.NU_E]
    doped = target_flux_averaged_cross_section(spectrum, "CsI(Na)", Flavour.NU_E)
    host = target_flux_averaged_cross_section(spectrum, "CsI", Flavour.NU_E)
    assert doped == host


def test_stated_dopant_fraction_is_included() -> None:
    t = Target.parse("CsI(Na:0.1%)")
    fractions = dict(zip((i.symbol for i in t.isotopes), t.number_fractions, strict=True))
    assert fractions["Na23"] == pytest.approx(1e-3)
    assert fractions["Cs133"] == pytest.approx(0.4995)
    assert "0.001" in t.note
    assert Target.parse("NaI[Tl 1e-3]").note.startswith("dopant Tl: 0.001")


def test_chemical_groups_are_still_formulas() -> None:
    assert Target.parse("Ca(OH)2").note == ""
    with pytest.raises(ValueError, match="dopant fraction"):
        Target.parse("CsI(Na:60%)")
    with pytest.raises(ValueError, match="Xx"):
        Target.parse("CsI(Xx)")
