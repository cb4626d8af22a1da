"""One test per class of bad input: each closes the class at its source, not one example.

Classes: exposure kinds against the source; extreme magnitudes; pathological sizes; file
references inside detector files; errors naming the right thing; loose typing; values of the
releases that are read but not used; determinism of the JSON outputs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from robust_helpers import assert_one_line_error, run_cli

from cevns import units as u
from cevns.detectors import DetectorFileError, load_detector, load_detector_file, predict
from cevns.detectors.catalogue import builtin_text
from cevns.detectors.schema import parse_detector
from cevns.validation import RANGES

CSI = builtin_text("csi-2021")
LAR = builtin_text("cenns10-2020")


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ----------------------------------------------------------------------------- exposure kinds
@pytest.mark.parametrize(
    ("detector", "exposure", "names"),
    [
        ("conus", "3e23 POT", ["POT", "fission"]),  # protons on target for a reactor
        ("xenonnt", "1 year", ["1 year", "burst"]),  # a live time for a supernova burst
        ("csi-2021", "1 burst", ["burst", "proton on target"]),  # a burst for a beam
        ("csi-2021", "1 year", ["1 year"]),  # a bare time for a beam
    ],
)
def test_exposure_kind_is_checked_against_the_source(detector: str, exposure: str,
                                                     names: list[str]) -> None:
    out = run_cli(["predict", detector, "--exposure", exposure])
    assert_one_line_error(out, "exposure", *names)


# ----------------------------------------------------------------------------- magnitudes
@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["predict", "csi-2021", "--exposure", "1e308 POT"], ["exposure", "allowed range"]),
        (["predict", "csi-2021", "--exposure", "1e-300 POT"], ["exposure", "allowed range"]),
        (["source", "sns", "--distance", "1e-200 m"], ["distance", "outside the allowed"]),
        (["source", "sns", "--distance", "1e-30 m"], ["distance", "outside the allowed range"]),
        (["source", "sns", "--distance", "1e300 m"], ["distance"]),
    ],
)
def test_extreme_magnitudes_on_the_command_line(args: list[str], names: list[str]) -> None:
    assert_one_line_error(run_cli(args), *names)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('mass = "14.6 kg"', 'mass = "1e300 kg"', "detector.mass"),
        ('mass = "14.6 kg"', 'mass = "1e-300 kg"', "detector.mass"),
        ('distance = "19.3 m"', 'distance = "1e-200 m"', "detector.distance"),
        ('distance = "19.3 m"', 'distance = "1e300 m"', "detector.distance"),
        ('proton_energy = "0.984 GeV"', 'proton_energy = "1e-9 GeV"', "source.proton_energy"),
        ("d = -0.333322", "d = nan", "efficiency.d"),  # an unconstrained float
        ("a = 1.32045", "a = inf", "efficiency.a"),
    ],
)
def test_extreme_magnitudes_in_a_detector_file(old: str, new: str, field: str) -> None:
    with pytest.raises(DetectorFileError, match=rf"^{field}: .*\(bad\.toml, line \d+\)$"):
        parse_detector(_edit(CSI, old, new), "bad.toml")


def test_every_range_is_stated_and_checked_at_its_boundary() -> None:
    from cevns.validation import in_range

    for key, allowed in RANGES.items():
        assert 0 < allowed.low < allowed.high < np.inf
        assert in_range(allowed.low, key) == allowed.low
        assert in_range(allowed.high, key) == allowed.high
        for outside in (allowed.low * 0.999, allowed.high * 1.001, np.nan, np.inf):
            with pytest.raises(ValueError, match=r"outside the allowed range \["):
                in_range(outside, key)


def test_predict_refuses_non_finite_results_and_json_never_has_nan() -> None:
    from cevns.cli.errors import to_json

    with pytest.raises(ValueError, match=r"^output: .*counts\[1\]"):
        to_json({"counts": [1.0, float("nan")]})
    assert to_json({"x": [float("inf")]}, non_finite_as_null=True) == '{"x": [null]}'
    det = load_detector("csi-2021")
    top = predict(None, det, RANGES["proton on target"].high)
    assert np.all(np.isfinite(top.counts)) and top.total > 0
    low = predict(None, det, RANGES["proton on target"].low)
    assert low.total > 0  # no underflow to a silent zero at the low end


# ----------------------------------------------------------------------------- sizes
def test_unit_parsing_is_linear_and_long_text_is_refused() -> None:
    start = time.perf_counter()
    for text in ("1 " + "k" * 100_000, "1 k" + " " * 100_000 + "x", "1" * 100_000 + " kg"):
        with pytest.raises(ValueError, match=r"^value: 1000\d\d characters is too long"):
            u.parse_quantity(text, "mass")
        out = run_cli(["predict", "csi-2021", "--exposure", text])
        assert_one_line_error(out, "exposure", "too long")
    assert time.perf_counter() - start < 10.0
    # the regular expression itself is linear: 20 000 spaces inside a unit
    start = time.perf_counter()
    assert u._QUANTITY.match("1 k" + " " * 20_000 + "x") is not None
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # the default is 16 sub-bins per energy bin, so a tiny bin alone is harmless; a
        # tiny explicit sub-bin width is what would allocate without bound
        ('energy_edges = [0, 10,', 'fine_width = 1e-9\nenergy_edges = [0, 10,', "sub-bins"),
        ("energy_edges = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]",
         "energy_edges = [" + ", ".join(str(i) for i in range(20_000)) + "]",
         "at most 10001"),
        ("energy_edges = [0, 10,", "energy_edges = " + "[" * 3000 + "]" * 3000 + "\nx = [0, 10,",
         "nested too deeply"),
    ],
)
def test_pathological_sizes_fail_before_allocation(old: str, new: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(DetectorFileError, match=message):
        parse_detector(_edit(LAR, old, new), "big.toml")
    assert time.perf_counter() - start < 5.0


# ----------------------------------------------------------------------------- file references
def _table_detector(folder: Path, reference: str, extra: str = "") -> Path:
    text = _edit(
        LAR,
        LAR[LAR.index("[efficiency]"):LAR.index("[psd]")],
        f'[efficiency]\nkind = "table"\nvariable = "observable"\nunit = "keVee"\n'
        f'file = "{reference}"\n{extra}\n',
    )
    path = folder / "det.toml"
    path.write_text(text)
    return path


def test_a_table_below_the_detector_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "eff.txt").write_text("# keVee  efficiency\n0 0\n20 0.5\n40, 0.9\n120 0.95\n")
    det = load_detector_file(_table_detector(tmp_path, "eff.txt"))
    assert det.response.efficiency is not None


@pytest.mark.parametrize(
    ("reference", "content", "message"),
    [
        ("../outside.txt", None, "outside the detector file's folder"),
        ("/etc/hostname", None, "outside the detector file's folder"),
        ("missing.txt", None, "does not exist"),
        ("empty.txt", "", "0 data row"),
        ("one.txt", "0\n1\n2\n", "1 column"),
        ("cols.txt", "0 0\n1 1\n", "column index 5"),
        ("text.txt", "0 secret-content\n1 1\n", "not a number"),
        ("bytes.txt", b"0 0\n1 \xff\n", "line 2 is not UTF-8"),
        ("folder", "DIR", "is a folder"),
    ],
)
def test_bad_table_references(tmp_path: Path, reference: str, content: str | bytes | None,
                              message: str) -> None:
    folder = tmp_path / "det"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text("0 0\n1 1\n")
    if content == "DIR":
        (folder / reference).mkdir()
    elif isinstance(content, bytes):
        (folder / reference).write_bytes(content)
    elif content is not None:
        (folder / reference).write_text(content)
    extra = "columns = [0, 5]" if reference == "cols.txt" else ""
    with pytest.raises(DetectorFileError, match=r"^efficiency\.file: ") as info:
        load_detector_file(_table_detector(folder, reference, extra))
    assert message in str(info.value)
    assert "secret-content" not in str(info.value)  # never echo a file's content


def test_file_and_points_together_and_special_files(tmp_path: Path) -> None:
    (tmp_path / "eff.txt").write_text("0 0\n1 1\n")
    with pytest.raises(DetectorFileError, match="either file or points/values"):
        load_detector_file(_table_detector(tmp_path, "eff.txt", "points = [0, 1]\nvalues = [0, 1]"))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(DetectorFileError, match="not a regular file"):
        load_detector_file(_table_detector(tmp_path, "fifo"))
    assert time.perf_counter() - start < 5.0  # never blocks on a FIFO
    os.environ["CEVNS_ALLOWED_ROOTS"] = "/dev"
    try:
        with pytest.raises(DetectorFileError, match="not a regular file"):
            load_detector_file(_table_detector(tmp_path, "/dev/zero"))
    finally:
        del os.environ["CEVNS_ALLOWED_ROOTS"]


def test_detector_file_itself_must_be_a_regular_utf8_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(CSI.encode("utf-8").replace(b"CsI[Na]", b"CsI\xe9", 1))
    with pytest.raises(DetectorFileError, match=r"latin1\.toml' line \d+ is not UTF-8"):
        load_detector_file(bad)
    out = run_cli(["predict", str(bad)])
    assert_one_line_error(out, "latin1.toml", "UTF-8")


# ----------------------------------------------------------------------------- naming
def test_errors_name_the_right_thing() -> None:
    assert_one_line_error(run_cli(["source", "sns", "--yield", "1.5"]), "--yield")
    assert_one_line_error(run_cli(["predict", "csi-2021", "--roi", "e PE:1 PE"]), "roi")
    with pytest.raises(DetectorFileError, match=r"^psd\.energy_unit: .*furlong"):
        parse_detector(_edit(LAR, 'energy_unit = "keVee"                       # keVee',
                             'energy_unit = "furlong"'), "lar.toml")
    with pytest.raises(DetectorFileError, match=r"^smearing\.light_yield: .*line \d+\)$"):
        parse_detector(_edit(LAR, 'kind = "gaussian"', 'kind = "gaussian"\nlight_yield = "e"'),
                       "lar.toml")
    with pytest.raises(DetectorFileError, match=r"^source\.proton_energy: "):
        parse_detector(_edit(CSI, 'proton_energy = "0.984 GeV"', 'proton_energy = "-1 GeV"'),
                       "csi.toml")


# ----------------------------------------------------------------------------- loose typing
def test_loose_typing_is_refused() -> None:
    with pytest.raises(DetectorFileError, match=r"^detector\.mass: true/false"):
        parse_detector(_edit(CSI, 'mass = "14.6 kg"', "mass = true"), "t.toml")
    with pytest.raises(DetectorFileError, match=r"^efficiency\.a: true/false"):
        parse_detector(_edit(CSI, "a = 1.32045", "a = true"), "t.toml")
    with pytest.raises(ValueError, match=r"^detector: expected a Detector"):
        predict(None, None)  # type: ignore[arg-type]
    det = load_detector("csi-2021")
    for exposure in ("3e23", b"3e23", True):
        with pytest.raises(ValueError, match=r"^exposure: expected a number"):
            predict(None, det, exposure)  # type: ignore[arg-type]
    from cevns.validation import non_negative_array, positive_scalar

    for energy in ("10", b"10", True, ["1", "2"]):
        with pytest.raises(ValueError, match=r"^energy: expected"):
            non_negative_array(energy, "energy")
        with pytest.raises(ValueError, match=r"^energy: expected"):
            positive_scalar(energy, "energy", "MeV")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("E_low [keVee], E_high [keVee], observed, sig\n", "header but no data rows"),
        ("E_low [keVee], E_high [keVee], observed, sig, sig\n0, 1, 3, 1, 1\n", "appears twice"),
        ("E_low [keVee], E_high [keVee], observed, sig\n0, 1, e, 1\n",
         "'observed' is not a number"),
    ],
)
def test_binned_csv_typing(tmp_path: Path, text: str, message: str) -> None:
    from cevns.stats.data import BinnedDataError, read_binned_csv

    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(BinnedDataError, match=r"d\.csv") as info:
        read_binned_csv(path)
    assert message in str(info.value)


# ----------------------------------------------------------------------------- releases
def _copy(shared_data: Path, tmp_path: Path, release: str) -> Path:
    folder = tmp_path / release
    shutil.copytree(shared_data / release, folder)
    return folder


def test_release_values_outside_the_published_range(shared_data: Path, tmp_path: Path) -> None:
    from cevns.experiments.releases import ReleaseFormatError, load_csi_2021, load_lar_2020

    csi = _copy(shared_data, tmp_path, "coherent-csi-2021")
    lines = (csi / "brnPE.txt").read_text().splitlines()
    lines[10] = lines[10].split()[0] + " 1e300"
    (csi / "brnPE.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(ReleaseFormatError, match=r"brnPE\.txt:11: PDF value 1e\+300 outside"):
        load_csi_2021(csi)
    lar = _copy(shared_data, tmp_path, "coherent-lar-2020")
    (lar / "cevnspdf.txt").write_bytes(b"\xff\xfe" + (lar / "cevnspdf.txt").read_bytes())
    with pytest.raises(ReleaseFormatError, match=r"cevnspdf\.txt: not UTF-8"):
        load_lar_2020(lar)


def test_release_numbers_read_but_not_used_are_checked(shared_data: Path, tmp_path: Path
                                                       ) -> None:
    from cevns.experiments.releases import ReleaseFormatError, load_lar_2020

    lar = _copy(shared_data, tmp_path, "coherent-lar-2020")
    yaml_path = lar / "LArParametersAnlA.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("value: 0.09", "value: 0.2", 1))
    with pytest.raises(ReleaseFormatError,
                       match=r"LArParametersAnlA\.yaml:\d+: neutrinosPerProton\.value is 0\.2"):
        load_lar_2020(lar)


# ----------------------------------------------------------------------------- determinism
def test_json_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    """Same command, different hash seeds and working folders: byte-identical JSON."""
    outputs = []
    for seed, folder in (("0", tmp_path / "a"), ("12345", tmp_path / "b")):
        folder.mkdir()
        threads = "1" if seed == "0" else "2"
        env = {**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": threads,
               "OPENBLAS_NUM_THREADS": threads}
        result = subprocess.run(
            [str(Path(sys.executable).with_name("cevns")), "predict", "csi-2021", "--json",
             "--output", str(folder / "p.json")],
            cwd=folder, env=env, capture_output=True, timeout=300, check=False,
        )
        assert result.returncode == 0, result.stderr.decode()[-500:]
        outputs.append((result.stdout, (folder / "p.json").read_bytes()))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][1])["total"] > 0
