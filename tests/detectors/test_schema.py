"""Detector TOML files: bad files give errors naming field, file and line; built-ins are sound."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cevns import units as u
from cevns.detectors import DetectorFileError, list_detectors, load_detector, load_detector_file
from cevns.detectors.catalogue import builtin_text
from cevns.detectors.schema import parse_detector, parse_inverse, parse_sqrt

GOOD = """\
[detector]
name = "toy-argon"
target = "Ar"
mass = "10 kg"
distance = "20 m"

[source]
kind = "stopped_pion"
facility = "sns"
neutrino_yield = 0.09

[exposure]
protons_on_target = 1e23

[quenching]
kind = "constant"
factor = 0.25

[smearing]
kind = "gaussian"
observable = "energy"
stochastic = "0.58 sqrt(keVee)"

[efficiency]
kind = "step"
variable = "observable"
unit = "keVee"
threshold = 5.0

[binning]
observable = "energy"
energy_unit = "keVee"
energy_edges = [0, 10, 20, 40]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "det.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_good_file_loads(tmp_path: Path) -> None:
    det = load_detector_file(_write(tmp_path, GOOD))
    assert det.mass == pytest.approx(10.0)
    assert det.distance == pytest.approx(20 * u.m)
    assert det.exposure == pytest.approx(1e23)
    assert det.binning.energy_edges[-1] == pytest.approx(40 * u.keV)


def test_missing_field_names_field_file_and_line(tmp_path: Path) -> None:
    text = GOOD.replace('mass = "10 kg"\n', "")
    path = _write(tmp_path, text)
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(path)
    msg = str(err.value)
    assert msg.startswith("detector.mass: required field is missing")
    assert str(path) in msg
    assert "line 1" in msg  # the [detector] section header: the key is absent


def test_wrong_unit(tmp_path: Path) -> None:
    text = GOOD.replace('distance = "20 m"', 'distance = "20 kg"')
    path = _write(tmp_path, text)
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(path)
    msg = str(err.value)
    assert msg.startswith("detector.distance:")
    assert "length is required" in msg
    assert f"line {_line_of(text, 'distance =')}" in msg


def test_bare_number_is_rejected(tmp_path: Path) -> None:
    text = GOOD.replace('mass = "10 kg"', 'mass = "10"')
    with pytest.raises(DetectorFileError, match=r"^detector\.mass: .*bare number"):
        load_detector_file(_write(tmp_path, text))


def test_negative_mass(tmp_path: Path) -> None:
    text = GOOD.replace('mass = "10 kg"', 'mass = "-1 kg"')
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(_write(tmp_path, text))
    msg = str(err.value)
    assert msg.startswith("detector.mass: must be > 0")
    assert f"line {_line_of(text, 'mass =')}" in msg


def test_efficiency_above_one(tmp_path: Path) -> None:
    text = GOOD.replace(
        'kind = "step"\nvariable = "observable"\nunit = "keVee"\nthreshold = 5.0',
        'kind = "table"\nunit = "keVee"\npoints = [1, 2, 3]\nvalues = [0.1, 0.5, 1.2]',
    )
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(_write(tmp_path, text))
    msg = str(err.value)
    assert msg.startswith("efficiency.values: efficiency values must be in [0, 1]")
    assert f"line {_line_of(text, 'values =')}" in msg


def test_unknown_target(tmp_path: Path) -> None:
    text = GOOD.replace('target = "Ar"', 'target = "Unobtainium"')
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(_write(tmp_path, text))
    msg = str(err.value)
    assert msg.startswith("detector.target: unknown target 'Unobtainium'")
    assert "line 3" in msg


def test_unknown_field_and_kind(tmp_path: Path) -> None:
    with pytest.raises(DetectorFileError, match=r"^quenching\.facter: unknown field"):
        load_detector_file(_write(tmp_path, GOOD.replace("factor = 0.25", "facter = 0.25")))
    with pytest.raises(DetectorFileError, match=r"^quenching: unknown kind 'cubic'"):
        load_detector_file(_write(tmp_path, GOOD.replace('kind = "constant"', 'kind = "cubic"')))


