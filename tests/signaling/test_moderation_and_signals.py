"""Moderators' powers, signals between participants, and the REST calls on live rooms."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from media.engine import get_engine
from rooms.models import Connection, Room
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure
from tests.signaling.steps import publish, rest_client, subscribe

pytestmark = pytest.mark.asyncio


def _message(to, data, type_="signal:chat"):
    return json.dumps({"to": to, "data": data, "type": type_})


async def test_a_signal_reaches_everyone_with_its_sender(rpc_clients, invite):
    alice, bob, cy = await rpc_clients(), await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    await join(cy, await invite())
    await alice.call("sendMessage", message=_message([], "hello"))
    for client in (alice, bob, cy):
        assert await client.notification("sendMessage") == {
            "data": "hello",
            "type": "signal:chat",
            "from": seat["id"],
        }


async def test_a_signal_reaches_only_its_recipients(rpc_clients, invite):
    alice, bob, cy = await rpc_clients(), await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    bob_seat = await join(bob, await invite())
    await join(cy, await invite())
    await alice.call("sendMessage", message=_message([bob_seat["id"]], "psst"))
    assert (await bob.notification("sendMessage"))["data"] == "psst"
    await cy.no_notification("sendMessage")


async def test_a_signal_to_a_stranger_is_601(rpc_clients, invite):
    alice = await rpc_clients()
    await join(alice, await invite())
    with pytest.raises(RpcFailure) as failure:
        await alice.call("sendMessage", message=_message(["con_Stranger123"], "x"))
    assert failure.value.code == 601
    with pytest.raises(RpcFailure) as failure:
        await alice.call("sendMessage", message="not json")
    assert failure.value.code == -32602


async def test_only_a_moderator_may_evict(rpc_clients, invite):
    boss, alice, bob = await rpc_clients(), await rpc_clients(), await rpc_clients()
    await join(boss, await invite(role="MODERATOR"))
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    with pytest.raises(RpcFailure) as failure:
        await bob.call("forceDisconnect", connectionId=alice_seat["id"])
    assert failure.value.code == 401

    await boss.call("forceDisconnect", connectionId=alice_seat["id"])
    evicted = {"connectionId": alice_seat["id"], "reason": "forceDisconnectByUser"}
    assert await alice.notification("participantEvicted") == evicted
    assert await bob.notification("participantLeft") == evicted
    assert await boss.notification("participantLeft") == evicted
    seat = await database_sync_to_async(Connection.objects.get)(connection_id=alice_seat["id"])
    assert seat.close_reason == "forceDisconnectByUser"
    # The evicted client is out: it can no longer act in the room.
    with pytest.raises(RpcFailure) as failure:
        await alice.call("sendMessage", message=_message([], "still here?"))
    assert failure.value.code == 803


@pytest.mark.webrtc
async def test_a_moderator_stops_a_stream(rpc_clients, invite):
    from aiortc import RTCConfiguration, RTCPeerConnection

    boss, alice, bob = await rpc_clients(), await rpc_clients(), await rpc_clients()
    await join(boss, await invite(role="MODERATOR"))
    alice_seat = await join(alice, await invite())
    await join(bob, await invite(role="SUBSCRIBER"))
    publisher, viewer = (
        RTCPeerConnection(RTCConfiguration(iceServers=[])),
        RTCPeerConnection(RTCConfiguration(iceServers=[])),
    )
    try:
        published = await publish(alice, publisher)
        await subscribe(bob, viewer, published["id"])
        with pytest.raises(RpcFailure) as failure:
            await bob.call("forceUnpublish", streamId=published["id"])
        assert failure.value.code == 401
        await boss.call("forceUnpublish", streamId=published["id"])
        stopped = {"connectionId": alice_seat["id"], "reason": "forceUnpublishByUser"}
        assert await bob.notification("participantUnpublished") == stopped
        # The publisher is told too, since it did not choose to stop.
        assert await alice.notification("participantUnpublished") == stopped
        assert get_engine().open_peer_connections == 0
    finally:
        await publisher.close()
        await viewer.close()


async def test_a_rest_eviction_reaches_the_room(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    response = await database_sync_to_async(rest_client().delete)(
        f"/openvidu/api/sessions/live/connection/{alice_seat['id']}"
    )
    assert response.status_code == 204
    evicted = {"connectionId": alice_seat["id"], "reason": "forceDisconnectByServer"}
    assert await alice.notification("participantEvicted") == evicted
    assert await bob.notification("participantLeft") == evicted


async def test_closing_the_session_over_rest_evicts_everyone(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    bob_seat = await join(bob, await invite())
    response = await database_sync_to_async(rest_client().delete)("/openvidu/api/sessions/live")
    assert response.status_code == 204
    for client, seat in ((alice, alice_seat), (bob, bob_seat)):
        notice = await client.notification("participantEvicted", connectionId=seat["id"])
        assert notice["reason"] == "sessionClosedByServer"


async def test_rest_signals_reach_participants_without_a_sender(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    bob_seat = await join(bob, await invite())
    api = rest_client()
    post = database_sync_to_async(api.post)
    response = await post(
        "/openvidu/api/signal", {"session": "live", "type": "alert", "data": "fire"}, format="json"
    )
    assert response.status_code == 200
    for client in (alice, bob):
        assert await client.notification("sendMessage") == {"data": "fire", "type": "alert"}
    response = await post(
        "/openvidu/api/signal",
        {"session": "live", "to": [bob_seat["id"]], "data": "just you"},
        format="json",
    )
    assert response.status_code == 200
    assert (await bob.notification("sendMessage"))["data"] == "just you"
    await alice.no_notification("sendMessage")
    response = await post(
        "/openvidu/api/signal", {"session": "live", "to": ["con_Nobody12345"]}, format="json"
    )
    assert response.status_code == 406
    response = await post("/openvidu/api/signal", {"session": "nowhere"}, format="json")
    assert response.status_code == 404
    response = await post(
        "/openvidu/api/signal", {"session": "live", "to": "everyone"}, format="json"
    )
    assert response.status_code == 400


async def test_rest_signal_to_a_room_nobody_joined_is_406(invite):
    await invite("empty")
    response = await database_sync_to_async(rest_client().post)(
        "/openvidu/api/signal", {"session": "empty"}, format="json"
    )
    assert response.status_code == 406


async def test_rest_shows_the_active_fields_of_live_connections(rpc_clients, invite):
    alice = await rpc_clients()
    seat = await join(alice, await invite(), data="Alice")
    response = await database_sync_to_async(rest_client().get)(
        f"/openvidu/api/sessions/live/connection/{seat['id']}"
    )
    body = response.json()
    assert body["status"] == "active"
    assert body["clientData"] == "Alice"
    assert body["platform"] == "Chrome 156 on Linux"
    assert body["activeAt"] >= body["createdAt"]
    assert body["publishers"] == []


async def test_the_last_participant_leaving_closes_the_room(rpc_clients, invite):
    alice = await rpc_clients()
    await join(alice, await invite())
    await alice.call("leaveRoom")
    room = await database_sync_to_async(Room.objects.get)(session_id="live")
    assert room.close_reason == "lastParticipantLeft"
