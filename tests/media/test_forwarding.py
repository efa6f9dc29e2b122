"""The pass-through forwarder's rules, without a network: keyframes, slow subscribers."""

from __future__ import annotations

import asyncio

import pytest
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media import forwarding
from media.forwarding import EncodedForwarder, is_keyframe

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
H264 = RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102)
KEY, DELTA = b"\x10key", b"\x11delta"


class FakeReceiver:
    """Stands for RTCRtpReceiver: what the forwarder taps, and counts the PLIs sent."""

    def __init__(self) -> None:
        self._RTCRtpReceiver__decoder_queue = None
        self._RTCRtpReceiver__started = False
        self.plis = 0

    def getSynchronizationSources(self):  # noqa: N802 - aiortc's name
        class Source:
            source = 1234

        return [Source()]

    async def _send_rtcp_pli(self, ssrc: int) -> None:
        self.plis += 1


def _feed(receiver, data, timestamp):
    receiver._RTCRtpReceiver__decoder_queue.put((VP8, JitterFrame(data, timestamp)))


def test_keyframes_are_recognised():
    assert is_keyframe(VP8, b"\x10\x02\x00")
    assert not is_keyframe(VP8, b"\x11\x02\x00")
    assert is_keyframe(H264, b"\x00\x00\x00\x01\x67sps\x00\x00\x00\x01\x65idr")
    assert not is_keyframe(H264, b"\x00\x00\x00\x01\x41slice")


@pytest.mark.asyncio
async def test_a_subscriber_that_stops_reading_loses_frames_and_the_others_none(monkeypatch):
    monkeypatch.setattr(forwarding, "KEYFRAME_REQUEST_INTERVAL", 0.0)
    receiver = FakeReceiver()
    forwarder = EncodedForwarder("video", receiver)  # type: ignore[arg-type]
    reader, stalled = forwarder.subscribe(), forwarder.subscribe()
    received: list[bytes] = []

    async def read():
        while True:
            received.append(bytes(await reader.recv()))

    task = asyncio.create_task(read())
    try:
        sent = [KEY] + [DELTA] * 99
        for index, data in enumerate(sent):
            _feed(receiver, data, index * 3000)
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        assert received == sent
        assert reader.dropped == 0
        # The stalled one kept at most its queue, dropped the rest, and asked for a keyframe.
        assert stalled.dropped >= len(sent) - forwarding.VIDEO_QUEUE_FRAMES
        assert stalled.waiting_for_keyframe
        plis_before = receiver.plis
        await asyncio.sleep(0.01)
        assert receiver.plis >= plis_before
        # Deltas do not reach it until a keyframe does.
        _feed(receiver, DELTA, 300_000)
        assert stalled._queue.qsize() == 0
        _feed(receiver, KEY, 303_000)
        assert bytes(stalled._queue.get_nowait() or b"") == KEY
    finally:
        task.cancel()
        await forwarder.close()


@pytest.mark.asyncio
async def test_keyframe_requests_are_rate_limited():
    receiver = FakeReceiver()
    forwarder = EncodedForwarder("video", receiver)  # type: ignore[arg-type]
    for _ in range(50):
        forwarder.request_keyframe()
    await asyncio.sleep(0)
    assert receiver.plis == 1  # the storm became one request now...
    await asyncio.sleep(forwarding.KEYFRAME_REQUEST_INTERVAL + 0.1)
    assert receiver.plis == 2  # ...and one at the end of the interval, so none is lost
    await forwarder.close()


@pytest.mark.asyncio
async def test_a_new_subscriber_asks_for_a_keyframe_and_waits_for_one():
    receiver = FakeReceiver()
    forwarder = EncodedForwarder("video", receiver)  # type: ignore[arg-type]
    track = forwarder.subscribe()
    await asyncio.sleep(0)
    assert receiver.plis == 1
    _feed(receiver, DELTA, 0)
    assert track._queue.qsize() == 0
    _feed(receiver, KEY, 3000)
    assert track._queue.qsize() == 1
    await forwarder.close()


@pytest.mark.asyncio
async def test_a_keyframe_request_names_the_media_ssrc_not_the_retransmission_one():
    from media import aiortc_internals

    class Source:
        def __init__(self, source: int) -> None:
            self.source = source

    class ChromeLikeReceiver(FakeReceiver):
        # Chrome's RTX padding often arrives first: its SSRC is listed first.
        def __init__(self) -> None:
            super().__init__()
            self._RTCRtpReceiver__rtx_ssrc = {1111: 2222}
            self.asked: list[int] = []

        def getSynchronizationSources(self):  # noqa: N802 - aiortc's name
            return [Source(1111), Source(2222)]

        async def _send_rtcp_pli(self, ssrc: int) -> None:
            self.asked.append(ssrc)

    receiver = ChromeLikeReceiver()
    task = aiortc_internals.request_keyframe(receiver)  # type: ignore[arg-type]
    assert task is not None
    await task
    assert receiver.asked == [2222]
