"""Detectors and predictions: from nuclear recoils to the counts an experiment records.

Public API
----------
Response chain (frozen dataclasses, each with ``shifted(theta)`` for its nuisance):
    quenching  :class:`ConstantQuenching`, :class:`LinearQuenching`,
               :class:`PolynomialQuenching`, :class:`LindhardQuenching`, :class:`TabulatedQuenching`
    smearing   :class:`GaussianSmearing`, :class:`PoissonSmearing`, :class:`GammaSmearing`,
               :class:`NoSmearing`
    efficiency :class:`SigmoidEfficiency`, :class:`StepEfficiency`, :class:`TabulatedEfficiency`;
               time: :class:`ExponentialTimeEfficiency`, :class:`ConstantTimeEfficiency`,
               :class:`TabulatedTimeEfficiency`;
               PSD: :class:`GaussianF90`
Detector model: :class:`Detector` (target, mass kg, distance cm, :class:`ResponseChain`,
    :class:`ObservableBinning`, default source and exposure).
Catalogue: :func:`list_detectors`, :func:`load_detector` (built-in name or TOML path);
    TOML schema and errors in :mod:`cevns.detectors.schema`.
Sources/exposure: any source with ``spectra()`` (e.g. :class:`cevns.sources.StoppedPionSource`),
    :class:`SteadySource`, :class:`Exposure`.
Prediction: :func:`predict` → :class:`Prediction` with ``.counts`` (binning shape),
    ``.components`` (flavour × isotope × bins), ``.by_flavour()``, ``.by_isotope()``,
    ``.total``, ``.total_in(energy=, time=)``, ``.recoil_spectrum()``, ``.visible_counts()``,
    and ``.with_nuisances(quenching=, efficiency=, time_efficiency=, psd=, normalisation=)``
    for re-predictions that reuse the physics (< 2 ms).

Interface for the fits, in :mod:`cevns.detectors.coherent`:
    ``csi_2021_prediction(release_dir=None, exposure=None, model=None, energy_edges=None,
    time_edges=None)`` → Prediction, ``.counts`` shape ``(n_PE, n_time)`` (default 9 × 11 in
    0–60 PE × 0–6 µs); nuisances ``quenching=[θ0, θ1]``, ``efficiency=θ``, ``normalisation``.
    ``cenns10_prediction(release_dir=None, exposure=None, model=None)`` → ``.counts`` shape
    ``(12, 8, 10)`` = keVee × F90 × time, the release's 3-D PDF grid.

Units: MeV, cm, ns, kg inside (:mod:`cevns.units`); counts are expected events.
"""

from __future__ import annotations

from .beam import Exposure, SpectralSource, SteadySource
from .catalogue import list_detectors, load_detector
from .detector import Detector, ObservableBinning, ResponseChain
from .efficiency import (
    ConstantTimeEfficiency,
    ExponentialTimeEfficiency,
    GaussianF90,
    SigmoidEfficiency,
    StepEfficiency,
    TabulatedEfficiency,
    TabulatedTimeEfficiency,
)
from .prediction import Prediction, predict
from .quenching import (
    ConstantQuenching,
    LindhardQuenching,
    LinearQuenching,
    PolynomialQuenching,
    TabulatedQuenching,
)
from .schema import DetectorFileError, load_detector_file, parse_detector
from .smearing import GammaSmearing, GaussianSmearing, NoSmearing, PoissonSmearing

__all__ = [
    "ConstantQuenching",
    "ConstantTimeEfficiency",
    "Detector",
    "DetectorFileError",
    "ExponentialTimeEfficiency",
    "Exposure",
    "GammaSmearing",
    "GaussianF90",
    "GaussianSmearing",
    "LindhardQuenching",
    "LinearQuenching",
    "NoSmearing",
    "ObservableBinning",
    "PoissonSmearing",
    "PolynomialQuenching",
    "Prediction",
    "ResponseChain",
    "SigmoidEfficiency",
    "SpectralSource",
    "SteadySource",
    "StepEfficiency",
    "TabulatedEfficiency",
    "TabulatedQuenching",
    "TabulatedTimeEfficiency",
    "list_detectors",
    "load_detector",
    "load_detector_file",
    "parse_detector",
    "predict",
]
