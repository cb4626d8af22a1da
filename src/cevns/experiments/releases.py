"""Readers for the public COHERENT data releases, exactly as published.

Each loader takes the folder of a release (as downloaded by ``cevns data fetch``; the test
suite uses ``../shared/data/<name>``), reads every file line by line and checks its layout:
number of columns, numeric and finite values, the expected bin grid in the published order and
the published number of lines. Anything else raises :class:`ReleaseFormatError` naming the file
and the line (``path:line: problem``).

Releases
--------
``coherent-csi-2021``
    CsI[Na] full data set, D. Akimov et al. (COHERENT), PRL 129 (2022) 081801,
    arXiv:2110.07730 (ancillary files of the arXiv record).
``coherent-lar-2020``
    CENNS-10 Analysis A, D. Akimov et al. (COHERENT), PRL 126 (2021) 012002; data release
    arXiv:2006.12659, Zenodo doi:10.5281/zenodo.3903810.

Units: event energies in PE (CsI) or keVee (LAr), times converted to ns on reading (the files
give µs), PDF values as published (arbitrary normalisation unless stated).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from cevns import units as u
from cevns.types import FloatArray
from cevns.validation import InputError

__all__ = [
    "CSI_2021",
    "LAR_2020",
    "RELEASES",
    "CsIRelease2021",
    "LArRelease2020",
    "ReleaseFormatError",
    "ReleaseSpec",
    "content_version",
    "load_csi_2021",
    "load_lar_2020",
    "read_table",
    "sha256_of",
]


class ReleaseFormatError(InputError):
    """A release file does not have the published layout (message: ``file:line: problem``)."""


@dataclass(frozen=True)
class ReleaseSpec:
    """Where a release comes from and what its files must hash to.

    ``files`` maps each file name to its sha256 (computed from the collaboration's files as
    distributed; a download that does not match is rejected).
    """

    name: str
    title: str
    reference: str
    base_url: str
    url_suffix: str
    files: dict[str, str]

    def url(self, filename: str) -> str:
        """Download address of one file of the release."""
        return f"{self.base_url}{filename}{self.url_suffix}"

    @property
    def version(self) -> str:
        """Short content hash of the whole release (sha256 over the sorted file hashes)."""
        joined = "".join(f"{k}:{v}\n" for k, v in sorted(self.files.items()))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]


# sha256 of the published files (computed from the collaboration's distributed copies).
CSI_2021 = ReleaseSpec(
    name="coherent-csi-2021",
    title="COHERENT CsI[Na] full data set (PRL 129 (2022) 081801)",
    reference="arXiv:2110.07730, ancillary files",
    base_url="https://arxiv.org/src/2110.07730v2/anc/",
    url_suffix="",
    files={
        "brnPE.txt": "0000b042b8d0d28b90370eb70d1409db1d8c510fcf2b3e636370b0d4443ac0b0",
        "brnTrec.txt": "6f279d835242a868dfc048abaa42b8c400bf961036de7bc7e64636efdd46466f",
        "dataBeamOnAC.txt": "f530d4a50e889333ada0e739db2e36d7f9f3b783822c8c6e932dae88ce071639",
        "dataBeamOnC.txt": "0a188a0291af06dd023d966d1c9fea7a82ec32d8c1a10750fd09c2b17f10a749",
        "effCoefficients.txt": "f1e58e6b8ec4db53da3be21fe44ebc4621e9b248b920be09759b1000dada8c51",
        "ninPE.txt": "41cae0376003cc2dcd028a3913e7c16395471f612b56d311f80e2a6071c9950c",
        "ninTrec.txt": "2bb034d648b312f4ee329ae95078dc748ff3f83b999c411b08f86d82ddf8e151",
        "scintRespCoefficients.txt":
            "ea6b8f34b296bf6e99f2a4ac504030d99155daba3e3c252f51c87d2470319d13",
    },
)

LAR_2020 = ReleaseSpec(
    name="coherent-lar-2020",
    title="COHERENT CENNS-10 liquid argon, Analysis A (PRL 126 (2021) 012002)",
    reference="arXiv:2006.12659, Zenodo doi:10.5281/zenodo.3903810",
    base_url="https://zenodo.org/records/3903810/files/",
    url_suffix="?download=1",
    files={
        "CENNS10AnlAEfficiency.txt":
            "21ce25451c1ed552752ff4a22496deab3ff5dba178bf360813eaff1d25be89e2",
        "LArParametersAnlA.yaml":
            "a206a77220436d0173c4783ae8fddeab97adf5e144f3d65005eff0870257693e",
        "bkgpdf.txt": "36c89291dde3032a19ca7a8e64510d036d7b40c34b0805ce475a13ccfa739dd1",
        "brnpdf+1sigBRNTimingMean.txt":
            "7f06099e1bba0d2e328555c61cb255bb290607a44202327d29eb3ae3e05c1cd5",
        "brnpdf+1sigEnergy.txt":
            "fb6fdaf99c9941653d33e1a909d8000b81c1ee9bb8e8ad3bf31839561faf6661",
        "brnpdf-1sigBRNTimingMean.txt":
            "b5c1c8d0cb8b2319d093d38418da5ac2ccda59108755fb23e7f4a559cfe154f8",
        "brnpdf-1sigEnergy.txt":
            "20bcad29e716f3fb0f1e9eeb8ffb049b4b3d8b3b3a150800b9c8711e2b177be6",
        "brnpdf.txt": "02664ce6a84eca8c6146b6502497bc5d8165df945da132193622334ff4ff826f",
        "brnpdfBRNTimingWidthSyst.txt":
            "304dba1553989d7c0cd3f745df9731a5306ec07ecc1044c20efbe2952707b270",
        "cevnspdf+1sigF90.txt":
            "308f78e19b7fb3e54399dc29c207bd2a89b91825df5309d48068a3495e1c92e2",
        "cevnspdf-1sigF90.txt":
            "b4e8071f87aa22a562e0c00654a0989915251acf2c7e569068b9b78c3ae5ac35",
        "cevnspdf.txt": "3b1d5b25749e8d8e1cfdf5c32e48f026ce4aafec0a80632b3a63273e6e0e1f37",
        "cevnspdfCEvNSTimingMeanSyst.txt":
            "3170dafd4cf44df35bde0795e1245606d8144c05f3e50f015648c57bcdba97f5",
        "datanobkgsub.txt": "dabf3d80f13959f4b94b77c9b56f7347a645105801e8cc177424e7ffcf7c7f66",
        "delbrnpdf.txt": "ebccca6c1650b0ace71fdbaade7a80ea289a99ff3c120266ae6ecf0083df5c63",
        "energydata1d.txt": "d691284e875fb24e72787016f118c171974ca68fa6005da7ea653ca66059aa04",
        "f90data1d.txt": "e82988ec2fdb871f21850ceea866213310ee81dca656ee4448282748037f1579",
        "systerrors1denergy.txt":
            "09fd74b1bc242f1638dae465eefc97e374a2e6efa0aaa1b4452f1ee20dd42aed",
        "systerrors1dpsd.txt":
            "a553c63ce5861d63c139aa18d3ece0f5e9d32be2029eb2a7474b8e4e39000c0f",
        "systerrors1dtime.txt":
            "a7719f21aa5c8820f6ed65d385d7ba14f55631976a6ca289d8685081599529be",
        "timingdata1d.txt": "fb1054fac8baf2f527b51e6bd45e4341da45fe80dadce815a3d1cad08d729554",
    },
)

RELEASES: dict[str, ReleaseSpec] = {CSI_2021.name: CSI_2021, LAR_2020.name: LAR_2020}


def sha256_of(path: Path) -> str:
    """Hex sha256 digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_version(folder: Path, spec: ReleaseSpec) -> str:
    """Version label of the release files in ``folder``: ``name@<short hash>``.

    The hash is over the sha256 of every file of ``spec`` present; ``+modified`` is appended when
    any file differs from the published release.
    """
    hashes = {name: sha256_of(folder / name) for name in spec.files if (folder / name).is_file()}
    joined = "".join(f"{k}:{v}\n" for k, v in sorted(hashes.items()))
    label = f"{spec.name}@{hashlib.sha256(joined.encode()).hexdigest()[:12]}"
    return label if hashes == spec.files else label + "+modified"


