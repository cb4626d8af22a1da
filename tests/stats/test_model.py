"""Tests of cevns.stats.model: HistFactory-style interpolation and input validation.

Reference: interpolation codes of HistFactory (CERN-OPEN-2012-016) as implemented in pyhf
(JOSS 6 (2021) 2823): code0 piecewise linear, code4p polynomial within |α| < 1 matching value,
first and second derivative at ±1, linear outside. Tolerances are float round-off (1e-12).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cevns.stats import BinnedModel, HistoSys, NormFactor, NormSys, Parameter, Sample

NOM = np.array([[10.0, 20.0], [30.0, 40.0]])
LO = NOM * np.array([[0.8, 0.9], [1.0, 0.7]])
HI = NOM * np.array([[1.3, 1.1], [1.0, 1.2]])


def _model(code: str = "code4p") -> BinnedModel:
    return BinnedModel(
        [
            Sample("sig", NOM, (NormFactor("mu"), HistoSys("shape", LO, HI, code))),  # type: ignore[arg-type]
            Sample("bkg", np.full((2, 2), 5.0), (NormSys("flux", 0.9, 1.1),)),
        ],
        [
            Parameter("mu", 1.0, (0.0, 10.0)),
            Parameter.nuisance("shape"),
            Parameter.nuisance("flux"),
        ],
    )


@pytest.mark.parametrize("code", ["code0", "code4p"])
def test_histosys_reproduces_templates_at_plus_minus_one(code: str) -> None:
    m = _model(code)
    for alpha, template in ((-1.0, LO), (0.0, NOM), (1.0, HI)):
        got = m.expected_by_sample(m.vector({"shape": alpha}))["sig"]
        np.testing.assert_allclose(got, template, rtol=1e-12)


def test_histosys_linear_extrapolation_beyond_one() -> None:
    m = _model("code4p")
    got = m.expected_by_sample(m.vector({"shape": 2.0}))["sig"]
    np.testing.assert_allclose(got, NOM + 2 * (HI - NOM), rtol=1e-12)


def test_code4p_is_smooth_at_zero_and_one() -> None:
    m = _model("code4p")
    eps = 1e-6

    def f(a: float) -> np.ndarray:
        return m.expected(m.vector({"shape": a}))

    for a0 in (0.0, 1.0, -1.0):
        left = (f(a0) - f(a0 - eps)) / eps
        right = (f(a0 + eps) - f(a0)) / eps
        np.testing.assert_allclose(left, right, rtol=1e-4, atol=1e-4)


def test_normsys_linear_and_exponential() -> None:
    m = _model()
    bkg = m.expected_by_sample(m.vector({"flux": -2.0}))["bkg"]
    np.testing.assert_allclose(bkg, 5.0 * 0.8)
    m2 = BinnedModel(
        [Sample("b", np.ones(3), (NormSys("k", 0.5, 2.0, "exponential"),))],
        [Parameter.nuisance("k")],
    )
    np.testing.assert_allclose(m2.expected(np.array([0.5])), np.sqrt(2.0))
    np.testing.assert_allclose(m2.expected(np.array([-2.0])), 0.25)


def test_normsys_code4_matches_exponential_branches_smoothly() -> None:
    """pyhf code 4: equals hi^α / lo^−α for |α| ≥ 1 and is C² at ±1 (finite differences,
    tolerance 1e-4)."""
    m = BinnedModel([Sample("b", np.ones(1), (NormSys("k", 0.8, 1.3, "code4"),))],
                    [Parameter.nuisance("k")])

    def f(a: float) -> float:
        return float(m.expected(np.array([a]))[0])

    assert f(1.5) == pytest.approx(1.3**1.5, rel=1e-12)
    assert f(-2.0) == pytest.approx(0.8**2, rel=1e-12)
    assert f(0.0) == 1.0
    h = 1e-4
    for a0 in (1.0, -1.0):
        for k in (1, 2):
            left = (f(a0) - f(a0 - k * h)) / (k * h)
            right = (f(a0 + k * h) - f(a0)) / (k * h)
            assert left == pytest.approx(right, rel=1e-3)


@settings(max_examples=50, deadline=None)
@given(
    mu=st.floats(0, 10),
    shape=st.floats(-5, 5),
    flux=st.floats(-5, 5),
)
def test_expected_is_non_negative_and_linear_in_mu(mu: float, shape: float, flux: float) -> None:
    m = _model()
    x = np.array([mu, shape, flux])
    nu = m.expected(x)
    assert np.all(nu >= 0) and np.all(np.isfinite(nu))
    parts = m.expected_by_sample(x)
    x1 = np.array([1.0, shape, flux])
    np.testing.assert_allclose(parts["sig"], mu * m.expected_by_sample(x1)["sig"], rtol=1e-12,
                               atol=1e-12)


def test_bad_inputs_raise_value_errors_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"^samples\['t'\]: template shape"):
        BinnedModel([Sample("s", NOM), Sample("t", np.ones(3))], [])
    with pytest.raises(ValueError, match=r"^samples\['s'\]: template contains NaN"):
        BinnedModel([Sample("s", np.array([1.0, np.nan]))], [])
    with pytest.raises(ValueError, match=r"^modifiers: sample 's' uses unknown parameter"):
        BinnedModel([Sample("s", NOM, (NormFactor("mu"),))], [])
    with pytest.raises(ValueError, match=r"histosys\['a'\]\.hi: template shape"):
        BinnedModel([Sample("s", NOM, (HistoSys("a", NOM, np.ones(4)),))],
                    [Parameter.nuisance("a")])
    with pytest.raises(ValueError, match=r"^bounds:"):
        Parameter("x", 0.0, (1.0, 0.0))
    with pytest.raises(ValueError, match=r"^constraint:"):
        Parameter("x", 0.0, constraint=(0.0, 0.0))
    with pytest.raises(ValueError, match=r"^starts: parameter 'x' start 2\.0 outside bounds"):
        Parameter("x", 0.5, (0.0, 1.0), starts=(0.1, 2.0))
    with pytest.raises(ValueError, match=r"^lo/hi:"):
        NormSys("x", -1.0, 1.1)
    with pytest.raises(ValueError, match=r"^name: unknown parameter"):
        _model().index("nope")


def test_combine_models_shares_only_named_parameters() -> None:
    from cevns.stats import combine_models

    a = BinnedModel([Sample("s", np.ones(2), (NormFactor("mu"), NormSys("flux", 0.9, 1.1)))],
                    [Parameter("mu", 1.0), Parameter.nuisance("flux")])
    b = BinnedModel([Sample("s", np.ones((2, 2)), (NormFactor("mu"), NormSys("flux", 0.9, 1.1),
                                                    HistoSys("h", np.ones((2, 2)) * 0.5,
                                                             np.ones((2, 2)) * 2)))],
                    [Parameter("mu", 1.0), Parameter.nuisance("flux"), Parameter.nuisance("h")])
    m, slices = combine_models({"a": a, "b": b}, shared=["flux"])
    assert m.parameter_names == ("a/mu", "flux", "b/mu", "b/h")
    assert slices == {"a": slice(0, 2), "b": slice(2, 6)}
    x = m.vector({"a/mu": 2.0, "b/h": 1.0, "flux": 1.0})
    np.testing.assert_allclose(m.expected(x), [2.2, 2.2, 2.2, 2.2, 2.2, 2.2])
    bad = BinnedModel([Sample("s", np.ones(2), (NormSys("flux", 0.8, 1.2),))],
                      [Parameter("flux", 0.0, (-3.0, 3.0), (0.0, 1.0))])
    with pytest.raises(ValueError, match=r"^parameters: shared 'flux' is declared differently"):
        combine_models({"a": a, "c": bad}, shared=["flux"])


def test_combine_models_pools_the_further_starts_of_a_shared_parameter() -> None:
    """A shared coupling with each channel's own further fit start: both are kept, in order."""
    from cevns.stats import combine_models

    def channel(start: float) -> BinnedModel:
        return BinnedModel([Sample("s", np.ones(2), (NormFactor("g"),))],
                           [Parameter("g", 1.0, (0.0, 10.0), starts=(1e-5, start))])

    m, _ = combine_models({"a": channel(3.0), "b": channel(4.0)}, shared=["g"])
    assert m.parameters[0].starts == (1e-5, 3.0, 4.0)
