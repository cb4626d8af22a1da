"""Form factors: normalisation, the three Helm conventions, SF against a numerical transform."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from cevns import units as u
from cevns.constants import HBAR_C
from cevns.models import StandardModel
from cevns.physics.form_factors import (
    CallableFormFactor,
    Helm,
    KleinNystrand,
    SymmetrizedFermi,
    Unity,
    form_factor_by_name,
)
from cevns.physics.targets import Isotope

ISOTOPES = ["C12", "Na23", "Ar40", "Ge74", "I127", "Cs133", "Xe132"]
Q = np.linspace(0.0, 120.0, 61)  # MeV


@pytest.mark.parametrize("symbol", ISOTOPES)
@pytest.mark.parametrize(
    "form_factor",
    [Helm("rms"), Helm("lewin_smith"), Helm("a13"), KleinNystrand(), SymmetrizedFermi(), Unity()],
)
def test_unit_normalisation_and_bounds(symbol: str, form_factor: object) -> None:
    iso = Isotope.parse(symbol)
    values = form_factor(Q, iso)  # type: ignore[operator]
    assert values[0] == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.abs(values) <= 1.0 + 1e-12)


@pytest.mark.parametrize("symbol", ISOTOPES)
def test_helm_conventions_agree_where_they_should(symbol: str) -> None:
    """The rms relation R₀² = (5/3)(R² − 3s²) inverts R² = (3/5)R₀² + 3s² (Lewin & Smith 1996 §4).

    Feeding the rms radius of the Lewin–Smith (or 1.2 A^{1/3}) Helm into the rms convention must
    reproduce that form factor exactly (1e-12).
    """
    iso = Isotope.parse(symbol)
    for convention in ("lewin_smith", "a13"):
        helm = Helm(convention)  # type: ignore[arg-type]
        radius = helm.rms_radius(iso)
        np.testing.assert_allclose(
            Helm("rms")(Q, iso, radius), helm(Q, iso), rtol=1e-12, atol=1e-15
        )


@pytest.mark.parametrize("symbol", ISOTOPES)
def test_low_q_expansion_fixes_the_rms_radius(symbol: str) -> None:
    """F(q) = 1 − q²⟨r²⟩/6 + O(q⁴) for every model with the same rms radius (1e-3 at q R ~ 0.05)."""
    iso = Isotope.parse(symbol)
    radius = 4.5 * u.fm
    q = np.array([2.0])  # MeV: q R / ħc ≈ 0.046
    expected = 1 - (q * radius / float(HBAR_C)) ** 2 / 6
    for ff in (Helm("rms"), KleinNystrand(), SymmetrizedFermi()):
        assert ff(q, iso, radius)[0] == pytest.approx(expected[0], abs=1e-6)


def _symmetrized_fermi_numeric(q: float, c: float, a: float) -> float:
    """Fourier transform of ρ_SF(r) = sinh(c/a)/(cosh(r/a) + cosh(c/a)), normalised.

    ``c`` and ``a`` in cm; the quadrature runs in fm so that scipy's absolute tolerances bite.
    """
    k = q / (float(HBAR_C) / u.fm)  # 1/fm
    c_fm, a_fm = c / u.fm, a / u.fm

    def density(r: float) -> float:
        return float(np.sinh(c_fm / a_fm) / (np.cosh(r / a_fm) + np.cosh(c_fm / a_fm)))

    rmax = c_fm + 40 * a_fm
    norm = integrate.quad(lambda r: r * r * density(r), 0, rmax, epsabs=0, epsrel=1e-12)[0]
    ft = integrate.quad(
        lambda r: r * r * density(r) * np.sinc(k * r / np.pi),
        0,
        rmax,
        epsabs=0,
        epsrel=1e-12,
        limit=400,
    )[0]
    return ft / norm


@pytest.mark.parametrize("q", [5.0, 40.0, 80.0, 150.0])
def test_symmetrized_fermi_analytic_matches_numerical_transform(q: float) -> None:
    """Sprung & Martorell (1997) closed form vs direct quadrature of the density (1e-8)."""
    iso = Isotope.parse("Cs133")
    sf = SymmetrizedFermi()
    c = sf.half_density_radius(iso)
    analytic = float(sf(np.array([q]), iso)[0])
    assert analytic == pytest.approx(_symmetrized_fermi_numeric(q, c, sf.diffuseness), abs=1e-8)


def test_neutron_radius_changes_the_neutron_form_factor_only() -> None:
    cs = Isotope.parse("Cs133")
    base = StandardModel()
    skin = base.with_neutron_radius("Cs133", 5.5 * u.fm)
    fp0, fn0 = base.form_factors(cs, Q)
    fp1, fn1 = skin.form_factors(cs, Q)
    np.testing.assert_array_equal(fp0, fp1)
    assert np.all(fn1[1:] < fn0[1:])  # larger radius, more suppression (first lobe)


def test_callable_form_factor_and_lookup() -> None:
    cs = Isotope.parse("Cs133")
    user = CallableFormFactor(lambda q, iso, r: np.exp(-((q / 200.0) ** 2)))
    assert user(Q, cs)[0] == 1.0
    assert isinstance(form_factor_by_name("klein_nystrand"), KleinNystrand)
    with pytest.raises(ValueError, match="form_factor"):
        form_factor_by_name("gaussian-ish")
    bad = CallableFormFactor(lambda q, iso, r: q * np.nan)
    with pytest.raises(ValueError, match="form_factor"):
        bad(Q, cs)


@settings(max_examples=30, deadline=None)
@given(radius=st.floats(max_value=0.0, allow_nan=False) | st.just(float("nan")))
def test_non_positive_radius_is_rejected(radius: float) -> None:
    cs = Isotope.parse("Cs133")
    with pytest.raises(ValueError, match="rms_radius"):
        Helm("rms")(Q, cs, radius)
    with pytest.raises(ValueError, match="rms_radius"):
        SymmetrizedFermi()(Q, cs, radius)


def test_other_bad_radii() -> None:
    cs = Isotope.parse("Cs133")
    with pytest.raises(ValueError, match="skin"):
        Helm(skin=0.0)
    with pytest.raises(ValueError, match="rms_radius"):
        Helm("rms")(Q, cs, 1.0 * u.fm)  # below √3 s
    with pytest.raises(ValueError, match="neutron_radii"):
        StandardModel(neutron_radii={"Cs133": -1.0})
    with pytest.raises(ValueError, match="neutron_radii"):
        StandardModel(neutron_radii={"Cs133": 5.5})  # 5.5 cm: forgot the unit
    with pytest.raises(ValueError, match="convention"):
        Helm("bohr")  # type: ignore[arg-type]
