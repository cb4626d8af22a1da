"""``cevns fit``: fit the public COHERENT data releases.

Targets: ``coherent-csi-2021``, ``coherent-lar-2020`` and ``joint``. Each takes ``--data DIR``
(the release folder, or a folder that contains it; default: the data folder of
:mod:`cevns.paths`, i.e. ``$CEVNS_DATA``, the checkout's ``../shared/data`` or the per-user
data folder, never relative to the current directory), prints a rich table of the fit next
to the published numbers, or the full result as JSON with ``--json`` (every fitted
parameter, error, correlation and the data version), and writes figures with
``--plot DIR``. A fit that does not converge prints its diagnostics and exits with
status 3; unreadable data exits with status 2.

``cevns fit DATA.csv`` (or ``cevns fit file DATA.csv``) fits a user's binned data in the
CSV layout of :func:`cevns.stats.read_binned_csv`: one free signal normalisation, the other
components free or constrained (``--constrain bkg=0.1``), shape variations profiled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .errors import (
    check_output_file,
    check_output_folder,
    fail,
    guard_commands,
    literal,
    plain_console,
    to_json,
)

if TYPE_CHECKING:
    from cevns.experiments.analysis import Analysis, AnalysisResult

__all__ = ["find_release", "register", "run_demo_fit"]

#: Release names (spelled out here so that `cevns --help` does not import the readers).
CSI_NAME = "coherent-csi-2021"
LAR_NAME = "coherent-lar-2020"


def _grid(low: float, high: float, n: int) -> list[float]:
    return [low + (high - low) * k / (n - 1) for k in range(n)]

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
        if name.strip() in out:
            raise ValueError(f"--param: {name.strip()!r} is given twice")
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


#: Accelerator dark-matter models (``cevns.darkmatter``): with ``--model`` one of these, the
#: fit adds the χ sample to the likelihood and reports 90 % CL upper limits.
DARK_MATTER_MODEL_NAMES = ("dark-photon", "leptophobic")


#: Most χ masses in one ``chi_masses=LOW:HIGH:N`` scan (each is a profiled limit, ~0.3 s).
MAX_MASS_POINTS = 200


def _mass_grid(text: str) -> list[float]:
    """``"LOW:HIGH:N"`` → N log-spaced masses (MeV)."""
    import numpy as np

    parts = text.split(":")
    try:
        low, high, n = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3 or not (0 < low < high < np.inf) or not 2 <= n <= MAX_MASS_POINTS:
            raise ValueError
    except (ValueError, IndexError):
        raise ValueError(f"chi_masses: expected LOW:HIGH:N with 0 < LOW < HIGH (MeV) and "
                         f"2 <= N <= {MAX_MASS_POINTS}, got {text!r}") from None
    return [float(m) for m in np.geomspace(low, high, n)]


def _run_dark_matter(release: Callable[[], Path], model: str, params: list[str] | None, *,
                     as_json: bool, plot: Path | None) -> None:
    """90 % CL limits of an accelerator dark-matter model from the CsI 2021 data."""
    import numpy as np

    from cevns.darkmatter.models import get_dark_matter_model
    from cevns.darkmatter.production import SNS_PI0, MesonProduction, sns_eta
    from cevns.experiments.csi2021_dm import CsIDarkMatterSearch
    from cevns.experiments.releases import ReleaseFormatError

    check_output_folder(plot, "--plot")
    try:
        values = _model_options(params)
        grid = values.pop("chi_masses", None)
        if grid is not None and "chi_mass" in values:
            raise ValueError("chi_masses: give either chi_mass or chi_masses, not both")
        masses = _mass_grid(str(grid)) if grid is not None else (
            [values.pop("chi_mass")] if "chi_mass" in values
            else [float(m) for m in np.geomspace(2.0, 40.0, 12)])
        eta = values.pop("eta_per_pot", None)
        production: tuple[MesonProduction, ...] = (SNS_PI0,)
        if eta is not None:
            if not isinstance(eta, float) or not (np.isfinite(eta) and eta > 0):
                raise ValueError(f"eta_per_pot: must be a number > 0 (η per POT), got {eta!r}")
            production = (SNS_PI0, sns_eta(eta))
            values.setdefault("meson", "eta")
        reference = get_dark_matter_model(model, chi_mass=masses[0], **values)
        for mass in masses[1:]:  # every mass of the grid checked before the fits
            reference.with_values(chi_mass=mass)
        with console.status("building the CsI 2021 likelihood with the dark-matter sample"):
            search = CsIDarkMatterSearch.build(release(), production=production)
            limits = search.limit_curve(reference, masses)
    except (FileNotFoundError, ReleaseFormatError, ValueError) as exc:
        fail(exc)
    if as_json:
        typer.echo(to_json({"analysis": "coherent-csi-2021", "model": model,
                            "confidence_level": 0.90,
                            "limits": [lim.as_dict() for lim in limits]}, indent=2))
    else:
        strength = "epsilon" if reference.name == "dark-photon" else "alpha_B"
        console.print(f"COHERENT CsI[Na] 2021 + {literal(reference.label)}: 90 % CL upper "
                      f"limits (alpha_D = {reference.alpha_d:g}, "
                      f"m_V/m_chi = {reference.m_v / reference.chi_mass:g})")
        console.print(f"{'m_chi [MeV]':>12} {'m_V [MeV]':>10} {'events':>8} "
                      f"{strength:>10} {'Y':>10}")
        for lim in limits:
            y = f"{lim.y:10.3e}" if lim.y is not None else f"{'-':>10}"
            console.print(f"{lim.model.chi_mass:12.3g} {lim.model.m_v:10.3g} "
                          f"{lim.events:8.2f} {lim.strength:10.3e} {y}")
    if plot is not None:
        from cevns.plotting.darkmatter import plot_dark_matter_limits

        for path in plot_dark_matter_limits(limits, plot):
            console.print(f"wrote {literal(path)}")


def find_release(name: str, data: Path | None) -> Path:
    """Locate release ``name``: ``data`` itself or ``data/name``; without ``data``,
    ``<folder>/name`` for each folder of :func:`cevns.paths.data_dirs` (``$CEVNS_DATA``, the
    checkout's ``../shared/data``, the per-user data folder; never relative to the current
    directory). Raise ``FileNotFoundError`` saying how to fetch it."""
    from cevns.experiments.releases import CSI_2021, LAR_2020
    from cevns.paths import data_dirs

    candidates: list[Path] = []
    if data is not None:
        candidates += [data, data / name]
    else:
        candidates += [folder / name for folder in data_dirs()]
    spec = CSI_2021 if name == CSI_2021.name else LAR_2020
    for folder in candidates:
        if folder.is_dir() and all((folder / f).is_file() for f in list(spec.files)[:1]):
            return folder
    raise FileNotFoundError(
        f"data: release {name!r} not found in {', '.join(str(c) for c in candidates)}; "
        f"get it with `cevns data fetch {name}` (or set CEVNS_DATA, or pass --data DIR)"
    )


def _run(
    build: Callable[[], Analysis],
    *,
    as_json: bool,
    plot: Path | None,
    scan: Sequence[float] | None,
    pyhf: Path | None = None,
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from cevns.experiments.releases import ReleaseFormatError
    from cevns.stats.likelihood import ConvergenceError

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
            typer.echo(to_json({"converged": False, "fit": exc.result.as_dict()}, indent=2,
                                non_finite_as_null=True))
        raise typer.Exit(code=3) from exc
    if as_json:
        typer.echo(to_json(result.as_dict(), indent=2))
    else:
        _print(result)
    if plot is not None:
        for path in paths:
            console.print(f"wrote {literal(path)}")
    if pyhf is not None:
        from cevns.stats.pyhf_export import to_pyhf_workspace

        workspace, notes = to_pyhf_workspace(analysis.likelihood, analysis.signal_parameter,
                                             channel=analysis.name, approximate=True)
        pyhf.write_text(to_json(workspace, indent=1))
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
        folder = find_release(CSI_NAME, data)
    except FileNotFoundError as exc:
        out.print(f"[yellow]CsI 2021 fit skipped:[/yellow] {literal(exc)}")
        return False
    from cevns.experiments.csi2021 import build_csi_2021

    result = build_csi_2021(folder).run()
    _print(result, out)
    return True


# ----------------------------------------------------------------------------- user CSV files
def _parse_constraints(texts: Sequence[str]) -> dict[str, tuple[float, float]]:
    """``["bkg=0.1", "ss=5%"]`` → ``{"bkg": (1.0, 0.1), "ss": (1.0, 0.05)}``."""
    out: dict[str, tuple[float, float]] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        number = value.strip().removesuffix("%")
        try:
            sigma = float(number) * (0.01 if value.strip().endswith("%") else 1.0)
        except ValueError:
            sigma = float("nan")
        if not sep or not name.strip() or not (sigma > 0 and sigma < float("inf")):
            raise ValueError(f"--constrain: write COMPONENT=RELATIVE_SIGMA (e.g. 'bkg=0.1' or "
                             f"'bkg=10%'), got {text!r}")
        out[name.strip()] = (1.0, sigma)
    return out


def fit_binned_file(
    path: Path, signal: str | None = None, constrain: Sequence[str] = (),
    plot: Path | None = None,
) -> dict[str, Any]:
    """Fit a user's binned CSV (layout of :func:`cevns.stats.read_binned_csv`).

    ``signal`` is the component with the free strength ``mu_<signal>`` (default: a component
    called ``signal``, ``sig`` or ``cevns``, else the only one); ``constrain`` gives Gaussian
    constraints ``COMPONENT=σ_rel`` on the other normalisations (the rest are free);
    ``plot`` is a folder for the projection figures (data over the stacked fit, and data
    minus the fitted backgrounds with the fitted signal), one per axis, as PDF, SVG and PNG.
    Returns a JSON-ready summary: yields with errors, μ with MINOS errors, significance.
    """
    from cevns.stats import discovery_significance, fit, read_binned_csv, sample_yields

    data = read_binned_csv(path)
    names = list(data.templates)
    if signal is None:
        picks = [n for n in ("signal", "sig", "cevns") if n in names] or (
            names if len(names) == 1 else [])
        if not picks:
            raise ValueError(f"--signal: {path.name} has components {names}; say which one is "
                             "the signal")
        signal = picks[0]
    likelihood = data.likelihood(signal, _parse_constraints(constrain))
    mu_name = f"mu_{signal}"
    best = fit(likelihood, minos=[mu_name])
    yields = sample_yields(likelihood.model, best)
    z = discovery_significance(likelihood, mu_name, best_fit=best)
    lo, hi = best.minos.get(mu_name, (-best.error(mu_name), best.error(mu_name)))
    axes = [f"{a} [{unit}]" for a, unit in zip(data.axes, data.units, strict=True)]
    figures: list[str] = []
    if plot is not None:
        from cevns.experiments.analysis import Axis
        from cevns.plotting.analysis import plot_projections
        from cevns.plotting.figure import Provenance, file_sha256

        scales = data.scales or (1.0,) * len(data.axes)
        plot_axes = [Axis(a, e, unit, sc) for a, unit, e, sc
                     in zip(data.axes, data.units, data.edges, scales, strict=True)]
        prov = Provenance(description=f"fit of {path.name}",
                          data={path.name: f"sha256 {file_sha256(path)}"})
        figures = [str(p) for p in plot_projections(
            path.stem, plot_axes, data.observed,
            likelihood.model.expected_by_sample(best.values), plot, prov,
            signal=signal, title=path.name)]
    return {
        "file": str(path),
        "axes": axes,
        "bins": int(data.observed.size),
        "observed_events": float(data.observed.sum()),
        "signal": signal,
        "signal_strength": {"parameter": mu_name, "value": best.value(mu_name),
                            "minos_lower": lo, "minos_upper": hi},
        "significance_sigma": z,
        "yields": {k: {"value": v, "error": e} for k, (v, e) in yields.items()},
        "chi2_per_dof": [best.chi2, best.ndof],
        "fit": best.as_dict(),
        **({"figures": figures} if figures else {}),
    }


def _print_file_fit(summary: dict[str, Any], out: Console | None = None) -> None:
    out = out or plain_console()
    name = Path(summary["file"]).name
    table = Table(title=literal(f"{name}: fitted yields ({summary['bins']} bins over "
                                f"{', '.join(summary['axes'])})"))
    table.add_column("component")
    table.add_column("fitted events", justify="right")
    for key, entry in summary["yields"].items():
        table.add_row(literal(key), f"{entry['value']:.4g} ± {entry['error']:.2g}")
    table.add_row("observed", f"{summary['observed_events']:.4g}", style="bold")
    out.print(table)
    mu = summary["signal_strength"]
    out.print(literal(f"{name}: signal strength {mu['parameter']} = {mu['value']:.3f} "
                      f"{mu['minos_lower']:+.3f} / {mu['minos_upper']:+.3f} (MINOS)"))
    out.print(literal(f"{name}: signal significance {summary['significance_sigma']:.2f} σ "
                      "(√q₀, other parameters profiled)"))
    chi2, ndof = summary["chi2_per_dof"]
    out.print(literal(f"{name}: χ²/dof (Poisson deviance) {chi2:.1f}/{ndof}"))
    for figure in summary.get("figures", []):
        out.print(f"wrote {literal(figure)} (and .pdf, .svg)")


class _FitGroup(typer.core.TyperGroup):
    """``cevns fit DATA.csv`` is ``cevns fit file DATA.csv`` (a path, not a sub-command)."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and (
            args[0].lower().endswith(".csv") or Path(args[0]).is_file()
        ):
            args = ["file", *args]
        return super().resolve_command(ctx, args)


