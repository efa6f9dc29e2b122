"""Lost sockets: reconnection within the grace period, eviction after it, the ping watchdog."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from rooms.models import Connection
from rooms.signaling import rpc_sessions
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcClient, RpcFailure

pytestmark = pytest.mark.asyncio


async def test_a_client_that_reconnects_in_time_keeps_its_seat(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    await alice.close()  # the network drops; no leaveRoom
    again = await rpc_clients()
    result = await again.call("connect", sessionId=seat["sessionId"], reconnect=True)
    assert result == {"value": "reconnection successful", "sessionId": seat["sessionId"]}
    await again.call(
        "sendMessage", message=json.dumps({"to": [], "data": "back", "type": "signal:chat"})
    )
    assert (await bob.notification("sendMessage"))["from"] == seat["id"]
    # The others never saw it leave, and it still hears the room.
    await bob.no_notification("participantLeft")
    assert (await again.notification("sendMessage"))["data"] == "back"


async def test_a_client_that_does_not_come_back_is_evicted_after_the_grace(
    rpc_clients, invite, monkeypatch
):
    monkeypatch.setattr(rpc_sessions, "GRACE_SECONDS", 0.2)
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    await alice.close()
    assert await bob.notification("participantLeft") == {
        "connectionId": seat["id"],
        "reason": "networkDisconnect",
    }
    row = await database_sync_to_async(Connection.objects.get)(connection_id=seat["id"])
    assert (row.status, row.close_reason) == ("closed", "networkDisconnect")
    again = await rpc_clients()
    with pytest.raises(RpcFailure) as failure:
        await again.call("connect", sessionId=seat["sessionId"], reconnect=True)
    assert (failure.value.code, failure.value.message) == (40007, "reconnection error")


async def test_an_unknown_rpc_session_cannot_be_resumed(rpc_clients):
    client = await rpc_clients()
    with pytest.raises(RpcFailure) as failure:
        await client.call("connect", sessionId="not-a-session", reconnect=True)
    assert failure.value.code == 40007


async def test_a_stale_socket_is_closed_when_another_takes_its_session(rpc_clients, invite):
    alice = await rpc_clients()
    seat = await join(alice, await invite())
    again = await rpc_clients()
    await again.call("connect", sessionId=seat["sessionId"], reconnect=True)
    assert await _closed(alice) == 4001


async def test_a_client_that_stops_pinging_is_evicted(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    await alice.call("ping", interval=100)  # then silence: three missed intervals end it
    notice = await bob.notification("participantLeft", timeout=5)
    assert notice == {"connectionId": seat["id"], "reason": "networkDisconnect"}
    assert await _closed(alice) == 4000


async def test_a_client_that_keeps_pinging_stays(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    await join(bob, await invite())
    for _ in range(6):
        await alice.call("ping", interval=100)
        await asyncio.sleep(0.05)
    await bob.no_notification("participantLeft", wait=0.2)


async def _closed(client: RpcClient) -> int:
    """The close code the server ends a socket with; frames sent before it are skipped."""
    while True:
        output = await client.communicator.receive_output(5)
        if output["type"] == "websocket.close":
            client.connected = False
            return int(output["code"])


async def test_closing_the_socket_without_a_seat_forgets_the_session(transactional_db):
    before = len(rpc_sessions.registry)
    client = await RpcClient().connect()
    assert len(rpc_sessions.registry) == before + 1
    await client.close()
    assert len(rpc_sessions.registry) == before
