"""`PacketForwarder`: each RTP packet of a published track, forwarded as it arrives.

The publisher's receiver hands over every packet once it is decrypted (before aiortc's
jitter buffer: `aiortc_internals.tap_rtp_packets`); for each subscriber its header is
written again (the subscriber's SSRC, payload type, header-extension ids, its own
sequence numbers and timestamps, `rewriter.Rewriter`) in front of the same payload
bytes, and it is SRTP-protected and sent on that subscriber's transport. Nothing is
depacketized, reassembled, decoded or packetized on the way.

RTCP, as an SFU owes it:
- upstream, aiortc's receiver goes on doing its part: receiver reports and NACKs for
  what the publisher's link lost (the same packets, handled after ours). Keyframe
  requests (a subscriber's PLI/FIR, a new subscriber, one starting again) go up as
  one PLI per `KEYFRAME_REQUEST_INTERVAL` however many ask (`EncodedForwarder`'s
  limiter).
- downstream, a subscriber's NACKs are answered from `history.History` (RTX when the
  subscriber negotiated it) and never reach the publisher; its sender reports carry
  the publisher's last NTP/RTP pair moved by the subscriber's timestamp offset, so
  audio and video stay in sync across the SFU.

A subscriber has no queue: a packet is sent when it arrives or not at all. One whose
socket cannot take more (bytes waiting in its transport above `SEND_BUFFER_LIMIT`)
drops packets up to the next keyframe and asks for one, without slowing the others.

Recorders still take whole frames: `subscribe()` without `watch()` is a frame track
fed by aiortc's jitter buffer from the same packets, off the subscribers' path.
"""

from __future__ import annotations

import contextlib
import logging
import struct
import time
import weakref
from collections.abc import Awaitable
from typing import Any

from aiortc import RTCRtpReceiver, RTCRtpSender, clock
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtcpSrPacket, RtpPacket, pack_header_extensions

from media import aiortc_internals
from media.forwarding import EncodedForwarder, EncodedTrack
from media.packets.history import History
from media.packets.keyframes import starts_keyframe
from media.packets.rewriter import SEQ_MASK, TS_MASK, Rewriter

logger = logging.getLogger(__name__)

# Bytes queued in a subscriber's socket transport (beyond what the kernel took) at which
# it counts as too slow: about half a second of a 1 Mbit/s stream.
SEND_BUFFER_LIMIT = 64 * 1024

# Each subscriber's sender and what writes to it, wherever its packets come from now.
_SUBSCRIBERS: weakref.WeakKeyDictionary[RTCRtpSender, PacketSubscriber] = (
    weakref.WeakKeyDictionary()
)

_HEADER = struct.Struct("!BBHLL")
_EXTENSION_HEADER = struct.Struct("!HH")
_RTX_SEQ = struct.Struct("!H")


class PacketTrack(EncodedTrack):
    """A subscription's track: the sender's (it never yields: packets go around it), or
    a recorder's frames when no sender watches it."""

    def __init__(self, forwarder: PacketForwarder) -> None:
        super().__init__(forwarder.frame_forwarder)
        self._packets = forwarder

    def stop(self) -> None:
        super().stop()
        self._packets.unwatch(self)


