"""Expected dark-matter limits of the 750 kg argon detector (Asimov, CEvNS background)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns.darkmatter import DarkPhoton
from cevns.experiments.dm_projection import DarkMatterProjection


def test_coh_ar_750_expected_limit() -> None:
    """On Asimov background-only data the best-fit χ signal is zero (to 1e-3 events) and the
    expected limit is finite; an extra flat background of the CEvNS size weakens it; a zero
    background of the wrong shape is refused with the parameter named."""
    proj = DarkMatterProjection.build("coh-ar-750")
    model = DarkPhoton(10.0, epsilon=1e-4)
    lim = proj.expected_limit(model)
    assert lim.best_fit_events == pytest.approx(0.0, abs=1e-3)
    assert lim.y is not None and 0 < lim.y < 1e-8
    flat = np.full_like(proj.background, proj.background.sum() / proj.background.size)
    worse = DarkMatterProjection.build("coh-ar-750", extra_background=flat).expected_limit(model)
    assert worse.y is not None and worse.y > lim.y
    with pytest.raises(ValueError, match=r"^extra_background: need finite counts >= 0"):
        DarkMatterProjection.build("coh-ar-750", extra_background=np.ones(3))
