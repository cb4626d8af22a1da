"""Bring-your-own-experiment fields of the detector file: efficiency forms, the physics model
and form factor, tabulated arrival times."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.detectors import load_detector, predict
from cevns.detectors.efficiency import SigmoidEfficiency, TabulatedEfficiency
from cevns.detectors.schema import DetectorFileError, load_detector_file, parse_detector
from cevns.flavours import Flavour
from cevns.models import VectorNSI, get_model
from cevns.models.standard_model import StandardModel
from cevns.physics.form_factors import KleinNystrand

BASE = """
[detector]
name = "mine"
target = "CsI"
mass = "14.6 kg"
distance = "19.3 m"

[source]
kind = "stopped_pion"
facility = "sns"
{source_extra}

[exposure]
protons_on_target = 3.2e23

[quenching]
kind = "constant"
factor = 0.08

[smearing]
kind = "poisson"
light_yield = "13.35 /keVee"

{efficiency}

[binning]
observable = "PE"
energy_unit = "PE"
energy_edges = [0, 10, 20, 30, 40, 50, 60]
time_unit = "us"
time_edges = [0, 1, 2, 4, 6]
{model}
"""

STEP = """[efficiency]
kind = "step"
unit = "PE"
threshold = 5
"""


def _detector(efficiency: str = STEP, model: str = "", source_extra: str = "",
              base: Path | None = None) -> object:
    text = BASE.format(efficiency=efficiency, model=model, source_extra=source_extra)
    return parse_detector(text, "mine.toml", base)


def test_sigmoid_times_threshold() -> None:
    """``threshold`` multiplies the sigmoid by a step (the CsI 2017 release's form)."""
    det = _detector("""[efficiency]
kind = "sigmoid"
unit = "PE"
a = 0.6655
b = 0.4942
c = 10.8507
threshold = 5
""")
    eff = det.response.efficiency  # type: ignore[attr-defined]
    assert isinstance(eff, SigmoidEfficiency) and eff.threshold == 5.0
    values = eff(np.array([4.999, 5.0, 40.0]))
    assert values[0] == 0.0 and values[1] > 0.0 and values[2] == pytest.approx(0.6655, rel=1e-6)


def test_table_with_per_point_errors(tmp_path: Path) -> None:
    """Per-point errors are the ±1σ variation: shifted(±1) is the table ± its errors."""
    det = _detector("""[efficiency]
kind = "table"
unit = "PE"
points = [0, 10, 20, 60]
values = [0.0, 0.4, 0.8, 0.9]
errors = [0.0, 0.1, 0.05, 0.05]
""")
    eff = det.response.efficiency  # type: ignore[attr-defined]
    assert isinstance(eff, TabulatedEfficiency)
    x = np.array([10.0, 20.0, 15.0])
    np.testing.assert_allclose(eff.shifted(1.0)(x), [0.5, 0.85, 0.675])
    np.testing.assert_allclose(eff.shifted(-1.0)(x), [0.3, 0.75, 0.525])
    pred = predict(None, det)  # type: ignore[arg-type]
    up = pred.with_nuisances(efficiency=1.0)
    assert up.total > pred.total
    # the same table from a file, errors in the third column
    (tmp_path / "eff.txt").write_text("# PE eff err\n0 0 0\n10 0.4 0.1\n20 0.8 0.05\n60 0.9 0.05\n")
    from_file = _detector("""[efficiency]
kind = "table"
unit = "PE"
file = "eff.txt"
columns = [0, 1, 2]
""", base=tmp_path)
    np.testing.assert_allclose(
        from_file.response.efficiency.shifted(1.0)(x), eff.shifted(1.0)(x)  # type: ignore[attr-defined]
    )
    with pytest.raises(DetectorFileError, match=r"errors: need 4 finite errors"):
        _detector("""[efficiency]
kind = "table"
unit = "PE"
points = [0, 10, 20, 60]
values = [0.0, 0.4, 0.8, 0.9]
errors = [0.1]
""")


def test_model_and_form_factor_from_the_file() -> None:
    """``[model]``: the name goes through cevns.models.get_model; the form factor family
    and its parameters replace the Standard Model's (both nucleons)."""
    sm = _detector()
    kn = _detector(model="""[model]
name = "sm"
form_factor = "klein_nystrand"
form_factor_parameters = { yukawa_range = "0.7 fm" }
""")
    assert isinstance(kn.model, StandardModel)  # type: ignore[attr-defined]
    assert isinstance(kn.model.neutron_form_factor, KleinNystrand)  # type: ignore[attr-defined]
    p_sm = predict(None, sm).total  # type: ignore[arg-type]
    p_kn = predict(None, kn).total  # type: ignore[arg-type]
    assert p_kn != pytest.approx(p_sm, rel=1e-4)
    explicit = predict(None, sm, model=kn.model).total  # type: ignore[arg-type, attr-defined]
    assert p_kn == pytest.approx(explicit, rel=1e-12)
    nsi = _detector(model="""[model]
name = "nsi"
parameters = { eps_uV_ee = 0.1 }
""")
    assert nsi.model == get_model("nsi", eps_uV_ee=0.1)  # type: ignore[attr-defined]
    assert isinstance(nsi.model, VectorNSI)  # type: ignore[attr-defined]
    assert predict(None, nsi).total == pytest.approx(  # type: ignore[arg-type]
        predict(None, sm, model=get_model("nsi", eps_uV_ee=0.1)).total, rel=1e-12)  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "message"), [
    ('[model]\nname = "nope"\n', r"^model\.name: model: unknown model 'nope'"),
    ('[model]\nname = "sm"\nparameters = { x = 1.0 }\n', r"^model\.parameters: the Standard"),
    ('[model]\nform_factor = "gauss"\n', r"^model\.form_factor: unknown name 'gauss'"),
    ('[model]\nform_factor = "helm"\nform_factor_parameters = { radius = "1 fm" }\n',
     r"^model\.form_factor_parameters: \['radius'\] are not all parameters of 'helm'"),
])
def test_bad_model_sections(model: str, message: str) -> None:
    with pytest.raises(DetectorFileError, match=message):
        _detector(model=model)


def test_tabulated_arrival_times_in_the_file(tmp_path: Path) -> None:
    """``arrival_times`` reads per-flavour PDFs (path relative to the detector file); a table
    that puts every flavour in 1–2 µs moves all events into that time bin."""
    lines = ["time [us],nu_mu [1/us],nu_e [1/us],nu_mu_bar [1/us]"]
    lines += [f"{t},{v},{v},{v}" for t, v in ((0.0, 0), (1.0, 0), (1.0001, 1), (1.9999, 1),
                                               (2.0, 0), (10.0, 0))]
    (tmp_path / "times.csv").write_text("\n".join(lines) + "\n")
    text = BASE.format(efficiency=STEP, model="",
                       source_extra='arrival_times = "times.csv"')
    (tmp_path / "mine.toml").write_text(text)
    det = load_detector_file(tmp_path / "mine.toml")
    pred = predict(None, det)
    t = pred.time_counts()
    assert t[1] == pytest.approx(pred.total, rel=1e-6)
    (tmp_path / "bad.toml").write_text(text.replace("times.csv", "missing.csv"))
    with pytest.raises(DetectorFileError, match=r"arrival_times: .*missing\.csv.* does not exist"):
        load_detector_file(tmp_path / "bad.toml")
    assert Flavour.NU_MU in pred.flavours
    assert load_detector("csi-2021").model is None
