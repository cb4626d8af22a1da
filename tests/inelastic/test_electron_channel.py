"""The registered ν–e channel behaves like every other channel."""

from __future__ import annotations

import numpy as np
import pytest

from cevns.flavours import ALL_FLAVOURS, Flavour
from cevns.inelastic import Channel, Process, get_channel
from cevns.physics.electron_scattering import NeutrinoElectronScattering


def test_e_nue_is_registered_and_wraps_the_physics() -> None:
    channel = get_channel("e-nue")
    assert isinstance(channel, Channel)
    assert channel.process is Process.ELECTRON_ELASTIC and channel.target == "e"
    assert set(channel.flavours) == set(ALL_FLAVOURS)
    E = np.array([[5.0, 20.0], [30.0, 52.8]])
    for flavour in ALL_FLAVOURS:
        total = channel.cross_section(E, flavour)
        parts = channel.final_state_cross_sections(E, flavour)
        assert parts.shape == (*E.shape, 1)
        np.testing.assert_allclose(parts.sum(axis=-1), total, rtol=1e-12)
        np.testing.assert_allclose(total, NeutrinoElectronScattering().cross_section(E, flavour))


def test_e_nue_above_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="0 to 1000 MeV"):
        get_channel("e-nue").cross_section(5000.0, Flavour.NU_MU)
