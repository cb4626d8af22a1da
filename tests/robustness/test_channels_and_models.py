"""Bad input to the entry points beyond CEvNS: inelastic channels, dark-matter and BSM models,
WIMP floors and the XENONnT release.

Each case ends in a finite, sane result or in one ``ValueError`` line that starts with the
parameter it is about — never a traceback, a NaN, a silent zero or a hang.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from mutations import mutated_detector_text
from robust_helpers import (
    FUZZ,
    CaseTimeout,
    assert_named_one_line,
    assert_one_line_error,
    run_cli,
    time_limit,
)

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


def test_flux_averages_check_their_arguments() -> None:
    """A channel name works; a spectrum that is not a Spectrum is named (was AttributeError)."""
    from cevns.inelastic.averaging import flux_averaged_cross_section, flux_averaged_cross_sections
    from cevns.sources.stopped_pion import stopped_pion_spectra

    spectra = stopped_pion_spectra()
    by_name = flux_averaged_cross_section("127i-cc", spectra[Flavour.NU_E], "nu_e")
    assert by_name == flux_averaged_cross_section(get_channel("127i-cc"), spectra[Flavour.NU_E],
                                                  "nu_e") > 0
    for bad in (None, np.ones(3)):
        with pytest.raises(ValueError, match=r"^spectrum: expected a Spectrum"):
            flux_averaged_cross_section("127i-cc", bad, "nu_e")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^channel: expected a Channel"):
        flux_averaged_cross_section(5, spectra[Flavour.NU_E], "nu_e")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^spectra: expected a \{flavour: Spectrum\} mapping"):
        flux_averaged_cross_sections("208pb-cc", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^flavour: unknown neutrino flavour 'x'"):
        flux_averaged_cross_section("40ar-cc", spectra[Flavour.NU_E], "x")


#: Built-in detectors that list channels other than CEvNS (and an ``[inelastic]`` table).
WITH_CHANNELS = ["coh-ar-750", "d2o", "nai-3t", "naive-185", "nubes-pb"]


@FUZZ
@given(case=mutated_detector_text(WITH_CHANNELS))
def test_mutated_detector_files_with_channels(case: tuple[str, str],
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    """A damaged detector file with other channels: its channel predictions are finite and
    >= 0, or the file (or the prediction) is refused on one named line."""
    from cevns.detectors import DetectorFileError
    from cevns.detectors.schema import parse_detector

    _name, text = case
    try:
        with time_limit():
            det = parse_detector(text, "fuzz.toml", tmp_path_factory.mktemp("det"))
            if det.exposure is None or not set(det.channels) - {"cevns"}:
                return
            pred = predict_channels(det)
    except CaseTimeout:
        raise
    except Exception as exc:
        message = assert_named_one_line(exc)
        if isinstance(exc, DetectorFileError):
            assert "fuzz.toml" in message, message
        return
    for c in pred.channels:
        for array in (c.counts, c.spectra, c.neutron_multiplicity):
            assert np.all(np.isfinite(array)) and np.all(array >= 0), c.channel


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


def test_inelastic_edges_of_a_detector_file_are_named_in_their_table() -> None:
    """The [inelastic] energy_edges, not [binning]'s, with the line of the [inelastic] key."""
    from cevns.detectors import DetectorFileError
    from cevns.detectors.catalogue import builtin_text
    from cevns.detectors.schema import parse_detector

    text = builtin_text("d2o")
    old = "energy_edges = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56]"
    assert old in text
    bad = text.replace(old, "energy_edges = [" + ", ".join(map(str, range(20_000))) + "]")
    line = text[:text.index(old)].count("\n") + 1
    with pytest.raises(DetectorFileError, match=rf"^inelastic\.energy_edges: 20000 edges; at most "
                                                rf"10001 .*\(d2o\.toml, line {line}\)$"):
        parse_detector(bad, "d2o.toml")


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
        (["predict", "naive-185", "--channel", "127i-cc", "--threshold", "5 keVee"],
         ["--threshold", "--channel cevns"]),
    ],
)
def test_cli_channel_errors(args: list[str], names: list[str]) -> None:
    assert_one_line_error(run_cli(args), *names)


# ----------------------------------------------------------------------------- dark matter
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1e-7, 1e-6, 10.0, 134.9, 135.0, 547.0, 1e6, 1e7, 1e300]),
    st.sampled_from(["10", True, None]),
)


