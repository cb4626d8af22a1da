"""COHERENT's inelastic measurements reproduced as fits of a free normalisation."""

from __future__ import annotations

import pytest

from cevns.inelastic.measurements import MEASUREMENTS, fit_normalisation


def test_naive_iodine_ratio() -> None:
    """NaIvE-185: 541 (+121 −108) events = 0.41 × MARLEY (PRL 131 (2023) 221801,
    arXiv:2305.19594; Efremenko, SNvD 2023). Fitted μ within 0.01 of 0.41, its interval
    within 0.02 of the published ±(0.09, 0.08) (9.2 (+2.1 −1.8) / 22.5)."""
    m = MEASUREMENTS["naive-127i-cc"]
    r = fit_normalisation(m.observed, m.error_up, m.error_down, m.predicted)
    assert r.mu == pytest.approx(0.41, abs=0.01)
    assert r.error_up == pytest.approx(2.1 / 22.5, abs=0.02)
    assert r.error_down == pytest.approx(1.8 / 22.5, abs=0.02)


def test_nubes_lead_ratio_gap_is_stated() -> None:
    """NUBES: 36 (+72 −36) detected vs 346 expected (Efremenko, SNvD 2023) gives μ = 0.104,
    not the paper's 0.29 (+0.17 −0.16) (arXiv:2212.11295): the talk's two numbers are not the
    pair the paper's ratio was formed from. Pinned (3e-3, the minimiser tolerance) so a change
    is noticed; the published value lies inside our interval."""
    m = MEASUREMENTS["nubes-pb-nin"]
    r = fit_normalisation(m.observed, m.error_up, m.error_down, m.predicted)
    assert r.mu == pytest.approx(36 / 346, rel=3e-3)  # MIGRAD tolerance
    assert r.mu_low < m.published_ratio < r.mu_high


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_counts(bad: float) -> None:
    with pytest.raises(ValueError, match=r"observed: must be finite and > 0") as info:
        fit_normalisation(bad, 1.0, 1.0, 10.0)
    assert "\n" not in str(info.value)
