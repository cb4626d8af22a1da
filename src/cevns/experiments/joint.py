"""Joint CsI 2021 + CENNS-10 2020 fit with the SNS neutrino-flux nuisance shared.

Both detectors see the same SNS πDAR source, whose normalisation (±10 %: Konovalov, COHERENT talk
2021 for CsI,
0.09 ± 0.009 ν/flavour/POT in the LAr release) is one common nuisance ``flux`` here. The two
channels are concatenated into one HistFactory-style model
(:func:`cevns.stats.model.combine_models`); every other nuisance stays per detector.

Signal strengths: by default one ``mu_cevns`` scales both CEvNS predictions (a test of the SM
normalisation across nuclei, N² scaling included through the predictions); with
``common_signal=False`` each detector has its own (``mu_csi``, ``mu_lar``) and the reported
significance is that of ``csi/mu_csi``. Per-detector parameters are named
``csi/<name>`` and ``lar/<name>``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cevns.experiments.analysis import Analysis, Axis, Channel
from cevns.experiments.csi2021 import CsISignal, build_csi_2021
from cevns.experiments.lar2020 import build_lar_2020
from cevns.experiments.releases import CsIRelease2021, LArRelease2020
from cevns.stats.likelihood import BinnedLikelihood
from cevns.stats.model import combine_models

__all__ = ["build_joint"]

_CSI = "CsI[Na] 2021"
_LAR = "CENNS-10 LAr 2020"


def build_joint(
    csi_release: CsIRelease2021 | str | Path,
    lar_release: LArRelease2020 | str | Path,
    *,
    common_signal: bool = True,
    csi_signal: CsISignal | None = None,
) -> Analysis:
    """Build the joint likelihood (CsI channel ``csi``, LAr channel ``lar``).

    Parameters
    ----------
    csi_release, lar_release
        Loaded releases or their folders.
    common_signal
        One signal strength for both detectors (default) or one each.
    csi_signal
        CsI CEvNS signal callable (default: the detectors-layer prediction).
    """
    csi_mu, lar_mu = ("mu_cevns", "mu_cevns") if common_signal else ("mu_csi", "mu_lar")
    csi = build_csi_2021(csi_release, signal=csi_signal, signal_parameter=csi_mu)
    lar = build_lar_2020(lar_release, signal_parameter=lar_mu)
    shared = ["flux"] + (["mu_cevns"] if common_signal else [])
    model, slices = combine_models({"csi": csi.model, "lar": lar.model}, shared=shared)
    observed = np.concatenate([csi.likelihood.observed.ravel(), lar.likelihood.observed.ravel()])
    flat = Axis("bin", np.arange(model.n_bins + 1, dtype=np.float64), "", 1.0)
    groups = {f"{ch}/{s}": [f"{ch}/{s}"] for ch, ana in (("csi", csi), ("lar", lar))
              for s in ana.yield_groups}
    return Analysis(
        name="coherent-joint-csi2021-lar2020",
        likelihood=BinnedLikelihood(model, observed),
        axes=(flat,),
        signal_parameter=csi_mu if common_signal else "csi/mu_csi",
        yield_groups=groups,
        sm_cross_section=None if common_signal else csi.sm_cross_section,
        data_version=f"{csi.data_version} + {lar.data_version}",
        systematics=tuple(dict.fromkeys(
            [n if n in shared else f"csi/{n}" for n in csi.systematics]
            + [n if n in shared else f"lar/{n}" for n in lar.systematics]
        )),
        published={"csi": csi.published, "lar": lar.published},
        channels={
            "csi": Channel(slices["csi"], csi.axes, csi.model.shape),
            "lar": Channel(slices["lar"], lar.axes, lar.model.shape),
        },
        detectors=f"joint: {_CSI} + {_LAR} ("
        + ("one μ for both)" if common_signal else "one μ each)"),
        signal_detectors=(f"{_CSI} + {_LAR} (common μ)" if common_signal
                          else f"{_CSI} (own μ, joint fit)"),
        channel_labels={"csi": _CSI, "lar": _LAR},
    )