@FUZZ
@given(name=st.sampled_from(["dark-photon", "leptophobic"]), chi_mass=NUMBERS,
       mediator_mass=st.one_of(st.none(), NUMBERS), coupling=st.one_of(st.none(), NUMBERS),
       alpha_d=st.one_of(st.none(), NUMBERS),
       decay=st.sampled_from(["on-shell", "off-shell", "virtual"]),
       meson=st.sampled_from(["pi0", "eta", "kaon"]))
@example(name="dark-photon", chi_mass=10.0, mediator_mass=None, coupling=1e300, alpha_d=None,
         decay="on-shell", meson="pi0")  # was an OverflowError without a name
@example(name="dark-photon", chi_mass=10.0, mediator_mass=None, coupling=0.0, alpha_d=None,
         decay="on-shell", meson="pi0")  # was an empty template, then a misleading error
@example(name="dark-photon", chi_mass=10.0, mediator_mass=None, coupling=None, alpha_d=1.7e308,
         decay="on-shell", meson="pi0")  # was NaN counts
@example(name="dark-photon", chi_mass=1e-300, mediator_mass=None, coupling=None, alpha_d=None,
         decay="on-shell", meson="pi0")  # was an infinite boost
@example(name="dark-photon", chi_mass=10.0, mediator_mass=None, coupling=1e-300, alpha_d=None,
         decay="on-shell", meson="pi0")  # the coupling underflowed to a silent zero
@example(name="leptophobic", chi_mass=True, mediator_mass=None, coupling=None, alpha_d=None,
         decay="on-shell", meson="pi0")  # a boolean was a 1 MeV mass
def test_dark_matter_models(name: str, chi_mass: object, mediator_mass: object,
                            coupling: object, alpha_d: object, decay: str, meson: str) -> None:
    """A model is built with finite, positive production and coupling, or refused on one line
    naming the parameter (m_V < 2 m_χ on shell, masses above the meson, couplings <= 0...)."""
    from cevns.darkmatter.models import get_dark_matter_model
    from cevns.physics.targets import Target

    values: dict[str, object] = {"chi_mass": chi_mass, "decay": decay, "meson": meson}
    if mediator_mass is not None:
        values["mediator_mass"] = mediator_mass
    if coupling is not None:
        values["epsilon" if name == "dark-photon" else "alpha_b"] = coupling
    if alpha_d is not None:
        values["alpha_d"] = alpha_d
    try:
        with time_limit():
            model = get_dark_matter_model(name, **values)
            branching = model.production_branching()
            couplings = [model.coupling(iso) for iso in Target.parse("CsI").isotopes]
    except ValueError as exc:
        assert_named_one_line(exc)
        return
    assert isinstance(chi_mass, float) and chi_mass > 0 and model.strength > 0
    assert math.isfinite(branching) and branching >= 0
    assert all(math.isfinite(c) and c > 0 for c in couplings)
    if decay == "on-shell":
        assert 2 * model.chi_mass < model.m_v


def test_dark_matter_parameter_names() -> None:
    from cevns.darkmatter.models import DarkPhoton, get_dark_matter_model

    with pytest.raises(ValueError, match=r"^foo: not a parameter of 'dark-photon'; allowed: "
                                         r"chi_mass, .*epsilon$"):
        get_dark_matter_model("dark-photon", chi_mass=10.0, foo=1)
    with pytest.raises(ValueError, match=r"^alpha_b: not a parameter of 'dark-photon'"):
        DarkPhoton(10.0).with_values(alpha_b=1e-6)
    with pytest.raises(ValueError, match=r"^chi_mass: must be a number in \[1e-06, 1e\+06\] MeV"):
        DarkPhoton(10.0).with_values(chi_mass="x")
    with pytest.raises(ValueError, match=r"^model: unknown dark-matter model \['x'\]"):
        get_dark_matter_model(["x"], chi_mass=1.0)  # type: ignore[arg-type]
    assert DarkPhoton(np.float32(10.0)).chi_mass == 10.0  # numpy numbers are numbers
    from cevns.darkmatter.production import sns_eta

    with pytest.raises(ValueError, match=r"^yield_per_pot: expected a number, got 'x'"):
        sns_eta("x")  # type: ignore[arg-type]  # was a format error


