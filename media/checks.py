"""System checks of the media settings, so a typo fails at start and not at the first call.

Every message names the setting; `manage.py serve` and `migrate` run these checks.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.core.checks import CheckMessage, Error, register

from media import app_settings, nat, turn
from media.ice_servers import InvalidIceServer


@register()
def media_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for address in app_settings.get("MEDIA_HOST_ADDRESSES"):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            problems.append(
                Error(
                    f"MEDIA_HOST_ADDRESSES: {address!r} is not an IP address",
                    id="media.E001",
                )
            )
    try:
        nat.parse(app_settings.get("MEDIA_ANNOUNCED_ADDRESS"))
    except nat.AnnouncedAddressError as error:
        problems.append(
            Error(
                str(error),
                hint="One public IP, or private=public pairs: 10.0.0.5=203.0.113.7,...",
                id="media.E001",
            )
        )
    try:
        turn.parse_setting(app_settings.get("MEDIA_ICE_SERVERS"))
    except InvalidIceServer as error:
        problems.append(Error(str(error), id="media.E002"))
    low, high = app_settings.get("MEDIA_PORT_MIN"), app_settings.get("MEDIA_PORT_MAX")
    if (low is None) != (high is None):
        problems.append(
            Error("set both MEDIA_PORT_MIN and MEDIA_PORT_MAX, or neither", id="media.E003")
        )
    elif low is not None and high is not None and low > high:
        problems.append(
            Error(f"MEDIA_PORT_MIN ({low}) is above MEDIA_PORT_MAX ({high})", id="media.E003")
        )
    udp = app_settings.get("MEDIA_UDP_PORT")
    if udp is not None and low is not None and high is not None and low <= udp <= high:
        problems.append(
            Error(
                f"MEDIA_UDP_PORT ({udp}) is inside MEDIA_PORT_MIN-MEDIA_PORT_MAX ({low}-{high}): "
                "the range's sockets could take it",
                id="media.E003",
            )
        )
    return problems
