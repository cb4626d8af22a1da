"""The COHERENT LAr 2020 release's CEvNS time PDF against our arrival-time model.

Source: ``../shared/data/coherent-lar-2020/cevnspdf.txt`` (3-D PDF; time bins of 0.5 µs
from −0.1 to 4.9 µs) and the POT trace of ``LArParametersAnlA.yaml`` (Gaussian 440 ns,
σ 150 ns), which the collaboration "convolved with the π⁺ and μ⁺ neutrino decay lifetimes".
The release's time marginal must be a mixture of our prompt (ν_μ) and delayed (ν_e, ν̄_μ)
bin probabilities: a two-weight least-squares fit leaves residuals below 0.01 per bin
(the marginal is normalised to 1; the largest bin holds 0.31). Energy efficiency does not
depend on time, so the mixture weights are free.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cevns.flavours import Flavour
from cevns.sources import facility


def test_release_time_marginal_is_prompt_plus_delayed(shared_data: Path) -> None:
    table = np.loadtxt(shared_data / "coherent-lar-2020" / "cevnspdf.txt", comments="#")
    centres = np.unique(table[:, 2])  # µs
    marginal = np.array([table[table[:, 2] == c, 3].sum() for c in centres])
    marginal /= marginal.sum()
    edges = np.concatenate([centres - 0.25, [centres[-1] + 0.25]]) * 1000.0  # ns
    sns = facility("sns")
    design = np.column_stack(
        [
            sns.time_bin_probabilities(Flavour.NU_MU, edges),
            sns.time_bin_probabilities(Flavour.NU_E, edges),
        ]
    )
    weights, *_ = np.linalg.lstsq(design, marginal, rcond=None)
    assert np.all(weights > 0)
    assert np.max(np.abs(design @ weights - marginal)) < 0.01
