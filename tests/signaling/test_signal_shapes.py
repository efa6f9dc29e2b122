"""Signals as openvidu-server 2.32 relays and records them.

The notification carries `data` and `type` only when the message had them; the
signalSent event takes "signal:" off the type of a participant's signal, and keeps the
type of a REST signal as the application wrote it.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from rooms.models import RoomEvent
from tests.signaling.conftest import join

pytestmark = pytest.mark.asyncio


@database_sync_to_async
def _signal_events() -> list[dict[str, object]]:
    return [
        event.payload
        for event in RoomEvent.objects.filter(name=RoomEvent.Name.SIGNAL_SENT).order_by("pk")
    ]


async def test_a_message_without_type_or_data_is_relayed_without_them(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    await alice.call("sendMessage", message=json.dumps({"to": []}))
    assert await bob.notification("sendMessage") == {"from": seat["id"]}
    (event,) = await _signal_events()
    assert (event["type"], event["data"]) == (None, None)


async def test_a_participants_type_is_recorded_without_its_prefix(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    await join(bob, await invite())
    await alice.call(
        "sendMessage", message=json.dumps({"to": [], "data": "hi", "type": "signal:chat"})
    )
    assert (await bob.notification("sendMessage"))["type"] == "signal:chat"
    (event,) = await _signal_events()
    assert (event["type"], event["data"]) == ("chat", "hi")


@pytest.mark.django_db(transaction=True)
async def test_a_rest_signal_keeps_its_type_and_leaves_out_what_it_lacks(rpc_clients, invite):
    from rest_framework.test import APIClient

    from tests.conftest import SECRET, basic

    bob = await rpc_clients()
    await join(bob, await invite())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", SECRET))
    post = database_sync_to_async(client.post)
    answer = await post(
        "/openvidu/api/signal", {"session": "live", "type": "signal:news"}, format="json"
    )
    assert answer.status_code == 200
    assert await bob.notification("sendMessage") == {"type": "signal:news"}
    (event,) = await _signal_events()
    assert (event["from"], event["type"], event["data"]) == (None, "signal:news", None)
