"""Scan axes and grids: parsing, snake order, and one-line errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cevns.scan import ScanAxis, ScanGrid, parse_axis
from cevns.stats import BinnedLikelihood


def test_parse_linear_and_log_axes() -> None:
    a = parse_axis("mu_cevns=0:2:5")
    assert a == ScanAxis("mu_cevns", 0.0, 2.0, 5, False)
    np.testing.assert_allclose(a.values, [0, 0.5, 1, 1.5, 2])
    b = parse_axis("g=1e-6:1e-2:5:log")
    np.testing.assert_allclose(b.values, [1e-6, 1e-5, 1e-4, 1e-3, 1e-2])


def test_snake_order_visits_neighbours_and_c_index_restores_the_grid() -> None:
    grid = ScanGrid.from_axes([parse_axis("a=0:1:3"), parse_axis("b=0:1:4")])
    steps = np.abs(np.diff(grid.points, axis=0)).sum(axis=1)
    assert np.all(steps <= 0.5 + 1e-12)  # one step along one axis at a time
    table = np.empty_like(grid.points)
    table[grid.c_index] = grid.points
    mesh = np.stack(np.meshgrid([0, 0.5, 1], np.linspace(0, 1, 4), indexing="ij"), -1)
    np.testing.assert_allclose(table, mesh.reshape(-1, 2))


@pytest.mark.parametrize("text, message", [
    ("mu", "NAME=LO:HI:N"),
    ("mu=0:1", "NAME=LO:HI:N"),
    ("mu=a:1:3", "not numbers"),
    ("mu=0:1:x", "not an integer"),
    ("mu=0:1:0", "≥ 1"),
    ("mu=1:0:5", "low < high"),
    ("mu=0:1:5:log", "log axis needs low > 0"),
    ("mu=0:inf:5", "finite"),
])
def test_bad_axes(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_axis(text)


def test_grid_validation_against_parameters(synthetic: BinnedLikelihood) -> None:
    model = synthetic.model
    with pytest.raises(ValueError, match="unknown parameter"):
        ScanGrid.from_axes([parse_axis("nope=0:1:3")]).validate(model.parameter_names,
                                                              model.bounds)
    with pytest.raises(ValueError, match=r"outside the allowed range \[0, 10\]"):
        ScanGrid.from_axes([parse_axis("mu=-1:1:3")]).validate(model.parameter_names,
                                                             model.bounds)
    with pytest.raises(ValueError, match="scanned twice"):
        ScanGrid.from_axes([parse_axis("mu=0:1:3"), parse_axis("mu=0:2:3")])
    with pytest.raises(ValueError, match="at least one axis"):
        ScanGrid.from_axes([])
    with pytest.raises(ValueError, match="non-empty"):
        ScanGrid.from_points(["mu"], np.empty((0, 1)))


@given(st.text(max_size=30))
def test_parse_axis_never_crashes(text: str) -> None:
    """Arbitrary text is either an axis or a one-line ValueError."""
    try:
        axis = parse_axis(text)
    except ValueError as exc:
        assert "\n" not in str(exc)
    else:
        assert axis.n >= 1 and np.all(np.isfinite(axis.values))
