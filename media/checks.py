"""System checks of the media settings, so a typo fails at start and not at the first call."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def media_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for address in [*settings.MEDIA_HOST_ADDRESSES, settings.MEDIA_ANNOUNCED_ADDRESS or "0.0.0.0"]:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            problems.append(
                Error(
                    f"{address!r} is not an IP address",
                    hint="Check MEDIA_HOST_ADDRESSES and MEDIA_ANNOUNCED_ADDRESS.",
                    id="media.E001",
                )
            )
    for server in settings.MEDIA_ICE_SERVERS:
        urls = server.get("urls") or server.get("url") if isinstance(server, dict) else None
        if not urls:
            problems.append(Error(f"MEDIA_ICE_SERVERS: {server!r} has no 'urls'", id="media.E002"))
    return problems