@pytest.mark.parametrize(
    ("params", "names"),
    [
        (["chi_mass=abc"], ["chi_mass", "MeV"]),
        (["chi_mass=10", "epsilon=0"], ["epsilon", "[1e-12, 1]"]),
        (["chi_mass=10", "epsilon=1e300"], ["epsilon", "[1e-12, 1]"]),
        (["chi_mass=10", "alpha_d=1e300"], ["alpha_d", "[1e-20, 1000]"]),
        (["chi_mass=10", "mediator_mass=15"], ["mediator_mass", "m_V > 2 m_chi"]),
        (["chi_mass=100"], ["mediator_mass", "not below the pi0 mass"]),
        (["chi_masses=1:2:1000000"], ["chi_masses", "N <= 200"]),  # was a hang
        (["chi_masses=1:inf:3"], ["chi_masses"]),  # printed numpy warnings first
        (["chi_masses=1:100:3"], ["mediator_mass", "pi0"]),  # was found after two limits
        (["chi_mass=10", "foo=1"], ["foo", "allowed: chi_mass"]),
    ],
)
def test_cli_dark_matter_errors(params: list[str], names: list[str]) -> None:
    args = ["fit", "coherent-csi-2021", "--model", "dark-photon"]
    for p in params:
        args += ["--param", p]
    assert_one_line_error(run_cli(args), *names)


def test_cli_usage_errors_inside_a_command() -> None:
    """``typer.BadParameter`` raised by a command is a usage error, not an internal error."""
    assert_one_line_error(run_cli(["fit", "coherent-csi-2021", "--param", "x=1"]),
                          "--param/--poi need --model")
    assert_one_line_error(run_cli(["fit", "coherent-csi-2021", "--model", "leptophobic",
                                   "--param", "chi_mass=10", "--poi", "alpha_b"]), "--poi")


# ----------------------------------------------------------------------------- BSM models
def _model_names() -> list[str]:
    from cevns.models.registry import MODELS

    return [*MODELS, "nsi+neutron-radius", "zprime+sterile", "Z-PRIME", "nsi+nsi", "+", "foo"]


PARAMETER_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 0.5, 1.0, 2.0, 1e-300, 1e300, True, False, "abc", "0.1", None,
                     [1.0], "B-L", "Cs133", "Cs133, I127", "maybe"]),
)


@FUZZ
@given(name=st.sampled_from(_model_names()), data=st.data())
@example(name="nsi", data=None)  # the explicit cases below run once each
def test_bsm_model_parameters(name: str, data: st.DataObject | None) -> None:
    """``get_model(name, key=value)`` with any key the model has (or not) and any value: the
    model with every parameter inside its stated range, or one line naming the key."""
    from cevns.models.registry import _OPTIONS, get_model

    if data is None:  # formerly: booleans taken as 1.0, 'maybe' as true, TypeErrors
        for key, value in (("eps_uV_ee", True), ("isotopes", 3.0), ("shared", "maybe"),
                           ("name", 5.0), ("form_factor", [1.0])):
            model_name = "nsi" if key == "eps_uV_ee" else "neutron-radius"
            with pytest.raises(ValueError, match=rf"^{key}: "):
                get_model(model_name, **{key: value})
        assert get_model("neutron-radius", name="r_cs").parameters[0].name == "r_cs"
        return
    try:
        names = [p.name for p in get_model(name).parameters]
    except ValueError as exc:
        assert_named_one_line(exc)
        return
    options = [o for part in name.lower().split("+") for o in _OPTIONS.get(part, ())]
    key = data.draw(st.sampled_from([*names, *options, "foo", "base", "name"]))
    value = data.draw(PARAMETER_VALUES)
    try:
        with time_limit():
            model = get_model(name, **{key: value})
    except ValueError as exc:
        message = assert_named_one_line(exc)
        # the key, or the thing it holds ("isotopes" → "isotope: cannot read 'X'")
        assert message.startswith((f"{key}:", f"{key.rstrip('s')}:")), message
        return
    current = model.values()
    for parameter in model.parameters:
        lo, hi = parameter.bounds
        v = current[parameter.name]
        assert math.isfinite(v) and lo <= v <= hi, (parameter.name, v)


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--model", "foo"], ["model", "unknown model 'foo'", "allowed"]),
        (["--model", "nsi", "--param", "foo=1"], ["foo", "allowed", "eps_uV_ee"]),
        (["--model", "nsi", "--param", "eps_uV_ee=11"], ["eps_uV_ee", "[-10, 10]"]),
        (["--model", "nsi", "--param", "eps_uV_ee=true"], ["eps_uV_ee", "must be a number"]),
        (["--model", "sterile", "--param", "ue4_sq=0.7", "--param", "umu4_sq=0.7"],
         ["ue4_sq", "[0, 1]"]),
        (["--model", "zprime", "--param", "mass_zp=-5"], ["mass_zp", "allowed range"]),
        (["--model", "neutron-radius", "--param", "isotopes=3"], ["isotopes"]),  # was internal
        (["--model", "neutron-radius", "--param", "shared=maybe"], ["shared"]),  # was accepted
        (["--model", "sterile", "--param", "baseline_width=abc"], ["baseline_width"]),
        (["--model", "weak-angle", "--poi", "foo"], ["foo", "sin2_theta_w"]),
        (["--model", "nsi+nsi"], ["model: 'nsi+nsi'", "more than one model"]),
        (["--model", "zprime", "--param", "g_zp=0.1", "--param", "g_zp=0.2"],
         ["--param", "'g_zp' is given twice"]),  # the last one silently won
    ],
)
def test_cli_bsm_model_errors(args: list[str], names: list[str]) -> None:
    assert_one_line_error(run_cli(["fit", "coherent-csi-2021", *args]), *names)


