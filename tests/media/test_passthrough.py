"""Pass-through forwarding: encoded frames go from publisher to subscribers untouched."""

from __future__ import annotations

import asyncio
import gc
import threading
import tracemalloc
from typing import Any

import pytest
from aiortc import RTCSessionDescription

from media import aiortc_internals
from media.engine import MediaEngine
from tests.peers import ColourTrack, EncodedVideoTrack, client_peer, encode_vp8, frames, mean_rgb

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]
ROOM = "room-pass"


async def _publish(engine, pc, track, connection_id="con_Pub"):
    transceiver = pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    answer = await engine.publish(ROOM, "VP8", connection_id, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return transceiver.sender


async def _subscribe_encoded(engine, pc, subscriber_id, publisher_id="con_Pub"):
    """A subscriber that records the encoded frames it receives, decoding nothing."""
    received: list[bytes] = []
    transceiver = pc.addTransceiver("video", direction="recvonly")
    aiortc_internals.tap_encoded_frames(
        transceiver.receiver, lambda codec, frame: received.append(frame.data)
    )
    await pc.setLocalDescription(await pc.createOffer())
    answer = await engine.subscribe(ROOM, subscriber_id, publisher_id, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return received


async def _until(condition, timeout=20):
    async def wait():
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


async def test_payload_bytes_arrive_unchanged_at_every_subscriber(settings, monkeypatch):
    settings.MEDIA_FORWARDING = "passthrough"
    decoders = []
    import aiortc.rtcrtpreceiver

    original = aiortc.rtcrtpreceiver.get_decoder  # type: ignore[attr-defined]

    def counting_get_decoder(codec):
        decoders.append(codec)
        return original(codec)

    monkeypatch.setattr(aiortc.rtcrtpreceiver, "get_decoder", counting_get_decoder)

    encoded = encode_vp8(90, keyframe_every=30)
    engine = MediaEngine()
    publisher, first, second = client_peer(), client_peer(), client_peer()
    try:
        # Subscribers first, so they see the stream from its first keyframe.
        track = EncodedVideoTrack(encoded)
        pc_ready = _publish(engine, publisher, track)
        await pc_ready
        got_first = await _subscribe_encoded(engine, first, "con_A")
        got_second = await _subscribe_encoded(engine, second, "con_B")
        # A video frame leaves a jitter buffer when the next one starts: with two of them
        # on the way, the last two frames sent stay in flight.
        await _until(lambda: encoded[-3] in got_first and encoded[-3] in got_second)
        for got in (got_first, got_second):
            start = encoded.index(got[0])
            # A contiguous run of what was sent, byte for byte, from a keyframe on.
            assert got == encoded[start : start + len(got)]
            assert got[0][0] & 0x01 == 0
        # No decoder ran anywhere: not for the forwarded stream, not in the test peers.
        assert decoders == []
        assert not any(
            thread.name == "video-decoder" and thread.is_alive() for thread in threading.enumerate()
        )
    finally:
        for pc in (publisher, first, second):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_a_late_subscriber_gets_a_picture_because_a_keyframe_was_asked(settings):
    settings.MEDIA_FORWARDING = "passthrough"
    engine = MediaEngine()
    publisher, early, late = client_peer(), client_peer(), client_peer()
    try:
        # aiortc's VP8 encoder makes a keyframe only every 3000 frames unless asked.
        sender = await _publish(engine, publisher, ColourTrack((30, 200, 30)))
        requests = []
        aiortc_internals.on_keyframe_request(sender, lambda: requests.append(True))
        early_tracks = await _receive(engine, early, "con_Early")
        await frames(early_tracks["video"], 60)  # two seconds in: the first keyframe is long gone
        asked_before = len(requests)
        late_tracks = await _receive(engine, late, "con_Late")
        (picture,) = await frames(late_tracks["video"], 1, timeout=10)
        assert mean_rgb(picture)[1] > 150
        assert len(requests) > asked_before
    finally:
        for pc in (publisher, early, late):
            await pc.close()
        await engine.close()


async def _receive(engine, pc, subscriber_id):
    tracks: dict[str, Any] = {}
    pc.on("track", lambda track: tracks.__setitem__(track.kind, track))
    pc.addTransceiver("video", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    answer = await engine.subscribe(ROOM, subscriber_id, "con_Pub", pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return tracks


async def test_memory_stays_flat_while_a_stream_runs(settings):
    settings.MEDIA_FORWARDING = "passthrough"
    encoded = encode_vp8(60, keyframe_every=30)
    engine = MediaEngine()
    publisher, first, second = client_peer(), client_peer(), client_peer()
    try:
        track = EncodedVideoTrack(encoded, loop=True)
        await _publish(engine, publisher, track)
        got_first = await _subscribe_encoded(engine, first, "con_A")
        await _subscribe_encoded(engine, second, "con_B")
        await _until(lambda: len(got_first) >= 60)
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.take_snapshot()
        await _until(lambda: len(got_first) >= 240, timeout=30)  # about six more seconds
        gc.collect()
        grown = sum(
            stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(start, "filename")
        )
        tracemalloc.stop()
        # Six seconds of 30 fps through two subscribers is ~360 frames; bounded queues
        # and no decoder keep what stays allocated to well under a megabyte.
        assert grown < 1_000_000, grown
    finally:
        for pc in (publisher, first, second):
            await pc.close()
        await engine.close()
