"""The media settings a host project may leave out, with their defaults.

MEDIA_ICE_SERVERS, MEDIA_HOST_ADDRESSES, MEDIA_FORWARDING and MEDIA_ANNOUNCED_ADDRESS
are required (docs/extending.md); the network settings below came later and default
to what the engine did before them. Read on each access, so tests can override them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MEDIA_STUN_DISCOVERY": False,
    "MEDIA_PORT_MIN": None,
    "MEDIA_PORT_MAX": None,
    "MEDIA_UDP_PORT": None,
    "MEDIA_TCP_PORT": None,
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
