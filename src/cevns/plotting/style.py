"""The one look of every ``cevns`` figure: colours, labels, fonts and axis conventions.

Nothing here imports matplotlib: the module holds plain data (colours as hex strings, labels
as text, ``rcParams`` as a dictionary) and small helpers, so any module can read the palette
cheaply. Figures apply :data:`RC_PARAMS` through :func:`cevns.plotting.figure.new_figure`.

Colours are fixed per *component* (the CEvNS signal and each background) and per *neutrino
flavour*, so the same thing has the same colour in every figure of a talk. The palette is
the colour-blind-safe set of B. Wong, Nature Methods 8 (2011) 441 (components) and
P. Tol's "bright" scheme (flavours).
"""

from __future__ import annotations

from collections.abc import Sequence

from cevns.flavours import Flavour

__all__ = [
    "ANALYSIS_TITLES",
    "AXIS_LABELS",
    "BAND_COLOURS",
    "COMPONENT_COLOURS",
    "COMPONENT_LABELS",
    "DATA_COLOUR",
    "FLAVOUR_COLOURS",
    "IMPACT_COLOURS",
    "RC_PARAMS",
    "TOTAL_COLOUR",
    "analysis_title",
    "axis_label",
    "component_colour",
    "component_label",
    "display_unit",
    "flavour_colour",
    "flavour_label",
    "spans_decades",
]

#: Colour per model component. Keys are the sample names of the binned models
#: (``cevns.experiments``); a joint analysis's ``"csi/cevns"`` is looked up as ``"cevns"``.
COMPONENT_COLOURS: dict[str, str] = {
    "cevns": "#0072B2",  # blue: the signal
    "steady_state": "#999999",  # grey: beam-unrelated (cosmogenic, radioactivity)
    "brn": "#E69F00",  # orange: prompt beam-related neutrons
    "prompt_brn": "#E69F00",
    "delayed_brn": "#CC79A7",  # reddish purple: delayed beam-related neutrons
    "nin": "#009E73",  # green: neutrino-induced neutrons
}

#: Human label per model component (legends, tables on slides).
COMPONENT_LABELS: dict[str, str] = {
    "cevns": "CEvNS",
    "steady_state": "Steady-state background",
    "brn": "Prompt beam-related neutrons",
    "prompt_brn": "Prompt beam-related neutrons",
    "delayed_brn": "Delayed beam-related neutrons",
    "nin": "Neutrino-induced neutrons",
}

#: Data points and the total of a stack.
DATA_COLOUR = "#000000"
TOTAL_COLOUR = "#000000"

#: Colour per neutrino flavour.
FLAVOUR_COLOURS: dict[Flavour, str] = {
    Flavour.NU_E: "#EE6677",  # red
    Flavour.NU_MU: "#4477AA",  # blue
    Flavour.NU_MU_BAR: "#66CCEE",  # cyan
    Flavour.NU_E_BAR: "#CCBB44",  # ochre
    Flavour.NU_TAU: "#228833",  # green
    Flavour.NU_TAU_BAR: "#AA3377",  # purple
}

#: Fill colours of 1σ / 2σ bands (expected-limit "Brazil" bands and intervals).
BAND_COLOURS: dict[str, str] = {"1sigma": "#00CC00", "2sigma": "#FFEE00", "interval": "#0072B2"}

#: Nuisance ranking: shift of the parameter of interest for a nuisance at +1σ / −1σ.
IMPACT_COLOURS: dict[str, str] = {"up": "#D55E00", "down": "#0072B2"}

#: Fallback colours for components without an entry (assigned in order of appearance).
_EXTRA_COLOURS: tuple[str, ...] = ("#D55E00", "#56B4E9", "#F0E442", "#882255", "#44AA99")

#: Axis label per ``(axis name, unit)``; see :func:`axis_label`.
AXIS_LABELS: dict[tuple[str, str], str] = {
    ("energy", "PE"): "Photoelectrons [PE]",
    ("energy", "keVee"): "Visible energy [keVee]",
    ("energy", "keVnr"): "Nuclear recoil energy [keVnr]",
    ("recoil", "keVnr"): "Nuclear recoil energy [keVnr]",
    ("visible", "keVee"): "Visible energy [keVee]",
    ("time", "µs"): "Arrival time [µs]",
    ("time", "us"): "Arrival time [µs]",
    ("F90", ""): "F90 (prompt light fraction)",
    ("neutrino_energy", "MeV"): "Neutrino energy [MeV]",
    ("bin", ""): "Bin index",
}

