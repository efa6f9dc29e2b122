"""Publishing and subscribing through signaling, with aiortc peers in the browsers' place."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from aiortc import RTCSessionDescription
from channels.db import database_sync_to_async

from media.engine import get_engine
from rooms.models import Connection, Stream, Subscription
from tests.peers import AudioStreamTrack, ColourTrack, frames, mean_rgb
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure
from tests.signaling.steps import publish, rest_client, subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.webrtc]


async def test_a_published_stream_reaches_two_subscribers(rpc_clients, invite, peers):
    alice, bob, cy = await rpc_clients(), await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    await join(bob, await invite(role="SUBSCRIBER"), data="Bob")
    await join(cy, await invite(), data="Cy")

    published = await publish(alice, peers())
    assert re.fullmatch(rf"str_CAM_[A-Z]\w{{3}}_{alice_seat['id']}", published["id"])
    assert isinstance(published["createdAt"], int)
    for watcher in (bob, cy):
        notice = await watcher.notification("participantPublished")
        assert notice["id"] == alice_seat["id"]
        (stream,) = notice["streams"]
        assert stream["id"] == published["id"]
        assert stream["typeOfVideo"] == "CAMERA"
        assert stream["videoDimensions"] == '{"width": 640, "height": 480}'
        assert stream["filter"] == {}
    await alice.no_notification("participantPublished")

    for watcher in (bob, cy):
        tracks = await subscribe(watcher, peers(), published["id"])
        video = await frames(tracks["video"], 5)
        assert mean_rgb(video[-1])[0] > 150
        await frames(tracks["audio"], 3)
    assert get_engine().open_peer_connections == 3

    rows = await database_sync_to_async(
        lambda: Subscription.objects.filter(stream__stream_id=published["id"]).count()
    )()
    assert rows == 2


async def test_a_late_joiner_sees_existing_streams_in_join_result(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    published = await publish(alice, peers())
    result = await join(bob, await invite())
    (other,) = result["value"]
    assert other["id"] == seat["id"]
    assert [stream["id"] for stream in other["streams"]] == [published["id"]]


async def test_a_subscriber_cannot_publish(rpc_clients, invite, peers):
    client = await rpc_clients()
    await join(client, await invite(role="SUBSCRIBER"))
    with pytest.raises(RpcFailure) as failure:
        await publish(client, peers())
    assert failure.value.code == 401


async def test_unpublishing_tells_the_others_and_closes_peers(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await subscribe(bob, peers(), published["id"])
    await alice.call("unpublishVideo")
    notice = await bob.notification("participantUnpublished")
    assert notice == {"connectionId": alice_seat["id"], "reason": "unpublish"}
    await alice.no_notification("participantUnpublished")
    assert get_engine().open_peer_connections == 0
    stream = await database_sync_to_async(Stream.objects.get)(stream_id=published["id"])
    assert stream.closed_at is not None
    with pytest.raises(RpcFailure):
        await alice.call("unpublishVideo")


async def test_a_bad_offer_is_a_media_error(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    with pytest.raises(RpcFailure) as failure:
        await client.call(
            "publishVideo", sdpOffer="v=0\r\nnonsense\r\n", hasAudio=True, hasVideo=True
        )
    assert failure.value.code == 300
    assert get_engine().open_peer_connections == 0


async def test_publishing_twice_is_refused(rpc_clients, invite, peers):
    client = await rpc_clients()
    await join(client, await invite())
    await publish(client, peers())
    with pytest.raises(RpcFailure) as failure:
        await publish(client, peers())
    assert failure.value.code == 300


async def test_subscribing_to_an_unknown_stream_is_refused(rpc_clients, invite, peers):
    client = await rpc_clients()
    await join(client, await invite())
    with pytest.raises(RpcFailure) as failure:
        await subscribe(client, peers(), "str_CAM_Abcd_con_Nobody12345")
    assert failure.value.code == 105


async def test_trickled_candidates_reach_the_peer(rpc_clients, invite, peers):
    client = await rpc_clients()
    seat = await join(client, await invite())
    await publish(client, peers())
    candidate = "candidate:1 1 UDP 2122252543 127.0.0.1 50000 typ host"
    result = await client.call(
        "onIceCandidate", endpointName=seat["id"], candidate=candidate, sdpMid="0", sdpMLineIndex=0
    )
    assert set(result) == {"sessionId"}
    # End of candidates, as a browser sends an empty candidate.
    await client.call(
        "onIceCandidate", endpointName=seat["id"], candidate="", sdpMid="0", sdpMLineIndex=0
    )
    with pytest.raises(RpcFailure) as failure:
        await client.call(
            "onIceCandidate",
            endpointName="con_Unknown1234",
            candidate=candidate,
            sdpMid="0",
            sdpMLineIndex=0,
        )
    assert failure.value.code == 300
    with pytest.raises(RpcFailure) as failure:
        await client.call(
            "onIceCandidate",
            endpointName=seat["id"],
            candidate="candidate:garbage",
            sdpMid="0",
            sdpMLineIndex=0,
        )
    assert failure.value.code == -32602


async def test_stream_property_changes_reach_the_others_as_strings(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    seat = await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await alice.call(
        "streamPropertyChanged",
        streamId=published["id"],
        property="audioActive",
        newValue=False,
        reason="publishAudio",
    )
    notice = await bob.notification("streamPropertyChanged")
    assert notice == {
        "connectionId": seat["id"],
        "streamId": published["id"],
        "property": "audioActive",
        "newValue": "false",
        "reason": "publishAudio",
    }
    dimensions = json.dumps({"width": 320, "height": 240})
    await alice.call(
        "streamPropertyChanged",
        streamId=published["id"],
        property="videoDimensions",
        newValue=dimensions,
        reason="screenResized",
    )
    notice = await bob.notification("streamPropertyChanged", property="videoDimensions")
    assert json.loads(json.loads(notice["newValue"])) == {"width": 320, "height": 240}
    stream = await database_sync_to_async(Stream.objects.get)(stream_id=published["id"])
    assert stream.audio_active is False
    assert stream.video_dimensions == dimensions
    with pytest.raises(RpcFailure):
        await alice.call(
            "streamPropertyChanged",
            streamId=published["id"],
            property="audioActive",
            newValue="no",
            reason="x",
        )


async def test_leaving_closes_the_leavers_peers_and_tells_the_others(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await subscribe(bob, peers(), published["id"])
    assert get_engine().open_peer_connections == 2
    await alice.call("leaveRoom")
    assert await bob.notification("participantLeft") == {
        "connectionId": alice_seat["id"],
        "reason": "disconnect",
    }
    assert get_engine().open_peer_connections == 0
    seat = await database_sync_to_async(Connection.objects.get)(connection_id=alice_seat["id"])
    assert (seat.status, seat.close_reason) == ("closed", "disconnect")


async def test_unsubscribing_closes_only_that_subscription(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await subscribe(bob, peers(), published["id"])
    assert get_engine().open_peer_connections == 2
    await bob.call("unsubscribeFromVideo", sender=alice_seat["id"])
    assert get_engine().open_peer_connections == 1
    with pytest.raises(RpcFailure) as failure:
        await bob.call("unsubscribeFromVideo", sender=alice_seat["id"])
    assert failure.value.code == 105
    open_rows = await database_sync_to_async(
        lambda: Subscription.objects.filter(
            stream__stream_id=published["id"], closed_at__isnull=True
        ).count()
    )()
    assert open_rows == 0


async def test_a_subscriber_renegotiates_with_reconnect_stream(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await subscribe(bob, peers(), published["id"])
    pc = peers()
    tracks: dict[str, Any] = {}
    pc.on("track", lambda track: tracks.__setitem__(track.kind, track))
    pc.addTransceiver("audio", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    result = await bob.call(
        "reconnectStream", stream=published["id"], sdpOffer=pc.localDescription.sdp
    )
    await pc.setRemoteDescription(RTCSessionDescription(sdp=result["sdpAnswer"], type="answer"))
    await frames(tracks["video"], 3)
    assert get_engine().open_peer_connections == 2


async def test_a_publisher_renegotiates_and_its_subscribers_keep_receiving(
    rpc_clients, invite, peers
):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers(), colour=(200, 40, 40))
    tracks = await subscribe(bob, peers(), published["id"])
    await frames(tracks["video"], 3)
    fresh = peers()
    fresh.addTransceiver(ColourTrack((40, 40, 200)), direction="sendonly")
    fresh.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await fresh.setLocalDescription(await fresh.createOffer())
    result = await alice.call(
        "reconnectStream", stream=published["id"], sdpString=fresh.localDescription.sdp
    )
    assert result["id"] == published["id"]
    await fresh.setRemoteDescription(RTCSessionDescription(sdp=result["sdpAnswer"], type="answer"))

    # The subscriber's own peer was untouched, and now shows the new publisher's picture.
    async def turns_blue() -> None:
        while True:
            (frame,) = await frames(tracks["video"], 1)
            if mean_rgb(frame)[2] > 150:
                return

    await asyncio.wait_for(turns_blue(), 20)
    assert get_engine().open_peer_connections == 2


async def test_server_offers_are_not_used(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    with pytest.raises(RpcFailure) as failure:
        await client.call("prepareReceiveVideoFrom", sender="str_CAM_Abcd_con_X", reconnect=False)
    assert "kurento" in failure.value.message
    with pytest.raises(RpcFailure):
        await client.call("receiveVideoFrom", sender="str_CAM_Abcd_con_X", sdpAnswer="v=0")


async def test_video_data_is_accepted_and_checked(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    await client.call("videoData", height=480, width=640, videoActive=True, audioActive=True)
    with pytest.raises(RpcFailure) as failure:
        await client.call("videoData", height="tall")
    assert failure.value.code == -32602


async def test_a_rest_unpublish_reaches_the_publisher_and_the_room(rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    await join(bob, await invite())
    published = await publish(alice, peers())
    await subscribe(bob, peers(), published["id"])
    response = await database_sync_to_async(rest_client().delete)(
        f"/openvidu/api/sessions/live/stream/{published['id']}"
    )
    assert response.status_code == 204
    stopped = {"connectionId": alice_seat["id"], "reason": "forceUnpublishByServer"}
    assert await alice.notification("participantUnpublished") == stopped
    assert await bob.notification("participantUnpublished") == stopped
    assert get_engine().open_peer_connections == 0
