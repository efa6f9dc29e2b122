"""Packet forwarding between real aiortc peers: what each subscriber's RTP looks like."""

from __future__ import annotations

import asyncio
import itertools
import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiortc import RTCSessionDescription
from aiortc.rtp import RtcpPacket, RtcpRtpfbPacket, RtcpSrPacket, RtpPacket, is_rtcp

from media import aiortc_internals
from media.engine import MediaEngine
from tests.peers import (
    AudioStreamTrack,
    ColourTrack,
    EncodedVideoTrack,
    client_peer,
    encode_vp8,
    frames,
    mean_rgb,
)

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]
ROOM = "room-packets"
VP8 = 97  # aiortc's payload type for VP8 (its RTX: 98)


@dataclass
class Wire:
    """What one peer's DTLS transport sent: RTP packets and RTCP, as plain text."""

    rtp: list[RtpPacket] = field(default_factory=list)
    rtcp: list[Any] = field(default_factory=list)


def record_sent(pc) -> Wire:
    """Record what `pc` sends, before SRTP: its sender transports' plaintext."""
    wire = Wire()
    patched = set()

    def patch(transport) -> None:
        if id(transport) in patched:
            return
        patched.add(id(transport))
        original = transport._send_rtp

        async def send_rtp(data: bytes) -> None:
            if is_rtcp(data):
                wire.rtcp.extend(RtcpPacket.parse(data))
            else:
                wire.rtp.append(RtpPacket.parse(data, transport._rtp_header_extensions_map))
            await original(data)

        transport._send_rtp = send_rtp

    for transceiver in pc.getTransceivers():
        patch(transceiver.sender.transport)
    return wire


def count_nacks(pc) -> list[int]:
    """The sequence numbers the server asks `pc`'s senders to send again."""
    asked: list[int] = []
    for transceiver in pc.getTransceivers():
        original = transceiver.sender._handle_rtcp_packet

        async def handle(packet, original=original) -> None:
            if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == 1:
                asked.extend(packet.lost)
            await original(packet)

        transceiver.sender._handle_rtcp_packet = handle
    return asked


class NoiseTrack(AudioStreamTrack):
    """Audio whose Opus packets differ from each other (silence encodes alike)."""

    async def recv(self):
        frame = await super().recv()
        plane = frame.planes[0]  # type: ignore[attr-defined]
        plane.update(os.urandom(plane.buffer_size))
        return frame


@dataclass
class Received:
    packets: list[RtpPacket] = field(default_factory=list)
    reports: list[RtcpSrPacket] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)


def record_received(transceiver) -> Received:
    """Every RTP packet (RTX unwrapped), sender report and whole frame a receiver gets."""
    received = Received()
    aiortc_internals.tap_rtp_packets(
        transceiver.receiver, lambda codec, packet: received.packets.append(packet)
    )
    aiortc_internals.on_sender_report(transceiver.receiver, received.reports.append)
    aiortc_internals.tap_encoded_frames(
        transceiver.receiver, lambda codec, frame: received.frames.append(frame.data)
    )
    return received