# ----------------------------------------------------------------------------- parsing
def _require(folder: Path, filename: str) -> Path:
    if not folder.is_dir():
        raise FileNotFoundError(f"folder: release folder {folder} does not exist")
    path = folder / filename
    if not path.is_file():
        raise ReleaseFormatError(f"{path}: file missing from the release folder")
    return path


def read_table(
    path: Path,
    n_columns: int,
    *,
    n_rows: int | None = None,
    header_lines: int = 0,
) -> tuple[FloatArray, list[int]]:
    """Read a whitespace-separated numeric table, checking every line.

    Parameters
    ----------
    path
        The file.
    n_columns
        Required number of columns on every data line.
    n_rows
        Required number of data lines (``None``: any).
    header_lines
        Number of leading non-comment lines to skip (column titles).

    Returns
    -------
    (values, line_numbers)
        ``values`` has shape ``(rows, n_columns)``; ``line_numbers`` are the 1-based file line
        of each row (for error messages downstream).

    Raises
    ------
    ReleaseFormatError
        ``path:line: ...`` for a wrong column count, a non-numeric or non-finite value, or a
        wrong number of rows (truncated or extended file).
    """
    try:
        return _read_table(path, n_columns, n_rows=n_rows, header_lines=header_lines)
    except UnicodeDecodeError as exc:
        raise ReleaseFormatError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
                                 f"file corrupted?") from None


