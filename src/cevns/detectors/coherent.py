"""COHERENT predictions in the binnings of the published analyses (interface for the fits).

Two entry points, each returning a :class:`~cevns.detectors.prediction.Prediction`:

``csi_2021_prediction(release_dir, exposure, model, energy_edges, time_edges)``
    CsI[Na] 2021 (PRL 129 (2022) 081801). ``.counts`` has shape ``(n_PE_bins, n_time_bins)``
    (default 9 × 11 inside the release ROI 0–60 PE, 0–6 µs; edges in PE and ns via
    ``.detector.binning``). Nuisances: ``.with_nuisances(quenching=[θ0, θ1],
    efficiency=θ, time_efficiency=θ, normalisation=1 + θ_flux·0.10)`` where ``θ0``, ``θ1``
    follow the release's two ±1σ quenching models (``scintRespCoefficients.txt``) and
    ``θ`` the efficiency variants (``effCoefficients.txt``); ``time_shift=δt`` (ns) delays the
    arrival times (beam-timing nuisance) and ``light_yield=f`` scales the gain.

``cenns10_prediction(release_dir=None, exposure=None, model=None)``
    CENNS-10 Analysis A (PRL 126 (2021) 012002; release arXiv:2006.12659). ``.counts``
    has shape ``(12, 8, 10)``: reconstructed energy (0–120 keVee, 10 keVee bins) × F90
    (0.5–0.9, 0.05) × arrival time (−0.1–4.9 µs, 0.5 µs), the release's 3-D PDF grid.
    Nuisances: ``quenching=[θ_a, θ_b]`` (QF ``a + bT``), ``psd=θ`` (F90 mean),
    ``normalisation``.

When ``release_dir`` points to a release folder (the files exactly as published; the
tests use ``../shared/data/<release>``), the response is taken from the release files:
CsI quenching and efficiency coefficients, the CENNS-10 efficiency table. Without it the
built-in detector files (which quote the same coefficients, and for CENNS-10 a sigmoid
fitted to the table) are used. ``CEVNS_COHERENT_DATA`` may name the parent folder of the
releases.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import units as u
from .beam import Exposure
from .catalogue import load_detector
from .detector import Detector, ObservableBinning
from .efficiency import SigmoidEfficiency, TabulatedEfficiency
from .prediction import Prediction, predict
from .quenching import PolynomialQuenching

CSI_RELEASE = "coherent-csi-2021"
LAR_RELEASE = "coherent-lar-2020"


def release_folder(name: str, release_dir: str | Path | None = None) -> Path | None:
    """The folder of release ``name``: ``release_dir`` itself, ``$CEVNS_DATA/name`` or
    ``$CEVNS_COHERENT_DATA/name`` (explicit settings only: without them the fitted forms of the
    detector file are used, so a prediction never changes with where it is run)."""
    if release_dir is not None:
        folder = Path(release_dir)
        if not folder.is_dir():
            raise ValueError(f"release_dir: {str(folder)!r} is not a folder")
        return folder
    for var in ("CEVNS_DATA", "CEVNS_COHERENT_DATA"):
        env = os.environ.get(var)
        if env and (Path(env) / name).is_dir():
            return Path(env) / name
    return None


def _coefficient_rows(path: Path) -> list[tuple[float, ...]]:
    rows: list[tuple[float, ...]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            values = tuple(float(x) for x in text.split())
        except ValueError:
            raise ValueError(
                f"release_dir: {path.name}:{number}: not four numbers: {text!r}"
            ) from None
        if len(values) != 4:
            raise ValueError(f"release_dir: {path.name}:{number}: expected 4 coefficients")
        rows.append(values)
    return rows


def csi_release_quenching(folder: Path) -> PolynomialQuenching:
    """The release's quenching curve with its two ±1σ model pairs (x in MeVnr → MeVee)."""
    rows = _coefficient_rows(folder / "scintRespCoefficients.txt")
    if len(rows) != 5:
        raise ValueError("release_dir: scintRespCoefficients.txt must hold 5 coefficient sets")
    # MeV is the internal energy unit, so the coefficients apply as written.
    scale = u.MeV
    conv = [tuple(c * scale ** (-k) for k, c in enumerate(r)) for r in rows]
    return PolynomialQuenching(conv[0], ((conv[1], conv[2]), (conv[3], conv[4])))


