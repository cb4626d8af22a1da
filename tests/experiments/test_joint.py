"""Joint CsI 2021 + CENNS-10 fit with a shared flux nuisance.

Checks (no published joint number exists for this pair of releases): with separate signal
strengths the joint fit reproduces each detector's own fit (same μ̂ to 0.01, the shared flux
nuisance is only constrained by its prior); with a common μ the result lies between the two
(CsI μ̂ ≈ 0.85, LAr ≈ 1.26, CsI dominating by statistics).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cevns.experiments.csi2021 import build_csi_2021
from cevns.experiments.joint import build_joint
from cevns.experiments.lar2020 import build_lar_2020
from cevns.stats import fit


def test_joint_separate_signals_reproduce_single_fits(csi_dir: Path, lar_dir: Path) -> None:
    pytest.importorskip("cevns.detectors.coherent")
    joint = build_joint(csi_dir, lar_dir, common_signal=False)
    res = fit(joint.likelihood)
    csi = fit(build_csi_2021(csi_dir).likelihood)
    lar = fit(build_lar_2020(lar_dir).likelihood)
    assert res.value("csi/mu_csi") == pytest.approx(csi.value("mu_cevns"), abs=0.01)
    assert res.value("lar/mu_lar") == pytest.approx(lar.value("mu_cevns"), abs=0.01)
    assert "flux" in res.parameter_names and "csi/flux" not in res.parameter_names
    assert res.nll == pytest.approx(csi.nll + lar.nll, abs=0.05)


def test_joint_common_signal(csi_dir: Path, lar_dir: Path, tmp_path: Path) -> None:
    from cevns.plotting.analysis import plot_analysis

    pytest.importorskip("cevns.detectors.coherent")
    joint = build_joint(csi_dir, lar_dir)
    result = joint.run(scan=[0.7, 0.9, 1.1])
    names = sorted(p.name.split("lar2020_")[1] for p in plot_analysis(joint, result, tmp_path))
    assert names == ["csi_energy.png", "csi_time.png", "lar_F90.png", "lar_energy.png",
                     "lar_time.png", "profile.png"]
    mu = result.signal_strength[0]
    assert 0.85 < mu < 1.0
    assert result.significance > 11.3  # at least the CsI-only significance
    d = result.as_dict()
    assert "+" in d["data_version"]
    assert set(d["yields"]) >= {"csi/cevns", "lar/cevns"}
    # Trap closed: every headline number says which detector(s) it belongs to.
    assert d["detectors"].startswith("joint: CsI[Na] 2021 + CENNS-10 LAr 2020")
    assert d["signal_detectors"] == "CsI[Na] 2021 + CENNS-10 LAr 2020 (common μ)"
    assert d["channel_labels"] == {"csi": "CsI[Na] 2021", "lar": "CENNS-10 LAr 2020"}
    from rich.console import Console

    from cevns.cli.fit import _print

    out = Console(record=True, width=200)
    _print(result, out)
    text = out.export_text()
    assert "CsI[Na] 2021: cevns" in text and "CENNS-10 LAr 2020: cevns" in text
    for headline in ("signal strength", "significance", "χ²/dof"):
        line = next(x for x in text.splitlines() if headline in x)
        assert "CsI[Na] 2021 + CENNS-10 LAr 2020" in line, line
