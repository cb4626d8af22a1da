"""Bad input to the entry points beyond CEvNS: inelastic channels, dark-matter and BSM models,
WIMP floors and the XENONnT release.

Each case ends in a finite, sane result or in one ``ValueError`` line that starts with the
parameter it is about — never a traceback, a NaN, a silent zero or a hang.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from robust_helpers import FUZZ, assert_named_one_line, assert_one_line_error, run_cli, time_limit

from cevns.detectors import load_detector
from cevns.flavours import Flavour
from cevns.inelastic import InelasticSettings, channel_names, get_channel, predict_channels

# ----------------------------------------------------------------------------- inelastic
#: Neutrino energies (MeV) a careless caller passes: NaN, ±inf, negative, huge, tiny.
ENERGIES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-1.0, -1e-300, -0.0, 0.0, 1e-300, 30.0, 59.9, 60.1, 100.5, 1e300]),
)
FLAVOURS = st.one_of(st.sampled_from([f.value for f in Flavour]),
                     st.sampled_from(["numu_bar", "NU_E", "x", "", "nu_e "]))


@FUZZ
@given(name=st.sampled_from(channel_names()), energy=st.lists(ENERGIES, min_size=1, max_size=4),
       flavour=FLAVOURS)
@example(name="208pb-cc", energy=[-1.0], flavour="nu_e")  # was a silent zero
@example(name="2h-cc", energy=[-5.0, 30.0], flavour="nu_e")  # was a silent zero
@example(name="40ar-nc", energy=[-1e300], flavour="nu_mu")  # was a silent zero
def test_channel_cross_sections(name: str, energy: list[float], flavour: str) -> None:
    """A cross section is finite and >= 0, or a one-line error; a negative, NaN or infinite
    energy, or one above the channel's range, is always an error."""
    channel = get_channel(name)
    e = np.array(energy)
    bad = bool(np.any(~np.isfinite(e)) or np.any(e < 0) or np.any(e > channel.energy_range[1]))
    try:
        with time_limit():
            sigma = channel.cross_section(e, flavour)  # type: ignore[arg-type]
            parts = channel.final_state_cross_sections(e, flavour)  # type: ignore[arg-type]
    except ValueError as exc:
        assert_named_one_line(exc)
        return
    assert not bad, f"{name}: energies {energy} accepted"
    assert sigma.shape == e.shape and np.all(np.isfinite(sigma)) and np.all(sigma >= 0)
    assert np.allclose(parts.sum(axis=-1), sigma, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ["127i-cc", "208pb-cc", "40ar-cc", "2h-nc", "16o-nc"])
@pytest.mark.parametrize("energy", [-1.0, float("nan"), float("inf"), 1e300])
def test_channel_energy_errors_name_the_channel_and_range(name: str, energy: float) -> None:
    with pytest.raises(ValueError, match=rf"^energy: channel '{name}' .*(MeV|finite)"):
        get_channel(name).cross_section(energy, Flavour.NU_E)


def test_unknown_channel_names_the_parameter() -> None:
    for bad in ("127i-nc", "", None, 5):
        with pytest.raises(ValueError, match=r"^channel: unknown channel .*known channels: "
                                             r".*127i-cc"):
            get_channel(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("detector", "kwargs", "message"),
    [
        ("nubes-pb", {"exposure": 1e308}, r"^exposure: 1e\+308 POT is outside the allowed range"),
        ("nubes-pb", {"exposure": 1e-300}, r"^exposure: .* outside the allowed range"),
        ("nubes-pb", {"exposure": float("nan")}, r"^exposure: must be finite"),
        ("nubes-pb", {"exposure": "3e23"}, r"^exposure: expected a number"),
        ("nubes-pb", {"exposure": True}, r"^exposure: expected a number"),
        ("nubes-pb", {"exposure": [1e23]}, r"^exposure: expected a number"),
        ("naive-185", {"channels": ["2h-cc"]}, r"^channels: the target 'NaI' has no 2H"),
        ("d2o", {"channels": ["127i-cc"]}, r"^channels: the target 'D2O' has no 127I"),
        ("nubes-pb", {"channels": ["40ar-cc"]}, r"^channels: the target 'Pb' has no 40Ar"),
        ("nubes-pb", {"channels": ["208pb-cc", "208PB-CC"]}, r"^channels: .* listed twice"),
        ("nubes-pb", {"channels": []}, r"^channels: list at least one"),
        ("nubes-pb", {"settings": "x"}, r"^settings: expected InelasticSettings"),
    ],
)
def test_predict_channels_bad_input(detector: str, kwargs: dict[str, object],
                                    message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        predict_channels(load_detector(detector), **kwargs)  # type: ignore[arg-type]
    assert_named_one_line(info.value)


def test_predict_channels_takes_one_name_and_checks_the_detector() -> None:
    det = load_detector("naive-185")
    one = predict_channels(det, "127i-cc")  # a name, not its characters
    assert one["127i-cc"].total > 0
    for bad in (None, "naive-185"):
        with pytest.raises(ValueError, match=r"^detector: expected a Detector"):
            predict_channels(bad, ["127i-cc"])
    top = predict_channels(load_detector("nubes-pb"), ["208pb-cc"], exposure=1e30)
    assert np.all(np.isfinite(top.channels[0].spectra)) and top.channels[0].total > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"energy_edges": ("a", "b")}, r"^energy_edges: expected real numbers"),
        ({"energy_edges": tuple(range(20_000))}, r"^energy_edges: 20000 edges; at most"),
        ({"roi": (5.0,)}, r"^roi: need \(low, high\)"),
        ({"roi": ("a", "b")}, r"^roi: expected real numbers"),
        ({"roi": (1.0, float("nan"))}, r"^roi: need \(low, high\)"),
        ({"efficiency": "x"}, r"^efficiency: expected real numbers, got 'x'"),
        ({"efficiency": 1.5}, r"^efficiency: must be in \[0, 1\]"),
    ],
)
def test_inelastic_settings_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        InelasticSettings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["predict", "naive-185", "--channel", "127i-nc"], ["channels", "127i-cc"]),
        (["predict", "naive-185", "--channel", ""], ["channels", "known channels"]),
        (["predict", "nubes-pb", "--channel", "208pb-cc,208pb-nc"], ["channels", "208pb-nc"]),
        (["predict", "nubes-pb", "--channel", "127i-cc"], ["channels", "'Pb' has no 127I"]),
        (["predict", "d2o", "--channel", "40ar-cc"], ["channels", "'D2O' has no 40Ar"]),
        (["predict", "d2o", "--channel", "2h-cc", "--channel", "2H-CC"], ["listed twice"]),
        (["predict", "nubes-pb", "--channel", "208pb-cc", "--exposure", "1e308 POT"],
         ["exposure", "allowed range"]),
        # an ROI is on the CEvNS observable: without CEvNS it would be silently ignored
        (["predict", "naive-185", "--channel", "127i-cc", "--roi", "10 PE:200 PE"],
         ["--roi", "--channel cevns"]),
    ],
)
def test_cli_channel_errors(args: list[str], names: list[str]) -> None:
    assert_one_line_error(run_cli(args), *names)
