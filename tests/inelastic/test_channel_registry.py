"""The channel registry: lookup by name, one-line errors listing what exists."""

from __future__ import annotations

import pytest

from cevns.inelastic import channel_names, get_channel
from cevns.inelastic.channel import register_channel


def test_unknown_channel_is_one_line_listing_known_channels() -> None:
    expected = r"unknown channel 'no-such-channel'; known channels:"
    with pytest.raises(ValueError, match=expected) as info:
        get_channel("no-such-channel")
    assert "\n" not in str(info.value)


def test_names_are_unique() -> None:
    names = channel_names()
    assert len(names) == len(set(names))
    if names:
        with pytest.raises(ValueError, match="already registered"):
            register_channel(names[0], lambda: get_channel(names[0]))