def test_quenching_factor_range_and_not_toml(tmp_path: Path) -> None:
    with pytest.raises(DetectorFileError, match=r"^quenching\.factor: .*less than or equal to 1"):
        load_detector_file(_write(tmp_path, GOOD.replace("factor = 0.25", "factor = 1.5")))
    with pytest.raises(DetectorFileError, match=r"^file: not valid TOML"):
        parse_detector("[detector\nname=1", "broken.toml")
    with pytest.raises(DetectorFileError, match=r"^file: detector file .* does not exist"):
        load_detector_file(tmp_path / "missing.toml")


def test_unknown_builtin_name() -> None:
    with pytest.raises(ValueError, match=r"^name: unknown detector 'nope'; built-in: "):
        load_detector("nope")


def test_unit_helpers() -> None:
    assert parse_inverse("9.56 /keV", "energy", "beta") == pytest.approx(9.56 / u.keV)
    assert parse_sqrt("0.58 sqrt(keV)", "energy", "a") == pytest.approx(0.58 * u.keV**0.5)
    with pytest.raises(ValueError, match=r"^beta:"):
        parse_inverse("9.56 /m", "energy", "beta")


EXPECTED = {
    "csi-2021", "cenns10-2020", "coh-ar-750", "ge-mini", "naive-185", "nai-3t",
    "d2o", "nubes-pb", "nubes-fe", "nuthor", "ccm", "conus", "connie", "xenonnt", "lz", "darwin",
    "pandax-4t", "darkside-20k", "cdex-10", "cosine-100",
}


def test_catalogue_has_every_detector_of_the_talks() -> None:
    assert set(list_detectors()) >= EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_builtin_files_cite_every_value(name: str) -> None:
    """Every `key = value` line of a built-in file carries a `#` comment naming its source,
    except free text and the structural `kind` (name, description, references, assumptions)."""
    text = builtin_text(name)
    free = ("name", "description", "references", "assumptions", "kind")
    in_list = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if in_list:
            in_list = not stripped.startswith("]")
            continue
        m = re.match(r"^(\w+)\s*=", stripped)
        if not m:
            continue
        if m.group(1) in free:
            in_list = stripped.endswith("[")
            continue
        assert "#" in line, f"{name}.toml line {number} has no source comment: {line!r}"
    det = load_detector(name)
    assert det.references, f"{name}: no references"
    assert det.name == name


def test_documented_example_loads() -> None:
    """The annotated example in cevns.detectors.schema's docstring is a valid file."""
    import textwrap

    from cevns.detectors import schema

    doc = schema.__doc__ or ""
    block = doc.split("A complete file", 1)[1].split("::", 1)[1]
    text = textwrap.dedent(block).strip()
    det = parse_detector(text, "docstring example")
    assert det.name == "my-argon"
    assert det.exposure == pytest.approx(6.12 * u.GWh / u.GeV, rel=1e-12)  # POT = E_beam / E_p


def test_efficiency_unit_must_match_observable(tmp_path: Path) -> None:
    text = GOOD.replace('unit = "keVee"\nthreshold', 'unit = "PE"\nthreshold')
    with pytest.raises(DetectorFileError) as err:
        load_detector_file(_write(tmp_path, text))
    assert str(err.value).startswith("efficiency.unit: the observable")
    assert "'PE'" in str(err.value)
    line = _line_of(text, 'unit = "PE"')
    assert f"line {line}" in str(err.value)


def test_efficiency_table_from_a_file_next_to_the_toml(tmp_path: Path) -> None:
    """A `file = ...` table is read relative to the TOML file (keVee, efficiency columns)."""
    (tmp_path / "eff.txt").write_text("# keVee  keVnr  efficiency\n1 4 0.0\n5 20 0.5\n10 40 0.9\n")
    text = GOOD.replace(
        'kind = "step"\nvariable = "observable"\nunit = "keVee"\nthreshold = 5.0',
        'kind = "table"\nunit = "keVee"\nfile = "eff.txt"\ncolumns = [0, 2]',
    )
    det = load_detector_file(_write(tmp_path, text))
    eff = det.response.efficiency
    assert eff is not None
    assert float(eff(7.5 * u.keV)) == pytest.approx(0.7)
    assert float(eff(0.5 * u.keV)) == 0.0
