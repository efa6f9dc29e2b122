"""This node's seats stay true to its signaling: closed at start, swept while it runs.

Two ways a seat can outlive the socket and the RPC session that held it:
- the process died (rooms/nodes.py): the next process under the same node name closes
  what the previous one held, before it answers its first request;
- a path in this process lost an RPC session without ending its seat: every
  `ROOMS["SEAT_SWEEP_INTERVAL"]` seconds the sweep compares this node's active seats
  in the database with the seats its RPC sessions hold (grace periods included), and
  closes, with reason `networkDisconnect`, the ones no session held at two sweeps in a
  row (a seat is in the database a moment before its session knows it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from django.utils import timezone

from rooms import nodes
from rooms.app_settings import app_settings
from rooms.live import seats as live_seats
from rooms.models import Connection
from rooms.reasons import Reason
from rooms.signaling import rpc_sessions
from rooms.signaling.rpc_sessions import registry

logger = logging.getLogger(__name__)

NETWORK_DISCONNECT = Reason.NETWORK_DISCONNECT

# Seats this process took are newer than this: its start never closes them, however
# late the first request comes, and however many requests race to be first.
PROCESS_STARTED = timezone.now()
_started = False
_sweep: asyncio.Task[None] | None = None
# Seats of this node that no RPC session held at the last sweep.
_missing: set[str] = set()


def _seats_of(node: str) -> list[tuple[str, int]]:
    """Active seats of the node taken longer ago than a grace period, with their room."""
    settled = timezone.now() - timedelta(seconds=rpc_sessions.GRACE_SECONDS)
    return list(
        Connection.objects.filter(node=node, status=Connection.Status.ACTIVE, active_at__lt=settled)
        # An IP camera's seat has no RPC session: its media holds it (rooms/live/cameras.py).
        .exclude(type=Connection.Type.IPCAM)
        .values_list("connection_id", "room_id")
    )


async def sweep_once() -> list[str]:
    """One sweep; returns the connection ids it closed."""
    global _missing
    node = nodes.this_node()
    seats = await database_sync_to_async(_seats_of)(node)
    held = registry.seated()
    missing = {connection_id for connection_id, _ in seats if connection_id not in held}
    lost = [(cid, room_pk) for cid, room_pk in seats if cid in missing and cid in _missing]
    _missing = missing - {cid for cid, _ in lost}
    closed = []
    for connection_id, room_pk in lost:
        logger.warning("seat %s of node %s has no RPC session: closing it", connection_id, node)
        if await live_seats.end_by_id(room_pk, connection_id, NETWORK_DISCONNECT):
            closed.append(connection_id)
    return closed


async def _sweep_forever(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await sweep_once()
        except Exception:
            logger.exception("the seat sweep failed; trying again in %g s", interval)


def _ensure_sweeping() -> None:
    global _sweep
    interval = app_settings.SEAT_SWEEP_INTERVAL
    if interval <= 0:
        return
    loop = asyncio.get_running_loop()
    if _sweep is None or _sweep.done() or _sweep.get_loop() is not loop:
        _sweep = loop.create_task(_sweep_forever(interval))


async def _start_node() -> None:
    global _started
    await database_sync_to_async(nodes.close_left_behind)(nodes.this_node(), before=PROCESS_STARTED)
    _started = True


async def stop() -> None:
    """Stop the sweep and forget what it saw (tests; the process's end)."""
    global _sweep
    sweep, _sweep = _sweep, None
    _missing.clear()
    if sweep is not None and not sweep.done():
        sweep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweep


class NodeSeats:
    """ASGI middleware: close what this node left behind before the first request is served.

    Daphne has no lifespan events, so the first request of any kind (the readiness
    check, a page, a WebSocket) does it; until it succeeds, every request tries again.
    """

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        if scope["type"] != "lifespan":
            if not _started:
                try:
                    await _start_node()
                except Exception:
                    logger.exception("closing what node %s left behind failed", nodes.this_node())
            _ensure_sweeping()
        return await self.application(scope, receive, send)
