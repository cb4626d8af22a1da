"""``cevns project``: expected sensitivity of future detectors for a run plan, versus exposure.

``cevns project SETUP [SETUP ...] [--plan PLAN] [--measure cross_section|PARAMETER]
[--exposure LO:HI:N] [--toys N --workers N|--dask] [--pulls [--pulls-seed N]] [--plot TARGET]
[--json]``

SETUP is a projection set-up (``cevns project --list`` shows them: a detector file with its
background model and systematics) or the path of one; PLAN is a run plan (built-in or a TOML
path; default: the set-up's). The exposure factors scale every period of the plan
(``0.1:10:20`` is 20 log-spaced factors). ``--measure cross_section`` gives the Asimov CEvNS
significance and cross-section precision with the nuisance ranking; a model parameter
(``sin2_theta_w``, ``r_n``, ``eps_uV_ee``, ``g_zp``, ``mu_numu``, ...) gives its expected
68 % and 90 % CL intervals. Several SETUPs are fitted together (one facility, several
targets) with the flux shared, toys included. ``--pulls`` adds the post-fit pulls,
constraints and impacts of every nuisance at the largest exposure (Asimov data, or one seeded
toy with ``--pulls-seed``) to the table, the JSON and, with ``--plot``, the ranking figure
(``impacts.{pdf,svg,png}`` in a folder, ``NAME-impacts.*`` beside a file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from cevns.projections.impacts import PullsImpacts

__all__ = ["register"]


def _exposures(text: str) -> Any:
    from cevns.projections.projection import exposure_scales

    parts = text.split(":")
    try:
        if len(parts) == 1:
            value = float(parts[0])
            if not value > 0 or value == float("inf"):
                raise ValueError
            return [value]
        if len(parts) != 3:
            raise ValueError
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"--exposure: cannot read {text!r}; write a factor on the plan "
                         "('2') or LO:HI:N ('0.1:10:20', log-spaced, 2 ≤ N ≤ 200)") from None
    if not 2 <= n <= 200:
        raise ValueError(f"--exposure: N must be in 2…200, got {n}")
    try:
        return exposure_scales(lo, hi, n)
    except ValueError as exc:
        raise ValueError(f"--exposure: {exc}") from None


def _params(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--param: expected NAME=VALUE, got {item!r}") from None
    return out


def _listing(console: Console) -> None:
    from cevns.projections import list_plans, list_setups, load_plan, load_setup

    table = Table(title="projection set-ups (cevns project SETUP)")
    for col in ("set-up", "detector", "target", "mass", "default plan"):
        table.add_column(col)
    for name in list_setups():
        s = load_setup(name)
        table.add_row(name, s.detector.name, str(s.detector.target.name),
                      f"{s.detector.mass:.4g} kg", s.plan)
    console.print(table)
    plans = Table(title="run plans (--plan)")
    plans.add_column("plan")
    plans.add_column("periods")
    for name in list_plans():
        plans.add_row(name, "\n".join(load_plan(name).describe()))
    console.print(plans)


def register(app: typer.Typer) -> None:
    """Add the ``project`` command to ``app``."""

    @app.command("project")
    def project(
        setups: Annotated[list[str] | None, typer.Argument(
            help="Projection set-up(s) (built-in name or TOML path); several are fitted "
                 "together.")] = None,
        plan: Annotated[str | None, typer.Option(
            "--plan", help="Run plan (built-in name or TOML path); default: the set-up's.")
        ] = None,
        measure: Annotated[str, typer.Option(
            "--measure", help="cross_section, or a model parameter (sin2_theta_w, r_n, "
                              "eps_uV_ee, g_zp, mu_numu, ...).")] = "cross_section",
        param: Annotated[list[str] | None, typer.Option(
            "--param", help="Fixed model parameter NAME=VALUE (e.g. mass_zp=50).")] = None,
        exposure: Annotated[str, typer.Option(
            "--exposure", help="Exposure factor(s) on the plan: F or LO:HI:N (log).")
        ] = "0.1:10:12",
        toys: Annotated[int, typer.Option(
            "--toys", help="Toy experiments per exposure for the median and bands.")] = 0,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the toys.")] = 0,
        workers: Annotated[int, typer.Option(
            "--workers", help="Local worker processes for the toys (1: serial).")] = 1,
        dask: Annotated[bool, typer.Option(
            "--dask", help="Run the toys on a Dask LocalCluster with --workers workers.")
        ] = False,
        plot: Annotated[Path | None, typer.Option(
            "--plot", help="Write the precision-versus-exposure figure (folder or file).")
        ] = None,
        pulls: Annotated[bool, typer.Option(
            "--pulls", help="Post-fit pulls, constraints and impacts of every nuisance at "
                            "the largest exposure (the ranking; figure with --plot).")
        ] = False,
        pulls_seed: Annotated[int | None, typer.Option(
            "--pulls-seed", help="Pulls and impacts on one seeded toy instead of the Asimov "
                                 "data (implies --pulls).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        list_all: Annotated[bool, typer.Option(
            "--list", help="List the projection set-ups and run plans.")] = False,
    ) -> None:
        """Expected sensitivity of future detectors and facilities versus exposure.

        \b
        Examples:
          cevns project --list
          cevns project coh-ar-750 --plan sns-ppu-3yr --exposure 0.1:3:20 --plot out/
          cevns project naivete-3t3 --exposure 1 --toys 1000 --workers 2
          cevns project coh-ar-750 --measure eps_uV_ee --exposure 1
          cevns project ess-csi ess-ge ess-xe --measure sin2_theta_w --exposure 1
          cevns project ess-ge ess-xe --measure sin2_theta_w --exposure 1 --toys 50
          cevns project coh-ar-750 --exposure 1 --pulls --plot out/
        """
        from cevns import units as u
        from cevns.projections import (
            Projection,
            load_plan,
            load_setup,
            model_for_parameter,
        )
        from cevns.projections.projection import (
            combined_interval_toys,
            combined_model_intervals,
            projected_pulls_impacts,
        )

        console = Console(stderr=as_json)
        if list_all:
            _listing(console)
            return
        if not setups:
            raise ValueError("SETUP: give a projection set-up (cevns project --list shows them)")
        if toys < 0 or workers < 1:
            raise ValueError(f"--toys/--workers: need toys ≥ 0 and workers ≥ 1, got {toys}, "
                             f"{workers}")
        if pulls_seed is not None and pulls_seed < 0:
            raise ValueError(f"--pulls-seed: must be an integer >= 0, got {pulls_seed}")
        scales = _exposures(exposure)
        executor = "dask" if dask else ("processes" if workers > 1 else "serial")
        loaded = [load_setup(s) for s in setups]
        run_plan = load_plan(plan or loaded[0].plan)
        projections = {s.name: Projection(s, run_plan) for s in loaded}
        values = _params(param or [])
        bands = None
        interval_bands = None
        if measure == "cross_section":
            if len(projections) > 1:
                raise ValueError("--measure: the cross section is per detector; give one SETUP "
                                 "(or a model parameter to fit several together)")
            proj = next(iter(projections.values()))
            points = proj.asimov(scales)
            if toys:
                bands = proj.toys(scales, n_toys=toys, seed=seed, executor=executor,
                                  workers=workers)
        else:
            target = str(loaded[0].detector.target.name)
            model = model_for_parameter(measure, target, **values)
            if len(projections) == 1:
                proj = next(iter(projections.values()))
                points = proj.model_intervals(model, measure, scales)
                if toys:
                    interval_bands = proj.interval_toys(model, measure, scales, n_toys=toys,
                                                        seed=seed, executor=executor,
                                                        workers=workers)
            else:
                points = combined_model_intervals(projections, model, measure, scales)
                if toys:
                    interval_bands = combined_interval_toys(
                        projections, model, measure, scales, n_toys=toys, seed=seed,
                        executor=executor, workers=workers)
        ranking = None
        if pulls or pulls_seed is not None:
            ranking = projected_pulls_impacts(
                projections, float(scales[-1]), model=None if measure == "cross_section"
                else model, poi=None if measure == "cross_section" else measure,
                seed=pulls_seed)
        names = [s.name for s in loaded]
        doc: dict[str, Any] = {"setups": names, "plan": run_plan.name,
               "plan_periods": run_plan.describe(), "measure": measure,
               "points": [p.as_dict() for p in points]}
        if ranking is not None:
            doc["pulls_impacts"] = {"scale": float(scales[-1]), **ranking.as_dict()}
        if bands is not None:
            doc["toys"] = bands.as_dict()
        if interval_bands is not None:
            doc["toys"] = interval_bands.as_dict()
        written: list[Path] = []
        if plot is not None:
            from cevns.plotting.exposure import plot_exposure
            from cevns.plotting.figure import Provenance

            title = f"{' + '.join(names)}, {run_plan.name}"
            written = plot_exposure(points, plot, measure=measure,
                                    bands=bands if bands is not None else interval_bands,
                                    title=title,
                                    provenance=Provenance(
                                        description=f"projected {measure} versus exposure"))
            if ranking is not None:
                from cevns.plotting.impacts import plot_impacts

                beside = plot if plot.suffix == "" else plot.with_name(
                    f"{plot.stem}-impacts{plot.suffix}")
                written += plot_impacts(ranking, beside, title=f"{title}: {measure}, "
                                        f"exposure factor {float(scales[-1]):.3g} "
                                        f"({ranking.data})",
                                        provenance=Provenance(
                                            description=f"nuisance ranking of {measure}"))
        if as_json:
            typer.echo(json.dumps(doc, indent=1))
            return
        for line in run_plan.describe():
            console.print(f"plan {run_plan.name}: {line}")
        table = Table(title=f"{' + '.join(names)}: expected {measure} (Asimov)")
        for col in ("factor", "GWh", "POT", "CEvNS", "steady state", "beam n"):
            table.add_column(col, justify="right")
        if measure == "cross_section":
            for col in ("Z [σ]", "σ/σ", "stat only"):
                table.add_column(col, justify="right")
            if bands is not None:
                table.add_column("σ/σ toys median [±1σ]", justify="right")
        else:
            table.add_column("68 % CL", justify="right")
            table.add_column("90 % CL", justify="right")
            if interval_bands is not None:
                table.add_column("68 % half-width toys median [±1σ]", justify="right")
        for i, p in enumerate(points):
            row = [f"{p.scale:.3g}", f"{p.beam_energy / u.GWh:.4g}",
                   f"{p.protons_on_target:.3g}", f"{p.signal:.4g}", f"{p.steady_state:.4g}",
                   f"{p.beam_neutrons:.4g}"]
            if measure == "cross_section":
                row += [f"{p.significance:.3g}", f"{100 * p.sigma_mu:.3g} %",
                        f"{100 * p.sigma_stat:.3g} %"]
                if bands is not None:
                    q = bands.sigma_mu[i] * 100
                    row.append(f"{q[2]:.3g} % [{q[1]:.3g}, {q[3]:.3g}]")
            else:
                row += [_fmt(p.interval.get(k)) for k in ("68%", "90%")]
                if interval_bands is not None:
                    w = interval_bands.half_width[i]
                    row.append(f"{w[2]:.4g} [{w[1]:.4g}, {w[3]:.4g}]")
            table.add_row(*row)
        console.print(table)
        if measure == "cross_section":
            last = points[-1]
            console.print("what limits it at the largest exposure (impact on σ/σ): " + ", ".join(
                f"{k} {100 * v:.2g} %" for k, v in last.impacts.items()))
        if ranking is not None:
            console.print(_ranking_table(ranking, float(scales[-1])))
        for path in written:
            console.print(f"wrote {path}")


def _fmt(interval: tuple[float | None, float | None] | None) -> str:
    if interval is None:
        return "—"
    lo, hi = interval
    return (f"[{'…' if lo is None else f'{lo:.4g}'}, {'…' if hi is None else f'{hi:.4g}'}]")


def _ranking_table(ranking: PullsImpacts, scale: float) -> Table:
    table = Table(title=f"pulls and impacts on {ranking.poi} at exposure factor {scale:.3g} "
                        f"({ranking.data}; {ranking.poi} = {ranking.poi_value:.4g} ± "
                        f"{ranking.poi_error:.2g})")
    for col in ("nuisance", "pull", "constraint", "impact +1σ", "impact −1σ",
                "pre-fit +1σ", "pre-fit −1σ"):
        table.add_column(col, justify="right")
    for n in ranking.nuisances:
        table.add_row(n.name, _num(n.pull), _num(n.constraint), f"{n.impact_up:+.3g}",
                      f"{n.impact_down:+.3g}", _num(n.prefit_impact_up, "+.3g"),
                      _num(n.prefit_impact_down, "+.3g"))
    return table


def _num(value: float | None, fmt: str = ".3g") -> str:
    return "—" if value is None else format(value, fmt)
