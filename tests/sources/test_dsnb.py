"""Diffuse supernova neutrino background."""

from __future__ import annotations

import pytest

from cevns.flavours import Flavour
from cevns.sources.dsnb import DSNB_TOTAL_FLUX, DSNBSource


def test_total_flux_is_ohare_normalisation() -> None:
    """All flavours sum to 85.7 cm⁻² s⁻¹ (O'Hare, PRL 127 (2021) 251802, accompanying code);
    tolerance 1e-6 (quadrature)."""
    flux = DSNBSource().flux_at()
    assert sum(s.total for s in flux.values()) == pytest.approx(DSNB_TOTAL_FLUX, rel=1e-6)


def test_redshift_softens_the_spectrum() -> None:
    """The emitted Fermi–Dirac mean energy is 3.151 T; redshifting lowers it (Beacom 2010)."""
    flux = DSNBSource().flux_at()
    for fl, t in ((Flavour.NU_E, 3.0), (Flavour.NU_E_BAR, 5.0), (Flavour.NU_MU, 8.0)):
        mean = flux[fl].mean_energy()
        assert 1.2 * t < mean < 3.151 * t


@pytest.mark.parametrize("temperature", [0.5, 20.0, float("nan")])
def test_bad_temperature_is_one_line_error(temperature: float) -> None:
    with pytest.raises(ValueError, match=r"^temperatures: nu_e must be in \[1, 15\] MeV"):
        DSNBSource(temperatures={Flavour.NU_E: temperature})


def test_bad_total_flux() -> None:
    with pytest.raises(ValueError, match=r"^total_flux:"):
        DSNBSource(total_flux=-1.0)
