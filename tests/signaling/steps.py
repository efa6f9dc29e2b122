"""Steps the signaling tests share: publish and subscribe with an aiortc peer in a
browser's place, and a REST client that holds the secret."""

from __future__ import annotations

import json
from typing import Any

from aiortc import RTCSessionDescription
from rest_framework.test import APIClient

from tests.conftest import SECRET, basic
from tests.peers import AudioStreamTrack, ColourTrack


async def publish(client, pc, colour=(200, 40, 40), **options):
    pc.addTransceiver(ColourTrack(colour), direction="sendonly")
    pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    params = {
        "sdpOffer": pc.localDescription.sdp,
        "doLoopback": False,
        "hasAudio": True,
        "hasVideo": True,
        "audioActive": True,
        "videoActive": True,
        "typeOfVideo": "CAMERA",
        "frameRate": 30,
        "videoDimensions": json.dumps({"width": 640, "height": 480}),
    }
    params.update(options)
    result = await client.call("publishVideo", **params)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=result["sdpAnswer"], type="answer"))
    return result


async def subscribe(client, pc, stream_id):
    tracks: dict[str, Any] = {}
    pc.on("track", lambda track: tracks.__setitem__(track.kind, track))
    pc.addTransceiver("audio", direction="recvonly")
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    result = await client.call(
        "receiveVideoFrom", sender=stream_id, sdpOffer=pc.localDescription.sdp
    )
    await pc.setRemoteDescription(RTCSessionDescription(sdp=result["sdpAnswer"], type="answer"))
    return tracks


def rest_client() -> APIClient:
    """A REST client that sends the server's secret (HTTP Basic, user OPENVIDUAPP)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", SECRET))
    return client
