"""``cevns fit``: fit the public COHERENT data releases.

Targets: ``coherent-csi-2021``, ``coherent-lar-2020`` and ``joint``. Each takes ``--data DIR``
(the release folder, or a folder that contains it; default ``$CEVNS_COHERENT_DATA`` or
``../shared/data``), prints a rich table of the fit next to the published numbers, or the full
result as JSON with ``--json`` (every fitted parameter, error, correlation and the data
version), and writes figures with ``--plot DIR``. A fit that does not converge prints its
diagnostics and exits with status 3; unreadable data exits with status 2.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cevns.experiments.analysis import Analysis, AnalysisResult
from cevns.experiments.releases import CSI_2021, LAR_2020, ReleaseFormatError
from cevns.stats.likelihood import ConvergenceError

from .errors import (
    check_output_file,
    check_output_folder,
    fail,
    guard_commands,
    literal,
    plain_console,
)

__all__ = ["find_release", "register", "run_demo_fit"]

console = plain_console(stderr=True)

DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Release folder (or a folder containing it)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Folder for the projection and profile figures "
                                 "(each as PDF, SVG and PNG).")
]
PyhfOption = Annotated[
    Path | None,
    typer.Option("--pyhf", help="Also write the likelihood as a pyhf JSON workspace here "
                 "(approximate mappings are listed)."),
]
SystOption = Annotated[
    bool, typer.Option("--systematics/--no-systematics", help="Profile the shape/flux nuisances.")
]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="New-physics model (see `cevns models`), e.g. "
                             "weak-angle, nsi, zprime, nsi+neutron-radius, or a TOML file "
                             "with a [model] table.")]
ParamOption = Annotated[
    list[str] | None, typer.Option("--param", help="Model parameter or option NAME=VALUE "
                                   "(repeatable), e.g. mass_zp=50 or coupling=B-L.")]
PoiOption = Annotated[
    list[str] | None, typer.Option("--poi", help="Fit only these model parameters (repeatable; "
                                   "default: all).")]


def _model_options(params: list[str] | None) -> dict[str, Any]:
    """``NAME=VALUE`` strings to keyword arguments (numbers where they parse)."""
    out: dict[str, Any] = {}
    for item in params or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--param: expected NAME=VALUE, got {item!r}")
        text = value.strip()
        try:
            out[name.strip()] = float(text)
        except ValueError:
            out[name.strip()] = {"true": True, "false": False}.get(text.lower(), text)
    return out


def _with_model(
    build: Callable[[], Analysis], model: str | None, params: list[str] | None,
    pois: list[str] | None,
) -> Callable[[], Analysis]:
    if model is None:
        if params or pois:
            raise typer.BadParameter("--param/--poi need --model")
        return build

    def built() -> Analysis:
        from cevns.models.registry import get_model, load_model_file

        if model.endswith(".toml"):
            m, file_pois = load_model_file(model)
            if params:
                m = m.with_values(**_model_options(params))
            return build().with_model(m, pois or file_pois)
        m = get_model(model, **_model_options(params))
        return build().with_model(m, pois or None)

    return built


def find_release(name: str, data: Path | None) -> Path:
    """Locate release ``name``: ``data`` itself, ``data/name``, ``$CEVNS_COHERENT_DATA/name``
    or ``../shared/data/name``; raise ``FileNotFoundError`` saying how to fetch it."""
    candidates: list[Path] = []
    if data is not None:
        candidates += [data, data / name]
    else:
        env = os.environ.get("CEVNS_COHERENT_DATA")
        if env:
            candidates.append(Path(env) / name)
        candidates.append(Path("..") / "shared" / "data" / name)
    spec = CSI_2021 if name == CSI_2021.name else LAR_2020
    for folder in candidates:
        if folder.is_dir() and all((folder / f).is_file() for f in list(spec.files)[:1]):
            return folder
    raise FileNotFoundError(
        f"data: release {name!r} not found in {', '.join(str(c) for c in candidates)}; "
        f"get it with `cevns data fetch {name} --to DIR` and pass --data DIR"
    )


def _run(
    build: Callable[[], Analysis],
    *,
    as_json: bool,
    plot: Path | None,
    scan: np.ndarray | None,
    pyhf: Path | None = None,
) -> None:
    # Output paths are checked before the fit: a long fit is never lost to a bad path.
    check_output_folder(plot, "--plot")
    check_output_file(pyhf, "--pyhf", (".json",))
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("reading the release and building the likelihood")
            analysis = build()

            def say(message: str) -> None:
                progress.update(task, description=message)

            result = analysis.run(scan=scan, progress=say)
            if plot is not None:
                say(f"writing figures to {plot}")
                from cevns.plotting.analysis import plot_analysis

                paths = plot_analysis(analysis, result, plot)
    except (FileNotFoundError, ReleaseFormatError, ValueError) as exc:
        fail(exc)
    except ConvergenceError as exc:
        console.print(f"[red]fit did not converge:[/red] {literal(exc.result.message)}")
        if as_json:
            typer.echo(json.dumps({"converged": False, "fit": exc.result.as_dict()}, indent=2))
        raise typer.Exit(code=3) from exc
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _print(result)
    if plot is not None:
        for path in paths:
            console.print(f"wrote {literal(path)}")
    if pyhf is not None:
        from cevns.stats.pyhf_export import to_pyhf_workspace

        workspace, notes = to_pyhf_workspace(analysis.likelihood, analysis.signal_parameter,
                                             channel=analysis.name, approximate=True)
        pyhf.write_text(json.dumps(workspace, indent=1))
        console.print(f"wrote pyhf workspace {literal(pyhf)}"
                      + (f" ({len(notes)} approximate mappings)" if notes else ""))
        for note in notes:
            console.print(f"  approximation: {literal(note)}")


def _fmt(value: float, error: float) -> str:
    return f"{value:.1f} ± {error:.1f}"


def _published(pub: dict[str, Any], key: str) -> str:
    entry: Any = pub
    for part in key.split("/"):
        entry = entry.get(part) if isinstance(entry, dict) else None
    if isinstance(entry, list) and len(entry) >= 2:
        return f"{entry[0]} ± {entry[1]}"
    return "—"


def _print(result: AnalysisResult, out: Console | None = None) -> None:
    out = out or plain_console()
    who = result.detectors or result.name
    signal_who = result.signal_detectors or who
    table = Table(title=literal(f"{who}: fitted yields ({result.name}, {result.data_version})"))
    table.add_column("detector: component" if result.channel_labels else "component")
    table.add_column("fitted events", justify="right")
    table.add_column("stat. only", justify="right")
    table.add_column("published", justify="right")
    for key, (value, error) in result.yields.items():
        table.add_row(literal(result.label(key)), _fmt(value, error),
                      f"± {result.stat_only_errors[key]:.1f}",
                      literal(_published(result.published, key)))
    out.print(table)
    params = Table(title=literal(f"{who}: fitted parameters"))
    params.add_column("parameter")
    params.add_column("value ± error", justify="right")
    for name, value, error in zip(result.fit.parameter_names, result.fit.values,
                                  result.fit.errors, strict=True):
        params.add_row(literal(result.label(name)), f"{value:.4g} ± {error:.2g}")
    out.print(params)
    mu, lo, hi = result.signal_strength
    if result.model is not None:
        poi = result.profile.parameter if result.profile else result.fit.parameter_names[0]
        out.print(literal(f"{signal_who}: model {result.model}: {poi} = {mu:.4g} "
                          f"{lo:+.3g} / {hi:+.3g} (MINOS)"))
        for row in result.intervals:
            low = "open" if row["low"] is None else f"{row['low']:.4g}"
            high = "open" if row["high"] is None else f"{row['high']:.4g}"
            out.print(f"  {100 * row['cl']:.1f} % CL: [{low}, {high}] (profile likelihood)")
        out.print(literal(f"{signal_who}: deviation from the Standard Model "
                          f"{result.significance:.2f} σ"))
    else:
        out.print(literal(f"{signal_who}: CEvNS signal strength μ = {mu:.3f} {lo:+.3f} / "
                          f"{hi:+.3f} (MINOS)"))
        out.print(literal(f"{signal_who}: CEvNS significance {result.significance:.2f} σ "
                          "(√q₀, other parameters profiled)"))
    out.print(literal(f"{who}: χ²/dof (Poisson deviance) {result.fit.chi2:.1f}/"
                      f"{result.fit.ndof}"))
    if result.cross_section is not None and result.sm_cross_section is not None:
        v, l_, h = (x / 1e-40 for x in result.cross_section)
        out.print(literal(f"{signal_who}: flux-averaged σ = {v:.1f} −{l_:.1f} +{h:.1f} "
                          f"× 10⁻⁴⁰ cm² (SM {result.sm_cross_section / 1e-40:.1f} × 10⁻⁴⁰ cm²)"))


def run_demo_fit(data: Path | None = None, out: Console | None = None) -> bool:
    """Fit CsI 2021 if the release is found (``data`` or the default places) and print the
    summary; otherwise print how to fetch it. Returns whether a fit ran (for ``make demo``)."""
    out = out or plain_console()
    try:
        folder = find_release(CSI_2021.name, data)
    except FileNotFoundError as exc:
        out.print(f"[yellow]CsI 2021 fit skipped:[/yellow] {literal(exc)}")
        return False
    from cevns.experiments.csi2021 import build_csi_2021

    result = build_csi_2021(folder).run()
    _print(result, out)
    return True


def register(app: typer.Typer) -> None:
    """Add the ``fit`` command group to ``app``."""
    fit_app = typer.Typer(help="Fit the public COHERENT data releases.", no_args_is_help=True)

    @fit_app.command("coherent-csi-2021")
    def fit_csi(data: DataOption = None, as_json: JsonOption = False, plot: PlotOption = None,
                systematics: SystOption = True, pyhf: PyhfOption = None,
                model: ModelOption = None, param: ParamOption = None,
                poi: PoiOption = None) -> None:
        """CsI[Na] 2021: PE × arrival-time Poisson likelihood (PRL 129 (2022) 081801)."""
        from cevns.experiments.csi2021 import build_csi_2021

        _run(_with_model(lambda: build_csi_2021(find_release(CSI_2021.name, data),
                                                systematics=systematics), model, param, poi),
             as_json=as_json, plot=plot,
             scan=None if model else np.linspace(0.3, 1.5, 25), pyhf=pyhf)

    @fit_app.command("coherent-lar-2020")
    def fit_lar(
        data: DataOption = None,
        as_json: JsonOption = False,
        plot: PlotOption = None,
        systematics: SystOption = True,
        pyhf: PyhfOption = None,
        signal: Annotated[str, typer.Option(
            "--signal", help="CEvNS template: 'release' PDF or our own 'prediction'.")
        ] = "release",
        model: ModelOption = None,
        param: ParamOption = None,
        poi: PoiOption = None,
    ) -> None:
        """CENNS-10 Analysis A: energy × F90 × time likelihood (PRL 126 (2021) 012002).

        With --model the CEvNS sample is our own prediction under that model."""
        from cevns.experiments.lar2020 import build_lar_2020

        _run(_with_model(lambda: build_lar_2020(find_release(LAR_2020.name, data),
                                                systematics=systematics, signal=signal),
                         model, param, poi),
             as_json=as_json, plot=plot,
             scan=None if model else np.linspace(0.0, 3.0, 31), pyhf=pyhf)

    @fit_app.command("joint")
    def fit_joint(
        data: Annotated[Path | None, typer.Option(
            "--data", help="Folder containing both releases.")] = None,
        as_json: JsonOption = False,
        plot: PlotOption = None,
        separate: Annotated[bool, typer.Option(
            "--separate-signals", help="One signal strength per detector.")] = False,
        model: ModelOption = None,
        param: ParamOption = None,
        poi: PoiOption = None,
    ) -> None:
        """Joint CsI 2021 + CENNS-10 fit with the SNS flux nuisance shared."""
        from cevns.experiments.joint import build_joint

        _run(_with_model(lambda: build_joint(find_release(CSI_2021.name, data),
                                             find_release(LAR_2020.name, data),
                                             common_signal=not separate), model, param, poi),
             as_json=as_json, plot=plot, scan=None if model else np.linspace(0.3, 1.5, 25))

    app.add_typer(fit_app, name="fit")

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
