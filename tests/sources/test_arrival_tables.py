"""Tabulated arrival-time PDFs per flavour (a release's timing as a table)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cevns import units as u
from cevns.flavours import Flavour
from cevns.sources.facilities import facility
from cevns.sources.timing import TabulatedArrivalTimes


def _table_from_model(path: Path) -> None:
    """Write the analytic SNS arrival-time PDFs on a fine grid, in µs."""
    sns = facility("sns")
    t = np.linspace(-1000.0, 40000.0, 8201)  # the μ decay tail is below 1e-8 at 40 µs
    pdfs = sns.arrival_time_pdfs(t)
    lines = ["# written by the test from the analytic model",
             "time [us],nu_mu [1/us],nu_e [1/us],nu_mu_bar [1/us]"]
    for i, ti in enumerate(t):
        vals = [pdfs[f][i] * u.us for f in (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR)]
        lines.append(",".join([repr(float(ti / u.us))] + [repr(float(v)) for v in vals]))
    path.write_text("\n".join(lines) + "\n")


def test_table_reproduces_the_analytic_bin_probabilities(tmp_path: Path) -> None:
    """The analytic πDAR PDFs written to a 5-ns table and read back give the same time-bin
    probabilities to 1e-4 (absolute; trapezoid vs exact on the 5 ns grid)."""
    f = tmp_path / "arrival.csv"
    _table_from_model(f)
    table = TabulatedArrivalTimes.from_csv(f)
    sns = facility("sns")
    timed = replace(sns, arrival_times=table)
    edges = np.array([-500.0, 0.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 6000.0, 12000.0])
    for fl in (Flavour.NU_MU, Flavour.NU_E, Flavour.NU_MU_BAR):
        np.testing.assert_allclose(timed.time_bin_probabilities(fl, edges),
                                   sns.time_bin_probabilities(fl, edges), atol=1e-4)
        assert float(table.cdf(fl, np.array([1e6]))[0]) == pytest.approx(1.0, abs=1e-12)
    assert "tabulated" in table.describe()


def test_bad_tables_name_the_problem(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("time,nu_e [1/us]\n0,1\n1,2\n")
    with pytest.raises(ValueError, match=r"^time: CSV header 'time' has no unit"):
        TabulatedArrivalTimes.from_csv(f)
    f.write_text("time [us],nu_e [MeV]\n0,1\n1,2\n")
    with pytest.raises(ValueError, match=r"^nu_e: density unit 'MeV' must read '1/<time unit>'"):
        TabulatedArrivalTimes.from_csv(f)
    f.write_text("time [us],nu_e [1/us]\n0,1\n1,-2\n")
    with pytest.raises(ValueError, match=r"^densities: nu_e must be finite, >= 0"):
        TabulatedArrivalTimes.from_csv(f)
    f.write_text("time [us],nu_e [1/us]\n0,1\n1,2\n")
    table = TabulatedArrivalTimes.from_csv(f)
    with pytest.raises(ValueError, match=r"^flavour: no arrival-time PDF for nu_mu"):
        table.cdf(Flavour.NU_MU, np.array([0.5]))
    with pytest.raises(ValueError, match=r"^path: arrival-time file"):
        TabulatedArrivalTimes.from_csv(tmp_path / "missing.csv")
