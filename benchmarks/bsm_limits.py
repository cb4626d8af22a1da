"""Our 90 % CL new-physics limits from the COHERENT data (run by hand; several minutes).

    python benchmarks/bsm_limits.py [--analyses csi lar joint] [--json out.json]

For CsI[Na] 2021, CENNS-10 2020 and their joint fit, every nuisance profiled, Wilks
(``q ≤ χ²₁(0.90) = 2.706``, one parameter at a time, the others at their null values):

* magnetic moments ``μ_{ν_e}``, ``μ_{ν_μ}`` (upper limits);
* charge radii ``⟨r²_{ν_e}⟩``, ``⟨r²_{ν_μ}⟩`` (allowed segments, Standard-Model radii included);
* vector NSI ``ε^{uV}_{ee}``, ``ε^{dV}_{ee}``, ``ε^{uV}_{μμ}``, ``ε^{dV}_{μμ}`` (allowed segments);
* light vector mediators (universal, B−L, L_μ−L_τ) and the universal scalar: the lowest
  excluded coupling at fixed masses, and for the universal Z′ the allowed bands in ``g``
  (a second band where the Z′ reverses the sign of the weak charge);
* the heavy universal Z′ (``M = 10⁵`` MeV) against the NSI it maps onto,
  ``ε^{qV}_{αα} = g²/(√2 G_F M²)`` for q = u, d and α = e, μ (ratio of the two limits on ε);
* sterile 3+1 at ``Δm²₄₁ = 10⁴ eV²`` (oscillations averaged): ``|U_e4|²``, ``|U_μ4|²``.

These are the numbers the new-physics how-to tabulates next to the published reanalyses.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

LEVEL_90 = 2.705543454095404  # χ²₁ quantile at 90 %


def _analyses(data: Path, names: list[str]) -> dict[str, Any]:
    from cevns.experiments.csi2021 import build_csi_2021
    from cevns.experiments.joint import build_joint
    from cevns.experiments.lar2020 import build_lar_2020

    out: dict[str, Any] = {}
    csi, lar = data / "coherent-csi-2021", data / "coherent-lar-2020"
    if "csi" in names:
        out["csi"] = build_csi_2021(csi)
    if "lar" in names:
        out["lar"] = build_lar_2020(lar)
    if "joint" in names:
        out["joint"] = build_joint(csi, lar)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    here = Path(__file__).resolve().parents[1]
    default = Path(os.environ.get("CEVNS_DATA", here.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default)
    parser.add_argument("--analyses", nargs="+", default=["csi", "lar", "joint"])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None,
                        help="subset of: mm cr nsi zprime island scalar heavy sterile")
    args = parser.parse_args()

    from cevns.constants import FERMI_CONSTANT
    from cevns.experiments.bsm import allowed_segments, upper_limit
    from cevns.models import VectorNSI, get_model

    todo = set(args.only or ["mm", "cr", "nsi", "zprime", "island", "scalar", "heavy",
                             "sterile"])
    results: dict[str, Any] = {}
    t_all = time.perf_counter()
    for label, ana in _analyses(args.data, args.analyses).items():
        res: dict[str, Any] = {}
        results[label] = res

        def say(key: str, value: object, t0: float, res: dict[str, Any] = res,
                label: str = label) -> None:
            res[key] = value
            print(f"{label:5s} {key:32s} {value}   ({time.perf_counter() - t0:.1f} s)",
                  flush=True)

        if "mm" in todo:
            for p in ("mu_nue", "mu_numu"):
                t0 = time.perf_counter()
                like = ana.with_model("magnetic-moment", [p]).likelihood
                say(f"{p} [1e-10 mu_B]", upper_limit(like, p), t0)
        if "cr" in todo:
            for p, span in (("r2_nue", (-150.0, 150.0)), ("r2_numu", (-150.0, 150.0))):
                t0 = time.perf_counter()
                like = ana.with_model("charge-radius", [p]).likelihood
                say(f"{p} [1e-32 cm2]", allowed_segments(like, p, span, points=41), t0)
        if "nsi" in todo:
            for p in ("eps_uV_ee", "eps_dV_ee", "eps_uV_mumu", "eps_dV_mumu"):
                t0 = time.perf_counter()
                like = ana.with_model(VectorNSI(), [p]).likelihood
                say(p, allowed_segments(like, p, (-1.5, 1.5), points=41), t0)
        if "zprime" in todo:
            for coupling in ("universal", "B-L", "Lmu-Ltau"):
                for mass in (1.0, 10.0, 100.0, 1000.0):
                    t0 = time.perf_counter()
                    like = ana.with_model("zprime", ["g_zp"], coupling=coupling,
                                          mass_zp=mass).likelihood
                    say(f"g_zp {coupling} M={mass:g} MeV", upper_limit(like, "g_zp"), t0)
        if "island" in todo:
            for mass in (10.0, 100.0):
                t0 = time.perf_counter()
                like = ana.with_model("zprime", ["g_zp"], mass_zp=mass).likelihood
                g90 = upper_limit(like, "g_zp")
                say(f"g_zp universal M={mass:g} MeV bands", allowed_segments(
                    like, "g_zp", (0.0, 6.0 * g90), points=41), t0)
        if "scalar" in todo:
            for mass in (1.0, 10.0, 100.0, 1000.0):
                t0 = time.perf_counter()
                like = ana.with_model("scalar", ["g_phi"], mass_phi=mass).likelihood
                say(f"g_phi M={mass:g} MeV", upper_limit(like, "g_phi"), t0)
        if "heavy" in todo:
            t0 = time.perf_counter()
            mass = 1e5
            g90 = upper_limit(ana.with_model("zprime", ["g_zp"], mass_zp=mass).likelihood,
                              "g_zp")
            eps_zp = g90**2 / (math.sqrt(2.0) * float(FERMI_CONSTANT) * mass**2)
            eps_nsi = upper_limit(ana.with_model(_universal_nsi_line(), ["eps"]).likelihood,
                                  "eps")
            say("heavy Z' eps(g90) / eps90(NSI)", [eps_zp, eps_nsi, eps_zp / eps_nsi], t0)
        if "sterile" in todo:
            for p in ("ue4_sq", "umu4_sq"):
                t0 = time.perf_counter()
                like = ana.with_model(get_model("sterile", dm2_41=1e4), [p]).likelihood
                try:
                    limit: object = upper_limit(like, p)
                except ValueError as err:  # |U|² = 1 means no oscillation: q is not monotonic
                    limit = f"none ({err})"
                say(f"{p} (dm2=1e4 eV2)", limit, t0)
    print(f"total {time.perf_counter() - t_all:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def _universal_nsi_line() -> Any:
    """``ε^{uV}_{αα} = ε^{dV}_{αα} = ε`` for every flavour: one-parameter vector NSI."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "experiments"))
    from test_bsm_reference import UniversalNSI

    return UniversalNSI()


if __name__ == "__main__":
    main()