class PacketSubscriber:
    """One subscriber's sender, written to directly."""

    def __init__(
        self, forwarder: PacketForwarder, sender: RTCRtpSender, track: PacketTrack, clock_rate: int
    ) -> None:
        self.forwarder = forwarder
        self.view = aiortc_internals.SenderView(sender)
        self.track = track
        self.rewriter = Rewriter(clock_rate)
        self.waiting_for_keyframe = forwarder.kind == "video"
        self.packets = 0
        self.octets = 0
        self.dropped = 0
        self.retransmitted = 0
        self._rtx_seq = 0

    def ready(self) -> bool:
        return self.view.connected()

    def accept(self, seq: int, ts: int, keyframe: bool, now: float) -> tuple[int, int] | None:
        """This subscriber's (seq, ts) for a packet, or None when it is not to be sent."""
        rewriter = self.rewriter
        if rewriter.source is not self.forwarder.source:
            # A new source (republish): wait for its first picture, then carry on.
            rewriter.stop()
            self.waiting_for_keyframe = self.forwarder.kind == "video"
        if not rewriter.started:
            if self.waiting_for_keyframe and not keyframe:
                self.dropped += 1
                return None
            self.waiting_for_keyframe = False
            rewriter.start(seq, ts, self.forwarder.source, now)
        return rewriter.map(seq, ts, now)

    def congested(self) -> bool:
        route = self.view.route()
        return route is not None and route[1].get_write_buffer_size() > SEND_BUFFER_LIMIT

    def fall_behind(self) -> None:
        """Too slow: skip to the next keyframe (packets until then are dropped)."""
        self.rewriter.stop()
        self.waiting_for_keyframe = self.forwarder.kind == "video"
        self.dropped += 1

    def report(self, sender_report: RtcpSrPacket | None) -> None:
        rewriter = self.rewriter
        if sender_report is not None:
            info = sender_report.sender_info
            ntp, rtp = info.ntp_timestamp, (info.rtp_timestamp + rewriter.ts_offset) & TS_MASK
        else:
            # No publisher report yet: our clock against the last timestamp sent, as
            # aiortc's own sender reports.
            ntp, rtp = clock.current_ntp_time(), rewriter.last_ts
        self.view.report(ntp, rtp, self.packets, self.octets)

    async def retransmit(self, out_seq: int) -> None:
        """A NACK from the subscriber: resend from the publisher's history, not upstream."""
        seq = self.rewriter.source_seq(out_seq)
        packet = self.forwarder.history.get(seq) if seq is not None else None
        if packet is None or not self.ready() or self.congested():
            return
        ts = (packet.timestamp + self.rewriter.ts_offset) & TS_MASK
        view = self.view
        if view.rtx_payload_type is not None:
            data = self.forwarder.header(
                packet,
                view,
                view.rtx_payload_type,
                self._rtx_seq,
                ts,
                view.rtx_ssrc,
                _RTX_SEQ.pack(out_seq) + packet.payload,
            )
            self._rtx_seq = (self._rtx_seq + 1) & SEQ_MASK
        else:
            data = self.forwarder.header(
                packet, view, view.payload_type, out_seq, ts, view.ssrc, packet.payload
            )
        self.retransmitted += 1
        self.forwarder.retransmitted += 1
        with contextlib.suppress(ConnectionError):
            await view.send_rtp(data)


