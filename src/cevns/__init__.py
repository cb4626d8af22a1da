"""cevns: coherent elastic neutrino-nucleus scattering, from the Standard Model to the data.

Internal units are described once, in :mod:`cevns.units` (MeV, cm, ns, kg).
"""

from __future__ import annotations

__version__ = "0.1.0"
