"""Quick what-ifs on `cevns predict`, `cevns xsec --source`, `cevns fit DATA.csv` and the data
folder that does not depend on the current directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cevns import paths
from cevns import units as u
from cevns.cli.main import app
from cevns.cli.predict import apply_overrides
from cevns.detectors import load_detector, predict

runner = CliRunner()


def _total(args: list[str]) -> float:
    res = runner.invoke(app, ["predict", *args, "--json"])
    assert res.exit_code == 0, res.output
    return float(json.loads(res.output)["total"])


def test_mass_and_distance_scale_exactly() -> None:
    """N ∝ M / L² (exact: the flux falls as 1/(4πL²))."""
    base = _total(["coh-ar-750"])
    assert _total(["coh-ar-750", "--mass", "1220 kg"]) == pytest.approx(2 * base, rel=1e-12)
    assert _total(["coh-ar-750", "--distance", "55 m"]) == pytest.approx(base / 4, rel=1e-12)


def test_threshold_names_its_scale() -> None:
    det = load_detector("coh-ar-750")  # its file: a sharp 20 keVnr recoil threshold
    same, notes = apply_overrides(det, threshold="20 keVnr")
    assert predict(None, same).total == pytest.approx(predict(None, det).total, rel=1e-12)
    assert "sharp step" in notes[0]
    lower, _ = apply_overrides(det, threshold="10 keVnr")
    assert predict(None, lower).total > predict(None, det).total
    for bad in ("10 keV", "10 PE"):
        with pytest.raises(ValueError, match=r"^--threshold: "):
            apply_overrides(det, threshold=bad)
    visible, _ = apply_overrides(det, threshold="5 keVee")
    eff = visible.response.efficiency
    assert eff is not None and eff.variable == "observable"
    assert eff.threshold == pytest.approx(5 * u.keVee)


def test_target_and_source_overrides() -> None:
    res = runner.invoke(app, ["predict", "csi-2021", "--target", "CsI[Na]", "--json"])
    payload = json.loads(res.output)
    assert payload["total"] == pytest.approx(_total(["csi-2021"]), rel=1e-12)
    assert any("dopant Na ignored" in note for note in payload["overrides"])
    res = runner.invoke(app, ["predict", "ge-mini", "--source", "sns_ppu", "--json"])
    assert res.exit_code == 0, res.output
    assert any("POT kept" in note for note in json.loads(res.output)["overrides"])
    bad = runner.invoke(app, ["predict", "ge-mini", "--source", "conus"])
    assert bad.exit_code == 2 and "--exposure" in bad.output
    ok = runner.invoke(app, ["predict", "conus", "--source", "sns_ppu", "--distance", "20 m",
                             "--exposure", "1.4 MW for 5000 h"])
    assert ok.exit_code == 0, ok.output


def test_xsec_source() -> None:
    sns = json.loads(runner.invoke(app, ["xsec", "-t", "CsI", "--json"]).output)
    ess = json.loads(runner.invoke(app, ["xsec", "-t", "CsI", "--source", "ess",
                                         "--json"]).output)
    # every πDAR facility has the same spectral shape, so the same ⟨σ⟩
    assert ess["cross_sections"]["CsI"]["total"] == pytest.approx(
        sns["cross_sections"]["CsI"]["total"], rel=1e-12)
    conus = json.loads(runner.invoke(app, ["xsec", "-t", "Ge", "--source", "conus",
                                           "--json"]).output)
    assert set(conus["cross_sections"]["Ge"]) == {"nu_e_bar", "total"}
    assert conus["cross_sections"]["Ge"]["total"] < 1e-40  # MeV reactor ν: far below πDAR
    bad = runner.invoke(app, ["xsec", "--source", "nowhere"])
    assert bad.exit_code == 2 and "unknown source" in bad.output


TOY = """# toy: 2 energy bins x 2 time bins
E_low [keVee], E_high [keVee], t_low [us], t_high [us], observed, cevns, bkg
0, 10, 0, 1, 30, 20, 8
0, 10, 1, 6, 14, 5, 10
10, 20, 0, 1, 12, 8, 3
10, 20, 1, 6, 9, 2, 6
"""


def test_fit_user_csv(tmp_path: Path) -> None:
    f = tmp_path / "toy.csv"
    f.write_text(TOY)
    res = runner.invoke(app, ["fit", str(f), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["signal"] == "cevns" and out["axes"] == ["E [keVee]", "t [us]"]
    # Poisson ML with every normalisation free: fitted total = observed total (exact
    # score-equation identity; the 2e-3 tolerance is MIGRAD's default convergence)
    total = sum(v["value"] for v in out["yields"].values())
    assert total == pytest.approx(65, rel=2e-3)
    constrained = json.loads(runner.invoke(app, ["fit", str(f), "--constrain", "bkg=10%",
                                                 "--json"]).output)
    assert constrained["significance_sigma"] > out["significance_sigma"] > 3
    table = runner.invoke(app, ["fit", "file", str(f)])
    assert table.exit_code == 0 and "mu_cevns" in table.output and "σ" in table.output
    bad = runner.invoke(app, ["fit", str(f), "--constrain", "bkg"])
    assert bad.exit_code == 2 and "--constrain" in bad.output
    bad = runner.invoke(app, ["fit", str(tmp_path / "missing.csv")])
    assert bad.exit_code == 2


def test_data_folder_does_not_depend_on_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.delenv("CEVNS_DATA", raising=False)
    monkeypatch.delenv("CEVNS_COHERENT_DATA", raising=False)
    before = paths.data_dirs()
    monkeypatch.chdir(tmp_path)
    assert paths.data_dirs() == before
    monkeypatch.setenv("CEVNS_DATA", str(tmp_path))
    assert paths.data_dirs()[0] == tmp_path and paths.default_data_dir() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if paths.sys.platform.startswith("linux"):
        assert paths.user_data_dir() == tmp_path / "xdg" / "cevns"


def test_release_names_match_the_readers() -> None:
    from cevns.cli.data import RELEASE_NAMES
    from cevns.cli.fit import CSI_NAME, LAR_NAME
    from cevns.experiments.releases import RELEASES

    assert set(RELEASE_NAMES) == set(RELEASES) >= {CSI_NAME, LAR_NAME}


def test_data_fetch_defaults_to_the_data_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --to, a release goes to <data folder>/<name>, where `cevns fit` looks."""
    import cevns.experiments.fetch as fetch

    seen: list[Path] = []

    def fake_fetch(name: str, to: Path, progress: object = None) -> Path:
        seen.append(Path(to))
        return Path(to)

    monkeypatch.setattr(fetch, "fetch_release", fake_fetch)
    monkeypatch.setenv("CEVNS_DATA", str(tmp_path))
    res = runner.invoke(app, ["data", "fetch", "coherent-csi-2021"])
    assert res.exit_code == 0, res.output
    assert seen == [tmp_path / "coherent-csi-2021"]
