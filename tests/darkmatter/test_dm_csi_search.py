"""The dark-matter sample in the CsI 2021 likelihood, through the CEvNS detector response."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cevns.darkmatter import DarkPhoton, Leptophobic
from cevns.detectors.coherent import csi_2021_prediction
from cevns.detectors.prediction import predict, recoil_response
from cevns.engine.rates import recoil_spectrum
from cevns.experiments.csi2021 import build_csi_2021
from cevns.experiments.csi2021_dm import CsIDarkMatterSearch


def test_recoil_response_is_the_cevns_response(csi_dir: Path) -> None:
    """Folding the engine's CEvNS recoil spectrum through ``recoil_response`` reproduces the
    CsI 2021 CEvNS prediction per PE bin (the same response chain) to 2e-3 in every bin with
    more than one event (time-integrated, without the timing efficiency)."""
    timed = csi_2021_prediction(csi_dir).detector
    det = timed.with_binning(replace(timed.binning, time_edges=None))
    pred = predict(None, det)
    total = np.zeros(len(det.binning.energy_edges) - 1)
    spectra = pred._physics.source.spectra()  # type: ignore[attr-defined]
    nuclei = det.target.nuclei_per_kg() * det.mass
    dilution = pred.exposure / (4 * np.pi * det.distance**2)
    for iso, n in zip(det.target.isotopes, nuclei, strict=True):
        t, w, r = recoil_response(det, iso, 0.06, recoil_low=det.recoil_energy_min or 0.0)
        rate = sum(recoil_spectrum(s, iso, f, t) for f, s in spectra.items())
        total += r @ (w * rate) * n * dilution
    expected = pred.energy_counts()
    big = expected > 1
    np.testing.assert_allclose(total[big], expected[big], rtol=2e-3)


def test_window_and_sample(search: CsIDarkMatterSearch, csi_dir: Path) -> None:
    """The dark-matter fit uses the release's full 0–250 PE window (the CEvNS window stays
    0–60 PE by default); the χ sample is prompt: > 90 % of it arrives in the first µs."""
    assert search.base.likelihood.observed.sum() > 1578  # more events than the CEvNS ROI
    with pytest.raises(ValueError, match=r"^energy_edges: must lie inside the release ROI"):
        build_csi_2021(csi_dir, energy_edges=[0, 30, 90], systematics=False)
    with pytest.raises(ValueError, match=r"^window: must be one of"):
        build_csi_2021(csi_dir, window="everything")
    tpl = search.template(DarkPhoton(10.0, epsilon=1e-4))
    assert np.all(np.isfinite(tpl)) and np.all(tpl >= 0)
    prompt = tpl[:, search.time_edges[1:] <= 1000.0].sum() / tpl.sum()
    assert prompt > 0.9


def test_limit_is_independent_of_the_reference_coupling(search: CsIDarkMatterSearch) -> None:
    """The 90 % CL limit on Y does not depend on the coupling of the reference template
    (counts ∝ ε⁴), to 1e-3; the leptophobic limit on α_B likewise (counts ∝ α_B²)."""
    a = search.upper_limit(DarkPhoton(10.0, epsilon=1e-4))
    b = search.upper_limit(DarkPhoton(10.0, epsilon=3e-3))
    assert a.y is not None and b.y is not None
    assert a.y == pytest.approx(b.y, rel=1e-3)
    assert 0 < a.events < 100
    la = search.upper_limit(Leptophobic(10.0, alpha_b=1e-6))
    lb = search.upper_limit(Leptophobic(10.0, alpha_b=1e-4))
    assert la.strength == pytest.approx(lb.strength, rel=1e-3)


def test_several_sources_have_one_combined_yield_nuisance(search: CsIDarkMatterSearch) -> None:
    """With π⁰ (±10 %) and η (±50 %) sources the χ template is the sum of the two sources'
    and its yield nuisance √Σ(N_i σ_i)²/Σ N_i lies between theirs; with a negligible η source
    (1e-6 η per POT) it is the π⁰'s 10 % to 1e-3."""
    from cevns.darkmatter.production import SNS_PI0, sns_eta

    both = (SNS_PI0, sns_eta(1e-2))
    response = replace(search.response, production=both)
    model = DarkPhoton(30.0, epsilon=1e-4, meson="eta")
    total, sigma = response.template_and_uncertainty(model, search.time_edges)
    parts = [response.template(model, search.time_edges, (p,)) for p in both]
    np.testing.assert_allclose(total, parts[0] + parts[1], rtol=1e-12)
    assert 0.10 < sigma < 0.50
    small = replace(search.response, production=(SNS_PI0, sns_eta(1e-6)))
    assert small.template_and_uncertainty(model, search.time_edges)[1] == pytest.approx(
        0.10, rel=1e-3)