def _read_table(
    path: Path, n_columns: int, *, n_rows: int | None, header_lines: int
) -> tuple[FloatArray, list[int]]:
    rows: list[list[float]] = []
    lines: list[int] = []
    skipped = 0
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            if skipped < header_lines:
                skipped += 1
                continue
            fields = text.split()
            if len(fields) != n_columns:
                raise ReleaseFormatError(
                    f"{path}:{number}: expected {n_columns} columns, found {len(fields)} "
                    f"({text[:60]!r}); file truncated or corrupted?"
                )
            try:
                values = [float(f) for f in fields]
            except ValueError:
                raise ReleaseFormatError(
                    f"{path}:{number}: non-numeric value in {text[:60]!r}"
                ) from None
            if not all(math.isfinite(v) for v in values):
                raise ReleaseFormatError(f"{path}:{number}: NaN or infinite value in {text!r}")
            rows.append(values)
            lines.append(number)
    if n_rows is not None and len(rows) != n_rows:
        where = f":{lines[-1]}" if lines else ""
        raise ReleaseFormatError(
            f"{path}{where}: expected {n_rows} data lines as published, found {len(rows)} "
            "(truncated or extended file)"
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), n_columns), lines


def _check_grid(
    path: Path,
    column: FloatArray,
    expected: NDArray[np.floating[Any]],
    lines: Sequence[int],
    what: str,
) -> None:
    """Check a column against the published bin grid, in order, naming the first bad line."""
    if column.shape != expected.shape:
        raise ReleaseFormatError(f"{path}: {what} grid has {column.size} entries, expected "
                                 f"{expected.size}")
    bad = np.nonzero(~np.isclose(column, expected, rtol=0, atol=1e-6 * (1 + np.abs(expected))))[0]
    if bad.size:
        k = int(bad[0])
        raise ReleaseFormatError(
            f"{path}:{lines[k]}: {what} {column[k]:g} where the published order has "
            f"{expected[k]:g} (reordered or edited file)"
        )


def _check_range(path: Path, values: FloatArray, lines: Sequence[int], low: float, high: float,
                 what: str) -> None:
    """Every value in ``[low, high]``, the range of the published file (a 1e300 is an edit)."""
    bad = np.nonzero((values < low) | (values > high))[0]
    if bad.size:
        k = int(bad[0])
        raise ReleaseFormatError(
            f"{path}:{lines[k]}: {what} {values[k]:g} outside the published range "
            f"[{low:g}, {high:g}]"
        )


