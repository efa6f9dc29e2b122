"""A signaling socket stays open as long as its client pings, on the Redis channel layer.

redis-py 8's default read timeout once cut every socket about 5 s after joinRoom
(openvidu_site/channel_layer.py): this holds one for over a minute on the real server.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from rooms.models import Connection
from tests.deployment.live_rpc import LiveRpc, invite

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

HOLD_SECONDS = 65
PING_INTERVAL_MS = 5000


@pytest.mark.asyncio
async def test_a_pinging_participant_keeps_its_socket_for_over_a_minute(production_server):
    token = await sync_to_async(invite)(production_server, "holds")
    client = await LiveRpc.open(production_server, "holds")
    try:
        joined = await client.join(token, "holds", "Alice")
        loop = asyncio.get_running_loop()
        until = loop.time() + HOLD_SECONDS
        pongs = 0
        first = True
        while loop.time() < until:
            params = {"interval": PING_INTERVAL_MS} if first else {}
            first = False
            assert await client.call("ping", **params) == {
                "value": "pong",
                "sessionId": joined["sessionId"],
            }
            pongs += 1
            await asyncio.sleep(PING_INTERVAL_MS / 1000)
        assert pongs >= HOLD_SECONDS // (PING_INTERVAL_MS // 1000)
        status = await sync_to_async(
            lambda: Connection.objects.get(connection_id=joined["id"]).status
        )()
        assert status == Connection.Status.ACTIVE
        assert await client.call("leaveRoom") == {"sessionId": joined["sessionId"]}
    finally:
        await client.close()
        # The thread of sync_to_async keeps its connection; the test database is dropped next.
        await sync_to_async(connections.close_all)()
    log = production_server.log()
    assert "TimeoutError" not in log
    assert "Traceback" not in log
