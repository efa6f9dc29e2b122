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


@pytest.mark.asyncio
async def test_the_packet_path_internals_are_where_packet_forwarding_reads_them(receivers):
    receiver = receivers("video")
    assert isinstance(getattr(receiver, aiortc_internals._CODECS), dict)
    assert callable(receiver._handle_rtp_packet)
    assert callable(receiver._handle_rtcp_packet)
    pc = client_peer()
    try:
        sender = pc.addTransceiver(ColourTrack((1, 2, 3)), direction="sendonly").sender
        assert getattr(sender, aiortc_internals._SENDER_MID) is None  # set by send()
        extensions = getattr(sender, aiortc_internals._SENDER_EXTENSIONS)
        assert isinstance(extensions, aiortc.rtp.HeaderExtensionsMap)
        assert isinstance(
            getattr(extensions, aiortc_internals._EXTENSION_IDS), aiortc.rtp.HeaderExtensions
        )
        for name in aiortc_internals._SENDER_REPORT_FIELDS.values():
            assert getattr(sender, name) == 0
        assert callable(sender._retransmit)
        assert isinstance(sender._ssrc, int)
        assert isinstance(sender._rtx_ssrc, int)
        assert callable(sender.transport._send_rtp)
        # RTCDtlsTransport -> RTCIceTransport -> aioice Connection and its nominated pairs.
        assert sender.transport.transport._connection._nominated == {}
        view = aiortc_internals.SenderView(sender)
        assert not view.connected()
        assert view.pending_bytes() == 0
        assert view.route() is None
    finally:
        await pc.close()


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_a_sender_view_reads_what_was_negotiated_and_nacks_reach_our_callback():
    sender_side, receiver_side = client_peer(), client_peer()
    try:
        transceiver = sender_side.addTransceiver(ColourTrack((1, 2, 3)), direction="sendonly")
        view = aiortc_internals.SenderView(transceiver.sender)
        asked: list[int] = []

        async def retransmit(seq: int) -> None:
            asked.append(seq)

        aiortc_internals.on_nack(transceiver.sender, retransmit)
        receiver_transceiver = receiver_side.addTransceiver("video", direction="recvonly")
        packets = []
        aiortc_internals.tap_rtp_packets(
            receiver_transceiver.receiver, lambda codec, packet: packets.append((codec, packet))
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

        await asyncio.wait_for(until(lambda: len(packets) >= 5), 20)
        assert view.ready
        assert view.connected()
        route = view.route()
        assert route is not None
        assert (
            route[2] == transceiver.sender.transport.transport._connection._nominated[1].remote_addr
        )
        assert view.pending_bytes() == 0
        assert (view.payload_type, view.rtx_payload_type, view.mid) == (97, 98, "0")
        assert view.extension_ids.mid == 1
        assert packets[0][0].name == "VP8"
        assert packets[0][1].ssrc == view.ssrc
        await receiver_transceiver.receiver._send_rtcp_nack(
            view.ssrc, [packets[0][1].sequence_number]
        )
        await asyncio.wait_for(until(lambda: asked), 10)
        assert asked == [packets[0][1].sequence_number]
    finally:
        await sender_side.close()
        await receiver_side.close()