# ----------------------------------------------------------------------------- CsI 2021
@dataclass(frozen=True, eq=False)
class CsIRelease2021:
    """Contents of the CsI[Na] 2021 release (units in the attribute docs).

    Attributes
    ----------
    coincidence, anticoincidence
        Selected beam-on events, shape ``(n, 2)``: reconstructed energy (PE), arrival time
        (ns). Coincidence = signal window; anti-coincidence = steady-state background sample.
    brn_pe, nin_pe
        Beam-related and neutrino-induced neutron PDFs in energy, shape ``(250, 2)``: 1-PE bin
        centre (PE), value (arbitrary normalisation, efficiency included).
    brn_time, nin_time
        The same in arrival time, shape ``(650, 2)``: 10-ns bin centre (ns), value.
    efficiency
        Energy-efficiency coefficients ``(a, b, c, d)`` of
        ``eff(x) = a / (1 + exp(−b (x − c))) + d`` (x in PE), shape ``(3, 4)``: nominal, then
        the two systematic variants in file order.
    quenching
        Scintillation response ``E_ee = a x + b x² + c x³ + d x⁴`` (x in MeVnr, E_ee in MeVee),
        shape ``(5, 4)``: nominal, model 0 +1σ, model 0 −1σ, model 1 +1σ, model 1 −1σ.
    folder, version
        Where it was read from; short content hash of the files read.
    """

    folder: Path
    coincidence: FloatArray
    anticoincidence: FloatArray
    brn_pe: FloatArray
    brn_time: FloatArray
    nin_pe: FloatArray
    nin_time: FloatArray
    efficiency: FloatArray
    quenching: FloatArray
    version: str

    def efficiency_curve(self, pe: FloatArray, variant: int = 0) -> FloatArray:
        """Energy efficiency at reconstructed energy ``pe`` (PE), clipped to [0, 1].

        ``variant`` 0 is nominal, 1 and 2 the published systematic variants.
        """
        if variant not in (0, 1, 2):
            raise ValueError(f"variant: efficiency variant must be 0, 1 or 2, got {variant}")
        a, b, c, d = self.efficiency[variant]
        x = np.asarray(pe, dtype=np.float64)
        return np.clip(a / (1.0 + np.exp(-b * (x - c))) + d, 0.0, 1.0)  # type: ignore[no-any-return]


#: Number of selected events in each published CsI event file (PE < 250, 0 ≤ t < 12 µs as
#: released), used to detect truncated files.
CSI_EVENT_COUNTS = {"dataBeamOnC.txt": 5142, "dataBeamOnAC.txt": 4890}


