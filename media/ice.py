"""ICE settings of the media engine: which servers, which addresses, which ports, what to announce.

aiortc falls back to a public STUN server when it is given no ICE servers, and aioice
gathers on every interface but loopback, on any port, with no way to choose. Every peer
connection the project makes takes its configuration from `rtc_configuration()`; the
host addresses are decided here, once, for the whole process; and the sockets of the
server's own peers are bound inside MEDIA_PORT_MIN..MEDIA_PORT_MAX.

Two aioice internals are replaced here, and tests/media pin both against the pinned
aioice: its module function `get_host_addresses`, and the `asyncio` name its `ice` and
`turn` modules look the event loop up through (to bind sockets in the port range).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ipaddress
import logging
import socket
import types
from collections.abc import Callable, Iterator
from typing import Any

import aioice
import aioice.candidate
import aioice.ice
import aioice.turn
from aiortc import RTCConfiguration, RTCIceServer

from media import app_settings, nat, turn
from media.ice_tcp import TcpIcePort
from media.ports import PortRange
from media.shared_sockets import SharedSockets
from media.udp_mux import SharedUdpPort

logger = logging.getLogger(__name__)
_aioice_host_addresses = aioice.ice.get_host_addresses


def _entries() -> list[turn.IceServerEntry]:
    # Checked at start (media.checks): parsing again cannot fail here.
    return turn.parse_setting(app_settings.get("MEDIA_ICE_SERVERS"))


def ice_servers() -> list[RTCIceServer]:
    """The servers of the server's own peers: TURN always, STUN only when discovery is on.

    A STUN server makes aioice ask it for our public address on every peer; that is
    traffic to a third party, so it happens only with MEDIA_STUN_DISCOVERY=true.
    """
    servers = []
    for entry in _entries():
        urls = [
            url
            for url in entry.urls
            if url.partition(":")[0] in ("turn", "turns")
            or app_settings.get("MEDIA_STUN_DISCOVERY")
        ]
        if not urls:
            continue
        username, credential = entry.credentials() if entry.is_turn else (None, None)
        servers.append(RTCIceServer(urls=urls, username=username, credential=credential))
    return servers


def rtc_configuration() -> RTCConfiguration:
    """The configuration of every server-side peer: never aiortc's public STUN default."""
    return RTCConfiguration(iceServers=ice_servers())


def browser_ice_servers() -> list[dict[str, Any]]:
    """The same servers in OpenVidu's `customIceServers` shape, for joinRoom and our pages."""
    return turn.browser_entries(_entries())


def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """The configured addresses, or aioice's own choice when none are configured."""
    configured = app_settings.get("MEDIA_HOST_ADDRESSES")
    if not configured:
        return _aioice_host_addresses(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    chosen = []
    for address in configured:
        version = ipaddress.ip_address(address).version
        if (version == 4 and use_ipv4) or (version == 6 and use_ipv6):
            chosen.append(address)
    return chosen


def announce(sdp: str) -> str:
    """Put the announced public addresses in every host address of an SDP we send."""
    return nat.rewrite(sdp, nat.parse(app_settings.get("MEDIA_ANNOUNCED_ADDRESS")))


# The port range, the one UDP port and ICE-TCP are for the server's own peers only: a
# test's client peers in the same process keep aioice's ways. The engine marks its
# gathering with this.
_server_gathering: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "server_gathering", default=False
)
_ranges: dict[tuple[int, int], PortRange] = {}
shared_ports = SharedSockets(SharedUdpPort)
tcp_ports = SharedSockets(TcpIcePort)
# RFC 6544 4.2: a passive TCP host candidate ranks below UDP host candidates (aioice
# gives those local preference 65535); direction preference 4 for passive.
_TCP_PASSIVE_LOCAL_PREFERENCE = (1 << 13) * 4 + 8191


