"""Published accelerator dark-matter curves shipped with ``cevns`` (digitised, with origin).

Each curve is a CSV in ``cevns/data/darkmatter/`` whose header names the paper, the figure, who
digitised it and where from (also listed in the data README). They serve two purposes: the
reference tests compare our limits with them, and the exclusion plot overlays them.

========================  ============================================================  ========
name                      curve                                                         x / y
========================  ============================================================  ========
``coherent-csi-2021``     COHERENT CsI[Na] 90 % CL limit, PRL 130 (2023) 051803,        m_χ / Y
                          arXiv:2110.11453, Fig. 3 (m_V = 3 m_χ, α_D = 0.5)
``coherent-csi-lepto``    COHERENT CsI[Na] leptophobic 90 % CL limit, arXiv:2205.12414  m_V / α_B
``relic-scalar``          scalar thermal-relic target drawn in arXiv:2110.11453 Fig. 3  m_χ / Y
========================  ============================================================  ========

The points were digitised from the figures by a third party (see each file); expect a few per
cent in the mass and ~10 % in the coupling from the digitisation alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from ..types import FloatArray

__all__ = ["PUBLISHED_CURVES", "PublishedCurve", "published_curve"]

#: name → (file, x label, y label, legend label).
PUBLISHED_CURVES: dict[str, tuple[str, str, str, str]] = {
    "coherent-csi-2021": ("coherent_csi_2021_dm_limit.csv", "chi_mass_MeV", "Y_90",
                          "COHERENT CsI, PRL 130 (2023) 051803"),
    "coherent-csi-lepto": ("coherent_csi_leptophobic_limit.csv", "mediator_mass_MeV",
                           "alpha_B_90", "COHERENT CsI leptophobic, arXiv:2205.12414"),
    "relic-scalar": ("scalar_relic_target_2110_11453.csv", "chi_mass_MeV", "Y_relic",
                     "scalar relic target (arXiv:2110.11453, Fig. 3)"),
}


@dataclass(frozen=True)
class PublishedCurve:
    """A digitised curve: ``x`` (MeV) increasing, ``y`` > 0, with its label and file header."""

    name: str
    x: FloatArray
    y: FloatArray
    x_name: str
    y_name: str
    label: str
    origin: str

    def __call__(self, x: ArrayLike) -> FloatArray:
        """Log–log interpolation at ``x`` (MeV); outside the digitised range a ValueError."""
        xs = np.asarray(x, dtype=float)
        covers = f"x: the curve {self.name!r} covers {self.x[0]:g}–{self.x[-1]:g} MeV"
        if not np.all(np.isfinite(xs)):
            raise ValueError(f"{covers}, got a non-finite value")
        if xs.size and (float(xs.min()) < self.x[0] or float(xs.max()) > self.x[-1]):
            got = (f"{float(xs.min()):g}" if xs.size == 1
                   else f"{float(xs.min()):g}–{float(xs.max()):g}")
            raise ValueError(f"{covers}, got {got} MeV")
        return np.asarray(np.exp(np.interp(np.log(xs), np.log(self.x), np.log(self.y))))

    def as_array(self) -> FloatArray:
        """``(n, 2)`` array of the points (for plotting)."""
        return np.column_stack([self.x, self.y])


def published_curve(name: str) -> PublishedCurve:
    """The shipped curve ``name`` (one of :data:`PUBLISHED_CURVES`)."""
    if name not in PUBLISHED_CURVES:
        raise ValueError(f"name: unknown published curve {name!r}; allowed: "
                         f"{', '.join(PUBLISHED_CURVES)}")
    file, x_name, y_name, label = PUBLISHED_CURVES[name]
    text = resources.files("cevns.data").joinpath("darkmatter").joinpath(file).read_text("utf-8")
    lines = text.splitlines()
    origin = " ".join(line.lstrip("# ").strip() for line in lines if line.startswith("#"))
    rows = [line for line in lines if line.strip() and not line.startswith("#")]
    header = rows[0].split(",")
    if header != [x_name, y_name]:
        raise ValueError(f"name: {file} has columns {header}, expected {[x_name, y_name]}")
    data = np.array([[float(v) for v in row.split(",")] for row in rows[1:]])
    return PublishedCurve(name, data[:, 0], data[:, 1], x_name, y_name, label, origin)
