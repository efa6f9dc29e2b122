"""One UDP port for the media of every peer (MEDIA_UDP_PORT): one socket per host address.

Every server peer's host candidate names the same port; the datagrams that arrive are
handed to the right peer's ICE connection. What a datagram is comes from its first byte
(RFC 7983): 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP (SRTP); anything else is dropped.

- A STUN request carries USERNAME `<our ufrag>:<their ufrag>` (RFC 8445 7.2.2): the
  peer whose ICE ufrag is the first half takes it, and the sender's address is
  remembered for that peer.
- A STUN response answers a request one of our peers sent: it is routed by the
  transaction id noted when the request went out (so two peers may ask the same STUN
  server, or check the same browser address, without mixing their answers).
- DTLS and SRTP go to the peer that the source address belongs to: learnt from the
  checks that address sent us, or else from the checks we sent to it.

An address is given to a peer once and not taken from it by a later datagram, so a
forged STUN request cannot steal another peer's media; an address a peer only sent to
(two browsers behind different NATs may offer the same private host candidate) yields
to the peer that address's checks name. The tables are bounded and
emptied of a peer when it closes; the socket closes with its last peer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import struct
from collections import OrderedDict
from typing import Any

from media.shared_sockets import PeerShare

logger = logging.getLogger(__name__)

_STUN_HEADER = 20
_USERNAME = 0x0006
# Requests in flight we remember the sender of: far more than the checks of many peers.
MAX_TRANSACTIONS = 16384
READ_BATCH = 64
RECEIVE_SIZE = 65535
# As aioice gives each of its sockets (turn.UDP_SOCKET_BUFFER_SIZE): bursts of many peers.
RECEIVE_BUFFER = 1024 * 1024
Address = tuple[Any, ...]


def _stun_class(data: bytes) -> int:
    """0 request, 1 indication, 2 success response, 3 error response."""
    kind = (data[0] << 8) | data[1]
    return ((kind >> 7) & 0b10) | ((kind >> 4) & 0b01)


def stun_username_ufrag(data: bytes) -> str | None:
    """The first half of a STUN message's USERNAME, read without parsing the rest."""
    length = struct.unpack_from("!H", data, 2)[0]
    end = min(len(data), _STUN_HEADER + length)
    offset = _STUN_HEADER
    while offset + 4 <= end:
        kind, size = struct.unpack_from("!HH", data, offset)
        if kind == _USERNAME:
            username = data[offset + 4 : offset + 4 + size]
            return username.split(b":", 1)[0].decode("utf-8", "replace")
        offset += 4 + size + (-size % 4)
    return None


def _key(addr: Address) -> tuple[str, int]:
    # IPv6 addresses come as four-tuples; a peer is named by host and port.
    return (addr[0], addr[1])


class MuxedTransport(PeerShare):
    """What one peer's aioice protocol holds: sends go out of the shared socket."""

    def __init__(self, port: SharedUdpPort, protocol: asyncio.DatagramProtocol, ufrag: str) -> None:
        super().__init__(protocol, ufrag)
        self._port = port

    def sendto(self, data: bytes, addr: Address | None = None) -> None:  # type: ignore[override]
        if self._closing or addr is None:
            return
        self._port.send(self, bytes(data), addr)

    def _sockname(self) -> Any:
        return self._port.sockname

    def _release(self) -> None:
        self._port.detach(self)


