"""webrtcConnectionCreated/Destroyed from real publications and subscriptions (aiortc peers)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async

from rooms.models import RoomEvent
from tests.signaling.conftest import join
from tests.signaling.steps import publish, subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.webrtc]


@database_sync_to_async
def _webrtc_events() -> list[dict[str, Any]]:
    return [
        {**event.payload, "event": event.name}
        for event in RoomEvent.objects.filter(name__startswith="webrtc").order_by("pk")
    ]


async def test_publishing_and_subscribing_are_recorded_as_openvidu_does(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    bob_seat = await join(bob, await invite(), data="Bob")
    published = await publish(alice, peers(), frameRate=30)
    await bob.notification("participantPublished")
    await subscribe(bob, peers(), published["id"])
    await bob.call("unsubscribeFromVideo", sender=published["id"])
    await alice.call("unpublishVideo")

    created_out, created_in, destroyed_in, destroyed_out = await _webrtc_events()
    media = {
        "streamId": published["id"],
        "videoSource": "CAMERA",
        "videoFramerate": 30,
        "videoDimensions": json.dumps({"width": 640, "height": 480}),
        "audioEnabled": True,
        "videoEnabled": True,
    }
    assert created_out == {
        **created_out,
        **media,
        "event": "webrtcConnectionCreated",
        "connection": "OUTBOUND",
        "connectionId": alice_seat["id"],
        "participantId": alice_seat["id"],
    }
    assert "receivingFrom" not in created_out
    assert created_in == {
        **created_in,
        **media,
        "event": "webrtcConnectionCreated",
        "connection": "INBOUND",
        "connectionId": bob_seat["id"],
        "receivingFrom": alice_seat["id"],
    }
    assert destroyed_in["connection"] == "INBOUND"
    assert destroyed_in["reason"] == "unsubscribe"
    assert destroyed_in["startTime"] == created_in["timestamp"]
    assert destroyed_out["connection"] == "OUTBOUND"
    assert destroyed_out["reason"] == "unpublish"
    assert destroyed_out["startTime"] == created_out["timestamp"]


async def test_leaving_ends_the_publication_and_the_subscriptions_to_it(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    await join(bob, await invite(), data="Bob")
    published = await publish(alice, peers())
    await bob.notification("participantPublished")
    await subscribe(bob, peers(), published["id"])
    await alice.call("leaveRoom")
    await bob.notification("participantLeft")

    events = await _webrtc_events()
    ended = [(event["connection"], event["reason"]) for event in events[2:]]
    # As OpenVidu: the subscriptions to the stream, then the stream, then the participant.
    assert ended == [("INBOUND", "disconnect"), ("OUTBOUND", "disconnect")]
    left = await database_sync_to_async(
        lambda: RoomEvent.objects.filter(name="participantLeft").get().payload
    )()
    assert (left["connectionId"], left["reason"]) == (alice_seat["id"], "disconnect")