async def publish(engine, pc, tracks, connection_id="con_Pub", codec="VP8", again=False):
    for track in tracks:
        pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    call = engine.republish if again else engine.publish
    answer = await call(ROOM, codec, connection_id, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return record_sent(pc)


async def subscribe(engine, pc, kinds, subscriber_id, publisher_id="con_Pub"):
    transceivers = {kind: pc.addTransceiver(kind, direction="recvonly") for kind in kinds}
    received = {kind: record_received(t) for kind, t in transceivers.items()}
    await pc.setLocalDescription(await pc.createOffer())
    answer = await engine.subscribe(ROOM, subscriber_id, publisher_id, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return received


async def until(condition, timeout=20):
    async def wait():
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def assert_continuous(packets: list[RtpPacket]) -> None:
    """Sequence numbers step by one (in arrival order, loopback keeps it) and timestamps
    never go backwards."""
    for before, after in itertools.pairwise(packets):
        assert after.sequence_number == (before.sequence_number + 1) & 0xFFFF, (before, after)
        assert (after.timestamp - before.timestamp) & 0xFFFFFFFF < 0x80000000, (before, after)


async def test_vp8_packets_arrive_with_the_same_payload_bytes_and_the_subscribers_numbers():
    engine = MediaEngine()
    publisher, first, second = client_peer(), client_peer(), client_peer()
    try:
        encoded = encode_vp8(60, keyframe_every=30)
        sent = await publish(engine, publisher, [EncodedVideoTrack(encoded)])
        got = [
            (await subscribe(engine, pc, ["video"], name))["video"]
            for pc, name in ((first, "con_A"), (second, "con_B"))
        ]
        # A frame leaves a jitter buffer when the next starts: the last one stays there.
        await until(lambda: all(encoded[-2] in g.frames for g in got))
        by_payload = {bytes(p.payload): p for p in sent.rtp}
        ssrcs = set()
        for received in got:
            assert_continuous(received.packets)
            # Forwarded from the first packet of a keyframe on, every payload byte for
            # byte, each with the publisher's marker bit and the same spacing in time.
            first_sent = by_payload[received.packets[0].payload]
            start = sent.rtp.index(first_sent)
            run = sent.rtp[start : start + len(received.packets)]
            assert [p.payload for p in received.packets] == [p.payload for p in run]
            assert [p.marker for p in received.packets] == [p.marker for p in run]
            offset = (received.packets[0].timestamp - run[0].timestamp) & 0xFFFFFFFF
            assert all(
                (r.timestamp - s.timestamp) & 0xFFFFFFFF == offset
                for r, s in zip(received.packets, run, strict=True)
            )
            assert received.frames[0][0] & 0x01 == 0  # the first whole frame is a keyframe
            start = encoded.index(received.frames[0])
            assert received.frames == encoded[start : start + len(received.frames)]
            ssrcs.add(received.packets[0].ssrc)
        assert first_sent.ssrc not in ssrcs  # each its own SSRC
        assert len(ssrcs) == 2
    finally:
        for pc in (publisher, first, second):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_h264_is_forwarded_and_decodes():
    engine = MediaEngine()
    publisher, subscriber = client_peer(), client_peer()
    try:
        await publish(engine, publisher, [ColourTrack((30, 30, 220))], codec="H264")
        tracks: dict[str, Any] = {}
        subscriber.on("track", lambda track: tracks.__setitem__(track.kind, track))
        subscriber.addTransceiver("video", direction="recvonly")
        await subscriber.setLocalDescription(await subscriber.createOffer())
        answer = await engine.subscribe(ROOM, "con_S", "con_Pub", subscriber.localDescription.sdp)
        assert "H264" in answer
        assert "VP8" not in answer
        await subscriber.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        pictures = await frames(tracks["video"], 10)
        assert mean_rgb(pictures[-1])[2] > 150
    finally:
        for pc in (publisher, subscriber):
            await pc.close()
        await engine.close()


async def test_opus_packets_keep_their_bytes_and_audio_level():
    engine = MediaEngine()
    publisher, subscriber = client_peer(), client_peer()
    try:
        sent = await publish(engine, publisher, [NoiseTrack()])
        received = (await subscribe(engine, subscriber, ["audio"], "con_S"))["audio"]
        await until(lambda: len(received.packets) >= 50)
        assert_continuous(received.packets)
        payloads = [bytes(p.payload) for p in sent.rtp]
        start = payloads.index(received.packets[0].payload)
        assert [p.payload for p in received.packets] == payloads[
            start : start + len(received.packets)
        ]
        levels = [p.extensions.audio_level for p in received.packets]
        sent_levels = [p.extensions.audio_level for p in sent.rtp[start : start + len(levels)]]
        assert levels == sent_levels
        assert None not in levels
    finally:
        for pc in (publisher, subscriber):
            await pc.close()
        await engine.close()


async def test_a_republish_keeps_the_subscribers_numbers_continuous():
    engine = MediaEngine()
    publisher, again, subscriber = client_peer(), client_peer(), client_peer()
    try:
        encoded = encode_vp8(90, keyframe_every=15)
        await publish(
            engine, publisher, [EncodedVideoTrack(encoded, loop=True), AudioStreamTrack()]
        )
        received = await subscribe(engine, subscriber, ["audio", "video"], "con_S")
        await until(lambda: len(received["video"].frames) >= 30)
        before = {kind: len(r.packets) for kind, r in received.items()}
        # The publisher's ICE failed: it comes back on a new peer, with new SSRCs,
        # sequence numbers and timestamps of its own.
        await publish(
            engine, again, [EncodedVideoTrack(encoded, loop=True), AudioStreamTrack()], again=True
        )
        await publisher.close()
        await until(lambda: len(received["video"].frames) >= 90)
        for kind, got in received.items():
            assert len(got.packets) > before[kind] + 20
            assert_continuous(got.packets)
            assert len({p.ssrc for p in got.packets}) == 1
        # Video starts again at a keyframe of the new source: every frame is whole.
        assert set(received["video"].frames) <= set(encoded)
    finally:
        for pc in (publisher, again, subscriber):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_sender_reports_map_the_publishers_clock_through_the_offset():
    engine = MediaEngine()
    publisher, subscriber = client_peer(), client_peer()
    try:
        encoded = encode_vp8(300, keyframe_every=30)
        sent = await publish(engine, publisher, [EncodedVideoTrack(encoded), NoiseTrack()])
        received = await subscribe(engine, subscriber, ["audio", "video"], "con_S")

        def publisher_reports() -> dict[int, RtcpSrPacket]:
            return {
                p.sender_info.ntp_timestamp: p for p in sent.rtcp if isinstance(p, RtcpSrPacket)
            }

        # aiortc reports every 0.5-1.5 s; ours repeat the publisher's last pair.
        await until(
            lambda: all(
                any(r.sender_info.ntp_timestamp in publisher_reports() for r in got.reports)
                for got in received.values()
            ),
            timeout=30,
        )
        by_ntp = publisher_reports()
        for got in received.values():
            report = next(r for r in got.reports if r.sender_info.ntp_timestamp in by_ntp)
            source = by_ntp[report.sender_info.ntp_timestamp]
            packet = got.packets[-1]
            original = next(
                p for p in sent.rtp if p.payload == packet.payload and p.ssrc == source.ssrc
            )
            # The subscriber's NTP/RTP pair is the publisher's, moved by the same offset
            # as each packet's timestamp: lip sync survives the SFU.
            offset = (packet.timestamp - original.timestamp) & 0xFFFFFFFF
            moved = report.sender_info.rtp_timestamp - source.sender_info.rtp_timestamp
            assert moved & 0xFFFFFFFF == offset
    finally:
        for pc in (publisher, subscriber):
            await pc.close()
        await engine.close()


async def test_a_subscribers_nacks_are_answered_by_the_server_not_the_publisher():
    engine = MediaEngine()
    publisher, subscriber = client_peer(), client_peer()
    try:
        encoded = encode_vp8(120, keyframe_every=60)
        await publish(engine, publisher, [EncodedVideoTrack(encoded, loop=True)])
        upstream_nacks = count_nacks(publisher)
        transceiver = subscriber.addTransceiver("video", direction="recvonly")
        received = record_received(transceiver)
        dropped: list[int] = []
        # The subscriber's link loses every 10th packet once (RTX repairs arrive).
        transport = transceiver.receiver.transport
        original = transport._handle_rtp_data
        seen = 0

        async def lossy(data: bytes, arrival_time_ms: int) -> None:
            nonlocal seen
            packet = RtpPacket.parse(data)
            if packet.payload_type == VP8:
                seen += 1
                if seen % 10 == 0:
                    dropped.append(packet.sequence_number)
                    return
            await original(data, arrival_time_ms)

        transport._handle_rtp_data = lossy  # type: ignore[method-assign]
        await subscriber.setLocalDescription(await subscriber.createOffer())
        answer = await engine.subscribe(ROOM, "con_S", "con_Pub", subscriber.localDescription.sdp)
        await subscriber.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await until(lambda: len(received.frames) >= 90 and len(dropped) >= 10, timeout=30)
        # Every dropped packet came again, as RTX, from the server's history.
        arrived = {p.sequence_number for p in received.packets}
        assert set(dropped[:-1]) <= arrived
        # Every frame whole and in order, none missing.
        start = encoded.index(received.frames[0])
        assert received.frames == [
            encoded[(start + index) % len(encoded)] for index in range(len(received.frames))
        ]
        forwarder = engine.room(ROOM).publications["con_Pub"].forwarders["video"]
        assert forwarder.retransmitted >= len(dropped) - 1  # type: ignore[attr-defined]
        assert upstream_nacks == []
    finally:
        for pc in (publisher, subscriber):
            await pc.close()
        await engine.close()


async def test_a_replaced_video_source_goes_on_in_the_same_numbering():
    engine = MediaEngine()
    publisher, stand_in, subscriber = client_peer(), client_peer(), client_peer()
    try:
        own = encode_vp8(60, keyframe_every=15)
        other = encode_vp8(60, width=320, height=240, keyframe_every=15)  # other bytes
        assert not set(own) & set(other)
        await publish(engine, publisher, [EncodedVideoTrack(own, loop=True)])
        await publish(
            engine, stand_in, [EncodedVideoTrack(other, loop=True)], connection_id="con_Filter"
        )
        received = (await subscribe(engine, subscriber, ["video"], "con_S"))["video"]
        await until(lambda: len(received.frames) >= 20)
        # What a filter does: its output stands in for the publisher's video.
        engine.replace_video_source(ROOM, "con_Pub", "con_Filter")
        await until(lambda: sum(frame in other for frame in received.frames) >= 20)
        assert_continuous(received.packets)
        assert len({p.ssrc for p in received.packets}) == 1
        switched = next(i for i, frame in enumerate(received.frames) if frame in other)
        # Whole frames of one source, then whole frames of the other from a keyframe on.
        assert all(frame in own for frame in received.frames[:switched])
        assert all(frame in other for frame in received.frames[switched:])
        assert received.frames[switched][0] & 0x01 == 0
    finally:
        for pc in (publisher, stand_in, subscriber):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