def load_csi_2021(folder: str | Path) -> CsIRelease2021:
    """Read the CsI[Na] 2021 release from ``folder`` (see :class:`CsIRelease2021`)."""
    folder = Path(folder)
    events = {}
    for name, count in CSI_EVENT_COUNTS.items():
        path = _require(folder, name)
        table, lines = read_table(path, 2, n_rows=count)
        # as released: 0 <= PE < 250 and 0 <= t < 12 us (the selection of the release)
        _check_range(path, table[:, 0], lines, 0.0, 250.0, "energy (PE)")
        _check_range(path, table[:, 1], lines, 0.0, 12.0, "arrival time (us)")
        events[name] = np.column_stack([table[:, 0], table[:, 1] * u.us])
    pdfs = {}
    pe_grid = np.arange(250) + 0.5
    time_grid = (np.arange(650) * 0.01 - 0.245)
    for name, grid, scale in (
        ("brnPE.txt", pe_grid, 1.0),
        ("ninPE.txt", pe_grid, 1.0),
        ("brnTrec.txt", time_grid, u.us),
        ("ninTrec.txt", time_grid, u.us),
    ):
        path = _require(folder, name)
        table, lines = read_table(path, 2, n_rows=grid.size)
        _check_grid(path, table[:, 0], grid, lines, "bin centre")
        # probabilities per bin of a normalised PDF
        _check_range(path, table[:, 1], lines, 0.0, 1.0, "PDF value")
        pdfs[name] = np.column_stack([table[:, 0] * scale, table[:, 1]])
    eff_path = _require(folder, "effCoefficients.txt")
    efficiency, eff_lines = read_table(eff_path, 4, n_rows=3)
    for row, line in zip(efficiency, eff_lines, strict=True):
        _check_range(eff_path, np.abs(row), [line] * 4, 0.0, 1e3, "|coefficient|")
    qf_path = _require(folder, "scintRespCoefficients.txt")
    quenching, qf_lines = read_table(qf_path, 4, n_rows=5)
    for row, line in zip(quenching, qf_lines, strict=True):
        _check_range(qf_path, np.abs(row), [line] * 4, 0.0, 1e5, "|coefficient|")
    return CsIRelease2021(
        folder=folder,
        coincidence=events["dataBeamOnC.txt"],
        anticoincidence=events["dataBeamOnAC.txt"],
        brn_pe=pdfs["brnPE.txt"],
        brn_time=pdfs["brnTrec.txt"],
        nin_pe=pdfs["ninPE.txt"],
        nin_time=pdfs["ninTrec.txt"],
        efficiency=efficiency,
        quenching=quenching,
        version=content_version(folder, CSI_2021),
    )


# ----------------------------------------------------------------------------- LAr 2020
#: Bin centres of the CENNS-10 Analysis A 3-D PDFs, in file order (energy slowest, then F90,
#: then time): 12 energy bins of 10 keVee from 0 to 120 keVee, 8 F90 bins of 0.05 from 0.5 to
#: 0.9, 10 time bins of 0.5 µs from −0.1 to 4.9 µs (release note arXiv:2006.12659).
LAR_ENERGY_CENTRES = 5.0 + 10.0 * np.arange(12)  # keVee
LAR_F90_CENTRES = 0.525 + 0.05 * np.arange(8)
LAR_TIME_CENTRES = 0.15 + 0.5 * np.arange(10)  # µs
LAR_SHAPE = (12, 8, 10)

#: The 3-D files of the release: logical name → file name.
LAR_PDF_FILES = {
    "data": "datanobkgsub.txt",
    "cevns": "cevnspdf.txt",
    "cevns_f90_up": "cevnspdf+1sigF90.txt",
    "cevns_f90_down": "cevnspdf-1sigF90.txt",
    "cevns_timing_mean": "cevnspdfCEvNSTimingMeanSyst.txt",
    "brn": "brnpdf.txt",
    "brn_energy_up": "brnpdf+1sigEnergy.txt",
    "brn_energy_down": "brnpdf-1sigEnergy.txt",
    "brn_timing_mean_up": "brnpdf+1sigBRNTimingMean.txt",
    "brn_timing_mean_down": "brnpdf-1sigBRNTimingMean.txt",
    "brn_timing_width": "brnpdfBRNTimingWidthSyst.txt",
    "delayed_brn": "delbrnpdf.txt",
    "steady_state": "bkgpdf.txt",
}


@dataclass(frozen=True, eq=False)
class LArRelease2020:
    """Contents of the CENNS-10 Analysis A release.

    Attributes
    ----------
    histograms
        Logical name (see :data:`LAR_PDF_FILES`) → array of shape ``(12, 8, 10)``
        (energy keVee × F90 × time), values as published: observed counts for ``"data"``,
        expected events (normalised to the predicted yields) for the PDFs.
    energy_edges, f90_edges, time_edges
        Bin edges (keVee, dimensionless, ns).
    efficiency
        Shape ``(n, 3)``: keVee bin centre, keVnr bin centre, acceptance efficiency.
    parameters
        ``LArParametersAnlA.yaml`` as a dictionary.
    """

    folder: Path
    histograms: dict[str, FloatArray]
    energy_edges: FloatArray
    f90_edges: FloatArray
    time_edges: FloatArray
    efficiency: FloatArray
    parameters: dict[str, Any]
    version: str

    def parameter(self, key: str) -> float:
        """Central ``value`` of a top-level entry of the parameters file."""
        try:
            return float(self.parameters[key]["value"])
        except (KeyError, TypeError):
            raise ValueError(
                f"key: {key!r} is not a valued entry of LArParametersAnlA.yaml; "
                f"entries: {sorted(self.parameters)}"
            ) from None

    def uncertainty(self, key: str) -> float:
        """Quoted uncertainty of a top-level entry (``uncertainty`` or ``uncertainty_stat``)."""
        entry = self.parameters.get(key, {})
        for field_name in ("uncertainty", "uncertainty_stat"):
            if field_name in entry:
                return float(entry[field_name])
        raise ValueError(f"key: {key!r} has no numeric uncertainty in LArParametersAnlA.yaml")


