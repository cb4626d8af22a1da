"""Atmospheric neutrinos below 1 GeV (FLUKA, Battistoni et al. 2005)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources.atmospheric import ATMOSPHERIC_FLAVOURS, AtmosphericSource, atmospheric_table


def test_total_flux_matches_the_normalisation_used_for_the_fog() -> None:
    """All four flavours integrate to 10.49 cm⁻² s⁻¹; O'Hare, PRL 127 (2021) 251802 normalises
    the same FLUKA shape to 10.7 cm⁻² s⁻¹ (code accompanying the paper). Tolerance 3 %: the
    shipped table keeps 40 of the ~1000 tabulated rows and stops at 905 MeV."""
    assert AtmosphericSource().total_flux() == pytest.approx(10.7, rel=0.03)


def test_table_rows_are_reproduced_exactly() -> None:
    """A tabulated row (ν_μ at 105.29 MeV: 0.012407 cm⁻² s⁻¹ MeV⁻¹) comes back at its node."""
    flux = AtmosphericSource().flux_at()
    assert float(flux[Flavour.NU_MU].continuous(105.29 * u.MeV)) == pytest.approx(0.012407)
    assert set(flux) == set(ATMOSPHERIC_FLAVOURS)


def test_flux_is_zero_outside_the_table_and_scales() -> None:
    energy, _ = atmospheric_table()
    spec = AtmosphericSource(scale=2.0).flux_at()[Flavour.NU_E]
    base = AtmosphericSource().flux_at()[Flavour.NU_E]
    assert float(spec.continuous(energy[0] * 0.5)) == 0.0
    assert float(spec.continuous(2.0 * u.GeV)) == 0.0
    e = np.geomspace(20.0, 800.0, 7)
    np.testing.assert_allclose(spec.continuous(e), 2.0 * base.continuous(e))


@pytest.mark.parametrize("scale", [-1.0, float("nan"), float("inf")])
def test_bad_scale_is_one_line_error(scale: float) -> None:
    with pytest.raises(ValueError, match=r"^scale: must be finite and >= 0"):
        AtmosphericSource(scale=scale)
