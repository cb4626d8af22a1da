"""Models by name: ``get_model("nsi", eps_uV_ee=0.1)``, ``get_model("nsi+neutron-radius")``.

Names (``cevns models`` prints the catalogue): ``weak-angle``, ``neutron-radius``, ``nsi``,
``axial-nsi``, ``zprime``, ``scalar``, ``magnetic-moment``, ``charge-radius``, ``sterile``;
``a+b`` composes. Keyword arguments are parameter values (in the parameter's unit) or model
options (``coupling="B-L"`` for a Z′, ``form_factor="symmetrized_fermi"``, ``target="CsI"`` or
``isotopes=("Cs133",)`` and ``shared=False`` for neutron radii, ``baseline_width`` for a
sterile neutrino). Every model also takes ``couplings``, the name of the Standard-Model coupling
scheme it deforms (:data:`~cevns.physics.couplings.COUPLING_SCHEMES`: ``"erler-su"``, the
default, ``"giunti"``, ``"barranco-2005"``, ``"tree-level"``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ..physics.couplings import coupling_scheme
from .base import ModelParameter, NewPhysics, compose
from .electromagnetic import ChargeRadius, MagneticMoment
from .electroweak import NeutronRadius, WeakMixingAngle
from .mediators import ScalarMediator, VectorMediator
from .nsi import AxialNSI, VectorNSI
from .sterile import Sterile3p1

__all__ = ["MODELS", "catalogue", "get_model", "load_model_file", "model_from_table",
           "model_names"]

#: Registry name → model class.
MODELS: Mapping[str, type[NewPhysics]] = {
    cls.model_name: cls
    for cls in (WeakMixingAngle, NeutronRadius, VectorNSI, AxialNSI, VectorMediator,
                ScalarMediator, MagneticMoment, ChargeRadius, Sterile3p1)
}

_ALIASES = {"weak-mixing-angle": "weak-angle", "sin2-theta-w": "weak-angle",
            "z-prime": "zprime", "vector-mediator": "zprime", "scalar-mediator": "scalar",
            "vector-nsi": "nsi", "sterile-3+1": "sterile", "rn": "neutron-radius"}

_OPTIONS: Mapping[str, tuple[str, ...]] = {
    "neutron-radius": ("isotopes", "shared", "form_factor", "name", "target"),
    "zprime": ("coupling",),
    "sterile": ("baseline_width",),
}

#: Options every model takes: the Standard-Model coupling scheme it deforms.
_COMMON_OPTIONS: tuple[str, ...] = ("couplings",)


def model_names() -> list[str]:
    """Registered model names."""
    return list(MODELS)


def _resolve(name: str) -> type[NewPhysics]:
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in MODELS:
        raise ValueError(f"model: unknown model {name!r}; allowed: {', '.join(MODELS)} "
                         "(join with '+' to combine)")
    return MODELS[key]


def _build(cls: type[NewPhysics], options: dict[str, Any]) -> NewPhysics:
    allowed = _OPTIONS.get(cls.model_name, ())
    opts = {k: options.pop(k) for k in list(options) if k in allowed}
    if cls is NeutronRadius:
        target = opts.pop("target", None)
        if isinstance(opts.get("isotopes"), str):
            opts["isotopes"] = tuple(s.strip() for s in str(opts["isotopes"]).split(","))
        if target is not None:
            return NeutronRadius.of_target(str(target), **opts)
    return cls(**opts)


def get_model(name: str, /, **params: Any) -> NewPhysics:
    """The model ``name`` (``"a+b"`` composes) with options and parameter values set.

    Raises a one-line ValueError for an unknown model, option or parameter, or a value outside
    its range.
    """
    names = [n for n in str(name).split("+") if n.strip()]
    if not names:
        raise ValueError("model: empty model name; allowed: " + ", ".join(MODELS))
    remaining = dict(params)
    scheme = remaining.pop("couplings", None)
    couplings = coupling_scheme(str(scheme)) if scheme is not None else None
    parts = [_build(_resolve(n), remaining) for n in names]
    try:
        model: NewPhysics = parts[0] if len(parts) == 1 else compose(*parts)
    except ValueError as exc:  # e.g. "nsi+nsi": the same parameters twice
        raise ValueError(f"model: {name!r}: {str(exc).removeprefix('parts: ')}") from None
    known = {p.name for p in model.parameters}
    unknown = sorted(k for k in remaining if k not in known)
    if unknown:
        options = sorted({o for n in names for o in _OPTIONS.get(_resolve(n).model_name, ())}
                         | set(_COMMON_OPTIONS))
        raise ValueError(f"{unknown[0]}: unknown parameter of model {name!r}; allowed: "
                         f"{sorted(known) + options}")
    if couplings is not None:
        model = model.with_standard_model(replace(model.base, couplings=couplings))
    return model.with_values(**remaining) if remaining else model


def catalogue() -> list[dict[str, Any]]:
    """Every registered model with its parameters (JSON-ready)."""
    rows = []
    for key, cls in MODELS.items():
        model = cls()
        rows.append({
            "name": key,
            "summary": cls.summary,
            "options": list(_OPTIONS.get(key, ())) + list(_COMMON_OPTIONS),
            "parameters": [p.as_dict() for p in model.parameters],
        })
    return rows


def describe(parameter: ModelParameter) -> str:
    """One line: ``name [unit] null (lo, hi) kind — description``."""
    unit = f" [{parameter.unit}]" if parameter.unit else ""
    return (f"{parameter.name}{unit} null {parameter.null:g} range [{parameter.bounds[0]:g}, "
            f"{parameter.bounds[1]:g}] {parameter.kind} — {parameter.description}")


def _field_names(cls: type[NewPhysics]) -> list[str]:
    return [f.name for f in fields(cls)]  # type: ignore[arg-type]


def model_from_table(table: Mapping[str, Any], where: str = "model") -> NewPhysics:
    """A model from a TOML/JSON table: ``name`` plus parameter values and options, e.g.
    ``{name = "nsi+neutron-radius", eps_uV_ee = 0.05, target = "CsI"}``."""
    if not isinstance(table, Mapping):
        raise ValueError(f"{where}: must be a table with a 'name' key")
    name = table.get("name")
    if not isinstance(name, str):
        raise ValueError(f"{where}.name: missing or not a string; allowed: {', '.join(MODELS)}")
    values = {k: v for k, v in table.items() if k not in ("name", "pois")}
    return get_model(name, **values)


def load_model_file(path: str | Path) -> tuple[NewPhysics, list[str] | None]:
    """Read a model file (TOML with a ``[model]`` table, optional ``pois = [...]`` in it).

    Example::

        [model]
        name = "zprime"
        coupling = "B-L"
        mass_zp = 50.0
        pois = ["g_zp"]
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"model: file {str(file)!r} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"model: {file.name}: not valid TOML ({exc})") from None
    table = data.get("model")
    if not isinstance(table, Mapping):
        raise ValueError(f"model: {file.name}: needs a [model] table with a 'name'")
    pois = table.get("pois")
    if pois is not None and not (isinstance(pois, list) and all(isinstance(p, str) for p in pois)):
        raise ValueError(f"model.pois: {file.name}: must be a list of parameter names")
    return model_from_table(table, f"{file.name}: model"), pois