class PacketForwarder:
    def __init__(self, kind: str, receiver: RTCRtpReceiver) -> None:
        self.kind = kind
        # Whole frames for recorders, and the rate limit of keyframe requests.
        self.frame_forwarder = EncodedForwarder(kind, receiver)
        self.history = History()
        self.source: object = object()
        self.packets = 0
        self.retransmitted = 0
        self._subscribers: dict[PacketTrack, PacketSubscriber] = {}
        self._sender_report: RtcpSrPacket | None = None
        self._tap(receiver)

    def _tap(self, receiver: RTCRtpReceiver) -> None:
        source = self.source

        def on_packet(codec: RTCRtpCodecParameters, packet: RtpPacket) -> Awaitable[None] | None:
            # The replaced publisher's peer may still deliver a few packets: not ours.
            return self._on_packet(codec, packet) if source is self.source else None

        def on_sender_report(packet: RtcpSrPacket) -> None:
            if source is self.source:
                self._sender_report = packet

        aiortc_internals.tap_rtp_packets(receiver, on_packet)
        aiortc_internals.on_sender_report(receiver, on_sender_report)

    @property
    def frames(self) -> int:
        """Whole frames the publisher's receiver reassembled (what tests wait on)."""
        return self.frame_forwarder.frames

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers) + self.frame_forwarder.subscriber_count

    def subscribe(self) -> MediaStreamTrack:
        return self.frame_forwarder.subscribe(PacketTrack(self))

    def watch(self, sender: RTCRtpSender, track: MediaStreamTrack) -> None:
        """`track` is `sender`'s: from now on its subscriber gets packets, not frames.

        A sender that another forwarder fed (the engine's `replace_video_source`: a
        filter's output in place of the publisher's video) moves here with its
        numbering, so the subscriber sees one stream that goes on at this source's next
        keyframe, and the other forwarder stops sending to it at once.
        """
        assert isinstance(track, PacketTrack)
        self.frame_forwarder.unsubscribe(track)
        subscriber = _SUBSCRIBERS.get(sender)
        if subscriber is None:
            clock_rate = 90000 if self.kind == "video" else 48000
            subscriber = PacketSubscriber(self, sender, track, clock_rate)
            _SUBSCRIBERS[sender] = subscriber
            aiortc_internals.on_keyframe_request(
                sender, lambda: subscriber.forwarder.request_keyframe()
            )
            aiortc_internals.on_nack(sender, subscriber.retransmit)
        else:
            subscriber.forwarder._subscribers.pop(subscriber.track, None)
            subscriber.forwarder = self
            subscriber.track = track
            subscriber.waiting_for_keyframe = self.kind == "video"
            self.request_keyframe()
        self._subscribers[track] = subscriber

    def unwatch(self, track: PacketTrack) -> None:
        subscriber = self._subscribers.pop(track, None)
        if subscriber is not None and subscriber.track is track:
            _SUBSCRIBERS.pop(subscriber.view.sender, None)

    def request_keyframe(self) -> None:
        self.frame_forwarder.request_keyframe()

    def replace_source(self, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> None:
        self.frame_forwarder.replace_source(track, receiver)
        # Offsets are chosen again at the new source's first packet (`accept`).
        self.source = object()
        self.history.clear()
        self._sender_report = None
        self._tap(receiver)

    def _on_packet(self, codec: RTCRtpCodecParameters, packet: RtpPacket) -> Awaitable[None] | None:
        self.packets += 1
        video = self.kind == "video"
        if video:
            self.history.add(packet)
        if not self._subscribers:
            return None
        keyframe = video and starts_keyframe(codec.name, packet.payload)
        now = time.monotonic()
        waiting = False
        extensions: dict[tuple[Any, ...], tuple[int, bytes]] = {}
        seq, ts, payload, marker = (
            packet.sequence_number,
            packet.timestamp,
            packet.payload,
            packet.marker,
        )
        limit = SEND_BUFFER_LIMIT
        for subscriber in self._subscribers.values():
            view = subscriber.view
            route = view.route()
            if route is None:
                # Not connected yet (or any more).
                waiting = waiting or subscriber.waiting_for_keyframe
                continue
            session, transport, address = route
            if transport.get_write_buffer_size() > limit:
                subscriber.fall_behind()
                waiting = True
                continue
            mapped = subscriber.accept(seq, ts, keyframe, now)
            if mapped is None:
                waiting = waiting or subscriber.waiting_for_keyframe
                continue
            data = self.header(
                packet,
                view,
                view.payload_type,
                mapped[0],
                mapped[1],
                view.ssrc,
                payload,
                extensions,
            )
            subscriber.packets += 1
            subscriber.octets += len(payload)
            if marker or not subscriber.packets & 15:
                # Once a frame (or 16 packets) is enough for the next sender report.
                subscriber.report(self._sender_report)
            transport.sendto(session.protect(data), address)
        if waiting and video:
            # Someone waits for a picture: ask (rate-limited); a PLI can be lost.
            self.request_keyframe()
        return None

    def header(
        self,
        packet: RtpPacket,
        view: aiortc_internals.SenderView,
        payload_type: int,
        seq: int,
        ts: int,
        ssrc: int,
        payload: bytes,
        cache: dict[tuple[Any, ...], tuple[int, bytes]] | None = None,
    ) -> bytes:
        """The subscriber's RTP packet: its header, then `payload` as it came.

        `cache` holds the header extensions made for this packet so far: subscribers
        with the same ids and mid (most of them) share them.
        """
        key = view.extension_key
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            cached = pack_header_extensions(_extensions(view, packet.extensions))
            if cache is not None:
                cache[key] = cached
        profile, value = cached
        first = 0x90 if value else 0x80
        head = _HEADER.pack(first, (packet.marker << 7) | payload_type, seq, ts, ssrc)
        if not value:
            return head + payload
        return head + _EXTENSION_HEADER.pack(profile, len(value) >> 2) + value + payload

    async def close(self) -> None:
        for subscriber in tuple(self._subscribers.values()):
            subscriber.track.end()
            _SUBSCRIBERS.pop(subscriber.view.sender, None)
        self._subscribers.clear()
        await self.frame_forwarder.close()


def _extensions(view: aiortc_internals.SenderView, values: Any) -> list[tuple[int, bytes]]:
    """The header extensions a subscriber gets: its mid, and the publisher's send time
    and audio level under the subscriber's ids. Others (transport-wide sequence numbers)
    belong to the publisher's transport and are not forwarded."""
    ids = view.extension_ids
    found: list[tuple[int, bytes]] = []
    if ids.mid and view.mid is not None:
        found.append((ids.mid, view.mid.encode("utf8")))
    if ids.abs_send_time and values.abs_send_time is not None:
        found.append((ids.abs_send_time, struct.pack("!L", values.abs_send_time)[1:]))
    if ids.audio_level and values.audio_level is not None:
        voice, level = values.audio_level
        found.append((ids.audio_level, bytes([(0x80 if voice else 0) | (level & 0x7F)])))
    return found
