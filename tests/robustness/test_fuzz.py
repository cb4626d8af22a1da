"""Property-based robustness: generated bad inputs end in a clear error or a sane result.

For every generated case: either success with finite, physically bounded output, or an error
that is one line naming the parameter/file/line — never a traceback, a NaN or a hang (each
case runs under a time limit). ``make test`` runs a bounded number of examples per property;
``make fuzz`` runs many more (``CEVNS_FUZZ_EXAMPLES``) with fresh random draws.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutations import damaged_lines, mutated_detector_text, quantity_text
from robust_helpers import (
    FUZZ,
    CaseTimeout,
    all_finite,
    assert_clean,
    assert_named_one_line,
    run_cli,
    time_limit,
)

from cevns.detectors import DetectorFileError, predict
from cevns.detectors.schema import parse_detector

# Hypothesis warns when it prints a generated 100 000-character input; the size is the point.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

def assert_sane_prediction(counts: np.ndarray) -> None:
    assert np.all(np.isfinite(counts)), "prediction has NaN or inf"
    assert np.all(counts >= 0), "negative expected counts"


# ----------------------------------------------------------------------------- detector files
@FUZZ
@given(case=mutated_detector_text())
def test_mutated_detector_files(case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
                                ) -> None:
    _name, text = case
    base = tmp_path_factory.mktemp("det")
    try:
        with time_limit():
            det = parse_detector(text, "fuzz.toml", base)
            exposure = det.exposure if det.exposure is not None else 1.0
            pred = predict(None, det, exposure)
            assert_sane_prediction(pred.counts)
    except CaseTimeout:
        raise
    except Exception as exc:
        message = assert_named_one_line(exc)
        if isinstance(exc, DetectorFileError):
            assert "fuzz.toml" in message, message


# ----------------------------------------------------------------------------- CLI options
@FUZZ
@given(
    detector=st.sampled_from(["csi-2021", "conus", "cenns10-2020", "xenonnt", "csi-2017"]),
    exposure=st.one_of(st.none(), quantity_text()),
    roi=st.lists(st.builds(lambda a, b: f"{a}:{b}", quantity_text(), quantity_text())
                 | quantity_text(), max_size=2),
)
def test_predict_options(detector: str, exposure: str | None, roi: list[str]) -> None:
    args = ["predict", detector, "--json"]
    if exposure is not None:
        args += ["--exposure", exposure]
    for window in roi:
        args += ["--roi", window]
    out = run_cli(args)
    assert_clean(out)
    if out.exit_code == 0:
        payload = json.loads(out.stdout)
        assert all_finite(payload)
        assert payload["total"] >= 0


@FUZZ
@given(
    name=st.sampled_from(["sns", "lujan", "conus", "sn", "[/x]", "", "SNS"])
    | st.text(max_size=10),
    distance=st.one_of(st.none(), quantity_text()),
    neutrino_yield=st.one_of(st.none(), st.sampled_from(["lar2020", "0.08", "1.5", "-1", "nan",
                                                         "1e-300", "inf", "[/x]", "0"])),
)
def test_source_options(name: str, distance: str | None, neutrino_yield: str | None) -> None:
    args = ["source", name, "--json"]
    if distance is not None:
        args += ["--distance", distance]
    if neutrino_yield is not None:
        args += ["--yield", neutrino_yield]
    out = run_cli(args)
    assert_clean(out)
    if out.exit_code == 0:
        assert all_finite(json.loads(out.stdout))


@FUZZ
@given(target=st.one_of(st.sampled_from(["CsI", "Ar", "D2O", "C3F8", "Xe136", "[/x]", ":x:",
                                         "Ge" * 500, "H" + "2" * 40, "(CsI)", "Na0.01",
                                         "CsI[Na]"]), st.text(max_size=12)))
def test_xsec_targets(target: str) -> None:
    out = run_cli(["xsec", "--json", "-t", target])
    assert_clean(out)
    if out.exit_code == 0:
        assert all_finite(json.loads(out.stdout))


# ----------------------------------------------------------------------------- releases
def _damaged_release(shared_data: Path, tmp: Path, release: str, filename: str,
                     lines: list[str]) -> Path:
    folder = tmp / release
    shutil.copytree(shared_data / release, folder)
    (folder / filename).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _release_files(shared_data: Path | None, release: str) -> list[str]:
    if shared_data is None:
        return []
    return sorted(p.name for p in (shared_data / release).iterdir() if p.is_file())


@pytest.mark.parametrize("release", ["coherent-csi-2021", "coherent-lar-2020"])
def test_damaged_releases(release: str, shared_data: Path,
                          tmp_path_factory: pytest.TempPathFactory) -> None:
    from cevns.experiments.releases import load_csi_2021, load_lar_2020

    loader = load_csi_2021 if release == "coherent-csi-2021" else load_lar_2020
    files = _release_files(shared_data, release)

    @FUZZ
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        filename = data.draw(st.sampled_from(files))
        original = (shared_data / release / filename).read_text(encoding="utf-8").splitlines()
        lines = data.draw(damaged_lines(original))
        folder = _damaged_release(shared_data, tmp_path_factory.mktemp("rel"), release,
                                  filename, lines)
        try:
            with time_limit():
                loaded = loader(folder)
        except CaseTimeout:
            raise
        except Exception as exc:
            message = assert_named_one_line(exc)
            assert filename in message, message
            return
        for value in vars(loaded).values():
            if isinstance(value, np.ndarray):
                assert np.all(np.isfinite(value))
                assert np.all(np.abs(value) < 1e30), f"{filename}: absurd value accepted"
            if isinstance(value, dict):
                for array in value.values():
                    if isinstance(array, np.ndarray):
                        assert np.all(np.isfinite(array)) and np.all(np.abs(array) < 1e30)

    check()
