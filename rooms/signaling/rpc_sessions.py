"""RPC sessions: a participant's place in signaling, which outlives one WebSocket.

openvidu-browser reconnects a dropped socket and sends `connect` with the RPC session id
it was given; the participant keeps its seat if that happens within the grace period.
The sessions of this process are kept here because the room's media lives in this
process too (its home node); events between participants never pass through here, they
go through the channel layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from rooms.participation import Seat

logger = logging.getLogger(__name__)

# How long a participant whose socket dropped keeps its seat (OpenVidu: about 10 s).
GRACE_SECONDS = 10.0


@dataclass(eq=False)
class RpcSession:
    id: str
    channel_name: str | None
    seat: Seat | None = None
    eviction: asyncio.Task[None] | None = field(default=None, repr=False)


class RpcSessions:
    def __init__(self) -> None:
        self._sessions: dict[str, RpcSession] = {}

    def open(self, channel_name: str) -> RpcSession:
        session = RpcSession(id=str(uuid.uuid4()), channel_name=channel_name)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> RpcSession | None:
        return self._sessions.get(session_id)

    def __len__(self) -> int:
        return len(self._sessions)

    def seated(self) -> set[str]:
        """The connection ids of the seats this process's sessions hold, in grace or not."""
        return {
            session.seat.connection_id
            for session in self._sessions.values()
            if session.seat is not None
        }

    def rebind(self, session: RpcSession, channel_name: str) -> str | None:
        """Give the session to a new socket; returns the channel of the socket it had."""
        self.cancel_eviction(session)
        previous, session.channel_name = session.channel_name, channel_name
        return previous if previous != channel_name else None

    def drop(self, session: RpcSession) -> None:
        self.cancel_eviction(session)
        self._sessions.pop(session.id, None)

    def detach(
        self,
        session: RpcSession,
        end: Callable[[Seat], Awaitable[None]],
        grace: float | None = None,
    ) -> None:
        """The socket is gone: forget a seatless session, give a seated one its grace."""
        grace = GRACE_SECONDS if grace is None else grace
        session.channel_name = None
        if session.seat is None:
            self.drop(session)
            return
        self.cancel_eviction(session)
        session.eviction = asyncio.create_task(self._evict_later(session, end, grace))

    async def _evict_later(
        self, session: RpcSession, end: Callable[[Seat], Awaitable[None]], grace: float
    ) -> None:
        await asyncio.sleep(grace)
        seat, session.seat = session.seat, None
        session.eviction = None
        self._sessions.pop(session.id, None)
        if seat is not None:
            try:
                await end(seat)
            except Exception:
                logger.exception("ending the participation of %s failed", seat.connection_id)

    def cancel_eviction(self, session: RpcSession) -> None:
        if session.eviction is not None:
            session.eviction.cancel()
            session.eviction = None

    async def close(self) -> None:
        """Cancel every pending eviction (tests, and the process's shutdown)."""
        for session in list(self._sessions.values()):
            if session.eviction is not None:
                session.eviction.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await session.eviction
        self._sessions.clear()


registry = RpcSessions()
