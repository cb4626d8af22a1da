"""Speed of the accelerator dark-matter search (targets: a χ signal template for one mass point
≤ 50 ms; the 90 % CL limit over 30 masses on the CsI 2021 likelihood ≤ 10 s). Each is reported
next to the naive path measured in the same run: the template with the χ–nucleus cross section
summed directly over every (χ energy, recoil) pair instead of the suffix sums, and the
one-mass limit from a 40-point profile scan instead of root finding, and the off-shell
template (24 χχ̄ invariant-mass nodes) on all its ~10⁵ χ energies instead of merged ones.

Run timed with ``make bench``; in the normal test run each benchmark executes once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.darkmatter import DarkPhoton
from cevns.engine.dark_matter import chi_nucleus_cross_section
from cevns.experiments.csi2021_dm import CsIDarkMatterSearch
from cevns.types import FloatArray

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CSI_DIR = SHARED / "coherent-csi-2021"

pytestmark = pytest.mark.skipif(not CSI_DIR.is_dir(), reason="../shared/data release not present")


@pytest.fixture(scope="module")
def search() -> CsIDarkMatterSearch:
    return CsIDarkMatterSearch.build(CSI_DIR)


def test_bench_dm_template(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """One χ template (flux, recoil spectrum on both isotopes, response, timing)."""
    tpl = benchmark(search.template, DarkPhoton(12.0, epsilon=1e-4))
    assert tpl.shape == search.base.model.shape and tpl.sum() > 0


def _naive_energy_counts(search: CsIDarkMatterSearch, model: DarkPhoton) -> FloatArray:
    r = search.response
    f = r.flux(model)
    total = np.zeros(r.matrices[0].shape[0])
    for iso, n, t, w, mat in zip(r.isotopes, r.nuclei, r.nodes, r.weights, r.matrices,
                                 strict=True):
        dsig = chi_nucleus_cross_section(f.energies[:, None], t[None, :], iso, model.chi_mass,
                                         model.m_v, model.coupling(iso), model.spin)
        rate = f.weights @ dsig
        total += mat @ (w * rate) * (n * r.exposure * f.dilution)
    return total


def test_bench_dm_template_naive(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """The naive path for the ratio: direct (χ energy × recoil) sum of dσ/dT (energy counts
    only, no timing); it agrees with the fast path to 1e-9."""
    model = DarkPhoton(12.0, epsilon=1e-4)
    counts = benchmark(_naive_energy_counts, search, model)
    np.testing.assert_allclose(counts, search.response.energy_counts(model), rtol=1e-9)


def test_bench_dm_limit_30_masses(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """90 % CL limits on Y at 30 χ masses (1–44 MeV, m_V = 3 m_χ), every background profiled."""
    masses = np.geomspace(1.0, 44.0, 30)
    limits = benchmark.pedantic(search.limit_curve, args=(DarkPhoton(1.0), masses),
                                rounds=1, iterations=1)
    assert len(limits) == 30 and all(lim.y is not None and lim.y > 0 for lim in limits)


def test_bench_dm_limit_naive_one_mass(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """The naive path for one mass: a 40-point profile scan of the χ strength, interpolated."""
    from cevns.stats.likelihood import fit, profile

    model = DarkPhoton(12.0, epsilon=1e-4)

    def naive() -> float:
        lik = search.likelihood(search.template(model))
        scan = profile(lik, "mu_dm", np.linspace(0.0, 4.0, 40), best_fit=fit(lik))
        return float(np.interp(2.706, scan.q, scan.values))

    mu90 = benchmark.pedantic(naive, rounds=1, iterations=1)
    fast = search.upper_limit(model).events / 10.0
    assert mu90 == pytest.approx(fast, rel=0.02)


def test_bench_dm_template_off_shell(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """One off-shell χ template (m_V = 10 MeV < 2 m_χ: 24 χχ̄ invariant-mass nodes, each a
    two-body decay), against the same ≤ 50 ms target."""
    model = DarkPhoton(20.0, mediator_mass=10.0, epsilon=1e-4, decay="off-shell")
    tpl = benchmark(search.template, model)
    assert tpl.shape == search.base.model.shape and tpl.sum() > 0


def test_bench_dm_template_off_shell_unmerged(benchmark, search: CsIDarkMatterSearch) -> None:  # type: ignore[no-untyped-def]
    """The previous path for the off-shell ratio: the same template on all ~10⁵ χ nodes
    (no merging); agrees with the merged template to 1e-3 per bin."""
    from cevns.darkmatter.flux import chi_flux

    model = DarkPhoton(20.0, mediator_mass=10.0, epsilon=1e-4, decay="off-shell")
    r = search.response

    def unmerged() -> FloatArray:
        f = chi_flux(model, r.detector.distance, r.production, max_nodes=None)
        counts = r.energy_counts(model, f)
        return np.asarray(counts[..., None] * r.time_probabilities(model, search.time_edges, f))

    tpl = benchmark(unmerged)
    fast = search.template(model)
    big = tpl > 1e-3 * tpl.max()
    np.testing.assert_allclose(fast[big], tpl[big], rtol=1e-3)
