"""A 2-D NSI scan of the CsI 2021 likelihood equals independent MIGRAD fits.

At 20 random points of a 12 × 12 grid in (ε_uV_ee, ε_dV_ee) with −2ΔlnL < 25 (where the
68–95 % contours live), −2ΔlnL of the scan (Newton profiling on the compiled model) is compared
with iminuit fits of the analysis likelihood (``BinnedModel`` with the parametric CEvNS
templates, every nuisance free, POIs fixed; MIGRAD started from the global best fit and from
the nominal values, the lower kept). Tolerance 1e-3 (the requirement on the contour).

Far outside the contours (−2ΔlnL of 50–200, nuisances pinned at their ±5σ bounds) both
minimisers can stop in local minima (the scan's extra starts run only below −2ΔlnL = 50,
:data:`cevns.scan.engine.GUARD_DELTA_CHI2`); there the test only asks that both put the point
far outside every contour (−2ΔlnL > 25).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cevns.scan import ScanGrid, parse_axis, run_scan
from cevns.stats import fit


def test_nsi_scan_equals_independent_minuit_fits(csi_dir: Path) -> None:
    from cevns.experiments.csi2021 import build_csi_2021

    ana = build_csi_2021(csi_dir).with_model("nsi", pois=["eps_uV_ee", "eps_dV_ee"])
    grid = ScanGrid.from_axes([parse_axis("eps_uV_ee=-0.6:0.6:12"),
                               parse_axis("eps_dV_ee=-0.6:0.6:12")])
    result = run_scan(ana.likelihood, grid)
    assert {s.removesuffix("-unguarded") for s in result.summary()["status_counts"]} <= {
        "newton", "lbfgsb", "minuit"}
    lik = ana.likelihood
    best = fit(lik, require_convergence=False)
    rng = np.random.default_rng(2024)
    near = np.nonzero(result.delta_chi2 < 25.0)[0]
    assert near.size >= 20
    far = np.nonzero(result.delta_chi2 >= 25.0)[0]
    picks = [*rng.choice(near, 20, replace=False), *rng.choice(far, 3, replace=False)]
    diffs = []
    for k in picks:
        u, d = result.points[k]
        pois = {"eps_uV_ee": u, "eps_dV_ee": d}
        fits = [fit(lik, fixed=pois, start=s, require_convergence=False)
                for s in (best.values, None)]
        # Each side referenced to its own global minimum.
        q_minuit = 2.0 * (min(f.nll for f in fits) - best.nll)
        q_scan = 2.0 * (result.nll[k] - result.best_nll)
        diffs.append(q_scan - q_minuit)
    diffs_near, diffs_far = np.array(diffs[:20]), np.array(diffs[20:])
    assert np.max(np.abs(diffs_near)) < 1e-3, diffs_near
    q_far = result.delta_chi2[picks[20:]]
    assert np.all(q_far > 25.0) and np.all(q_far - diffs_far > 25.0), (q_far, diffs_far)
