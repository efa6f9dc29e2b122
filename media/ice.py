"""ICE settings of the media engine: which servers, which addresses, which address to announce.

aiortc falls back to a public STUN server when it is given no ICE servers, and aioice
gathers on every interface but loopback with no way to choose. Every peer connection the
project makes takes its configuration from `rtc_configuration()`, and the host addresses
are decided here, once, for the whole process.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer
from django.conf import settings

_aioice_host_addresses = aioice.ice.get_host_addresses


def ice_servers() -> list[RTCIceServer]:
    return [
        RTCIceServer(
            urls=server.get("urls") or server.get("url"),
            username=server.get("username"),
            credential=server.get("credential"),
        )
        for server in settings.MEDIA_ICE_SERVERS
    ]


def rtc_configuration() -> RTCConfiguration:
    """The configuration of every server-side peer: never aiortc's public STUN default."""
    return RTCConfiguration(iceServers=ice_servers())


def browser_ice_servers() -> list[dict[str, Any]]:
    """The same servers in OpenVidu's `customIceServers` shape, for joinRoom."""
    servers = []
    for server in settings.MEDIA_ICE_SERVERS:
        urls = server.get("urls") or server.get("url")
        for url in [urls] if isinstance(urls, str) else urls:
            entry = {"url": url}
            entry.update({k: server[k] for k in ("username", "credential") if server.get(k)})
            servers.append(entry)
    return servers


def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """The configured addresses, or aioice's own choice when none are configured."""
    configured = settings.MEDIA_HOST_ADDRESSES
    if not configured:
        return _aioice_host_addresses(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    chosen = []
    for address in configured:
        version = ipaddress.ip_address(address).version
        if (version == 4 and use_ipv4) or (version == 6 and use_ipv6):
            chosen.append(address)
    return chosen


def install_host_address_policy() -> None:
    # aioice looks the function up in its module at gather time, so replacing the
    # module attribute is enough; media.tests cover it against the pinned aioice.
    aioice.ice.get_host_addresses = host_addresses


_CANDIDATE = re.compile(r"^(a=candidate:\S+ \d+ \S+ \d+ )(\S+)( \d+ typ host)", re.MULTILINE)


def announce(sdp: str) -> str:
    """Put the announced public address in the host candidates of an SDP we send."""
    public = settings.MEDIA_ANNOUNCED_ADDRESS
    if not public:
        return sdp
    return _CANDIDATE.sub(lambda match: f"{match[1]}{public}{match[3]}", sdp)