def register(app: typer.Typer) -> None:
    """Add the ``fit`` command group to ``app``."""
    fit_app = typer.Typer(
        cls=_FitGroup, no_args_is_help=True,
        help="Fit the public COHERENT data releases, or your own binned data: "
             "cevns fit DATA.csv.",
    )

    @fit_app.command("file")
    def fit_file(
        path: Annotated[Path, typer.Argument(
            metavar="DATA.csv", help="Binned data: '<axis>_low \\[unit]', '<axis>_high "
                                     "\\[unit]', observed and one column per component.")],
        signal: Annotated[str | None, typer.Option(
            "--signal", metavar="COMPONENT",
            help="Component with the free strength μ (default: signal, sig or cevns).")] = None,
        constrain: Annotated[list[str] | None, typer.Option(
            "--constrain", metavar="COMPONENT=SIGMA",
            help="Gaussian constraint on a component's normalisation, e.g. bkg=0.1 or bkg=10% "
                 "(repeatable; unconstrained components float freely).")] = None,
        as_json: JsonOption = False,
        plot: PlotOption = None,
    ) -> None:
        """Fit your own binned data (CSV): yields, μ, significance.

        \b
        Examples:
          cevns fit mydata.csv
          cevns fit mydata.csv --signal cevns --constrain bkg=0.1 --json
          cevns fit mydata.csv --plot figures/
        """
        from cevns.stats.likelihood import ConvergenceError

        check_output_folder(plot, "--plot")
        try:
            summary = fit_binned_file(path, signal, constrain or (), plot)
        except ConvergenceError as exc:
            console.print(f"[red]fit did not converge:[/red] {literal(exc.result.message)}")
            raise typer.Exit(code=3) from exc
        if as_json:
            typer.echo(to_json(summary, indent=2, ensure_ascii=False))
        else:
            _print_file_fit(summary)

    @fit_app.command("coherent-csi-2021")
    def fit_csi(data: DataOption = None, as_json: JsonOption = False, plot: PlotOption = None,
                systematics: SystOption = True, pyhf: PyhfOption = None,
                model: ModelOption = None, param: ParamOption = None,
                poi: PoiOption = None) -> None:
        """CsI[Na] 2021: PE × arrival-time Poisson likelihood (PRL 129 (2022) 081801).

        \b
        Examples:
          cevns fit coherent-csi-2021
          cevns fit coherent-csi-2021 --data ~/releases --json --plot figures/
          cevns fit coherent-csi-2021 --model weak-angle
          cevns fit coherent-csi-2021 --model dark-photon --param chi_mass=10
          cevns fit coherent-csi-2021 --model dark-photon --param chi_masses=2:40:12 --plot f/
        """
        from cevns.experiments.csi2021 import build_csi_2021

        if model in DARK_MATTER_MODEL_NAMES:
            if poi:
                raise ValueError("--poi: does not apply to a dark-matter model (its limit is on "
                                 "the coupling; choose masses with --param)")
            _run_dark_matter(lambda: find_release(CSI_NAME, data), model or "", param,
                             as_json=as_json, plot=plot)
            return
        _run(_with_model(lambda: build_csi_2021(find_release(CSI_NAME, data),
                                                systematics=systematics), model, param, poi),
             as_json=as_json, plot=plot,
             scan=None if model else _grid(0.3, 1.5, 25), pyhf=pyhf)

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

        With --model the CEvNS sample is our own prediction under that model.

        \b
        Examples:
          cevns fit coherent-lar-2020
          cevns fit coherent-lar-2020 --signal prediction --no-systematics --json
        """
        from cevns.experiments.lar2020 import build_lar_2020

        _run(_with_model(lambda: build_lar_2020(find_release(LAR_NAME, data),
                                                systematics=systematics, signal=signal),
                         model, param, poi),
             as_json=as_json, plot=plot,
             scan=None if model else _grid(0.0, 3.0, 31), pyhf=pyhf)

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
        """Joint CsI 2021 + CENNS-10 fit with the SNS flux nuisance shared.

        \b
        Examples:
          cevns fit joint
          cevns fit joint --separate-signals --json
        """
        from cevns.experiments.joint import build_joint

        _run(_with_model(lambda: build_joint(find_release(CSI_NAME, data),
                                             find_release(LAR_NAME, data),
                                             common_signal=not separate), model, param, poi),
             as_json=as_json, plot=plot, scan=None if model else _grid(0.3, 1.5, 25))

    from .fit_xenonnt import register_xenonnt

    register_xenonnt(fit_app)
    app.add_typer(fit_app, name="fit")

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
