"""Neutrino interactions other than CEvNS: charged and neutral current on nuclei,
deuteron break-up, neutrino–electron elastic scattering and neutrino-induced neutrons.

Every reaction is a :class:`~cevns.inelastic.channel.Channel`, found by name with
:func:`get_channel`.
"""

from __future__ import annotations

from .channel import Channel, FinalState, Process, channel_names, get_channel, register_channel
from .prediction import InelasticPrediction, InelasticSettings, predict_channels

__all__ = [
    "Channel",
    "FinalState",
    "InelasticPrediction",
    "InelasticSettings",
    "Process",
    "channel_names",
    "get_channel",
    "predict_channels",
    "register_channel",
]