def _port_range() -> PortRange | None:
    low, high = app_settings.get("MEDIA_PORT_MIN"), app_settings.get("MEDIA_PORT_MAX")
    if low is None or high is None:
        return None
    return _ranges.setdefault((low, high), PortRange(low, high))


@contextlib.contextmanager
def server_sockets() -> Iterator[None]:
    """Inside this block, aioice's sockets follow the media port settings (the engine's peers)."""
    token = _server_gathering.set(True)
    try:
        yield
    finally:
        _server_gathering.reset(token)


def _wildcard(family: int) -> str:
    return "::" if family == socket.AF_INET6 else "0.0.0.0"


class _ServerLoop:
    """The running loop as aioice sees it while a server peer gathers.

    Host candidates get a socket in the port range, or a share of the one UDP port;
    the sockets towards a TURN server are bound in the port range.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        ports: PortRange | None,
        udp_port: int | None,
        tcp_port: int | None,
    ) -> None:
        self._loop = loop
        self._ports = ports
        self._udp_port = udp_port
        self._tcp_port = tcp_port

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)

    async def create_datagram_endpoint(
        self,
        protocol_factory: Callable[[], asyncio.DatagramProtocol],
        local_addr: tuple[str, int] | None = None,
        remote_addr: tuple[str, int] | None = None,
        **kwargs: Any,
    ) -> tuple[asyncio.DatagramTransport, asyncio.DatagramProtocol]:
        endpoint = await self._udp_endpoint(protocol_factory, local_addr, remote_addr, **kwargs)
        if local_addr is not None and local_addr[1] == 0 and self._tcp_port is not None:
            await self._add_tcp_candidate(protocol_factory, local_addr[0], self._tcp_port)
        return endpoint

    async def _add_tcp_candidate(
        self, protocol_factory: Callable[[], asyncio.DatagramProtocol], address: str, port: int
    ) -> None:
        """Give the peer a passive TCP host candidate on MEDIA_TCP_PORT beside its UDP one.

        aioice gathers UDP only; the TCP side is one more StunProtocol of the same
        Connection, added to its `_protocols` (so checks and close reach it) and its
        `_local_candidates` (so aiortc puts it in the SDP).
        """
        protocol = protocol_factory()
        connection = protocol.receiver  # type: ignore[attr-defined]
        try:
            await tcp_ports.attach(address, port, protocol, connection.local_username)
        except OSError as error:
            logger.warning("no ICE-TCP candidate on %s:%s: %s", address, port, error)
            return
        # aiortc bundles and multiplexes RTCP: one component, the lowest.
        component = min(connection._components)
        candidate = aioice.Candidate(
            foundation=aioice.candidate.candidate_foundation("host", "tcp", address),
            component=component,
            transport="tcp",
            priority=(126 << 24) + (_TCP_PASSIVE_LOCAL_PREFERENCE << 8) + (256 - component),
            host=address,
            port=port,
            type="host",
            tcptype="passive",
        )
        protocol.local_candidate = candidate  # type: ignore[attr-defined]
        connection._protocols.append(protocol)
        connection._local_candidates.append(candidate)

    async def _udp_endpoint(
        self,
        protocol_factory: Callable[[], asyncio.DatagramProtocol],
        local_addr: tuple[str, int] | None,
        remote_addr: tuple[str, int] | None,
        **kwargs: Any,
    ) -> tuple[asyncio.DatagramTransport, asyncio.DatagramProtocol]:
        if local_addr is not None and local_addr[1] == 0 and self._udp_port is not None:
            # A host candidate on the one UDP port: aioice's StunProtocol knows its
            # Connection (`receiver`), whose ufrag routes the datagrams to it.
            protocol = protocol_factory()
            ufrag = protocol.receiver.local_username  # type: ignore[attr-defined]
            transport = await shared_ports.attach(local_addr[0], self._udp_port, protocol, ufrag)
            return transport, protocol
        if self._ports is None:
            return await self._loop.create_datagram_endpoint(
                protocol_factory, local_addr=local_addr, remote_addr=remote_addr, **kwargs
            )
        if local_addr is not None and local_addr[1] == 0:
            # A host candidate: aioice asks for (address, any port).
            sock = self._ports.bind(socket.SOCK_DGRAM, local_addr[0])
        elif remote_addr is not None and local_addr is None:
            # The socket towards a TURN server over UDP: aioice sends on it unaddressed.
            family, address = await self._resolve(remote_addr, socket.SOCK_DGRAM)
            sock = self._ports.bind(socket.SOCK_DGRAM, _wildcard(family))
            try:
                sock.connect(address)
            except OSError:
                sock.close()
                raise
        else:
            return await self._loop.create_datagram_endpoint(
                protocol_factory, local_addr=local_addr, remote_addr=remote_addr, **kwargs
            )
        try:
            return await self._loop.create_datagram_endpoint(protocol_factory, sock=sock, **kwargs)
        except BaseException:
            sock.close()
            raise

    async def create_connection(
        self,
        protocol_factory: Callable[[], asyncio.Protocol],
        host: str,
        port: int,
        ssl: Any = None,
        **kwargs: Any,
    ) -> tuple[asyncio.Transport, asyncio.Protocol]:
        # The connection to a TURN server over TCP or TLS.
        if self._ports is None:
            return await self._loop.create_connection(
                protocol_factory, host=host, port=port, ssl=ssl, **kwargs
            )
        family, address = await self._resolve((host, port), socket.SOCK_STREAM)
        sock = self._ports.bind(socket.SOCK_STREAM, _wildcard(family))
        try:
            await self._loop.sock_connect(sock, address)
            return await self._loop.create_connection(
                protocol_factory, sock=sock, ssl=ssl, server_hostname=host if ssl else None
            )
        except BaseException:
            sock.close()
            raise

    async def _resolve(self, address: tuple[str, int], kind: int) -> tuple[int, Any]:
        infos = await self._loop.getaddrinfo(address[0], address[1], type=kind)
        if not infos:
            raise OSError(f"cannot resolve {address[0]}")
        family, _, _, _, sockaddr = infos[0]
        return family, sockaddr


class _AsyncioForAioice(types.ModuleType):
    """`asyncio` as aioice's modules see it: the same, but for `get_running_loop`."""

    def __init__(self) -> None:
        super().__init__("asyncio")

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    def get_running_loop() -> Any:
        loop = asyncio.get_running_loop()
        if not _server_gathering.get():
            return loop
        ports = _port_range()
        udp_port, tcp_port = app_settings.get("MEDIA_UDP_PORT"), app_settings.get("MEDIA_TCP_PORT")
        if ports is None and udp_port is None and tcp_port is None:
            return loop
        return _ServerLoop(loop, ports, udp_port, tcp_port)


def install_host_address_policy() -> None:
    # aioice looks these up in its modules at gather time, so replacing the module
    # attributes is enough; tests/media/test_ice.py covers both against the pinned aioice.
    aioice.ice.get_host_addresses = host_addresses
    shim = _AsyncioForAioice()
    aioice.ice.asyncio = shim  # type: ignore[attr-defined]
    aioice.turn.asyncio = shim  # type: ignore[attr-defined]


def why_no_candidates() -> str:
    """The words for a peer that gathered no candidate: most often, a full port range."""
    ports = _port_range()
    if ports is not None and ports.exhausted:
        return (
            f"no free media port: every port of MEDIA_PORT_MIN-MEDIA_PORT_MAX "
            f"({ports.first}-{ports.last}) is in use"
        )
    udp_port = app_settings.get("MEDIA_UDP_PORT")
    if udp_port is not None:
        return (
            f"no ICE candidate could be gathered: MEDIA_UDP_PORT {udp_port} "
            "cannot be bound on MEDIA_HOST_ADDRESSES (the log says why)"
        )
    return "no ICE candidate could be gathered on MEDIA_HOST_ADDRESSES"
