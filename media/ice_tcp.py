"""ICE over TCP (MEDIA_TCP_PORT): passive candidates (RFC 6544) with RFC 4571 framing.

For browsers whose network lets no UDP through: each server peer also offers
`<host address> MEDIA_TCP_PORT tcp ... tcptype passive`, and the browser connects to it.
One listening socket per host address serves every peer: a connection's first frame
must be a STUN request whose USERNAME names a peer's ICE ufrag (RFC 8445 7.2.2), and
every later frame of that connection goes to that peer. To aioice, each peer's TCP side
is one more "datagram" socket: a frame in is a datagram received from the connection's
address, a datagram sent to that address goes out on the connection as a frame.

Bounded: a connection that names no peer within HELLO_TIMEOUT seconds, sends a frame
that is not STUN first, or names an unknown ufrag is closed; at most MAX_UNNAMED
connections wait for their first frame; a connection whose send buffer passes
WRITE_LIMIT drops frames (as a full UDP socket would), and one whose peer closes is
closed with it.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from typing import Any

from media.shared_sockets import PeerShare
from media.udp_mux import stun_username_ufrag

logger = logging.getLogger(__name__)

HELLO_TIMEOUT = 10.0
MAX_UNNAMED = 256
WRITE_LIMIT = 1024 * 1024
Address = tuple[Any, ...]


def _key(addr: Address) -> tuple[str, int]:
    return (addr[0], addr[1])


class _Framing(asyncio.Protocol):
    """One accepted TCP connection: RFC 4571 frames (a 16-bit length, then the packet)."""

    def __init__(self, port: TcpIcePort) -> None:
        self._port = port
        self._buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.owner: PeerTcpTransport | None = None
        self.address: tuple[str, int] = ("", 0)
        self._hello: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.address = _key(transport.get_extra_info("peername"))
        if self._port.unnamed >= MAX_UNNAMED:
            transport.close()
            return
        self._port.unnamed += 1
        self._hello = asyncio.get_running_loop().call_later(HELLO_TIMEOUT, transport.close)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= 2:
            (length,) = struct.unpack_from("!H", self._buffer)
            if len(self._buffer) < 2 + length:
                return  # a partial frame: at most 64 KiB waits here
            frame = bytes(self._buffer[2 : 2 + length])
            del self._buffer[: 2 + length]
            if self.owner is None and not self._name(frame):
                return
            if self.owner is not None:
                self.owner.protocol.datagram_received(frame, self.address)

    def _name(self, frame: bytes) -> bool:
        """Give the connection to the peer its first frame names; False when it was closed."""
        assert self.transport is not None
        ufrag = stun_username_ufrag(frame) if len(frame) >= 20 and frame[0] < 4 else None
        owner = self._port.peers.get(ufrag) if ufrag is not None else None
        if owner is None:
            self.transport.close()
            return False
        self._named()
        self.owner = owner
        owner.connected(self)
        return True

    def _named(self) -> None:
        if self._hello is not None:
            self._hello.cancel()
            self._hello = None
            self._port.unnamed -= 1

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing() or len(data) > 0xFFFF:
            return
        if transport.get_write_buffer_size() > WRITE_LIMIT:
            return
        transport.write(struct.pack("!H", len(data)) + data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._named()
        if self.owner is not None:
            self.owner.disconnected(self)
        self.transport = None


class PeerTcpTransport(PeerShare):
    """One peer's TCP side, as the aioice protocol of its passive candidate sees it."""

    def __init__(self, port: TcpIcePort, protocol: asyncio.DatagramProtocol, ufrag: str) -> None:
        super().__init__(protocol, ufrag)
        self._port = port
        self._connections: dict[tuple[str, int], _Framing] = {}

    def connected(self, connection: _Framing) -> None:
        previous = self._connections.get(connection.address)
        if previous is not None:
            previous.close()
        self._connections[connection.address] = connection

    def disconnected(self, connection: _Framing) -> None:
        if self._connections.get(connection.address) is connection:
            del self._connections[connection.address]

    def sendto(self, data: bytes, addr: Address | None = None) -> None:  # type: ignore[override]
        if self._closing or addr is None:
            return
        # No connection to that address (the browser's "active" candidates have port 9):
        # a passive candidate cannot open one, so the check is lost, as RFC 6544 expects.
        connection = self._connections.get(_key(addr))
        if connection is not None:
            connection.send(bytes(data))

    def get_write_buffer_size(self) -> int:
        """Bytes waiting on this peer's TCP connections: a subscriber's link too slow."""
        sizes = [
            c.transport.get_write_buffer_size()
            for c in self._connections.values()
            if c.transport is not None
        ]
        return max(sizes, default=0)

    def _sockname(self) -> Any:
        return (self._port.address, self._port.port)

    def _release(self) -> None:
        for connection in list(self._connections.values()):
            connection.close()
        self._connections.clear()
        self._port.detach(self)


class TcpIcePort:
    """The listening socket of one host address, and the peers that take connections on it."""

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self.peers: dict[str, PeerTcpTransport] = {}
        self.unnamed = 0
        self._server: asyncio.Server | None = None

    @property
    def is_open(self) -> bool:
        return self._server is not None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Framing(self), host=self.address, port=self.port, reuse_address=True
        )

    def attach(self, protocol: asyncio.DatagramProtocol, ufrag: str) -> PeerTcpTransport:
        if ufrag in self.peers:
            raise OSError(f"two peers with the ICE ufrag {ufrag!r} on one TCP port")
        transport = PeerTcpTransport(self, protocol, ufrag)
        self.peers[ufrag] = transport
        protocol.connection_made(transport)
        return transport

    def detach(self, transport: PeerTcpTransport) -> None:
        if self.peers.get(transport.ufrag) is transport:
            del self.peers[transport.ufrag]
        if not self.peers and self._server is not None:
            self._server.close()
            self._server = None
