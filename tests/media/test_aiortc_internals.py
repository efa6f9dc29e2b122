"""Each aiortc internal that pass-through relies on, against the pinned aiortc.

If an upgrade renames or changes one of them, these fail first and say which.
"""

from __future__ import annotations

import asyncio

import aiortc
import pytest
import pytest_asyncio
from aiortc import RTCRtpReceiver, RTCRtpSender, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer

from media import aiortc_internals
from tests.peers import ColourTrack, client_peer


def test_the_pinned_aiortc_is_the_one_these_internals_were_read_against():
    assert aiortc.__version__ == "1.16.0"


@pytest_asyncio.fixture
async def receivers():
    """Receivers of a peer that never connects: no network, just aiortc's objects."""
    pc = client_peer()

    def make(kind: str) -> RTCRtpReceiver:
        return pc.addTransceiver(kind, direction="recvonly").receiver

    yield make
    await pc.close()


@pytest.mark.asyncio
async def test_the_receiver_has_the_private_attributes_we_replace(receivers):
    receiver = receivers("video")
    assert hasattr(receiver, aiortc_internals._DECODER_QUEUE)
    assert isinstance(getattr(receiver, aiortc_internals._JITTER_BUFFER), JitterBuffer)
    assert getattr(receiver, aiortc_internals._RECEIVER_STARTED) is False
    assert isinstance(getattr(receiver, aiortc_internals._RTX_SSRC), dict)
    assert callable(receiver._send_rtcp_pli)


def test_the_sender_handles_keyframe_requests_in_send_keyframe():
    assert callable(RTCRtpSender._send_keyframe)


@pytest.mark.asyncio
async def test_audio_latency_is_lowered(receivers):
    receiver = receivers("audio")
    aiortc_internals.lower_audio_latency(receiver)
    assert getattr(receiver, aiortc_internals._JITTER_BUFFER)._prefetch == 0


@pytest.mark.asyncio
async def test_a_started_receiver_cannot_be_tapped(receivers):
    receiver = receivers("video")
    setattr(receiver, aiortc_internals._RECEIVER_STARTED, True)
    try:
        with pytest.raises(RuntimeError):
            aiortc_internals.tap_encoded_frames(receiver, lambda codec, frame: None)
    finally:
        # A receiver marked started waits for its RTCP task when the peer closes.
        setattr(receiver, aiortc_internals._RECEIVER_STARTED, False)


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_a_tapped_receiver_hands_over_frames_and_a_pli_reaches_the_sender():
    sender_side, receiver_side = client_peer(), client_peer()
    try:
        transceiver = sender_side.addTransceiver(ColourTrack((1, 2, 3)), direction="sendonly")
        keyframe_requests = []
        aiortc_internals.on_keyframe_request(
            transceiver.sender, lambda: keyframe_requests.append(True)
        )
        tapped = []
        receiver_transceiver = receiver_side.addTransceiver("video", direction="recvonly")
        tap = aiortc_internals.tap_encoded_frames(
            receiver_transceiver.receiver,
            lambda codec, frame: tapped.append((codec.name, frame.data)),
        )
        await sender_side.setLocalDescription(await sender_side.createOffer())
        await receiver_side.setRemoteDescription(sender_side.localDescription)
        await receiver_side.setLocalDescription(await receiver_side.createAnswer())
        await sender_side.setRemoteDescription(
            RTCSessionDescription(sdp=receiver_side.localDescription.sdp, type="answer")
        )

        async def until(condition):
            while not condition():
                await asyncio.sleep(0.02)

        await asyncio.wait_for(until(lambda: len(tapped) >= 5), 20)
        assert tap.frames >= 5
        assert tapped[0][0] == "VP8"
        assert aiortc_internals.request_keyframe(receiver_transceiver.receiver) is not None
        await asyncio.wait_for(until(lambda: keyframe_requests), 10)
    finally:
        await sender_side.close()
        await receiver_side.close()