#: Figure titles of the analyses and the channels of a combined analysis.
ANALYSIS_TITLES: dict[str, str] = {
    "coherent-csi-2021": "COHERENT CsI[Na], 2021 data release",
    "coherent-lar-2020": "COHERENT CENNS-10 liquid argon, 2020 data release",
    "coherent-joint-csi2021-lar2020": "COHERENT CsI[Na] 2021 + CENNS-10 2020, joint fit",
    "csi": "CsI[Na]",
    "lar": "CENNS-10 liquid argon",
}

#: matplotlib ``rcParams`` of every figure: matplotlib's bundled DejaVu Sans (identical
#: rendering on every machine), slide-sized fonts, inward ticks on all sides, no frame around
#: legends, a fixed SVG hash salt (reproducible SVG ids).
RC_PARAMS: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "font.size": 11.0,
    "axes.labelsize": 12.0,
    "axes.titlesize": 12.0,
    "legend.fontsize": 10.0,
    "legend.frameon": False,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.minor.visible": True,
    "ytick.minor.visible": True,
    "axes.linewidth": 1.0,
    "lines.linewidth": 1.8,
    "errorbar.capsize": 0.0,
    "figure.dpi": 100.0,
    "savefig.dpi": 150.0,
    "svg.hashsalt": "cevns",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "image.cmap": "viridis",
    "axes.formatter.limits": (-3, 4),
    "axes.formatter.use_mathtext": True,
}


def _component_key(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def component_colour(name: str, order: Sequence[str] = ()) -> str:
    """Colour of component ``name`` (``"cevns"``, ``"brn"``, ``"csi/nin"``, ...).

    An unknown component takes a fallback colour by its position in ``order`` (the
    components of the figure), so one figure never shows two components in one colour.
    """
    key = _component_key(name)
    if key in COMPONENT_COLOURS:
        return COMPONENT_COLOURS[key]
    unknown = [n for n in order if _component_key(n) not in COMPONENT_COLOURS]
    index = unknown.index(name) if name in unknown else 0
    return _EXTRA_COLOURS[index % len(_EXTRA_COLOURS)]


def component_label(name: str) -> str:
    """Human label of component ``name``: ``"steady_state"`` → ``"Steady-state background"``."""
    key = _component_key(name)
    if key in COMPONENT_LABELS:
        return COMPONENT_LABELS[key]
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def flavour_colour(flavour: Flavour | str) -> str:
    """Colour of a neutrino flavour (accepts a :class:`Flavour` or its name)."""
    return FLAVOUR_COLOURS[Flavour.parse(flavour)]


def flavour_label(flavour: Flavour | str) -> str:
    r"""Typeset flavour symbol for matplotlib mathtext: ``$\bar{\nu}_\mu$``."""
    fl = Flavour.parse(flavour)
    sub = {"e": "e", "mu": r"\mu", "tau": r"\tau"}[fl.lepton]
    nu = r"\bar{\nu}" if fl.is_antineutrino else r"\nu"
    return f"${nu}_{{{sub}}}$"


def analysis_title(name: str) -> str:
    """Figure title of an analysis or channel (its name when none is registered)."""
    return ANALYSIS_TITLES.get(name, name)


def axis_label(name: str, unit: str = "") -> str:
    """Axis label for an observable ``name`` shown in ``unit``.

    Known pairs come from :data:`AXIS_LABELS` (``("energy", "PE")`` → ``"Photoelectrons
    [PE]"``); others read ``"Name [unit]"`` (a one-letter name such as ``t`` keeps its
    case, ``us`` is shown as ``µs``).
    """
    if (name, unit) in AXIS_LABELS:
        return AXIS_LABELS[(name, unit)]
    text = name.replace("_", " ").strip()
    if len(text) > 1 and not text[1:2].isupper():  # "depth" → "Depth"; keep "t", "E", "pT"
        text = text[:1].upper() + text[1:]
    unit = display_unit(unit)
    return f"{text} [{unit}]" if unit else text


def display_unit(unit: str) -> str:
    """A unit as printed on a figure: ``"us"`` → ``"µs"``, ``"cm2"`` → ``"cm²"``."""
    return {"us": "µs", "mus": "µs"}.get(unit, unit).replace("cm2", "cm²")


def spans_decades(values: Sequence[float] | object, decades: float = 2.0) -> bool:
    """True when the positive entries of ``values`` span more than ``decades`` decades.

    Use it to choose a logarithmic axis for a spectrum.
    """
    import numpy as np

    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size < 2:
        return False
    return bool(np.log10(v.max() / v.min()) > decades)
