"""Parametric templates: exact quadratics, interpolation, frozen models, combined channels."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from cevns.stats import BinnedLikelihood, fit
from cevns.stats.model import BinnedModel, HistoSys, NormSys, Parameter, Sample, combine_models
from cevns.stats.templates import InterpolatedTemplate, QuadraticTemplate

RNG = np.random.default_rng(11)
C0 = RNG.uniform(5, 50, size=(4, 3))
L0 = RNG.normal(0, 3, size=(2, 4, 3))
S0 = RNG.normal(0, 1, size=(2, 2, 4, 3))
S0 = 0.5 * (S0 + S0.transpose(1, 0, 2, 3))


def truth(v: Mapping[str, float]) -> np.ndarray:
    u = np.array([v["a"], v["g"] ** 2])
    return C0 + np.tensordot(u, L0, 1) + 0.5 * np.einsum("i,j,ijkl->kl", u, u, S0) + 40.0


def test_quadratic_template_is_exact_and_has_gradient() -> None:
    t = QuadraticTemplate.from_function(truth, ["a", "g"], [0.1, 0.0], [0.3, 0.5], [1, 2])
    for _ in range(20):
        v = {"a": RNG.uniform(-1, 1), "g": RNG.uniform(0, 1)}
        np.testing.assert_allclose(t(v), truth(v), rtol=1e-9)
        grad = t.gradient(v)
        for name, h in (("a", 1e-6), ("g", 1e-6)):
            up, dn = dict(v), dict(v)
            up[name] += h
            dn[name] -= h
            np.testing.assert_allclose(grad[name], (truth(up) - truth(dn)) / (2 * h),
                                       rtol=1e-5, atol=1e-6)
    part = t.restrict({"g": 0.3})
    assert isinstance(part, QuadraticTemplate) and part.parameters == ("a",)
    np.testing.assert_allclose(part({"a": 0.7}), truth({"a": 0.7, "g": 0.3}), rtol=1e-12)


def test_interpolated_template_accuracy() -> None:
    """Cubic spline in log(m) of a propagator-like shape: ≤ 1e-3 relative on the counts."""
    def f(m: float, g2: float) -> np.ndarray:
        return C0 * (1.0 + g2 * 30.0 / (1.0 + (m / 20.0) ** 2)) ** 2

    nodes = np.geomspace(1.0, 1e4, 33)
    temps = tuple(QuadraticTemplate.from_function(lambda v, m=m: f(m, v["g"] ** 2), ["g"],
                                                  [0.0], [0.5], [2]) for m in nodes)
    it = InterpolatedTemplate("m", nodes, temps, log=True)
    for m in np.geomspace(1.0, 1e4, 57):
        v = {"m": m, "g": 0.4}
        np.testing.assert_allclose(it(v), f(m, 0.16), rtol=1e-3)
    with pytest.raises(ValueError, match="m: 20000 is outside the template grid"):
        it({"m": 2e4, "g": 0.1})


def _model(template: QuadraticTemplate) -> BinnedModel:
    hi = template.scaled(np.full(C0.shape, 1.1))
    lo = template.scaled(np.full(C0.shape, 0.9))
    return BinnedModel(
        [Sample("sig", template, (NormSys("flux", 0.9, 1.1), HistoSys("shape", lo, hi))),
         Sample("bkg", np.full(C0.shape, 10.0))],
        [Parameter("a", 0.1, (-2, 2)), Parameter("g", 0.2, (0, 1)),
         Parameter.nuisance("flux"), Parameter.nuisance("shape")],
    )


def test_binned_model_with_parametric_sample_fits_back_and_freezes() -> None:
    t = QuadraticTemplate.from_function(truth, ["a", "g"], [0.1, 0.0], [0.3, 0.5], [1, 2])
    model = _model(t)
    x = model.vector({"a": 0.4, "g": 0.5, "shape": 0.3})
    asimov = model.expected(x).reshape(C0.shape)
    np.testing.assert_allclose(model.expected_by_sample(x)["sig"],
                               truth({"a": 0.4, "g": 0.5}) * (1 + 0.1 * 0.3), rtol=1e-9)
    frozen = model.frozen({"a": 0.4, "g": 0.5})
    assert "a" not in frozen.parameter_names and not frozen.template_parameters
    np.testing.assert_allclose(frozen.expected(frozen.vector({"shape": 0.3})),
                               asimov.ravel(), rtol=1e-12)
    best = fit(BinnedLikelihood(model, asimov))
    assert abs(best.value("a") - 0.4) < 0.05 * best.error("a")
    half = model.frozen({"g": 0.5})
    assert half.template_parameters == ("a",)
    with pytest.raises(ValueError, match="'flux' is not a parameter of a parametric template"):
        model.frozen({"flux": 0.0})


def test_combined_channels_share_template_parameters() -> None:
    t = QuadraticTemplate.from_function(truth, ["a", "g"], [0.1, 0.0], [0.3, 0.5], [1, 2])
    joint, slices = combine_models({"x": _model(t), "y": _model(t)}, shared=["a", "g"])
    assert set(joint.template_parameters) == {"a", "g"}
    x = joint.vector({"a": -0.3, "g": 0.7})
    both = joint.expected(x)
    single = _model(t)
    one = single.expected(single.vector({"a": -0.3, "g": 0.7}))
    np.testing.assert_allclose(both[slices["x"]], one, rtol=1e-12)
    np.testing.assert_allclose(both[slices["y"]], one, rtol=1e-12)
