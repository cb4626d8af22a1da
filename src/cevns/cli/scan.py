"""``cevns scan``: profile-likelihood scans of the COHERENT analyses.

``cevns scan ANALYSIS --axis 'NAME=LO:HI:N[:log]' [--axis ...] --out DIR`` profiles every other
parameter at each grid point (analytic-gradient Newton fits, warm-started from the neighbouring
point), checkpoints finished chunks in ``DIR/scan.sqlite`` (rerunning the same command resumes),
and writes ``DIR/scan.csv`` and ``DIR/scan.json`` (and ``DIR/scan.parquet`` when pyarrow is
installed). ``--workers N`` runs N local processes, ``--dask`` a Dask ``LocalCluster`` with N
workers, ``--scheduler ADDRESS`` an existing Dask cluster. ``--fc-toys N`` adds a
Feldman–Cousins construction with N seeded toys per point. ``--expected`` adds the expected
limits on the first axis (Asimov data and a band of ``--expected-toys`` toy experiments at the
null hypothesis: the analysis' values, or ``--null NAME=VALUE``), written to
``DIR/expected.json``. ``--model NAME`` scans the parameters of a new-physics model. ANALYSIS
is ``coherent-csi-2021``, ``coherent-lar-2020`` or ``joint``.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from cevns.scan.grid import ScanAxis

__all__ = ["ANALYSES", "register"]

#: Analyses ``cevns scan`` knows.
ANALYSES = ("coherent-csi-2021", "coherent-lar-2020", "joint")


class _RateColumn(ProgressColumn):
    """Points per second since the scan (this run) started."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        done = task.completed - float(task.fields.get("resumed", 0))
        if elapsed <= 0 or done <= 0:
            return Text("     —  points/s")
        return Text(f"{done / elapsed:8.1f} points/s")


def build_analysis(name: str, data: Path | None, model: str | None,
                   axes: Sequence[ScanAxis] = ()) -> Any:
    """The named analysis (release folders found as for ``cevns fit``), with ``model`` whose
    parameters of interest are the scanned ``axes`` (a nonlinear one is tabulated on its axis
    values, so the scan points are template nodes)."""
    from cevns.cli.fit import find_release
    from cevns.experiments.releases import CSI_2021, LAR_2020

    if name == "coherent-csi-2021":
        from cevns.experiments.csi2021 import build_csi_2021

        analysis = build_csi_2021(find_release(CSI_2021.name, data))
    elif name == "coherent-lar-2020":
        from cevns.experiments.lar2020 import build_lar_2020

        analysis = build_lar_2020(find_release(LAR_2020.name, data))
    elif name == "joint":
        from cevns.experiments.joint import build_joint

        analysis = build_joint(find_release(CSI_2021.name, data),
                               find_release(LAR_2020.name, data))
    else:
        raise ValueError(f"analysis: unknown {name!r}; allowed: {', '.join(ANALYSES)}")
    if model is not None:
        from cevns.models import registry

        physics = registry.get_model(model)
        names = [a.name for a in axes]
        known = [p.name for p in physics.parameters]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"--axis {unknown[0]}: not a parameter of model {model!r}; "
                             f"allowed: {known}")
        nonlinear = [a for a in axes if physics.parameter(a.name).kind == "nonlinear"]
        grid = nonlinear[0].values.tolist() if nonlinear else None
        analysis = analysis.with_model(physics, pois=names, grid=grid)
    return analysis


def _summary_table(summary: dict[str, Any]) -> Table:
    table = Table(title="scan summary (Wilks)")
    table.add_column("CL")
    names = summary["parameters"]
    if "wilks_intervals" in summary:
        table.add_column(f"{names[0]} interval(s)")
        if "feldman_cousins_intervals" in summary:
            table.add_column("Feldman–Cousins")
        for level, pieces in summary["wilks_intervals"].items():
            text = " ∪ ".join(
                f"[{p['low']:.4g}{'…' if p['low_open'] else ''}, "
                f"{p['high']:.4g}{'…' if p['high_open'] else ''}]" for p in pieces) or "—"
            row = [f"{float(level) * 100:.4g} %", text]
            if "feldman_cousins_intervals" in summary:
                fc = summary["feldman_cousins_intervals"].get(level, [])
                row.append(" ∪ ".join(f"[{p['low']:.4g}, {p['high']:.4g}]" for p in fc) or "—")
            table.add_row(*row)
    else:
        for n in names:
            table.add_column(f"{n} extent")
        for level, region in summary.get("wilks_contours", {}).items():
            extent = region["extent"]
            cells = ["outside the grid / none" if extent is None else
                     f"[{extent[n][0]:.4g}, {extent[n][1]:.4g}]" for n in names]
            table.add_row(f"{float(level) * 100:.4g} %", *cells)
    return table


