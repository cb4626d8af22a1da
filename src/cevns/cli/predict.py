"""``cevns predict`` and ``cevns detectors``: expected CEvNS counts of any detector.

``cevns predict NAME|FILE.toml [--exposure Q] [--roi LOW:HIGH ...] [--json] [--output F]
[--plot F.png|DIR]`` predicts a built-in detector (``cevns detectors`` lists them) or a user's
TOML file with its own source and exposure, prints a table per energy bin and flavour with
the totals per isotope, and writes CSV/JSON (units in every header) and a figure (recoil
spectrum by flavour, observable spectrum, arrival time, energy × time).

``--exposure`` takes a statement with units: for a beam, an integrated beam energy
(``"13.99 GWh"``), a power for a time (``"1.4 MW for 5000 h"``), both converted with the
source's proton energy, or protons on target (``"3.2e23 POT"``); a bare "1 year" of beam is
refused (beam-years differ between facilities). For a reactor or a supernova, a live time
(``"8766 h"``) or a count (``"1e27 fission"``, ``"1 burst"``). Every output prints the POT
and the proton energy assumed. ``--roi`` takes ``LOW:HIGH`` with units, in the observable
(``"8 PE:60 PE"``, ``"5 keVee:40 keVee"``) or in time (``"0 us:6 us"``); it may be repeated.

Exit status: 0 on success, 2 on bad input (the message names the parameter).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .. import units as u
from .errors import (
    check_output_file,
    check_plot_target,
    guard_commands,
    literal,
    plain_console,
    to_json,
)

if TYPE_CHECKING:
    from ..detectors import Detector, Prediction

__all__ = [
    "apply_overrides",
    "parse_exposure",
    "parse_roi",
    "prediction_payload",
    "print_prediction",
    "register",
    "run_demo_prediction",
    "write_prediction",
]

console = plain_console()


def parse_exposure(text: str, detector: Detector) -> tuple[float, str]:
    """Exposure in source units from ``"1.4 MW for 5000 h"``, ``"13.99 GWh"`` or
    ``"3.2e23 POT"`` (see :func:`cevns.sources.exposure.parse_exposure`)."""
    from ..sources.exposure import parse_exposure as parse

    return parse(text, detector.source)


def apply_overrides(
    detector: Detector,
    *,
    mass: str | None = None,
    distance: str | None = None,
    threshold: str | None = None,
    source: str | None = None,
    target: str | None = None,
) -> tuple[Detector, list[str]]:
    """Quick what-ifs: the detector with some of its file's values replaced.

    Every value carries its unit (``"1 t"``, ``"20 m"``); ``threshold`` names its scale:
    ``"10 keVnr"`` (a sharp recoil-energy threshold), ``"5 keVee"`` or ``"8 PE"`` (a sharp
    threshold on the observable, which must be on that scale). A threshold replaces the
    file's whole energy efficiency by a step with plateau 1. ``source`` is a built-in source
    (``cevns sources``); ``target`` a name or formula (the file's response is kept: quenching
    tables written for another material are *not* adapted). Returns the new detector and one
    line per override, for the output.
    """
    from dataclasses import replace

    from ..detectors.efficiency import StepEfficiency
    from ..physics.targets import Target

    notes: list[str] = []
    det = detector
    if mass is not None:
        value = u.parse_quantity(mass, "mass", name="--mass")
        if not value > 0:
            raise ValueError(f"--mass: must be > 0, got {mass!r}")
        det = det.with_mass(value)
        notes.append(f"mass {mass} (file: {detector.mass / u.kg:g} kg)")
    if distance is not None:
        value = u.parse_quantity(distance, "length", name="--distance")
        if not value > 0:
            raise ValueError(f"--distance: must be > 0, got {distance!r}")
        det = det.with_distance(value)
        notes.append(f"distance {distance} (file: {detector.distance / u.m:g} m)")
    if target is not None:
        new_target = Target.parse(target)
        det = replace(det, target=new_target)
        notes.append(f"target {target} (file: {detector.target}; the file's response is kept)"
                     + (f"; {new_target.note}" if new_target.note else ""))
    if threshold is not None:
        symbol = threshold.strip().split()[-1] if threshold.strip() else ""
        kind = u.DIMENSIONS.get(symbol)
        observable_unit, _ = det.observable_unit
        if kind == "recoil_energy" and observable_unit != "keVnr":
            value = u.parse_quantity(threshold, "recoil_energy", name="--threshold")
            step = StepEfficiency(value, variable="recoil_energy")
        else:
            allowed = u.DIMENSIONS[observable_unit]
            if kind not in (allowed, "recoil_energy"):
                raise ValueError(
                    f"--threshold: write it in keVnr (nuclear recoil) or in this detector's "
                    f"observable, {observable_unit}; got {threshold!r}"
                )
            value = u.parse_quantity(threshold, allowed if kind != "recoil_energy" else kind,
                                     name="--threshold")
            step = StepEfficiency(value, variable="observable")
        det = det.with_response(efficiency=step)
        notes.append(f"threshold {threshold}: a sharp step replaces the file's efficiency")
    if source is not None:
        from ..sources.catalogue import get_source

        new_source = get_source(source)
        det = replace(det, source=new_source)
        notes.append(f"source {source} (file: {getattr(detector.source, 'name', 'none')})")
    return det, notes


def parse_roi(texts: list[str], detector: Detector) -> tuple[
    tuple[float, float] | None, tuple[float, float] | None
]:
    """``LOW:HIGH`` windows (with units) → (energy window in observable units, time window ns).

    The energy window must be on the detector's observable scale: ``PE``, ``keVee`` (after
    quenching) or ``keVnr`` (only for detectors that record the recoil energy itself); a
    window on the other scale is refused, never converted silently.
    """
    energy: tuple[float, float] | None = None
    time: tuple[float, float] | None = None
    unit, _scale = detector.observable_unit
    kind = u.DIMENSIONS[unit]
    for text in texts:
        parts = text.split(":")
        if len(parts) != 2:
            raise ValueError(
                f"roi: write LOW:HIGH with units, e.g. '8 {unit}:60 {unit}', got {text!r}"
            )
        try:
            lo, hi = (u.parse_quantity(p, "time", name="roi") for p in parts)
            time = (lo, hi)
            continue
        except ValueError:
            pass
        lo, hi = (u.parse_quantity(p, kind, name="roi") for p in parts)
        energy = (lo, hi)
    for window in (energy, time):
        if window is not None and not window[1] > window[0]:
            raise ValueError(f"roi: need LOW < HIGH, got {window}")
    return energy, time


def _exposure_unit(detector: Detector) -> str:
    unit = str(getattr(detector.source, "normalisation_unit", "source units"))
    return "POT" if unit == "proton on target" else unit


def _energy_unit(detector: Detector) -> tuple[str, float]:
    return detector.observable_unit


def prediction_payload(
    pred: Prediction,
    exposure_label: str,
    roi: tuple[tuple[float, float] | None, tuple[float, float] | None] = (None, None),
) -> dict[str, Any]:
    """Everything a user needs in JSON: edges with units, counts, totals, decompositions."""
    import numpy as np

    det = pred.detector
    unit, scale = _energy_unit(det)
    b = det.binning
    payload: dict[str, Any] = {
        "detector": det.name,
        "description": det.description,
        "target": str(det.target),
        "target_note": det.target.note,
        "mass_kg": det.mass / u.kg,
        "distance_m": det.distance / u.m,
        "exposure": exposure_label,
        "exposure_source_units": pred.exposure,
        "exposure_unit": _exposure_unit(det),
        "protons_on_target": pred.exposure if _exposure_unit(det) == "POT" else None,
        "proton_energy_GeV": (
            None if getattr(det.source, "proton_energy", None) is None
            else det.source.proton_energy / u.GeV  # type: ignore[attr-defined]
        ),
        "counts_unit": "expected events",
        "energy_observable": b.observable,
        f"energy_edges_{unit}": [x / scale for x in b.energy_edges],
        "axes": ["energy", *(["f90"] if b.psd_edges else []), *(["time"] if b.time_edges else [])],
        "counts": pred.counts.tolist(),
        "total": pred.total,
        "by_flavour": {f.value: float(v.sum()) for f, v in pred.by_flavour().items()},
        "by_isotope": {k: float(v.sum()) for k, v in pred.by_isotope().items()},
        "energy_counts_by_flavour": {
            f.value: v.reshape(v.shape[0], -1).sum(axis=1).tolist()
            for f, v in pred.by_flavour().items()
        },
        "references": list(det.references),
        "assumptions": list(det.assumptions),
    }
    t_edges = pred.default_recoil_edges()
    q = det.response.quenching
    e_top = max(
        float(np.max(q.visible_energy(t_edges, iso.Z, iso.A))) for iso in det.target.isotopes
    )
    ee_edges = np.geomspace(t_edges[0] * 1e-3, max(e_top, t_edges[0] * 1e-2) * 1.001, 61)
    payload["recoil_spectrum"] = {
        "T_edges_keVnr": (t_edges / u.keV).tolist(),
        "dN_dT_per_keVnr": {
            f.value: (row * u.keV).tolist()
            for f, row in zip(pred.flavours, pred.recoil_density(t_edges), strict=True)
        },
    }
    payload["visible_spectrum"] = {
        "Eee_edges_keVee": (ee_edges / u.keV).tolist(),
        "dN_dEee_per_keVee": {
            f.value: (row * u.keV).tolist()
            for f, row in zip(pred.flavours, pred.visible_density(ee_edges), strict=True)
        },
    }
    if b.psd_edges is not None:
        payload["f90_edges"] = list(b.psd_edges)
    if b.time_edges is not None:
        payload["time_edges_us"] = [t / u.us for t in b.time_edges]
    energy, time = roi
    if energy is not None or time is not None:
        payload["roi"] = {
            f"energy_{unit}": None if energy is None else [x / scale for x in energy],
            "time_us": None if time is None else [t / u.us for t in time],
            "total": pred.total_in(energy, time),
        }
    return payload


def print_prediction(pred: Prediction, exposure_label: str, roi: Any = (None, None)) -> None:
    """Rich table: counts per energy bin and flavour, then totals by isotope and in the ROI."""
    import numpy as np

    det = pred.detector
    unit, scale = _energy_unit(det)
    edges = np.asarray(det.binning.energy_edges) / scale
    title = f"{det.name}: expected CEvNS counts, {exposure_label}"
    table = Table(title=literal(title), caption="counts in expected events, 3 significant "
                  "digits per bin, 4 in the totals")
    table.add_column(escape(f"{det.binning.observable} bin [{unit}]"))
    by_flavour = pred.by_flavour()
    for f in pred.flavours:
        table.add_column(f.symbol, justify="right")
    table.add_column("total", justify="right")
    per_flavour = {
        f: v.reshape(v.shape[0], -1).sum(axis=1) for f, v in by_flavour.items()
    }
    energy_counts = pred.energy_counts()
    for i in range(len(edges) - 1):
        table.add_row(
            f"{edges[i]:g}–{edges[i + 1]:g}",
            *(f"{per_flavour[f][i]:#.3g}" for f in pred.flavours),
            f"{energy_counts[i]:#.3g}",
        )
    table.add_row(
        "all", *(f"{per_flavour[f].sum():#.4g}" for f in pred.flavours), f"{pred.total:#.4g}",
        style="bold",
    )
    console.print(table)
    iso = ", ".join(f"{k} {v.sum():#.4g}" for k, v in pred.by_isotope().items())
    console.print(f"by isotope: {literal(iso)}")
    if det.target.note:
        console.print(literal(f"target {det.target}: {det.target.note}"))
    energy, time = roi
    if energy is not None or time is not None:
        console.print(f"in the region of interest: {pred.total_in(energy, time):#.4g} events")
    if det.binning.time_edges is not None:
        t = np.asarray(det.binning.time_edges) / u.us
        console.print(f"arrival-time window {t[0]:g}–{t[-1]:g} µs, {len(t) - 1} bins")


def write_prediction(pred: Prediction, path: Path, exposure_label: str, roi: Any) -> None:
    """CSV (one row per bin; units in the header) or JSON, by the file suffix."""
    import numpy as np

    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(to_json(prediction_payload(pred, exposure_label, roi), indent=2))
        return
    if suffix != ".csv":
        raise ValueError(f"output: use a .csv or .json file name, got {path.name!r}")
    det = pred.detector
    unit, scale = _energy_unit(det)
    b = det.binning
    e = np.asarray(b.energy_edges) / scale
    grids: list[np.ndarray[Any, Any]] = [np.arange(len(e) - 1)]
    header = [f"energy_low [{unit}]", f"energy_high [{unit}]"]
    if b.psd_edges is not None:
        grids.append(np.arange(len(b.psd_edges) - 1))
        header += ["f90_low [1]", "f90_high [1]"]
    if b.time_edges is not None:
        grids.append(np.arange(len(b.time_edges) - 1))
        header += ["time_low [us]", "time_high [us]"]
    header += [f"{f.value} [events]" for f in pred.flavours] + ["total [events]"]
    by_flavour = pred.by_flavour()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        handle.write(f"# {det.name}: expected CEvNS counts, {exposure_label}\n")
        writer.writerow(header)
        for index in np.ndindex(*pred.counts.shape):
            row: list[Any] = [f"{e[index[0]]:g}", f"{e[index[0] + 1]:g}"]
            k = 1
            if b.psd_edges is not None:
                row += [f"{b.psd_edges[index[k]]:g}", f"{b.psd_edges[index[k] + 1]:g}"]
                k += 1
            if b.time_edges is not None:
                t = np.asarray(b.time_edges) / u.us
                row += [f"{t[index[k]]:g}", f"{t[index[k] + 1]:g}"]
            row += [f"{by_flavour[f][index]:.6g}" for f in pred.flavours]
            row.append(f"{pred.counts[index]:.6g}")
            writer.writerow(row)


def _distance_text(distance: float) -> str:
    return f"{distance / u.kpc:g} kpc" if distance > 1e3 * u.km else f"{distance / u.m:g} m"


def _detectors_table(as_json: bool) -> None:
    rows: list[dict[str, Any]] = []
    from ..detectors import list_detectors, load_detector

    for name in list_detectors():
        det = load_detector(name)
        rows.append(
            {
                "name": name,
                "target": str(det.target),
                "mass_kg": det.mass / u.kg,
                "distance_m": det.distance / u.m,
                "source": getattr(det.source, "name", ""),
                "exposure": det.exposure_label,
                "description": det.description,
            }
        )
    if as_json:
        typer.echo(to_json(rows, indent=2))
        return
    from rich import box

    table = Table(title="Built-in detectors (cevns predict NAME)", box=box.SIMPLE_HEAD)
    for col in ("name", "target", "mass [kg]", "distance", "source: default exposure",
                "= source units"):
        table.add_column(escape(col), justify="right" if col[0] in "md=" else "left",
                         no_wrap=col in ("name", "distance"), ratio=2 if col[0] == "s" else None)
    for r in rows:
        given, _, units = str(r["exposure"]).rpartition(" = ")
        table.add_row(
            literal(r["name"]), literal(r["target"]), f"{r['mass_kg']:g}",
            _distance_text(r["distance_m"] * u.m),
            literal(f"{r['source']}: {given}" if given else str(r["source"])), literal(units),
        )
    console.print(table)


def run_demo_prediction(as_json: bool = False) -> dict[str, Any]:
    """``make demo``: the COHERENT CsI 2021 SM prediction in its PE × time bins, printed.

    Prints the table (or JSON) and returns the JSON payload; the published SM prediction is
    341 ± 11 (th) ± 42 (exp) events (PRL 129 (2022) 081801).
    """
    from ..detectors import load_detector, predict

    det = load_detector("csi-2021")
    pred = predict(None, det)
    payload = prediction_payload(pred, det.exposure_label)
    payload["published_sm_prediction"] = "341 ± 11 (th) ± 42 (exp) (PRL 129 (2022) 081801)"
    if as_json:
        typer.echo(to_json(payload, indent=2))
    else:
        print_prediction(pred, det.exposure_label)
        console.print(
            "published SM prediction: 341 ± 11 (th) ± 42 (exp) events (PRL 129 (2022) 081801)"
        )
    return payload


def register(app: typer.Typer) -> None:
    """Add the ``predict`` and ``detectors`` commands to ``app``."""

    @app.command("detectors")
    def detectors(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """List the built-in detectors.

        \b
        Examples:
          cevns detectors
          cevns detectors --json
        """
        _detectors_table(as_json)

    @app.command("predict")
    def predict_command(
        detector: Annotated[str, typer.Argument(
            metavar="NAME|FILE.toml", help="Built-in name (`cevns detectors`) or a detector "
                                           "TOML file.")],
        exposure: Annotated[
            str | None,
            typer.Option(metavar="EXPOSURE",
                         help="'1.4 MW for 5000 h', '13.99 GWh' or '3.2e23 POT' for a beam; "
                              "'8766 h' or '1e27 fission' for a reactor; '1 burst' "
                              "(default: the file's)."),
        ] = None,
        roi: Annotated[
            list[str] | None,
            typer.Option(metavar="LOW:HIGH",
                         help="Window with units, '8 PE:60 PE', '5 keVee:40 keVee' or "
                              "'0 us:6 us'; repeatable."),
        ] = None,
        mass: Annotated[str | None, typer.Option(
            metavar="MASS", help="What-if: target mass, e.g. '1 t' or '14.6 kg'.")] = None,
        distance: Annotated[str | None, typer.Option(
            metavar="LENGTH", help="What-if: distance from the source, e.g. '20 m'.")] = None,
        threshold: Annotated[str | None, typer.Option(
            metavar="ENERGY",
            help="What-if: sharp threshold replacing the file's efficiency, in keVnr "
                 "(recoil) or the observable's unit (keVee or PE).")] = None,
        source: Annotated[str | None, typer.Option(
            metavar="NAME", help="What-if: a built-in source (`cevns sources`); give "
                                 "--exposure unless both are beams (the POT is kept).")] = None,
        target: Annotated[str | None, typer.Option(
            metavar="TARGET", help="What-if: target name or formula, e.g. 'NaI(Tl)' (the "
                                   "file's response is kept).")] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON instead of a table.")
        ] = False,
        output: Annotated[Path | None, typer.Option(
            metavar="FILE", help="Write a .csv or .json file.")] = None,
        plot: Annotated[
            Path | None,
            typer.Option(metavar="FILE|DIR",
                         help="Write the figure as PDF, SVG and PNG: F.png writes "
                         "F.pdf, F.svg, F.png; a folder gets <detector>_prediction.*."),
        ] = None,
        channel: Annotated[
            list[str] | None,
            typer.Option(metavar="NAME",
                         help="Channels to predict instead of the file's 'channels' "
                              "('cevns', '2h-cc', 'e-nue', ...); repeatable."),
        ] = None,
    ) -> None:
        """Expected CEvNS counts of a detector in its observable bins.

        \b
        Examples:
          cevns predict csi-2021
          cevns predict csi-2021 --exposure '1.4 MW for 5000 h' --roi '8 PE:60 PE'
          cevns predict coh-ar-750 --mass '1 t' --distance '20 m' --threshold '10 keVnr'
          cevns predict ge-mini --source ess --json
          cevns predict my-detector.toml --output counts.csv --plot figures/
          cevns predict d2o --channel 2h-cc --channel 2h-nc --json
        """
        from ..detectors import load_detector, predict
        from ..inelastic.prediction import CEVNS_CHANNEL, check_channel_names, predict_channels
        from .channels import channels_payload, print_channels, write_channels_csv

        check_output_file(output, "--output", (".csv", ".json"))
        check_plot_target(plot, "--plot")
        file_det = load_detector(detector)
        det, notes = apply_overrides(file_det, mass=mass, distance=distance,
                                     threshold=threshold, source=source, target=target)
        if exposure is not None:
            units, label = parse_exposure(exposure, det)
        else:
            if det.exposure is None:
                raise ValueError("exposure: the detector file has none; pass --exposure")
            if source is not None:
                if _exposure_unit(file_det) != "POT" or _exposure_unit(det) != "POT":
                    raise ValueError("--exposure: a new --source needs its own exposure "
                                     "(the file's is in other units)")
                notes.append(f"exposure: the file's {det.exposure:.4g} POT kept for {source}")
            units, label = det.exposure, det.exposure_label
        names = det.channels if not channel else check_channel_names(channel)
        others = [n for n in names if n != CEVNS_CHANNEL]
        inelastic = predict_channels(det, others, exposure=units) if others else None
        if CEVNS_CHANNEL not in names and inelastic is not None:
            if plot is not None:
                raise ValueError("--plot: the figure shows CEvNS; add --channel cevns")
            if roi:
                raise ValueError("--roi: the window applies to the CEvNS observable; add "
                                 "--channel cevns (the other channels take the [inelastic] "
                                 "roi of the detector file, in MeV)")
            if threshold is not None:
                raise ValueError("--threshold: replaces the CEvNS efficiency; add --channel "
                                 "cevns (the other channels take the [inelastic] efficiency of "
                                 "the detector file)")
            if output is not None:
                if output.suffix.lower() == ".json":
                    output.write_text(to_json(channels_payload(inelastic), indent=2,
                                              ensure_ascii=False), encoding="utf-8")
                else:
                    write_channels_csv(inelastic, output)
            if as_json:
                typer.echo(to_json({"detector": det.name, "exposure": label,
                                    **channels_payload(inelastic)}, indent=2,
                                   ensure_ascii=False))
            else:
                print_channels(inelastic, label)
            return
        windows = parse_roi(roi or [], det)
        pred = predict(None, det, units)
        if output is not None:
            write_prediction(pred, output, label, windows)
        if plot is not None:
            import hashlib

            from ..detectors.catalogue import builtin_text
            from ..plotting.figure import Provenance, file_sha256
            from ..plotting.prediction import plot_prediction

            source_file = Path(detector)
            origin = ("file sha256 " + file_sha256(source_file) if source_file.is_file()
                      else "built-in, sha256 "
                      + hashlib.sha256(builtin_text(detector.lower()).encode()).hexdigest())
            plot_prediction(pred, plot, Provenance(
                description=f"CEvNS prediction for {det.name}, exposure {label}",
                data={detector: origin}))
        if as_json:
            payload = prediction_payload(pred, label, windows)
            payload["overrides"] = notes
            if inelastic is not None:
                payload["other_channels"] = channels_payload(inelastic)
            typer.echo(to_json(payload, indent=2, ensure_ascii=False))
        else:
            print_prediction(pred, label, windows)
            if inelastic is not None:
                print_channels(inelastic, label)
            for note in notes:
                console.print(literal(f"what-if: {note}"))

    guard_commands(app)  # bad input → one line (cevns.cli.errors)
