"""Joint CsI 2021 + CENNS-10 2020 fit with the SNS neutrino-flux nuisance shared.

Both detectors see the same SNS πDAR source, whose normalisation (±10 %: Konovalov,
COHERENT talk 2021 for CsI, 0.09 ± 0.009 ν/flavour/POT in the LAr release) is one common
nuisance ``flux`` here. The two channels are concatenated into one HistFactory-style model
(:func:`cevns.stats.model.combine_models`); every other nuisance stays per detector.

Signal strengths: by default one ``mu_cevns`` scales both CEvNS predictions (a test of the SM
normalisation across nuclei, N² scaling included through the predictions); with
``common_signal=False`` each detector has its own (``mu_csi``, ``mu_lar``) and the reported
significance is that of ``csi/mu_csi``. Per-detector parameters are named
``csi/<name>`` and ``lar/<name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cevns.experiments.analysis import Analysis, Axis, Channel
from cevns.experiments.bsm import resolve_pois
from cevns.experiments.csi2021 import CsISignal, build_csi_2021
from cevns.experiments.lar2020 import build_lar_2020
from cevns.experiments.releases import CsIRelease2021, LArRelease2020
from cevns.models.base import NewPhysics
from cevns.physics.targets import Target
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
    model: NewPhysics | None = None,
    pois: Sequence[str] | None = None,
    grid: Sequence[float] | None = None,
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
    model, pois, grid
        A new-physics model: both CEvNS samples become parametric in the POIs, which are
        shared between the channels; a part of the model that does not act on a detector's
        target (a CsI neutron radius on argon) is left out of that channel. No signal
        strength. See :meth:`Analysis.with_model`.
    """
    csi_mu, lar_mu = ("mu_cevns", "mu_cevns") if common_signal else ("mu_csi", "mu_lar")
    shared = ["flux"] + (["mu_cevns"] if common_signal else [])
    names: tuple[str, ...] = ()
    if model is None:
        csi = build_csi_2021(csi_release, signal=csi_signal, signal_parameter=csi_mu)
        lar = build_lar_2020(lar_release, signal_parameter=lar_mu)
    else:
        if csi_signal is not None:
            raise ValueError("csi_signal: give either a signal callable or a model, not both")
        names = resolve_pois(model, pois)
        def channel(target: str) -> tuple[NewPhysics | None, list[str], Sequence[float] | None]:
            part = model.for_target(Target.parse(target))
            own = [n for n in names if part is not None and n in part.values()]
            if part is None or not own:
                return None, [], None
            nonlinear = any(part.parameter(n).kind == "nonlinear" for n in own)
            return part, own, grid if nonlinear else None

        m_csi, p_csi, g_csi = channel("CsI")
        m_lar, p_lar, g_lar = channel("Ar")
        csi = build_csi_2021(csi_release, model=m_csi, pois=p_csi or None, grid=g_csi)
        lar = build_lar_2020(lar_release, model=m_lar, pois=p_lar or None, grid=g_lar)
        shared = ["flux", *names]
    model_, slices = combine_models({"csi": csi.model, "lar": lar.model}, shared=shared)
    observed = np.concatenate([csi.likelihood.observed.ravel(), lar.likelihood.observed.ravel()])
    flat = Axis("bin", np.arange(model_.n_bins + 1, dtype=np.float64), "", 1.0)
    groups = {f"{ch}/{s}": [f"{ch}/{s}"] for ch, ana in (("csi", csi), ("lar", lar))
              for s in ana.yield_groups}
    def rebuild(m: NewPhysics, p: Sequence[str] | None, g: Sequence[float] | None) -> Analysis:
        return build_joint(csi_release, lar_release, model=m, pois=p, grid=g)

    if model is not None:
        return Analysis(
            name="coherent-joint-csi2021-lar2020",
            likelihood=BinnedLikelihood(model_, observed),
            axes=(flat,),
            signal_parameter=names[0],
            yield_groups=groups,
            sm_cross_section=None,
            data_version=f"{csi.data_version} + {lar.data_version}",
            systematics=tuple(dict.fromkeys(
                [n if n in shared else f"csi/{n}" for n in csi.systematics]
                + [n if n in shared else f"lar/{n}" for n in lar.systematics])),
            published={"csi": csi.published, "lar": lar.published},
            channels={
                "csi": Channel(slices["csi"], csi.axes, csi.model.shape),
                "lar": Channel(slices["lar"], lar.axes, lar.model.shape),
            },
            builder=rebuild,
            detectors=f"joint: {_CSI} + {_LAR} (shared model parameters)",
            channel_labels={"csi": _CSI, "lar": _LAR},
            physics_model=model,
            null_value=model.parameter(names[0]).null,
        )
    return Analysis(
        name="coherent-joint-csi2021-lar2020",
        likelihood=BinnedLikelihood(model_, observed),
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
        builder=rebuild if csi_signal is None else None,
    )
