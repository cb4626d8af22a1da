"""``cevns fit xenonnt-8b``: the XENONnT solar-⁸B CEvNS release fitted with our ⁸B signal.

``--data DIR`` is the release folder (or a folder containing ``xenonnt-8b-2026``; default
``<folder>/xenonnt-8b-2026`` for each folder of :func:`cevns.paths.data_dirs`). ``--runs``
selects science runs (``sr0,sr1`` reproduces PRL 133 (2024) 191002); ``--signal flux`` fits
the ⁸B flux, ``--signal strength`` the CEvNS signal strength at the B16-GS98 flux. Prints a
table next to the published numbers, or JSON with ``--json``; ``--plot DIR`` writes the
projections of data and stacked fit per science run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .errors import check_output_folder, fail, literal, plain_console

__all__ = ["find_xenonnt_release", "register_xenonnt"]

console = plain_console(stderr=True)

RELEASE = "xenonnt-8b-2026"


def find_xenonnt_release(data: Path | None) -> Path:
    """The release folder: ``data`` or ``data/xenonnt-8b-2026``, else the data folders of
    :func:`cevns.paths.data_dirs` (``$CEVNS_DATA``, the checkout's ``../shared/data``, the
    per-user folder)."""
    from cevns.paths import data_dirs

    candidates: list[Path] = []
    if data is not None:
        candidates += [data, data / RELEASE]
    else:
        candidates += [folder / RELEASE for folder in data_dirs()]
    for folder in candidates:
        if (folder / "binning").is_dir() and (folder / "templates").is_dir():
            return folder
    raise FileNotFoundError(
        f"data: release {RELEASE!r} not found in {', '.join(str(c) for c in candidates)}; "
        "download it from doi:10.5281/zenodo.20576156 and pass --data DIR (or set CEVNS_DATA)"
    )


def register_xenonnt(fit_app: typer.Typer) -> None:
    """Add ``xenonnt-8b`` to the ``fit`` command group."""

    @fit_app.command("xenonnt-8b")
    def fit_xenonnt(
        data: Annotated[Path | None, typer.Option(
            "--data", help="Release folder (or a folder containing it).")] = None,
        runs: Annotated[str, typer.Option(
            "--runs", help="Science runs, comma-separated (sr0,sr1,sr2).")] = "sr0,sr1,sr2",
        signal: Annotated[str, typer.Option(
            "--signal", help="'flux' (⁸B flux free) or 'strength' (CEvNS strength at the "
            "SSM flux).")] = "flux",
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
        plot: Annotated[Path | None, typer.Option(
            "--plot", help="Folder for the projection figures (PDF, SVG, PNG).")] = None,
    ) -> None:
        """XENONnT solar ⁸B CEvNS: 4-D binned likelihood of the public release (PRL 133 (2024)
        191002; arXiv:2604.06002).

        \b
        Examples:
          cevns fit xenonnt-8b --runs sr0,sr1
          cevns fit xenonnt-8b --signal strength --json
          cevns fit xenonnt-8b --data ~/releases --plot figures/
        """
        check_output_folder(plot, "--plot")
        if signal not in ("flux", "strength"):
            fail(f"--signal: must be 'flux' or 'strength', got {signal!r}")
        names = tuple(r.strip().lower() for r in runs.split(",") if r.strip())
        try:
            from cevns.experiments.xenonnt import fit_b8, load_xenonnt_8b

            release = load_xenonnt_8b(find_xenonnt_release(data), names)
            result = fit_b8(release, signal=signal)
            paths: list[Path] = []
            if plot is not None:
                from cevns.experiments.xenonnt_plots import plot_xenonnt_fit

                paths = plot_xenonnt_fit(release, result, plot)
        except (FileNotFoundError, ValueError, ImportError) as exc:
            fail(exc)
        if as_json:
            typer.echo(json.dumps(result.as_dict(), indent=2))
        else:
            out = plain_console()
            what = "⁸B flux" if signal == "flux" else "CEvNS signal strength μ"
            unit = " × 10⁶ cm⁻² s⁻¹" if signal == "flux" else ""
            lo, hi = result.interval
            out.print(f"XENONnT {'+'.join(n.upper() for n in result.runs)}, "
                      f"{result.exposure:.2f} t·y, {result.observed_events} events")
            out.print(f"{what} = {result.value:.2f} {lo:+.2f} / {hi:+.2f}{unit} (MINOS)")
            out.print(f"significance of the ⁸B signal: {result.significance:.2f} σ")
            out.print(f"expected at the SSM flux: {result.expected_signal:.1f} signal, "
                      f"{result.expected_background:.1f} background events")
            pub = result.published
            if pub:
                f, m, p = pub["b8_flux"]
                out.print(f"published ({literal(pub['reference'])}): ⁸B flux {f} {m:+} / {p:+}"
                          f" × 10⁶ cm⁻² s⁻¹, {pub['significance']} σ")
        for path in paths:
            console.print(f"wrote {literal(path)}")