def test_cli_axial_term_on_a_spin_zero_target() -> None:
    out = run_cli(["fit", "coherent-lar-2020", "--model", "axial-nsi", "--param", "eps_uA_ee=0.5"])
    assert_one_line_error(out, "eps_uA_ee", "spin zero")


# ----------------------------------------------------------------------------- WIMPs
WIMP_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1e-6, 5.0, 100.0, 1e4, 1e12, 1e300]),
)


@pytest.fixture(scope="module")
def xenon_background() -> object:
    from cevns.wimps import neutrino_background

    return neutrino_background("Xe", threshold=1.0, bins=10)


@FUZZ
@given(masses=st.lists(WIMP_NUMBERS, max_size=3) | st.sampled_from(["10", [[10.0]], True]),
       exposures=st.lists(WIMP_NUMBERS, max_size=4) | st.sampled_from(["1", [[1.0]]]))
@example(masses=[1e-300], exposures=[1.0])  # was a division by zero
@example(masses=[10.0], exposures=[1e300])  # was an overflow
@example(masses=[10.0], exposures=[])  # was an empty result
@example(masses=["10"], exposures=[1.0])  # text was a mass
def test_wimp_discovery_limits(xenon_background: object, masses: object,
                               exposures: object) -> None:
    """A discovery limit is > 0 and never NaN (inf: no discovery at that exposure), or one
    line naming ``masses`` or ``exposures`` and the allowed range."""
    from cevns.wimps import discovery_limit

    try:
        with time_limit():
            sigma = discovery_limit(masses, exposures, xenon_background)  # type: ignore[arg-type]
    except ValueError as exc:
        message = assert_named_one_line(exc)
        assert message.startswith(("masses:", "exposures:")), message
        return
    assert sigma.size > 0 and not np.any(np.isnan(sigma)) and np.all(sigma > 0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda w, bg: w.neutrino_floor([10.0], bg, exposures=[1.0, 10.0]),
         r"^exposures: need at least 3"),
        (lambda w, bg: w.neutrino_floor([], bg), r"^masses: need at least 1"),
        (lambda w, bg: w.neutrino_floor([10.0], bg, n_floor="2"), r"^n_floor: expected a number"),
        (lambda w, bg: w.wimp_recoil_rate(10.0, "Xe", [1.0], cross_section=1e300),
         r"^cross_section: 1e\+300 is outside the allowed range \(0, 1\] cm²"),
        (lambda w, bg: w.wimp_recoil_rate(10.0, "Xe", [1e300]), r"^recoil_energy: 1e\+300"),
        (lambda w, bg: w.neutrino_background("Xe", max_energy=1e300), r"^max_energy: 1e\+300"),
        (lambda w, bg: w.neutrino_background("Xe", bins=True), r"^bins: must be an integer"),
        (lambda w, bg: w.neutrino_background("Xe", threshold="1"), r"^threshold: expected"),
        (lambda w, bg: w.neutrino_background("Xe", uncertainties={"pp": "x"}),
         r"^uncertainties: pp: expected a number"),
        (lambda w, bg: w.neutrino_background("Xe", uncertainties=[1]),
         r"^uncertainties: expected a mapping"),
        (lambda w, bg: w.StandardHalo(density="x"), r"^density: expected a number"),
        (lambda w, bg: w.opacity("a", [1.0]), r"^exposures: expected real numbers"),
        (lambda w, bg: w.solar_electron_recoil_rate([1e300]),
         r"^recoil_energy_kev: .*\(0, 100000\] keV"),
        (lambda w, bg: w.solar_electron_recoil_rate("a"), r"^recoil_energy_kev: expected"),
    ],
)
def test_wimp_bad_input(xenon_background: object, call: object, message: str) -> None:
    import cevns.wimps as w

    with pytest.raises(ValueError, match=message) as info:
        call(w, xenon_background)  # type: ignore[operator]
    assert_named_one_line(info.value)


