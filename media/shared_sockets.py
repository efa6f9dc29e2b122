"""The sockets every server peer shares (one UDP port, the ICE-TCP listener), opened on use.

One per (host address, port) and process; a socket closes itself with its last peer,
and the next peer to come opens it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class PeerShare(asyncio.DatagramTransport):
    """One peer's share of a shared socket, as its aioice protocol sees it: a transport.

    Closing it releases the share (`_release`) and tells the protocol, as a socket's
    transport would, so aioice's close of the peer completes.
    """

    def __init__(self, protocol: asyncio.DatagramProtocol, ufrag: str) -> None:
        super().__init__()
        self.protocol = protocol
        self.ufrag = ufrag
        self._closing = False

    def _sockname(self) -> Any:
        raise NotImplementedError

    def _release(self) -> None:
        raise NotImplementedError

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if name == "sockname":
            return self._sockname()
        # No "socket": the socket is not one peer's to tune.
        return default

    def is_closing(self) -> bool:
        return self._closing

    def get_write_buffer_size(self) -> int:
        """What waits to be sent for this peer alone (packet forwarding's slow-subscriber
        check); the shared socket's own backlog is everyone's, so not counted here."""
        return 0

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._release()
        asyncio.get_running_loop().call_soon(self.protocol.connection_lost, None)

    def abort(self) -> None:
        self.close()


class SharedSocket(Protocol):
    @property
    def is_open(self) -> bool: ...

    async def open(self) -> None: ...

    def attach(
        self, protocol: asyncio.DatagramProtocol, ufrag: str
    ) -> asyncio.DatagramTransport: ...


S = TypeVar("S", bound=SharedSocket)


class SharedSockets(Generic[S]):
    def __init__(self, make: Callable[[str, int], S]) -> None:
        self._make = make
        self._sockets: dict[tuple[str, int], S] = {}
        self._lock: asyncio.Lock | None = None

    async def attach(
        self, address: str, port: int, protocol: asyncio.DatagramProtocol, ufrag: str
    ) -> asyncio.DatagramTransport:
        """`protocol`'s share of the socket of (address, port): its transport, to aioice."""
        # One opening at a time: two peers gathering at once must not both bind the port.
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            shared = self._sockets.get((address, port))
            if shared is None or not shared.is_open:
                shared = self._make(address, port)
                await shared.open()
                self._sockets[(address, port)] = shared
            return shared.attach(protocol, ufrag)

    @property
    def open_sockets(self) -> int:
        return sum(1 for shared in self._sockets.values() if shared.is_open)
