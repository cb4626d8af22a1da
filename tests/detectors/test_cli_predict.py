"""`cevns predict` / `cevns detectors` (registered on a fresh typer app, as the lead wires it)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cevns import units as u
from cevns.cli.predict import parse_exposure, parse_roi, register
from cevns.detectors import load_detector

app = typer.Typer()
register(app)
runner = CliRunner()


def test_detectors_lists_the_catalogue() -> None:
    result = runner.invoke(app, ["detectors", "--json"])
    assert result.exit_code == 0, result.output
    names = {row["name"] for row in json.loads(result.output)}
    assert {"csi-2021", "cenns10-2020", "conus", "xenonnt"} <= names


def test_predict_json_roi_and_files(tmp_path: Path) -> None:
    out_csv = tmp_path / "csi.csv"
    out_png = tmp_path / "csi.png"
    result = runner.invoke(
        app,
        [
            "predict", "csi-2021", "--roi", "8 PE:60 PE", "--roi", "0 us:6 us", "--json",
            "--output", str(out_csv), "--plot", str(out_png),
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["detector"] == "csi-2021"
    assert payload["energy_edges_PE"][-1] == 60
    assert payload["time_edges_us"][-1] == 6
    assert payload["roi"]["total"] < payload["total"]  # 0-8 PE left out
    assert sum(payload["by_flavour"].values()) == pytest.approx(payload["total"], rel=1e-9)
    with out_csv.open() as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.reader(lines))
    assert rows[0][:4] == ["energy_low [PE]", "energy_high [PE]", "time_low [us]", "time_high [us]"]
    assert len(rows) == 1 + 9 * 11
    assert sum(float(r[-1]) for r in rows[1:]) == pytest.approx(payload["total"], rel=1e-5)
    assert out_png.stat().st_size > 10_000


def test_predict_table_and_user_file(tmp_path: Path) -> None:
    from cevns.detectors.catalogue import builtin_text

    path = tmp_path / "mine.toml"
    path.write_text(builtin_text("cenns10-2020").replace('mass = "24.4 kg"', 'mass = "48.8 kg"'))
    result = runner.invoke(app, ["predict", str(path), "--exposure", "6.12 GWh"])
    assert result.exit_code == 0, result.output
    assert "expected CEvNS counts" in result.output and "by isotope" in result.output


def test_predict_errors_exit_2() -> None:
    bad = runner.invoke(app, ["predict", "nope"])
    assert bad.exit_code == 2 and "name: unknown detector" in bad.output
    bad = runner.invoke(app, ["predict", "csi-2021", "--exposure", "12 kg"])
    assert bad.exit_code == 2 and "exposure:" in bad.output
    bad = runner.invoke(app, ["predict", "csi-2021", "--roi", "8 keVee:60 keVee"])
    assert bad.exit_code == 2 and "roi:" in bad.output


def test_exposure_and_roi_parsing() -> None:
    det = load_detector("csi-2021")
    pot, _ = parse_exposure("13.99 GWh", det)
    assert pot == pytest.approx(3.195e23, rel=1e-3)  # release README: ≈ 3.20e23 POT
    assert parse_exposure("2e23 POT", det)[0] == 2e23
    conus = load_detector("conus")
    per_year, _ = parse_exposure("1 year", conus)
    assert per_year == pytest.approx(conus.exposure, rel=1e-12)
    lar = load_detector("cenns10-2020")
    energy, time = parse_roi(["20 keVee:60 keVee", "0 us:2 us"], lar)
    assert energy == pytest.approx((20 * u.keV, 60 * u.keV))
    assert time == pytest.approx((0.0, 2000.0))
    with pytest.raises(ValueError, match=r"^roi:"):
        parse_roi(["60 keVee:20 keVee"], lar)


def test_demo_prediction_payload() -> None:
    """`make demo` helper: CsI 2021 SM prediction, 341 ± 43 (Konovalov, COHERENT talk 2021;
    tolerance the 1σ)."""
    from cevns.cli.predict import run_demo_prediction

    payload = run_demo_prediction(as_json=False)
    assert abs(payload["total"] - 341.0) < 43.4
    assert len(payload["counts"]) == 9 and len(payload["counts"][0]) == 11


def test_json_carries_recoil_and_visible_spectra() -> None:
    """dN/dT and dN/dE_ee in the JSON integrate to the same total (no response applied): 1e-9."""
    import numpy as np

    from cevns.cli.predict import prediction_payload
    from cevns.detectors import predict

    payload = prediction_payload(predict(None, load_detector("csi-2021")), "test")
    t = np.asarray(payload["recoil_spectrum"]["T_edges_keVnr"])
    e = np.asarray(payload["visible_spectrum"]["Eee_edges_keVee"])
    n_t = sum(np.sum(np.asarray(v) * np.diff(t))
              for v in payload["recoil_spectrum"]["dN_dT_per_keVnr"].values())
    n_e = sum(np.sum(np.asarray(v) * np.diff(e))
              for v in payload["visible_spectrum"]["dN_dEee_per_keVee"].values())
    assert n_e == pytest.approx(n_t, rel=1e-9)
    assert n_t > payload["total"]  # before threshold and efficiencies