def test_solar_electron_recoils_take_one_component_name() -> None:
    from cevns.wimps import solar_electron_recoil_rate

    assert np.array_equal(solar_electron_recoil_rate([1.0], components="pp"),
                          solar_electron_recoil_rate([1.0], components=("pp",)))


# ----------------------------------------------------------------------------- XENONnT release
def _xenonnt_sr0_copy(src: Path, dst: Path) -> Path:
    """SR0 of the release: small files copied, templates symlinked (6 762 files in all)."""
    for sub, name in (("binning", "sr0.yaml"), ("data", "sr0.csv")):
        (dst / sub).mkdir(parents=True)
        shutil.copy(src / sub / name, dst / sub)
    for comp in ("ac", "er", "rg", "mono"):
        folder = dst / "templates" / "sr0" / comp
        folder.mkdir(parents=True)
        for f in (src / "templates" / "sr0" / comp).iterdir():
            (folder / f.name).symlink_to(f)
    return dst


def _own_copy(path: Path) -> Path:
    target = path.resolve()
    path.unlink()
    shutil.copy(target, path)
    path.chmod(0o644)
    return path


def _set_template(path: Path, name: str, value: object) -> None:
    import h5py

    with h5py.File(_own_copy(path), "r+") as f:
        shape = f[name].shape
        del f[name]
        f[name] = value if not isinstance(value, float) else np.full(shape, value)
        if isinstance(value, float):  # one bin at ``value``, the others 0
            f[name][...] = np.where(np.arange(np.prod(shape)).reshape(shape) == 0, value, 0.0)


_AC = "templates/sr0/ac/template_XENONnT_sr0_ac_cevns.h5"
_MONO = "templates/sr0/mono/template_XENONnT_sr0_mono_1.200_cevns_tly_2.0_tqy_-3.0.h5"


@pytest.mark.parametrize(
    ("damage", "where", "message"),
    [
        # formerly a bare UnicodeDecodeError without the file
        (lambda d: (d / "binning/sr0.yaml").write_bytes(b"\xff" + (d / "binning/sr0.yaml")
                                                        .read_bytes()),
         "binning/sr0.yaml", "not UTF-8"),
        (lambda d: (d / "data/sr0.csv").write_bytes((d / "data/sr0.csv").read_bytes() + b"\xff\n"),
         "data/sr0.csv", "not UTF-8"),
        # formerly an OSError "Can't synchronously read data" without the file
        (lambda d: _set_template(d / _AC, "templates/template", np.full((2, 2), b"x")),
         _AC, "field 'templates/template'"),
        (lambda d: _set_template(d / _AC, "bins/0", np.array([b"a", b"b"])), _AC, "bins/0"),
        # formerly accepted
        (lambda d: _set_template(d / _AC, "templates/template", 1e300), _AC,
         "outside the allowed range [0, 1e+30]"),
        (lambda d: _set_template(d / _MONO, "templates/template", 5.0), _MONO,
         "a detection efficiency sums to at most 1"),
        (lambda d: shutil.rmtree(d / "templates/sr0/mono"), "templates/sr0/mono",
         "no monoenergetic"),
        (lambda d: (d / "templates/sr0/rg").rename(d / "templates/sr0/rg-old"),
         "templates/sr0/rg/", "missing (49 point(s)"),
        (lambda d: (d / "data/sr0.csv").write_text(""), "data/sr0.csv", "empty"),
    ],
)
def test_damaged_xenonnt_release(xenonnt_dir: Path, tmp_path: Path, damage: object, where: str,
                                 message: str) -> None:
    from cevns.experiments.releases import ReleaseFormatError
    from cevns.experiments.xenonnt import load_xenonnt_8b

    copy = _xenonnt_sr0_copy(xenonnt_dir, tmp_path / "rel")
    damage(copy)  # type: ignore[operator]
    with pytest.raises(ReleaseFormatError) as info:
        load_xenonnt_8b(copy, ("sr0",))
    text = assert_named_one_line(info.value)
    assert str(copy / where) in text and message in text, text
    out = run_cli(["fit", "xenonnt-8b", "--data", str(copy), "--runs", "sr0"])
    assert_one_line_error(out, where, message)
