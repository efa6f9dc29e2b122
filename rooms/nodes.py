"""Which server process holds a seat, and closing what a process left behind.

A participant's seat lives in one process's signaling: its RPC session, its ping
watchdog, its media. The row records that process's name (`Connection.node`,
`ROOMS["NODE_ID"]`). A process that dies without closing its seats (a crash, a
`kill -9`, a lost machine) leaves them `active` with nobody behind them; the next
process started under the same name closes them before it serves anyone, as
openvidu-server closes every session when it stops (reason `openviduServerStopped`).
With several nodes, only the rows of the starting node are touched, and active seats
that name no node: no signaling holds them (seats left active by a server older than
`Connection.node`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from rooms import events, services
from rooms.app_settings import app_settings
from rooms.models import Connection, Room
from rooms.reasons import Reason

logger = logging.getLogger(__name__)

SERVER_STOPPED = Reason.OPENVIDU_SERVER_STOPPED

# Apps whose live work dies with the room's process (recordings) end it here, inside
# the transaction that closes the room: `handler(room, reason)`.
_room_lost_handlers: list[Callable[[Room, str], None]] = []


def on_room_lost(handler: Callable[[Room, str], None]) -> None:
    if handler not in _room_lost_handlers:
        _room_lost_handlers.append(handler)


def this_node() -> str:
    return app_settings.NODE_ID


def close_left_behind(node: str, before: datetime) -> list[str]:
    """Close every seat `node` (or no node) took before `before` (the process's start)
    and still holds, with their rooms when nobody else is in them.

    Returns the session ids of the rooms touched. Each room closes in a transaction of
    its own, with the history, signals, webhooks and channel-layer events of any close.
    """
    left = Connection.objects.filter(
        node__in=(node, ""), status=Connection.Status.ACTIVE, active_at__lt=before
    )
    touched = []
    for room_pk in sorted(set(left.values_list("room_id", flat=True))):
        session_id = _close_in_room(room_pk, left)
        if session_id is not None:
            touched.append(session_id)
    if touched:
        logger.info(
            "node %s closed what it held before it stopped, in %d room(s): %s",
            node,
            len(touched),
            ", ".join(touched),
        )
    return touched


@transaction.atomic
def _close_in_room(room_pk: int, left: QuerySet[Connection]) -> str | None:
    room = Room.objects.select_for_update().get(pk=room_pk)
    if room.closed_at is not None:
        return None
    mine = left.filter(room=room)
    if room.connections.filter(status=Connection.Status.ACTIVE).exclude(pk__in=mine).exists():
        # Others, held by live processes, stay: they are told these seats left.
        for connection in mine:
            services.close_seat(connection, SERVER_STOPPED)
            events.participant_left(room, connection.connection_id, SERVER_STOPPED)
        return room.session_id
    for handler in tuple(_room_lost_handlers):
        handler(room, SERVER_STOPPED)
    services.close_room(room, SERVER_STOPPED)
    return room.session_id
