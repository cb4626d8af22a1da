"""pyhf JSON export: structure per the HistFactory JSON schema (pyhf docs, "Likelihood
specification"), exact vs approximate mappings, and — when pyhf is installed — the nominal
expectation of the pyhf model equals ours (tolerance 1e-9)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from cevns.stats import (
    BinnedLikelihood,
    BinnedModel,
    HistoSys,
    NormFactor,
    NormSys,
    Parameter,
    Sample,
)
from cevns.stats.pyhf_export import to_pyhf_workspace

SIG = np.array([[1.0, 2.0], [3.0, 4.0]])
BKG = np.full((2, 2), 10.0)


def _exact() -> BinnedLikelihood:
    m = BinnedModel(
        [Sample("sig", SIG, (NormFactor("mu"), HistoSys("s", SIG * 0.9, SIG * 1.2))),
         Sample("bkg", BKG, (NormSys("b", 0.85, 1.1, "code4"),))],
        [Parameter("mu", 1.0, (0.0, 10.0)), Parameter.nuisance("s"), Parameter.nuisance("b")],
    )
    return BinnedLikelihood(m, np.array([[11.0, 12.0], [14.0, 13.0]]))


def test_exact_export_structure() -> None:
    ws, notes = to_pyhf_workspace(_exact(), "mu", channel="sr")
    assert notes == []
    json.dumps(ws)
    assert ws["version"] == "1.0.0"
    assert ws["observations"] == [{"name": "sr", "data": [11.0, 12.0, 14.0, 13.0]}]
    sig = ws["channels"][0]["samples"][0]
    assert sig["data"] == [1.0, 2.0, 3.0, 4.0]
    assert {m["type"] for m in sig["modifiers"]} == {"normfactor", "histosys"}
    assert ws["measurements"][0]["config"]["poi"] == "mu"
    assert ws["measurements"][0]["config"]["parameters"][0]["bounds"] == [[0.0, 10.0]]


def test_inexact_mappings_need_opt_in() -> None:
    m = BinnedModel([Sample("s", SIG, (NormFactor("mu"), NormSys("f", 0.9, 1.1))),
                     Sample("b", BKG, (NormFactor("bn"),))],
                    [Parameter("mu", 1.0, (0.0, 5.0)), Parameter.nuisance("f"),
                     Parameter("bn", 1.0, (0.0, 2.0), (1.0, 0.2))])
    lik = BinnedLikelihood(m, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^approximate: the model needs inexact"):
        to_pyhf_workspace(lik, "mu")
    ws, notes = to_pyhf_workspace(lik, "mu", approximate=True)
    assert len(notes) == 2
    bkg_mod = ws["channels"][0]["samples"][1]["modifiers"][0]
    assert bkg_mod == {"name": "bn", "type": "normsys", "data": {"lo": 0.8, "hi": 1.2}}
    with pytest.raises(ValueError, match=r"^poi: 'bn' is constrained"):
        to_pyhf_workspace(lik, "bn", approximate=True)
    with pytest.raises(ValueError, match=r"^name: unknown parameter"):
        to_pyhf_workspace(lik, "nope")


def _pyhf_model(ws: dict):  # type: ignore[no-untyped-def,type-arg]
    pyhf = pytest.importorskip("pyhf")
    with warnings.catch_warnings():
        # pyhf 0.7 uses jsonschema.RefResolver, deprecated upstream (not our code)
        warnings.simplefilter("ignore", DeprecationWarning)
        return pyhf.Workspace(ws).model()


def test_pyhf_agrees_if_installed() -> None:
    """Exact mappings: pyhf's expectation (default code 4 / 4p) equals ours at α inside and
    outside ±1 (tolerance 1e-9)."""
    lik = _exact()
    ws, _ = to_pyhf_workspace(lik, "mu")
    model = _pyhf_model(ws)
    order = model.config.par_order
    for a in (0.0, 0.3, -0.7, 1.0, -1.0, 2.0, -2.0):
        ours = lik.model.vector({"mu": 1.3, "s": a, "b": -a / 2})
        theirs = np.zeros(len(order))
        for name in order:
            theirs[model.config.par_slice(name)] = ours[lik.model.index(name)]
        np.testing.assert_allclose(model.expected_actualdata(theirs),
                                   lik.model.expected(ours), rtol=1e-9)


def test_published_analyses_export_to_valid_pyhf(tmp_path: object) -> None:
    """The CENNS-10 likelihood exports (approximately) to a workspace pyhf accepts, with the
    same nominal expectation (α = 0, where every interpolation agrees; tolerance 1e-9)."""
    from pathlib import Path

    lar = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "coherent-lar-2020"
    if not lar.is_dir():
        pytest.skip("../shared/data not present")
    from cevns.experiments.lar2020 import build_lar_2020

    ana = build_lar_2020(lar)
    ws, notes = to_pyhf_workspace(ana.likelihood, "mu_cevns", approximate=True)
    assert notes
    model = _pyhf_model(ws)
    np.testing.assert_allclose(model.expected_actualdata(model.config.suggested_init()),
                               ana.model.expected(ana.model.init), rtol=1e-9)
