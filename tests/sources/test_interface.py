"""Every source satisfies the common interface; flux invariants hold for all of them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources import (
    CONUS,
    CallableSource,
    MonochromaticSource,
    NeutrinoSource,
    SupernovaSource,
    facility,
    get_source,
    total_flux,
)

SOURCES = {
    "sns": facility("sns"),
    "conus": CONUS,
    "supernova": SupernovaSource(),
    "line": MonochromaticSource("line", 30.0, 1.0),
    "callable": CallableSource("flat", {Flavour.NU_E: np.ones_like}, (0.0, 10.0)),
}


@pytest.mark.parametrize("key", list(SOURCES))
def test_protocol(key: str) -> None:
    """name, normalisation_unit, spectra(), flux_at(), parameters() on every source."""
    src = SOURCES[key]
    assert isinstance(src, NeutrinoSource)
    assert src.name and src.normalisation_unit
    assert all(isinstance(v, str) for v in src.parameters().values())


@settings(max_examples=25, deadline=None)
@given(
    key=st.sampled_from(list(SOURCES)),
    metres=st.floats(1.0, 1e4),
)
def test_inverse_square_and_trivial_survival(key: str, metres: float) -> None:
    """Invariants: 4πL² × flux = emitted spectrum; P ≡ 1 changes nothing (1e-9)."""
    src = SOURCES[key]
    emitted = sum(s.total for s in src.spectra().values())
    distance = metres * u.m
    flux = src.flux_at(distance)
    assert total_flux(flux) * 4 * math.pi * distance**2 == pytest.approx(emitted, rel=1e-9)
    same = src.flux_at(distance, survival=lambda e, length, fl: np.ones_like(e))
    assert total_flux(same) == pytest.approx(total_flux(flux), rel=1e-9)


def test_oscillating_survival_on_a_line_and_continuum() -> None:
    """A sterile-like P = 1 − sin²2θ sin²(1.267 Δm² L/E) (L in m, E in MeV, Δm² in eV²)."""

    def p(energy: np.ndarray, distance: float, flavour: Flavour) -> np.ndarray:
        phase = 1.267 * 1.0 * (distance / u.m) / energy
        return 1.0 - 0.1 * np.sin(phase) ** 2

    sns = facility("sns")
    flux = sns.flux_at(20 * u.m, survival=p)
    plain = sns.flux_at(20 * u.m)
    line = plain[Flavour.NU_MU].lines[0]
    assert flux[Flavour.NU_MU].lines[0].intensity == pytest.approx(
        line.intensity * float(p(np.array(line.energy), 20 * u.m, Flavour.NU_MU))
    )
    ratio = flux[Flavour.NU_E].total / plain[Flavour.NU_E].total
    assert 0.9 < ratio < 1.0


def test_get_source_names() -> None:
    """Catalogue lookup accepts '-'/'_' and case; unknown names list the allowed ones."""
    assert get_source("SNS-PPU").name == "SNS-PPU"
    with pytest.raises(ValueError, match=r"^name: unknown source"):
        get_source("tevatron")
