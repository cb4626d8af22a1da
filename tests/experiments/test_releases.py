"""Release loaders read the published files exactly and reject damaged copies.

Reference numbers (exact, tolerance 0 or float round-off): the CENNS-10 release note
(arXiv:2006.12659) — 3752 events in datanobkgsub.txt, PDFs normalised to the predicted
128 CEvNS, 497 prompt BRN, 33 delayed BRN, 3152 steady state; the CsI 2021 release
(arXiv:2110.07730) — 5142 coincidence and 4890 anti-coincidence events as distributed.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from cevns.experiments.fetch import FetchError, fetch_release, verify_release
from cevns.experiments.releases import (
    CSI_2021,
    LAR_2020,
    ReleaseFormatError,
    load_csi_2021,
    load_lar_2020,
)


def test_csi_release_contents(csi_dir: Path) -> None:
    rel = load_csi_2021(csi_dir)
    assert rel.coincidence.shape == (5142, 2)
    assert rel.anticoincidence.shape == (4890, 2)
    # first event of dataBeamOnC.txt: 111.189 PE at 2.24 µs (= 2240 ns)
    np.testing.assert_allclose(rel.coincidence[0], [111.189, 2240.0])
    assert rel.brn_time[0, 0] == pytest.approx(-245.0)
    assert rel.quenching.shape == (5, 4) and rel.efficiency.shape == (3, 4)
    assert rel.quenching[0, 0] == pytest.approx(0.0554628)
    assert rel.version.startswith("coherent-csi-2021@") and "modified" not in rel.version
    # efficiency curve: 0 well below threshold, ~0.99 plateau at 60 PE
    eff = rel.efficiency_curve(np.array([0.0, 60.0]))
    assert eff[0] == 0.0 and 0.9 < eff[1] <= 1.0


def test_lar_release_contents(lar_dir: Path) -> None:
    rel = load_lar_2020(lar_dir)
    h = rel.histograms
    assert h["data"].shape == (12, 8, 10)
    assert h["data"].sum() == 3752
    for key, total in (("cevns", 128), ("brn", 497), ("delayed_brn", 33), ("steady_state", 3152)):
        assert h[key].sum() == pytest.approx(total, rel=1e-4)
    assert rel.parameter("fiducialMass") == 24.4
    assert rel.uncertainty("cevnsBestfitNormalization") == 43
    assert rel.time_edges[0] == pytest.approx(-100.0)
    assert "modified" not in rel.version


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    for p in dst.iterdir():
        p.chmod(0o644)
    return dst


def _edit_line(path: Path, line_number: int, new: str | None) -> None:
    lines = path.read_text().splitlines(keepends=True)
    if new is None:
        del lines[line_number - 1]
    else:
        lines[line_number - 1] = new
    path.write_text("".join(lines))


def test_missing_file_names_the_file(csi_dir: Path, tmp_path: Path) -> None:
    d = _copy(csi_dir, tmp_path)
    (d / "ninPE.txt").unlink()
    with pytest.raises(ReleaseFormatError, match=r"ninPE\.txt: file missing"):
        load_csi_2021(d)
    with pytest.raises(FileNotFoundError, match=r"^folder:"):
        load_csi_2021(tmp_path / "nowhere")


def test_truncated_event_file(csi_dir: Path, tmp_path: Path) -> None:
    d = _copy(csi_dir, tmp_path)
    text = (d / "dataBeamOnC.txt").read_text()
    (d / "dataBeamOnC.txt").write_text(text[: len(text) // 2])
    with pytest.raises(ReleaseFormatError, match=r"dataBeamOnC\.txt:\d+: expected 2 columns|"
                       r"dataBeamOnC\.txt:\d+: expected 5142 data lines"):
        load_csi_2021(d)
    # cut exactly at a line boundary: the count check catches it
    lines = text.splitlines(keepends=True)
    (d / "dataBeamOnC.txt").write_text("".join(lines[:1000]))
    with pytest.raises(ReleaseFormatError, match=r"dataBeamOnC\.txt:1000: expected 5142 data"):
        load_csi_2021(d)


def test_nan_value_names_file_and_line(csi_dir: Path, tmp_path: Path) -> None:
    d = _copy(csi_dir, tmp_path)
    _edit_line(d / "dataBeamOnAC.txt", 10, "nan 1.5\n")
    with pytest.raises(ReleaseFormatError, match=r"dataBeamOnAC\.txt:10: NaN or infinite"):
        load_csi_2021(d)


def test_reordered_pdf_names_the_line(csi_dir: Path, lar_dir: Path, tmp_path: Path) -> None:
    d = _copy(csi_dir, tmp_path)
    lines = (d / "brnTrec.txt").read_text().splitlines(keepends=True)
    lines[100], lines[101] = lines[101], lines[100]
    (d / "brnTrec.txt").write_text("".join(lines))
    with pytest.raises(ReleaseFormatError, match=r"brnTrec\.txt:101: bin centre"):
        load_csi_2021(d)
    d2 = _copy(lar_dir, tmp_path / "lar")
    lines = (d2 / "cevnspdf.txt").read_text().splitlines(keepends=True)
    lines[3], lines[50] = lines[50], lines[3]
    (d2 / "cevnspdf.txt").write_text("".join(lines))
    with pytest.raises(ReleaseFormatError, match=r"cevnspdf\.txt:4: F90 bin centre"):
        load_lar_2020(d2)


def test_lar_nan_and_truncation(lar_dir: Path, tmp_path: Path) -> None:
    d = _copy(lar_dir, tmp_path)
    _edit_line(d / "datanobkgsub.txt", 7, "5 0.525 3.15 nan\n")
    with pytest.raises(ReleaseFormatError, match=r"datanobkgsub\.txt:7: NaN"):
        load_lar_2020(d)
    shutil.copy(lar_dir / "datanobkgsub.txt", d / "datanobkgsub.txt")
    _edit_line(d / "brnpdf.txt", 960, None)
    with pytest.raises(ReleaseFormatError, match=r"brnpdf\.txt:959: expected 960 data lines"):
        load_lar_2020(d)


def test_verify_and_fetch_offline(lar_dir: Path, tmp_path: Path) -> None:
    assert verify_release("coherent-lar-2020", lar_dir) == {}

    def serve(url: str) -> io.BytesIO:
        name = url.rsplit("/", 1)[1].split("?")[0]
        return io.BytesIO((lar_dir / name).read_bytes())

    out = fetch_release("coherent-lar-2020", tmp_path / "lar", opener=serve)
    assert verify_release("coherent-lar-2020", out) == {}
    assert load_lar_2020(out).version == load_lar_2020(lar_dir).version

    def corrupt(url: str) -> io.BytesIO:
        return io.BytesIO(b"not the release\n")

    with pytest.raises(FetchError, match=r"sha256 .* does not match"):
        fetch_release("coherent-csi-2021", tmp_path / "bad", opener=corrupt)
    assert not list((tmp_path / "bad").glob("*.part"))

    def offline(url: str) -> io.BytesIO:
        raise OSError("Network is unreachable")

    with pytest.raises(FetchError, match=r"could not download .*by hand.*--data"):
        fetch_release("coherent-csi-2021", tmp_path / "off", opener=offline)
    with pytest.raises(ValueError, match=r"^name: unknown release"):
        fetch_release("nope", tmp_path)


def test_manifest_urls() -> None:
    assert CSI_2021.url("brnPE.txt") == "https://arxiv.org/src/2110.07730v2/anc/brnPE.txt"
    assert "zenodo.org/records/3903810" in LAR_2020.url("bkgpdf.txt")