class SharedUdpPort:
    """The one socket of a host address, and the peers behind it.

    The socket is read directly, up to READ_BATCH datagrams each time it is readable:
    asyncio's datagram transport reads one per loop iteration, which on one socket for
    every peer would cap the whole node at one datagram per turn of the loop.
    """

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self._socket: socket.socket | None = None
        self._by_ufrag: dict[str, MuxedTransport] = {}
        # Addresses a peer has received a check from (confirmed), and addresses it has
        # only sent to (its checks, its STUN server): the first kind wins.
        self._by_address: dict[tuple[str, int], MuxedTransport] = {}
        self._sent_to: dict[tuple[str, int], MuxedTransport] = {}
        self._transactions: OrderedDict[bytes, MuxedTransport] = OrderedDict()
        self.dropped = 0

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    @property
    def sockname(self) -> Any:
        assert self._socket is not None
        return self._socket.getsockname()

    async def open(self) -> None:
        family = (
            socket.AF_INET6 if ipaddress.ip_address(self.address).version == 6 else socket.AF_INET
        )
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.bind((self.address, self.port))
            asyncio.get_running_loop().add_reader(sock.fileno(), self._read)
        except BaseException:
            sock.close()
            raise
        self._socket = sock

    def close(self) -> None:
        if self._socket is not None:
            asyncio.get_running_loop().remove_reader(self._socket.fileno())
            self._socket.close()
            self._socket = None

    def _read(self) -> None:
        sock = self._socket
        for _ in range(READ_BATCH):
            if sock is None:
                return
            try:
                data, addr = sock.recvfrom(RECEIVE_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                # An ICMP error for one remote address; aioice notices dead pairs by consent.
                logger.debug("shared UDP port %s:%s: %s", self.address, self.port, error)
                continue
            self.datagram_received(data, addr)
            sock = self._socket  # a peer may have closed the port meanwhile

    def attach(self, protocol: asyncio.DatagramProtocol, ufrag: str) -> MuxedTransport:
        if ufrag in self._by_ufrag:
            raise OSError(f"two peers with the ICE ufrag {ufrag!r} on one port")
        transport = MuxedTransport(self, protocol, ufrag)
        self._by_ufrag[ufrag] = transport
        protocol.connection_made(transport)
        return transport

    def detach(self, transport: MuxedTransport) -> None:
        self._by_ufrag.pop(transport.ufrag, None)
        for table in (self._by_address, self._sent_to):
            for address in [key for key, owner in table.items() if owner is transport]:
                del table[address]
        for ask in [key for key, owner in self._transactions.items() if owner is transport]:
            del self._transactions[ask]
        if not self._by_ufrag:
            self.close()

    def send(self, sender: MuxedTransport, data: bytes, addr: Address) -> None:
        if self._socket is None:
            return
        key = _key(addr)
        self._sent_to.setdefault(key, sender)
        if len(data) >= _STUN_HEADER and data[0] < 4 and _stun_class(data) == 0:
            self._transactions[data[8:20]] = sender
            while len(self._transactions) > MAX_TRANSACTIONS:
                self._transactions.popitem(last=False)
        try:
            self._socket.sendto(data, addr)
        except (BlockingIOError, InterruptedError):
            self.dropped += 1  # a full send buffer: UDP may drop, as the kernel would
        except OSError as error:
            logger.debug("shared UDP port %s:%s to %s: %s", self.address, self.port, addr, error)

    def route(self, data: bytes, addr: Address) -> MuxedTransport | None:
        """Which peer a datagram is for (RFC 7983 first-byte ranges), or None to drop it."""
        if not data:
            return None
        first = data[0]
        key = _key(addr)
        if first < 4:
            if len(data) < _STUN_HEADER:
                return None
            stun_class = _stun_class(data)
            if stun_class in (2, 3):
                return self._transactions.pop(data[8:20], None)
            ufrag = stun_username_ufrag(data)
            owner = self._by_ufrag.get(ufrag) if ufrag is not None else None
            if owner is not None:
                self._by_address.setdefault(key, owner)
                return owner
            return self._owner_of(key)
        if 20 <= first <= 63 or 128 <= first <= 191:
            return self._owner_of(key)
        return None

    def _owner_of(self, key: tuple[str, int]) -> MuxedTransport | None:
        return self._by_address.get(key) or self._sent_to.get(key)

    def datagram_received(self, data: bytes, addr: Address) -> None:
        owner = self.route(data, addr)
        if owner is None:
            self.dropped += 1
            return
        owner.protocol.datagram_received(data, addr)