def _read_lar_3d(path: Path) -> FloatArray:
    table, lines = read_table(path, 4, n_rows=int(np.prod(LAR_SHAPE)))
    e, f, t = np.meshgrid(LAR_ENERGY_CENTRES, LAR_F90_CENTRES, LAR_TIME_CENTRES, indexing="ij")
    _check_grid(path, table[:, 0], e.ravel(), lines, "energy bin centre")
    _check_grid(path, table[:, 1], f.ravel(), lines, "F90 bin centre")
    _check_grid(path, table[:, 2], t.ravel(), lines, "time bin centre")
    # expected events (PDFs normalised to the predicted yields) or observed counts per bin
    _check_range(path, table[:, 3], lines, 0.0, 1e4, "value")
    if path.name == LAR_PDF_FILES["data"]:
        fractional = np.nonzero(table[:, 3] != np.round(table[:, 3]))[0]
        if fractional.size:
            k = int(fractional[0])
            raise ReleaseFormatError(f"{path}:{lines[k]}: observed count {table[k, 3]:g} is "
                                     f"not a whole number")
    return table[:, 3].reshape(LAR_SHAPE)


_LAR_YAML_KEYS = (
    "beamExposure",
    "distanceToTarget",
    "fiducialMass",
    "larQF",
    "neutrinosPerProton",
    "cevnsPredictionNormalization",
    "promptBeamRelatedNeutronPredictionNormalization",
    "delayedBeamRelatedNeutronPredictionNormalization",
    "ssBackgroundPredictionNormalization",
    "snsPOTTraceTiming",
)


#: Numbers of ``LArParametersAnlA.yaml`` that the analysis uses, as published. The analysis
#: does not read them from the file: they are fixed in :mod:`cevns.experiments.lar2020` and the
#: ``cenns10-2020`` detector file (each with this citation). The loader checks the file against
#: them, so an edited value is an error instead of being silently ignored.
#:
#: Entries read but deliberately not used: the ``*BestfitNormalization`` entries (the
#: collaboration's own fit result, which our fit reproduces rather than assumes),
#: ``acceptanceEfficiency`` (a comment pointing at ``CENNS10AnlAEfficiency.txt``, which is read)
#: and the free-text ``name``/``units``/``comment`` fields.
LAR_YAML_PUBLISHED: dict[tuple[str, ...], float] = {
    ("beamExposure", "value"): 13.8,  # E22 POT
    ("distanceToTarget", "value"): 27.5,  # m
    ("fiducialMass", "value"): 24.4,  # kg
    ("larQF", "a"): 0.246,
    ("larQF", "b"): 0.00078,  # 1/keVnr
    ("neutrinosPerProton", "value"): 0.09,
    ("neutrinosPerProton", "uncertainty"): 0.009,
    ("cevnsPredictionNormalization", "value"): 128.0,
    ("promptBeamRelatedNeutronPredictionNormalization", "value"): 497.0,
    ("promptBeamRelatedNeutronPredictionNormalization", "uncertainty"): 160.0,
    ("delayedBeamRelatedNeutronPredictionNormalization", "value"): 33.0,
    ("delayedBeamRelatedNeutronPredictionNormalization", "uncertainty"): 33.0,
    ("ssBackgroundPredictionNormalization", "value"): 3154.0,
    ("energyResolution", "a"): 0.58,  # keVee^(1/2)
    ("snsPOTTraceTiming", "a"): 440.0,  # ns
    ("snsPOTTraceTiming", "b"): 150.0,  # ns
}


