"""The media settings a host project may leave out, with their defaults.

Every media setting the app reads is read here, so a host project sets only the ones
it changes (docs/extending.md): no TURN/STUN servers, aioice's own choice of host
addresses, passthrough forwarding, no announced address, and the network settings at
what the engine did before them. Read on each access, so tests can override them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MEDIA_ICE_SERVERS": [],
    "MEDIA_HOST_ADDRESSES": [],
    "MEDIA_FORWARDING": "passthrough",
    "MEDIA_ANNOUNCED_ADDRESS": None,
    "MEDIA_STUN_DISCOVERY": False,
    "MEDIA_PORT_MIN": None,
    "MEDIA_PORT_MAX": None,
    "MEDIA_UDP_PORT": None,
    "MEDIA_TCP_PORT": None,
    # Seconds an IP camera's URI may take to open before its connection is refused.
    "MEDIA_IPCAM_OPEN_TIMEOUT": 10.0,
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
