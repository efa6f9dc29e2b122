"""Webhooks end to end: a real receiver on loopback gets OpenVidu's events from live rooms."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from tests.signaling.conftest import join
from tests.webhooks.receiver import Receiver
from webhooks import signing
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.asyncio

SECRET = "MY_SECRET"
COMMON = {"sessionId", "uniqueSessionId", "timestamp", "event"}
PARTICIPANT = COMMON | {
    "connectionId",
    "participantId",
    "location",
    "ip",
    "platform",
    "clientData",
    "serverData",
}
ENDED = {"startTime", "duration", "reason"}


async def settled(timeout: float = 10) -> list[tuple[str, int, int | None]]:
    """(status, attempts, last status) of every delivery once none is pending any more."""

    def read() -> list[tuple[str, int, int | None]]:
        return list(WebhookDelivery.objects.values_list("status", "attempts", "last_status"))

    for _ in range(int(timeout / 0.05)):
        rows = await database_sync_to_async(read)()
        if all(status != "pending" for status, _, _ in rows):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"deliveries still pending: {rows}")


async def _a_short_meeting(rpc_clients, invite) -> tuple[dict[str, Any], dict[str, Any]]:
    """Alice and Bob join, Alice sends a signal, both leave: the room closes."""
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(server_data="alice-data"), data="Alice")
    bob_seat = await join(bob, await invite(), data="Bob")
    await alice.call(
        "sendMessage", message=json.dumps({"to": [], "data": "hello", "type": "signal:chat"})
    )
    await bob.notification("sendMessage")
    await alice.call("leaveRoom")
    await bob.call("leaveRoom")
    return alice_seat, bob_seat


async def test_every_event_arrives_in_order_with_openvidus_fields_and_a_signature(
    webhooks_on: Receiver, rpc_clients, invite
):
    alice, bob = await _a_short_meeting(rpc_clients, invite)
    events = webhooks_on.wait_for_events(7)
    assert [event["event"] for event in events] == [
        "sessionCreated",
        "participantJoined",
        "participantJoined",
        "signalSent",
        "participantLeft",
        "participantLeft",
        "sessionDestroyed",
    ]
    created, joined_a, joined_b, signal, left_a, left_b, destroyed = events
    unique = created["uniqueSessionId"]
    assert created["sessionId"] == "live"
    assert unique == f"live_{created['timestamp']}"
    assert all(event["uniqueSessionId"] == unique for event in events)
    assert set(created) == COMMON

    assert set(joined_a) == PARTICIPANT
    assert joined_a["connectionId"] == joined_a["participantId"] == alice["id"]
    assert joined_a["clientData"] == "Alice"
    assert joined_a["serverData"] == "alice-data"
    assert joined_a["platform"] == "Chrome 156 on Linux"
    assert joined_b["connectionId"] == bob["id"]

    assert signal == {
        "event": "signalSent",
        "sessionId": "live",
        "uniqueSessionId": unique,
        "timestamp": signal["timestamp"],
        "from": alice["id"],
        "to": sorted([alice["id"], bob["id"]]),
        "type": "chat",
        "data": "hello",
    }

    assert set(left_a) == PARTICIPANT | ENDED
    assert (left_a["connectionId"], left_a["reason"]) == (alice["id"], "disconnect")
    assert left_a["startTime"] == joined_a["timestamp"]
    assert left_a["duration"] == (left_a["timestamp"] - left_a["startTime"]) // 1000
    assert (left_b["connectionId"], left_b["reason"]) == (bob["id"], "disconnect")
    assert set(destroyed) == COMMON | ENDED
    assert destroyed["reason"] == "lastParticipantLeft"
    assert destroyed["startTime"] == created["timestamp"]
    timestamps = [event["timestamp"] for event in events]
    assert timestamps == sorted(timestamps)

    for request in webhooks_on.requests:
        headers = {name.lower(): value for name, value in request.headers.items()}
        assert signing.verify(request.body, headers["x-rooms-signature"], SECRET)
        assert headers["authorization"] == "Bearer app-token"
        assert headers["content-type"] == "application/json"
        assert headers["x-rooms-event"] == request.event["event"]
    # A forged body does not pass.
    first = webhooks_on.requests[0]
    forged = first.body.replace(b"live", b"evil")
    assert not signing.verify(forged, first.headers["X-Rooms-Signature"], SECRET)

    stored = await settled()
    assert stored == [("delivered", 1, 200)] * 7


async def test_only_the_configured_events_are_posted(
    webhooks_on: Receiver, settings, rpc_clients, invite
):
    settings.OPENVIDU_WEBHOOK_EVENTS = ["participantJoined", "participantLeft"]
    await _a_short_meeting(rpc_clients, invite)
    events = webhooks_on.wait_for_events(4)
    assert [event["event"] for event in events] == ["participantJoined"] * 2 + [
        "participantLeft"
    ] * 2
    count = await database_sync_to_async(WebhookDelivery.objects.count)()
    assert count == 4


async def test_a_failing_receiver_gets_the_event_again_later(
    webhooks_on: Receiver, rpc_clients, invite
):
    webhooks_on.fail_next(2, status=503)
    await _a_short_meeting(rpc_clients, invite)
    events = webhooks_on.wait_for_events(7)
    # The first event was refused twice and came a third time; nothing overtook it.
    assert [request.answered for request in webhooks_on.requests[:3]] == [503, 503, 200]
    assert len({request.body for request in webhooks_on.requests[:3]}) == 1
    ids = {request.headers["X-Rooms-Delivery"] for request in webhooks_on.requests[:3]}
    assert len(ids) == 1
    assert [request.headers["X-Rooms-Attempt"] for request in webhooks_on.requests[:3]] == [
        "1",
        "2",
        "3",
    ]
    assert events[0]["event"] == "sessionCreated"
    assert events[-1]["event"] == "sessionDestroyed"
    rows = await settled()
    assert rows[0] == ("delivered", 3, 200)
    assert rows[1:] == [("delivered", 1, 200)] * 6


async def test_a_slow_receiver_does_not_slow_signaling(webhooks_on: Receiver, rpc_clients, invite):
    webhooks_on.hold()
    # The whole meeting happens while the receiver sits on the first request.
    await _a_short_meeting(rpc_clients, invite)
    webhooks_on.wait_for(lambda receiver: receiver.waiting == 1)
    assert webhooks_on.requests == []
    pending = await database_sync_to_async(WebhookDelivery.objects.filter(status="pending").count)()
    assert pending == 7
    webhooks_on.release()
    events = webhooks_on.wait_for_events(7)
    assert [event["event"] for event in events][0::6] == ["sessionCreated", "sessionDestroyed"]


async def test_events_of_different_rooms_do_not_wait_for_each_other(
    webhooks_on: Receiver, rpc_clients, invite
):
    webhooks_on.fail_next(1000, status=500)  # "stuck" gets only failures for now
    await invite("stuck")
    webhooks_on.wait_for(lambda receiver: len(receiver.requests) >= 1)
    webhooks_on.stop_failing()
    await invite("moving")
    events = webhooks_on.wait_for_events(2)
    assert {event["sessionId"] for event in events} == {"stuck", "moving"}
