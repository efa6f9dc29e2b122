"""The sockets every server peer shares (one UDP port, the ICE-TCP listener), opened on use.

One per (host address, port) and process; a socket closes itself with its last peer,
and the next peer to come opens it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


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