def _parse_null(items: Sequence[str]) -> dict[str, float]:
    """``NAME=VALUE`` pairs of ``--null``."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--null: {item!r} is not of the form NAME=VALUE") from None
    return out


def _expected_table(doc: dict[str, Any]) -> Table:
    level = float(doc["level"]) * 100
    table = Table(title=f"expected {level:.4g} % CL upper limits on {doc['parameter']} "
                        f"({doc['n_toys']} toys)")
    for col in ("slice", "observed", "Asimov", "median", "±1σ", "±2σ"):
        table.add_column(col)

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.4g}"

    for i, sl in enumerate(doc["slices"]):
        band = doc["bands"][i]
        table.add_row("—" if sl is None else f"{sl:.4g}", fmt(doc["observed"][i]),
                      fmt(doc["asimov"][i]), fmt(band[2]),
                      f"[{fmt(band[1])}, {fmt(band[3])}]", f"[{fmt(band[0])}, {fmt(band[4])}]")
    return table


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command to ``app``."""

    @app.command("scan")
    def scan(
        analysis: Annotated[str, typer.Argument(
            help=f"Analysis to scan: {', '.join(ANALYSES)}.")],
        axis: Annotated[list[str], typer.Option(
            "--axis", help="Scan axis 'NAME=LO:HI:N[:log]' (repeat for a 2-D scan).")],
        out: Annotated[Path, typer.Option("--out", help="Output folder (store, table, JSON).")],
        model: Annotated[str | None, typer.Option(
            "--model", help="New-physics model whose parameters are scanned.")] = None,
        fc_toys: Annotated[int, typer.Option(
            "--fc-toys", help="Feldman–Cousins toys per point (0: none).")] = 0,
        workers: Annotated[int, typer.Option(
            "--workers", help="Local worker processes (1: serial).")] = 1,
        dask: Annotated[bool, typer.Option(
            "--dask", help="Run on a Dask LocalCluster with --workers workers.")] = False,
        scheduler: Annotated[str | None, typer.Option(
            "--scheduler", help="Address of an existing Dask scheduler.")] = None,
        timeout: Annotated[float, typer.Option(
            "--timeout", help="Seconds to wait for the Dask scheduler.")] = 5.0,
        chunk_size: Annotated[int | None, typer.Option(
            "--chunk-size", help="Points per chunk (default: one grid row, ≤ 100).")] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the toys.")] = 0,
        data: Annotated[Path | None, typer.Option(
            "--data", help="Folder containing the release(s).")] = None,
        plot: Annotated[bool, typer.Option(
            "--plot", help="Write the scan figures into the output folder.")] = False,
        as_json: Annotated[bool, typer.Option(
            "--json", help="Print the summary as JSON.")] = False,
        expected: Annotated[bool, typer.Option(
            "--expected", help="Also compute expected limits on the first axis (Asimov and "
                               "toy bands at the null hypothesis).")] = False,
        expected_toys: Annotated[int, typer.Option(
            "--expected-toys", help="Toy experiments for the expected-limit bands.")] = 50,
        null: Annotated[list[str] | None, typer.Option(
            "--null", help="Null-hypothesis value 'NAME=VALUE' of the expected limits "
                           "(repeatable; default: the analysis' values).")] = None,
        cl: Annotated[float, typer.Option(
            "--cl", help="Confidence level of the expected limits.")] = 0.90,
    ) -> None:
        """Profile-likelihood scan with checkpoint/resume, local or Dask execution.

        \b
        Examples:
          cevns scan coherent-csi-2021 --axis 'mu_cevns=0.4:1.6:61' --out scans/mu --plot
          cevns scan joint --model nsi --axis 'eps_uV_ee=-0.5:0.5:100' \\
              --axis 'eps_dV_ee=-0.5:0.5:100' --workers 2 --out scans/nsi
          cevns scan coherent-lar-2020 --axis 'mu_cevns=0:3:31' --fc-toys 500 --out scans/fc
          cevns scan joint --axis 'mu_cevns=0.5:1.3:41' --scheduler tcp://host:8786 --out s
          cevns scan coherent-csi-2021 --model nsi --axis 'eps_uV_ee=-0.1:0.6:36' \\
              --expected --expected-toys 100 --out scans/expected
        """
        from cevns.scan import ScanGrid, parse_axis, run_scan
        from cevns.scan.engine import ScanPayload

        if workers < 1:
            raise ValueError(f"--workers: need at least 1, got {workers}")
        if fc_toys < 0:
            raise ValueError(f"--fc-toys: must be ≥ 0, got {fc_toys}")
        if scheduler is not None and (dask or workers != 1):
            raise ValueError("--scheduler: an existing cluster brings its own workers; "
                             "drop --dask/--workers")
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out: {str(out)!r} exists and is not a folder")
        if expected_toys < 0:
            raise ValueError(f"--expected-toys: must be ≥ 0, got {expected_toys}")
        if not 0.0 < cl < 1.0:
            raise ValueError(f"--cl: confidence level must be in (0, 1), got {cl}")
        null_values = _parse_null(null or [])
        grid = ScanGrid.from_axes([parse_axis(a) for a in axis])
        if expected and len(grid.axes) > 2:
            raise ValueError("--expected: limits need a 1-D or 2-D scan")
        console = Console(stderr=True)
        ana = build_analysis(analysis, data, model, grid.axes)
        executor = "dask" if (dask or scheduler) else ("processes" if workers > 1 else "serial")
        with Progress(TextColumn("scan"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("points"), _RateColumn(), TimeRemainingColumn(),
                      console=console, disable=as_json) as progress:
            task = progress.add_task("scan", total=grid.size)

            def ready(payload: ScanPayload, done: int) -> None:
                progress.reset(task, completed=done, total=grid.size, resumed=done)

            def chunk(index: int, points: int) -> None:
                progress.advance(task, points)

            start = time.perf_counter()
            result = run_scan(ana.likelihood, grid, out=out, executor=executor,
                              workers=workers, scheduler=scheduler, timeout=timeout,
                              chunk_size=chunk_size, fc_toys=fc_toys, seed=seed,
                              on_chunk=chunk, on_ready=ready)
        sensitivity = None
        if expected:
            from cevns.scan.sensitivity import expected_sensitivity

            model_names = ana.model.parameter_names
            unknown = [n for n in null_values if n not in model_names]
            if unknown:
                raise ValueError(f"--null {unknown[0]}: unknown parameter; allowed: "
                                 f"{list(model_names)}")
            null_point = {n: float(ana.model.init[i]) for i, n in enumerate(model_names)
                          if n in grid.names}
            null_point.update(null_values)
            sensitivity = expected_sensitivity(ana.likelihood, grid, null_point,
                                               n_toys=expected_toys, seed=seed, level=cl)
        wall = time.perf_counter() - start
        written = [result.to_csv(out / "scan.csv"), result.to_json(out / "scan.json")]
        if sensitivity is not None:
            from cevns.cli.errors import to_json
            from cevns.scan.results import _atomic_write
            from cevns.scan.sensitivity import upper_limits

            doc = {"parameter": grid.names[0], "null": null_point, **sensitivity.as_dict(),
                   "observed": upper_limits(grid, result.delta_chi2, cl).tolist()}
            written.append(_atomic_write(out / "expected.json",
                                         to_json(doc, what="expected limits",
                                                 non_finite_as_null=True, indent=1).encode()))
        if importlib.util.find_spec("pyarrow") is not None:  # Parquet is an optional extra
            written.append(result.to_parquet(out / "scan.parquet"))
        if plot:
            from cevns.plotting.scan import plot_scan

            written += plot_scan(result, out, sensitivity=sensitivity)
        summary = result.summary()
        summary["analysis"] = ana.name
        summary["data_version"] = ana.data_version
        if sensitivity is not None:
            summary["expected"] = json.loads((out / "expected.json").read_text())
        if as_json:
            typer.echo(json.dumps(summary, indent=1))
            return
        console.print(_summary_table(summary))
        console.print("best fit: " + ", ".join(f"{k} = {v:.5g}"
                                                for k, v in summary["best_fit"].items()))
        if sensitivity is not None:
            console.print(_expected_table(summary["expected"]))
        console.print(f"fit status: {summary['status_counts']}; {grid.size} points in "
                      f"{wall:.1f} s ({result.stats['chunks_resumed']} chunks resumed)")
        for path in written:
            console.print(f"wrote {path}")
