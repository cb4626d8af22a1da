"""The plotting plumbing: the ``--plot`` output rule, provenance metadata, reproducible
files, the fixed palette, and that ``import cevns`` does not import matplotlib."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cevns.flavours import Flavour
from cevns.plotting import style
from cevns.plotting.figure import Provenance, new_figure, output_paths, save_figure


def test_output_rule_file_and_folder(tmp_path: Path) -> None:
    by_file = output_paths(tmp_path / "fig.png", "ignored")
    assert by_file == {f: tmp_path / f"fig.{f}" for f in ("pdf", "svg", "png")}
    assert output_paths(tmp_path / "fig.SVG", "x")["pdf"] == tmp_path / "fig.pdf"
    by_folder = output_paths(tmp_path / "out", "csi_energy")
    assert by_folder["png"] == tmp_path / "out" / "csi_energy.png"


def _small_figure() -> object:
    fig, ax = new_figure(figsize=(3, 2))
    ax.plot([0, 1], [0, 1], label="x")
    return fig


def test_every_format_carries_provenance_and_no_date(tmp_path: Path) -> None:
    prov = Provenance(description="test figure", command="cevns fit coherent-csi-2021",
                      data={"coherent-csi-2021": "coherent-csi-2021@0123456789ab"})
    paths = save_figure(_small_figure(), tmp_path / "f.png", "f", prov)  # type: ignore[arg-type]
    assert sorted(p.suffix for p in paths) == [".pdf", ".png", ".svg"]
    from PIL import Image

    with Image.open(tmp_path / "f.png") as img:
        text = dict(img.text)  # type: ignore[attr-defined]
    assert text["Command"] == "cevns fit coherent-csi-2021"
    assert text["Data coherent-csi-2021"] == "coherent-csi-2021@0123456789ab"
    assert text["Software"].startswith("cevns ")
    svg = (tmp_path / "f.svg").read_text()
    assert "coherent-csi-2021@0123456789ab" in svg and "<dc:date>" not in svg
    pdf = (tmp_path / "f.pdf").read_bytes()
    assert b"coherent-csi-2021@0123456789ab" in pdf and b"/CreationDate" not in pdf


def test_vector_output_is_reproducible(tmp_path: Path) -> None:
    """Same figure, same provenance: byte-identical PDF and SVG (no dates, fixed SVG ids)."""
    prov = Provenance(command="cevns test")
    first = save_figure(_small_figure(), tmp_path / "a", "f", prov)  # type: ignore[arg-type]
    second = save_figure(_small_figure(), tmp_path / "b", "f", prov)  # type: ignore[arg-type]
    for fa, fb in zip(first, second, strict=True):
        if fa.suffix in (".svg", ".pdf"):
            assert fa.read_bytes() == fb.read_bytes(), fa.suffix


def test_unwritable_target_is_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ValueError, match="plot: cannot write"):
        save_figure(_small_figure(), blocker / "sub" / "f.png", "f")  # type: ignore[arg-type]


def test_palette_is_fixed_and_distinct() -> None:
    assert set(style.FLAVOUR_COLOURS) == set(Flavour)
    assert len(set(style.FLAVOUR_COLOURS.values())) == len(Flavour)
    comps = ["cevns", "steady_state", "brn", "delayed_brn", "nin"]
    assert len({style.component_colour(c) for c in comps}) == len(comps)
    assert style.component_colour("csi/cevns") == style.component_colour("cevns")
    order = ["cevns", "extra_a", "extra_b"]
    assert style.component_colour("extra_a", order) != style.component_colour("extra_b", order)
    assert style.component_label("steady_state") == "Steady-state background"
    assert style.component_label("my_new_bkg") == "My new bkg"
    assert style.axis_label("energy", "keVee") == "Visible energy [keVee]"
    assert style.axis_label("energy", "keVnr") == "Nuclear recoil energy [keVnr]"
    assert style.axis_label("energy", "PE") == "Photoelectrons [PE]"
    assert style.axis_label("time", "µs") == "Arrival time [µs]"
    assert style.axis_label("depth", "m") == "Depth [m]"
    assert style.axis_label("t", "us") == "t [µs]"
    assert style.flavour_label("nu_mu_bar") == r"$\bar{\nu}_{\mu}$"
    assert style.spans_decades([1e-3, 1.0, 10.0]) and not style.spans_decades([1.0, 50.0])


def test_import_cevns_does_not_import_matplotlib() -> None:
    code = ("import sys, cevns, cevns.plotting, cevns.plotting.style; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
