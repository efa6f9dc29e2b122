"""What each participant is told when a session is closed, in openvidu-server's order.

openvidu-server closes a session by evicting its participants one at a time, so each one
hears of the evictions before its own (participantEvicted, then participantLeft), then
its own participantEvicted, and nothing after.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from rooms import services
from tests.signaling.conftest import join

pytestmark = pytest.mark.asyncio


@database_sync_to_async
def _close(session_id: str) -> None:
    room = services.find_open_room(session_id)
    assert room is not None
    services.close_room(room, "sessionClosedByServer")


async def _told(client, count):
    """The next `count` notifications, in the order they came."""
    while len(client.notifications) < count:
        frame = await client._read(10)
        if "method" not in frame:
            client._responses[frame.get("id")] = frame
    frames, client.notifications[:count] = client.notifications[:count], []
    return [(frame["method"], frame["params"]["connectionId"]) for frame in frames]


async def test_each_participant_hears_of_the_evictions_before_its_own(rpc_clients, invite):
    clients = [await rpc_clients() for _ in range(3)]
    ids = [
        (await join(client, await invite(), data=f"p{n}"))["id"] for n, client in enumerate(clients)
    ]
    # Joins announced to those already there; drain them.
    for index, client in enumerate(clients):
        for _ in range(len(clients) - 1 - index):
            await client.notification("participantJoined")
    await _close("live")
    first, second, third = ids
    assert await _told(clients[0], 1) == [("participantEvicted", first)]
    assert await _told(clients[1], 3) == [
        ("participantEvicted", first),
        ("participantLeft", first),
        ("participantEvicted", second),
    ]
    assert await _told(clients[2], 5) == [
        ("participantEvicted", first),
        ("participantLeft", first),
        ("participantEvicted", second),
        ("participantLeft", second),
        ("participantEvicted", third),
    ]
    for client in clients:
        await client.no_notification("participantLeft")
