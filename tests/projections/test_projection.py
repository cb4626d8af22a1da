"""The projection engine: Asimov precision, impacts, toys on the scan executors, intervals."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from cevns.models.registry import get_model
from cevns.projections import Projection, load_plan, load_setup, model_for_parameter
from cevns.projections.projection import exposure_scales


@pytest.fixture(scope="module")
def ge() -> Projection:
    setup = load_setup("ge-mini")
    return Projection(setup, load_plan(setup.plan))


def test_statistics_only_precision_is_the_poisson_fisher_formula(ge: Projection) -> None:
    """With every nuisance fixed, σ_μ = 1 / √(Σ s_i² / (s_i + b_i)) exactly (Asimov Fisher
    information of a Poisson counting experiment)."""
    point = ge.asimov([2.0])[0]
    s = 2.0 * ge.signal.ravel()
    b = 2.0 * (ge.steady_state + ge.beam_neutrons).ravel()
    keep = (s + b) > 0
    expected = 1.0 / math.sqrt(float(np.sum(s[keep] ** 2 / (s[keep] + b[keep]))))
    assert point.sigma_stat == pytest.approx(expected, rel=1e-9)


def test_precision_improves_with_exposure_and_flux_sets_the_floor(ge: Projection) -> None:
    """σ_μ falls with exposure towards the 10 % flux normalisation; Z grows like √exposure
    while statistics dominate."""
    points = ge.asimov(exposure_scales(0.1, 100.0, 6))
    sig = [p.sigma_mu for p in points]
    assert all(a > b for a, b in pairwise(sig))
    assert sig[-1] == pytest.approx(0.10, rel=0.02)
    assert points[-1].impacts and next(iter(points[-1].impacts)) == "flux"
    z = [p.significance for p in points]
    assert all(a < b for a, b in pairwise(z))


def test_impacts_name_every_nuisance(ge: Projection) -> None:
    point = ge.asimov([1.0])[0]
    assert set(point.impacts) == {"flux", "ss_norm", "brn_norm", "statistics"}
    assert all(v >= 0 and math.isfinite(v) for v in point.impacts.values())


def test_asimov_significance_is_the_median_of_toys(ge: Projection) -> None:
    """Cowan et al., EPJC 71 (2011) 1554: the Asimov Z approximates the toys' median Z.
    Tolerance 10 % (200 seeded toys at a small exposure, Z ≈ 4)."""
    point = ge.asimov([0.01])[0]
    bands = ge.toys([0.01], n_toys=200, seed=3, chunk=50)
    assert bands.significance[0, 2] == pytest.approx(point.significance, rel=0.10)
    assert bands.sigma_mu[0, 2] == pytest.approx(point.sigma_mu, rel=0.10)
    assert np.all(np.diff(bands.significance[0]) >= 0)


def test_toys_do_not_depend_on_the_executor(ge: Projection) -> None:
    """Toys are seeded per (seed, exposure, chunk): serial and process executors agree."""
    serial = ge.toys([0.05, 0.2], n_toys=12, seed=7, chunk=4)
    procs = ge.toys([0.05, 0.2], n_toys=12, seed=7, chunk=4, executor="processes", workers=1)
    np.testing.assert_array_equal(serial.significance, procs.significance)
    np.testing.assert_array_equal(serial.sigma_mu, procs.sigma_mu)
    again = ge.toys([0.05, 0.2], n_toys=12, seed=8, chunk=4)
    assert not np.array_equal(serial.significance, again.significance)


def test_bad_arguments(ge: Projection) -> None:
    with pytest.raises(ValueError, match=r"^scale:"):
        ge.binned_model(-1.0)
    with pytest.raises(ValueError, match=r"^n_toys:"):
        ge.toys([1.0], n_toys=0)
    with pytest.raises(ValueError, match=r"^executor:"):
        ge.toys([1.0], n_toys=2, executor="gpu")
    with pytest.raises(ValueError, match=r"^measure: unknown parameter 'sin2'"):
        model_for_parameter("sin2", "Ge")
    with pytest.raises(ValueError, match=r"^scales:"):
        exposure_scales(1.0, 0.5, 3)


def test_weak_angle_interval_contains_the_truth_and_shrinks(ge: Projection) -> None:
    """The Asimov interval is centred on the Standard-Model value it was built from and its
    width falls with exposure."""
    model = get_model("weak-angle")
    truth = model.values()["sin2_theta_w"]
    small, large = ge.model_intervals(model, "sin2_theta_w", [0.3, 3.0])
    for p in (small, large):
        lo, hi = p.interval["68%"]
        assert lo is not None and hi is not None and lo < truth < hi
    assert large.sigma_mu < small.sigma_mu


def test_one_sided_magnetic_moment_limit(ge: Projection) -> None:
    """μ_ν ≥ 0: the expected interval starts at the physical boundary."""
    model = model_for_parameter("mu_numu", "Ge")
    point = ge.model_intervals(model, "mu_numu", [1.0], levels=(0.90,))[0]
    lo, hi = point.interval["90%"]
    assert lo == 0.0 and hi is not None and hi > 0


def test_neutron_radius_interval_is_two_sided_around_the_truth() -> None:
    """A nonlinear parameter is tabulated around its truth (±30 %); the grid edge is not a
    physical boundary, so the interval is two-sided and contains the truth."""
    setup = load_setup("csi-cryo")
    proj = Projection(setup, load_plan(setup.plan))
    model = model_for_parameter("r_n", "CsI")
    truth = model.values()["r_n"]
    point = proj.model_intervals(model, "r_n", [3.0], levels=(0.6827,))[0]
    lo, hi = point.interval["68%"]
    assert lo is not None and hi is not None and lo < truth < hi


def test_interval_toys_median_is_near_the_asimov_interval() -> None:
    """The Asimov interval approximates the toys' median (Cowan et al., EPJC 71 (2011) 1554);
    tolerance 15 % on the 68 % CL half-width of sin²θ_W with 20 seeded toys."""
    setup = load_setup("csi-cryo")
    proj = Projection(setup, load_plan(setup.plan))
    model = get_model("weak-angle")
    asimov = proj.model_intervals(model, "sin2_theta_w", [1.0])[0]
    bands = proj.interval_toys(model, "sin2_theta_w", [1.0], n_toys=20, seed=1)
    assert bands.open_fraction[0] == 0.0
    assert bands.half_width[0, 2] == pytest.approx(asimov.sigma_mu, rel=0.15)
    assert np.all(np.diff(bands.half_width[0]) >= 0)


def test_toys_of_several_detectors_share_the_flux_and_are_deterministic() -> None:
    """Two ESS detectors fitted together (shared flux): seeded toy bands on the scan
    executors are reproducible, do not depend on the executor, change with the seed, and
    their median half-width is near the Asimov interval of the same combined likelihood
    (Cowan et al., EPJC 71 (2011) 1554; tolerance 20 % with 4 toys)."""
    from cevns.projections.projection import combined_interval_toys, combined_model_intervals

    projections = {}
    for name in ("ess-ge", "ess-xe"):
        setup = load_setup(name)
        projections[name] = Projection(setup, load_plan(setup.plan))
    model = get_model("weak-angle")
    serial = combined_interval_toys(projections, model, "sin2_theta_w", [1.0], n_toys=4,
                                    seed=5, chunk=2)
    procs = combined_interval_toys(projections, model, "sin2_theta_w", [1.0], n_toys=4,
                                   seed=5, chunk=2, executor="processes", workers=1)
    np.testing.assert_array_equal(serial.half_width, procs.half_width)
    other = combined_interval_toys(projections, model, "sin2_theta_w", [1.0], n_toys=2,
                                   seed=6, chunk=2)
    assert not np.array_equal(serial.half_width[0, [0, 4]], other.half_width[0, [0, 4]])
    asimov = combined_model_intervals(projections, model, "sin2_theta_w", [1.0])[0]
    assert serial.open_fraction[0] == 0.0
    assert serial.half_width[0, 2] == pytest.approx(asimov.sigma_mu, rel=0.20)
