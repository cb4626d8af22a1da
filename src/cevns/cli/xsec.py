"""``cevns xsec``: flux-averaged Standard-Model CEvNS cross sections per nucleus.

``cevns xsec [-t TARGET ...] [--source NAME] [--json]``: ⟨σ⟩ per flavour and for all
flavours together (weighted by the number of neutrinos of each), per target, for the
stopped-pion spectrum (default) or any built-in source (``cevns sources`` lists them).
Heavy modules are imported inside the functions, so ``cevns --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .errors import literal, plain_console, to_json

if TYPE_CHECKING:
    from ..flavours import Flavour
    from ..sources.spectrum import Spectrum

__all__ = ["DEMO_TARGETS", "cross_section_table", "print_cross_sections", "register",
           "stopped_pion_cross_section_table"]

console = plain_console()

#: The six demo targets.
DEMO_TARGETS: tuple[str, ...] = ("CsI", "NaI", "Ar", "Ge", "Xe", "C")

#: Shown when no --source is given.
STOPPED_PION = "stopped-pion (π⁺ decay at rest)"


def _spectra(source: str | None) -> tuple[str, dict[Flavour, Spectrum]]:
    """(description, per-flavour spectra) of the stopped-pion spectrum or a named source."""
    if source is None:
        from ..sources.stopped_pion import stopped_pion_spectra

        return STOPPED_PION, dict(stopped_pion_spectra())
    from ..sources.catalogue import get_source
    from ..sources.facilities import facility_catalogue

    key = source.strip().lower().replace("-", "_")
    catalogue = facility_catalogue()
    # The flux average depends on the spectral shape only: a facility without a published
    # yield still has a well-defined ⟨σ⟩.
    src: Any = (catalogue[key].source_without_yield if key in catalogue
                else get_source(source))
    return str(getattr(src, "name", source)), dict(src.spectra())


def cross_section_table(
    targets: tuple[str, ...] = DEMO_TARGETS, source: str | None = None
) -> tuple[str, dict[str, dict[str, float]]]:
    """⟨σ⟩ per nucleus (cm²) per flavour and for all flavours (``"total"``), per target.

    ``"total"`` weights each flavour by its number of neutrinos (for πDAR the three
    flavours equally: one of each per π⁺ decay chain). Returns the source description too.
    """
    from ..engine.cross_section import target_flux_averaged_cross_section

    described, spectra = _spectra(source)
    weights = {f: s.total for f, s in spectra.items()}
    norm = sum(weights.values())
    if not norm > 0:
        raise ValueError(f"source: {source!r} emits no neutrinos")
    table: dict[str, dict[str, float]] = {}
    for name in targets:
        row = {f.value: target_flux_averaged_cross_section(s, name, f)
               for f, s in spectra.items()}
        row["total"] = sum(weights[f] * row[f.value] for f in spectra) / norm
        table[name] = row
    return described, table


def stopped_pion_cross_section_table(
    targets: tuple[str, ...] = DEMO_TARGETS,
) -> dict[str, dict[str, float]]:
    """⟨σ⟩ per nucleus (cm²) per πDAR flavour and for the three together, per target."""
    return cross_section_table(targets)[1]


def print_cross_sections(table: dict[str, dict[str, float]], source: str = STOPPED_PION) -> None:
    """The table in units of 10⁻⁴⁰ cm² per nucleus, with the model and dopant notes."""
    from rich.table import Table

    from ..flavours import Flavour
    from ..physics.targets import Target

    flavours = [k for k in next(iter(table.values())) if k != "total"]
    out = Table(title=literal(f"Flux-averaged SM CEvNS cross section, {source} source, "
                              "per nucleus [10⁻⁴⁰ cm²]"))
    out.add_column("target")
    for f in flavours:
        prompt = " (prompt)" if f == Flavour.NU_MU.value and source == STOPPED_PION else ""
        out.add_column(Flavour(f).symbol + prompt, justify="right")
    out.add_column("all flavours", justify="right")
    for name, row in table.items():
        out.add_row(literal(name), *(f"{row[f] / 1e-40:#.4g}" for f in flavours),
                    f"{row['total'] / 1e-40:#.4g}")
    console.print(out)
    for name in table:
        note = Target.parse(name).note
        if note:
            console.print(literal(f"target {name}: {note}"))
    console.print(
        "Standard Model (Erler–Su couplings with charge-radius terms, Helm/Lewin–Smith "
        "form factors, q² = 2MT)"
        + ("; COHERENT quotes 189 ± 6 for CsI (PRL 129 (2022) 081801)."
           if source == STOPPED_PION else ".")
    )


def register(app: typer.Typer) -> None:
    """Add the ``xsec`` command to ``app``."""

    @app.command("xsec")
    def xsec(
        target: Annotated[
            list[str] | None,
            typer.Option("--target", "-t", metavar="TARGET",
                         help="Target name or formula, e.g. CsI, 'CsI(Na)', Ar40, C3F8 "
                              "(repeatable; default: CsI NaI Ar Ge Xe C)."),
        ] = None,
        source: Annotated[
            str | None,
            typer.Option("--source", "-s", metavar="NAME",
                         help="Built-in source (`cevns sources`: sns, ess, conus, supernova, "
                              "...); default: the stopped-pion spectrum."),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Machine-readable output (cm² per nucleus).")
        ] = False,
    ) -> None:
        """Flux-averaged SM cross sections per nucleus, per flavour.

        \b
        Examples:
          cevns xsec
          cevns xsec -t CsI -t 'NaI(Tl)' --source ess
          cevns xsec -t Ge --source conus --json
        """
        targets = tuple(target) if target else DEMO_TARGETS
        described, table = cross_section_table(targets, source)
        if as_json:
            from ..physics.targets import Target

            notes = {n: Target.parse(n).note for n in targets if Target.parse(n).note}
            typer.echo(to_json({"unit": "cm2", "per": "nucleus", "source": described,
                                   "cross_sections": table, "target_notes": notes}, indent=2,
                                  ensure_ascii=False))
        else:
            print_cross_sections(table, described)
