"""Recorder seats: OpenVidu's recording layouts join with the secret and `recorder: true`
and get a seat named RECORDER that nobody else sees (rooms.hidden_seats)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from rooms.models import Connection, RoomEvent
from tests.peers import frames, mean_rgb
from tests.signaling.conftest import join
from tests.signaling.steps import publish, rest_client, subscribe

pytestmark = pytest.mark.asyncio


async def join_as_recorder(client, settings, session="live"):
    return await client.call(
        "joinRoom",
        token="",
        session=session,
        platform="Chrome",
        sdkVersion="2.32.2",
        metadata="",
        secret=settings.OPENVIDU_SECRET,
        recorder=True,
        stt=False,
    )


async def test_a_recorder_is_named_recorder_and_hidden_from_the_others(
    rpc_clients, invite, settings
):
    alice, recorder, bob = await rpc_clients(), await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    seat = await join_as_recorder(recorder, settings)
    assert seat["id"] == seat["finalUserId"] == "RECORDER"
    assert seat["role"] == "SUBSCRIBER"
    assert [peer["id"] for peer in seat["value"]] == [alice_seat["id"]]
    await alice.no_notification("participantJoined")

    # A later participant hears of no recorder either, while the recorder hears of it.
    bob_seat = await join(bob, await invite(), data="Bob")
    assert [peer["id"] for peer in bob_seat["value"]] == [alice_seat["id"]]
    assert (await recorder.notification("participantJoined"))["id"] == bob_seat["id"]

    # Not in the REST connection lists, as OpenVidu.
    response = await database_sync_to_async(rest_client().get)(
        "/openvidu/api/sessions/live/connection"
    )
    assert response.status_code == 200
    listed = {item["connectionId"] for item in response.json()["content"]}
    assert listed == {alice_seat["id"], bob_seat["id"]}

    # Nor in the room's history (OpenVidu's CDR and webhooks skip it).
    recorder_rows = await database_sync_to_async(
        lambda: list(Connection.objects.filter(connection_id__startswith="RECORDER_"))
    )()
    assert len(recorder_rows) == 1
    assert recorder_rows[0].status == "active"
    history = await database_sync_to_async(
        lambda: RoomEvent.objects.filter(connection_id=recorder_rows[0].connection_id).count()
    )()
    assert history == 0

    await recorder.call("leaveRoom")
    await alice.no_notification("participantLeft")
    await bob.no_notification("participantLeft")


@pytest.mark.webrtc
async def test_a_recorder_subscribes_to_a_publisher(rpc_clients, invite, settings, peers):
    alice, recorder = await rpc_clients(), await rpc_clients()
    await join(alice, await invite(), data="Alice")
    await join_as_recorder(recorder, settings)
    published = await publish(alice, peers(), colour=(30, 200, 30))
    notice = await recorder.notification("participantPublished")
    assert notice["streams"][0]["id"] == published["id"]
    tracks = await subscribe(recorder, peers(), published["id"])
    video = await frames(tracks["video"], 5)
    assert mean_rgb(video[-1])[1] > 150
    # The publisher still hears of no one else.
    await alice.no_notification("participantJoined")


async def test_recorder_without_the_secret_is_an_ordinary_seat(rpc_clients, invite):
    client = await rpc_clients()
    result = await client.call(
        "joinRoom", token=await invite(), session="live", metadata="", secret="", recorder=True
    )
    assert result["id"].startswith("con_")
