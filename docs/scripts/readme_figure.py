"""Regenerate the figure of the README and of the documentation's home page.

    .venv/bin/python docs/scripts/readme_figure.py [DATA_FOLDER]

Fits the COHERENT CsI[Na] 2021 release (PRL 129 (2022) 081801) and writes the photoelectron
projection of data and best fit to ``docs/csi2021_fit.png``. DATA_FOLDER holds
``coherent-csi-2021/`` (default: ``$CEVNS_DATA`` or ``../shared/data``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from cevns.experiments.csi2021 import build_csi_2021
from cevns.plotting import plot_analysis

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    default = os.environ.get("CEVNS_DATA", str(ROOT.parent / "shared" / "data"))
    data = Path(argv[1] if len(argv) > 1 else default)
    analysis = build_csi_2021(data / "coherent-csi-2021")
    result = analysis.run()
    with tempfile.TemporaryDirectory() as tmp:
        written = plot_analysis(analysis, result, tmp)
        energy = next(p for p in written if p.stem.endswith("_energy"))
        shutil.copyfile(energy, ROOT / "docs" / "csi2021_fit.png")
    print("wrote", ROOT / "docs" / "csi2021_fit.png")


if __name__ == "__main__":
    main(sys.argv)