def _yaml_number(entry: Any, field: str) -> Any:
    if field in ("value", "uncertainty"):
        return entry.get(field) if isinstance(entry, dict) else None
    params = entry.get("parameters") if isinstance(entry, dict) else None
    for item in params if isinstance(params, list) else []:
        if isinstance(item, dict) and item.get("name") == field:
            return item.get("value")
    return None


def _check_lar_yaml(path: Path, parameters: dict[str, Any]) -> None:
    """The numbers the analysis uses are the published ones (see :data:`LAR_YAML_PUBLISHED`)."""
    text = path.read_text(encoding="utf-8").splitlines()
    for (key, field), published in LAR_YAML_PUBLISHED.items():
        value = _yaml_number(parameters.get(key), field)
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and math.isfinite(value) and math.isclose(value, published, rel_tol=1e-9))
        if not ok:
            line = next((i + 1 for i, t in enumerate(text) if t.startswith(f"{key}:")), 0)
            where = f"{path}:{line}" if line else str(path)
            raise ReleaseFormatError(
                f"{where}: {key}.{field} is {value!r}, the published release has {published:g}; "
                f"the analysis uses the published number (it does not read this entry), so an "
                f"edited file would be silently ignored"
            )


def load_lar_2020(folder: str | Path) -> LArRelease2020:
    """Read the CENNS-10 Analysis A release from ``folder`` (see :class:`LArRelease2020`)."""
    folder = Path(folder)
    histograms = {key: _read_lar_3d(_require(folder, name)) for key, name in LAR_PDF_FILES.items()}
    eff_path = _require(folder, "CENNS10AnlAEfficiency.txt")
    efficiency, lines = read_table(eff_path, 3)
    if len(lines) < 2:
        raise ReleaseFormatError(f"{eff_path}: {len(lines)} data lines; the published table has "
                                 f"one line per keVee bin")
    _check_range(eff_path, efficiency[:, 0], lines, 0.0, 1e3, "energy (keVee)")
    _check_range(eff_path, efficiency[:, 1], lines, 0.0, 1e4, "energy (keVnr)")
    _check_range(eff_path, efficiency[:, 2], lines, 0.0, 1.0, "efficiency")
    if np.any(np.diff(efficiency[:, 0]) <= 0):
        k = int(np.nonzero(np.diff(efficiency[:, 0]) <= 0)[0][0]) + 1
        raise ReleaseFormatError(f"{eff_path}:{lines[k]}: energies not increasing (reordered?)")
    yaml_path = _require(folder, "LArParametersAnlA.yaml")
    try:
        parameters = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ReleaseFormatError(f"{yaml_path}: not UTF-8 text (byte {exc.start}: "
                                 f"{exc.reason})") from None
    except RecursionError:
        raise ReleaseFormatError(f"{yaml_path}: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ReleaseFormatError(f"{yaml_path}:{line}: not valid YAML ({exc})") from None
    if not isinstance(parameters, dict):
        raise ReleaseFormatError(f"{yaml_path}:1: expected a mapping of named parameters")
    missing = [k for k in _LAR_YAML_KEYS if k not in parameters]
    if missing:
        raise ReleaseFormatError(f"{yaml_path}: missing entries {missing} (truncated file?)")
    _check_lar_yaml(yaml_path, parameters)
    return LArRelease2020(
        folder=folder,
        histograms=histograms,
        energy_edges=np.linspace(0.0, 120.0, 13),
        f90_edges=np.linspace(0.5, 0.9, 9),
        time_edges=np.linspace(-0.1, 4.9, 11) * u.us,
        efficiency=efficiency,
        parameters=parameters,
        version=content_version(folder, LAR_2020),
    )