def csi_release_efficiency(folder: Path) -> SigmoidEfficiency:
    """The release's PE efficiency with its two systematic variants (higher, lower)."""
    rows = _coefficient_rows(folder / "effCoefficients.txt")
    if len(rows) != 3:
        raise ValueError("release_dir: effCoefficients.txt must hold 3 coefficient sets")
    nominal, first, second = rows
    # The release labels both variants "+1 sigma"; the one with the lower midpoint c
    # raises the efficiency and is used as +1σ, the other as −1σ.
    plus, minus = (first, second) if first[2] < second[2] else (second, first)
    a, b, c, d = nominal
    return SigmoidEfficiency(a, b, c, d, plus, minus)  # type: ignore[arg-type]


def lar_release_efficiency(folder: Path) -> TabulatedEfficiency:
    """CENNS-10 efficiency table (keVee bin centre, keVnr bin centre, efficiency)."""
    table = np.loadtxt(folder / "CENNS10AnlAEfficiency.txt", ndmin=2)
    if table.shape[1] != 3:
        raise ValueError("release_dir: CENNS10AnlAEfficiency.txt must have 3 columns")
    return TabulatedEfficiency(
        tuple(float(x) * u.keV for x in table[:, 0]), tuple(float(x) for x in table[:, 2])
    )


def csi_2021_detector(release_dir: str | Path | None = None) -> Detector:
    """The built-in ``csi-2021`` detector, with the release's response if available."""
    detector = load_detector("csi-2021")
    folder = release_folder(CSI_RELEASE, release_dir)
    if folder is not None:
        detector = detector.with_response(
            quenching=csi_release_quenching(folder), efficiency=csi_release_efficiency(folder)
        )
    return detector


def cenns10_detector(release_dir: str | Path | None = None) -> Detector:
    """The built-in ``cenns10-2020`` detector, with the release's efficiency table if available."""
    detector = load_detector("cenns10-2020")
    folder = release_folder(LAR_RELEASE, release_dir)
    if folder is not None:
        detector = detector.with_response(efficiency=lar_release_efficiency(folder))
    return detector


def _rebinned(
    detector: Detector,
    energy_edges: Sequence[float] | None,
    time_edges: Sequence[float] | None,
) -> Detector:
    if energy_edges is None and time_edges is None:
        return detector
    b = detector.binning
    return detector.with_binning(
        ObservableBinning(
            tuple(energy_edges) if energy_edges is not None else b.energy_edges,
            b.observable,
            tuple(time_edges) if time_edges is not None else b.time_edges,
            b.psd_edges,
            b.fine_width,
        )
    )


def csi_2021_prediction(
    release_dir: str | Path | None = None,
    exposure: float | Exposure | None = None,
    model: Any = None,
    energy_edges: Sequence[float] | None = None,
    time_edges: Sequence[float] | None = None,
) -> Prediction:
    """SM (or ``model``) CEvNS prediction for CsI 2021 in PE × arrival-time bins.

    Parameters
    ----------
    release_dir
        Folder of the ``coherent-csi-2021`` release (optional, see module docstring).
    exposure
        POT (default: 13.99 GWh at 0.984 GeV).
    model
        Physics model; None is the Standard Model.
    energy_edges
        PE bin edges (default: the detector file's 9 bins in 0–60 PE).
    time_edges
        Time bin edges in ns (default: the detector file's 11 bins in 0–6 µs).
    """
    detector = _rebinned(csi_2021_detector(release_dir), energy_edges, time_edges)
    return predict(None, detector, exposure, model)


def cenns10_prediction(
    release_dir: str | Path | None = None,
    exposure: float | Exposure | None = None,
    model: Any = None,
) -> Prediction:
    """CENNS-10 Analysis A prediction in keVee × F90 × time (12 × 8 × 10 bins)."""
    return predict(None, cenns10_detector(release_dir), exposure, model)


__all__ = [
    "cenns10_detector",
    "cenns10_prediction",
    "csi_2021_detector",
    "csi_2021_prediction",
    "csi_release_efficiency",
    "csi_release_quenching",
    "lar_release_efficiency",
    "release_folder",
]
