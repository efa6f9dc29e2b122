"""The SFU with aiortc peers in the browsers' place: publish, subscribe, leave."""

from __future__ import annotations

import asyncio

import pytest

from media.engine import MediaEngine, MediaError
from tests.peers import (
    AudioStreamTrack,
    ColourTrack,
    client_peer,
    frames,
    mean_rgb,
    publish,
    receive,
)

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]
ROOM = "room-1"


async def test_a_publisher_reaches_two_subscribers_and_leaving_closes_everything():
    engine = MediaEngine()
    publisher, first, second = client_peer(), client_peer(), client_peer()
    try:
        await publish(
            publisher,
            [ColourTrack((220, 30, 30)), AudioStreamTrack()],
            lambda offer: engine.publish(ROOM, "VP8", "con_Alice", offer),
        )
        received = []
        for subscriber, name in ((first, "con_Bob"), (second, "con_Cy")):
            tracks = await receive(
                subscriber,
                ["audio", "video"],
                lambda offer, name=name: engine.subscribe(ROOM, name, "con_Alice", offer),
            )
            received.append(tracks)
        for tracks in received:
            video = await frames(tracks["video"], 10)
            assert (video[-1].width, video[-1].height) == (640, 480)
            red, green, blue = mean_rgb(video[-1])
            assert red > 150 > green, (red, green, blue)
            assert blue < 150, (red, green, blue)
            audio = await frames(tracks["audio"], 5)
            assert audio[-1].sample_rate == 48000
        assert engine.open_peer_connections == 3

        await engine.leave(ROOM, "con_Alice")
        assert engine.open_peer_connections == 0
    finally:
        for pc in (publisher, first, second):
            await pc.close()
        await engine.close()


async def test_a_subscriber_leaving_leaves_the_others_playing():
    engine = MediaEngine()
    publisher, first, second = client_peer(), client_peer(), client_peer()
    try:
        await publish(
            publisher,
            [ColourTrack((30, 30, 220))],
            lambda offer: engine.publish(ROOM, "VP8", "con_A", offer),
        )
        first_tracks = await receive(
            first, ["video"], lambda offer: engine.subscribe(ROOM, "con_B", "con_A", offer)
        )
        second_tracks = await receive(
            second, ["video"], lambda offer: engine.subscribe(ROOM, "con_C", "con_A", offer)
        )
        await frames(first_tracks["video"], 3)
        await engine.leave(ROOM, "con_B")
        assert engine.open_peer_connections == 2
        more = await frames(second_tracks["video"], 10)
        assert mean_rgb(more[-1])[2] > 150
    finally:
        for pc in (publisher, first, second):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_an_h264_room_negotiates_h264_only():
    engine = MediaEngine()
    publisher = client_peer()
    try:
        answers = []

        async def answer_for(offer):
            answer = await engine.publish(ROOM, "H264", "con_A", offer)
            answers.append(answer)
            return answer

        await publish(publisher, [ColourTrack((0, 200, 0))], answer_for)
        video_codecs = [line for line in answers[0].splitlines() if line.startswith("a=rtpmap:")]
        assert any("H264/90000" in line for line in video_codecs)
        assert not any("VP8" in line for line in video_codecs)
    finally:
        await publisher.close()
        await engine.close()


async def test_subscribing_to_nobody_is_refused():
    engine = MediaEngine()
    subscriber = client_peer()
    try:
        with pytest.raises(MediaError, match="publishes nothing"):
            await receive(
                subscriber,
                ["video"],
                lambda offer: engine.subscribe(ROOM, "con_B", "con_Ghost", offer),
            )
    finally:
        await subscriber.close()
    assert engine.open_peer_connections == 0


async def test_a_bad_offer_is_refused_and_leaves_no_peer():
    engine = MediaEngine()
    with pytest.raises(MediaError):
        await engine.publish(ROOM, "VP8", "con_A", "v=0\r\nthis is not sdp\r\n")
    assert engine.open_peer_connections == 0
    await asyncio.sleep(0)


async def test_an_offer_without_the_rooms_codec_is_refused_in_words():
    engine = MediaEngine()
    publisher = client_peer()
    try:
        transceiver = publisher.addTransceiver(ColourTrack((0, 0, 0)), direction="sendonly")
        from aiortc import RTCRtpSender

        capabilities = RTCRtpSender.getCapabilities("video")
        assert capabilities is not None
        transceiver.setCodecPreferences(
            [c for c in capabilities.codecs if c.mimeType == "video/VP8"]
        )
        await publisher.setLocalDescription(await publisher.createOffer())
        with pytest.raises(MediaError, match="H264 only, and the offer has no H264"):
            await engine.publish(ROOM, "H264", "con_A", publisher.localDescription.sdp)
    finally:
        await publisher.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_an_h264_room_forwards_h264_pictures():
    engine = MediaEngine()
    publisher, subscriber = client_peer(), client_peer()
    try:
        await publish(
            publisher,
            [ColourTrack((220, 30, 30))],
            lambda offer: engine.publish(ROOM, "H264", "con_A", offer),
        )
        tracks = await receive(
            subscriber, ["video"], lambda offer: engine.subscribe(ROOM, "con_B", "con_A", offer)
        )
        video = await frames(tracks["video"], 5)
        assert mean_rgb(video[-1])[0] > 150
        assert subscriber.getTransceivers()[0]._codecs[0].mimeType == "video/H264"
    finally:
        for pc in (publisher, subscriber):
            await pc.close()
        await engine.close()
