"""How one published track reaches its subscribers.

The engine asks this module how media moves between a publisher's peer connection
and the subscribers' ones. It sees `Forwarder`: made from the
published track and its receiver, it hands out one track per subscriber (`subscribe`),
hears the subscribers' keyframe requests (`watch`), follows a renegotiated publisher
(`replace_source`), and ends everything (`close`).

Three insides, chosen by MEDIA_FORWARDING:
- `media.packets.forwarder.PacketForwarder` ("passthrough", the default): each RTP
  packet is forwarded as it arrives, nothing reassembled (docs/media.md). It uses an
  `EncodedForwarder` for the recorders' whole frames and its keyframe-request limiter.
- `EncodedForwarder` ("frames", the previous pass-through): encoded frames are taken from the
  publisher's receiver before any decoder, and each subscriber's sender only
  packetizes them (aiortc sends an `av.Packet` without encoding). Keyframe requests go
  upstream as PLI, rate-limited; a new subscriber asks for one; a subscriber whose
  queue overflows drops frames up to the next keyframe and asks for one.
- `DecodedForwarder` ("reencode"): aiortc's own way (one decoder per publisher, one
  encoder per subscriber), kept as the benchmark's baseline.
Every subscriber queue is bounded either way: a stalled subscriber never slows the
others and never grows memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import time
from typing import Any, Protocol

import av
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media import aiortc_internals

logger = logging.getLogger(__name__)

# Decoded frames: about a quarter of a second of 30 fps video.
DECODED_QUEUE_FRAMES = 8
# Encoded video: a second at 30 fps before a subscriber counts as stalled; audio: 200 ms.
VIDEO_QUEUE_FRAMES = 30
AUDIO_QUEUE_FRAMES = 10
# However many subscribers ask, the publisher gets at most one PLI per interval.
KEYFRAME_REQUEST_INTERVAL = 0.5

_TIME_BASES = {"video": fractions.Fraction(1, 90000), "audio": fractions.Fraction(1, 48000)}


class Forwarder(Protocol):
    kind: str

    @property
    def frames(self) -> int: ...

    def subscribe(self) -> MediaStreamTrack: ...

    def watch(self, sender: RTCRtpSender, track: MediaStreamTrack) -> None: ...

    def replace_source(self, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> None: ...

    @property
    def subscriber_count(self) -> int: ...

    async def close(self) -> None: ...


def make_forwarder(mode: str, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> Forwarder:
    if mode == "reencode":
        return DecodedForwarder(track)
    if mode == "frames":
        return EncodedForwarder(track.kind, receiver)
    # Imported here: media.packets builds on this module's EncodedForwarder.
    from media.packets.forwarder import PacketForwarder

    return PacketForwarder(track.kind, receiver)


def is_keyframe(codec: RTCRtpCodecParameters, data: bytes) -> bool:
    """Whether an encoded video frame can start a decoder."""
    name = codec.name.lower()
    if name == "vp8":
        # RFC 6386 9.1: bit 0 of the frame tag is 0 for a key frame.
        return bool(data) and data[0] & 0x01 == 0
    if name == "h264":
        # aiortc's depayloader writes Annex B start codes before each NAL unit; an IDR
        # slice (type 5), or the SPS (type 7) sent ahead of one, starts a picture.
        nal_units = data.split(b"\x00\x00\x01")[1:]
        return any(unit and (unit[0] & 0x1F) in (5, 7) for unit in nal_units)
    return True


class _BoundedTrack(MediaStreamTrack):
    """A subscriber's track: reads its own bounded queue; None in the queue ends it."""

    def __init__(self, kind: str, capacity: int) -> None:
        super().__init__()
        self.kind = kind
        self._queue: asyncio.Queue[Any | None] = asyncio.Queue(maxsize=capacity)
        self.dropped = 0

    def _drop_oldest(self) -> None:
        with contextlib.suppress(asyncio.QueueEmpty):
            self._queue.get_nowait()
            self.dropped += 1

    def end(self) -> None:
        if self._queue.full():
            self._drop_oldest()
        self._queue.put_nowait(None)

    async def recv(self) -> Any:
        if self.readyState != "live":
            raise MediaStreamError
        item = await self._queue.get()
        if item is None:
            self.stop()
            raise MediaStreamError
        return item


class EncodedTrack(_BoundedTrack):
    """Encoded frames (`av.Packet`) for one subscriber's sender, which only packetizes."""

    def __init__(self, forwarder: EncodedForwarder) -> None:
        kind = forwarder.kind
        super().__init__(kind, VIDEO_QUEUE_FRAMES if kind == "video" else AUDIO_QUEUE_FRAMES)
        self._forwarder = forwarder
        # A decoder cannot start on a delta frame: wait for a keyframe before sending.
        self.waiting_for_keyframe = kind == "video"

    def offer(self, packet: av.Packet, keyframe: bool) -> None:  # type: ignore[type-arg]
        if self.kind == "audio":
            if self._queue.full():
                self._drop_oldest()
            self._queue.put_nowait(packet)
            return
        if self._queue.full():
            # Stalled: what is queued is stale, and deltas without it are useless.
            while not self._queue.empty():
                self._drop_oldest()
            self.waiting_for_keyframe = True
            self._forwarder.request_keyframe()
        if self.waiting_for_keyframe:
            if not keyframe:
                self.dropped += 1
                return
            self.waiting_for_keyframe = False
        self._queue.put_nowait(packet)

    def stop(self) -> None:
        super().stop()
        self._forwarder.unsubscribe(self)


class EncodedForwarder:
    def __init__(self, kind: str, receiver: RTCRtpReceiver) -> None:
        self.kind = kind
        self.frames = 0
        self._subscribers: set[EncodedTrack] = set()
        self._time_base = _TIME_BASES[kind]
        self._last_request = float("-inf")
        self._delayed_request: asyncio.TimerHandle | None = None
        self._receiver = receiver
        self._tap(receiver)

    def _tap(self, receiver: RTCRtpReceiver) -> None:
        self._receiver = receiver
        aiortc_internals.tap_encoded_frames(receiver, self._on_frame)
        if self.kind == "audio":
            aiortc_internals.lower_audio_latency(receiver)

    def _on_frame(self, codec: RTCRtpCodecParameters, frame: JitterFrame) -> None:
        self.frames += 1
        if not self._subscribers:
            return
        packet = av.Packet(frame.data)
        packet.pts = frame.timestamp
        packet.time_base = self._time_base
        keyframe = self.kind == "video" and is_keyframe(codec, frame.data)
        # Recorders read it from the packet; senders ignore it.
        packet.is_keyframe = keyframe or self.kind == "audio"
        # One packet object for everyone: senders only read it.
        waiting = False
        for track in tuple(self._subscribers):
            track.offer(packet, keyframe)
            waiting = waiting or track.waiting_for_keyframe
        if waiting:
            # Someone still waits for a picture: ask again (rate-limited). A PLI can be
            # lost, or asked for before the publisher's first packet named its SSRC.
            self.request_keyframe()

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe: now, or at the end of the current interval."""
        if self.kind != "video" or self._delayed_request is not None:
            return
        wait = self._last_request + KEYFRAME_REQUEST_INTERVAL - time.monotonic()
        if wait <= 0:
            self._send_request()
        else:
            self._delayed_request = asyncio.get_running_loop().call_later(wait, self._send_request)

    def _send_request(self) -> None:
        self._delayed_request = None
        if aiortc_internals.request_keyframe(self._receiver) is not None:
            self._last_request = time.monotonic()

    def subscribe(self, track: EncodedTrack | None = None) -> EncodedTrack:
        """A new subscriber's frames (in `track`, made for this forwarder, when given)."""
        if track is None:
            track = EncodedTrack(self)
        self._subscribers.add(track)
        # So the new subscriber's first picture comes now, not at the next periodic keyframe.
        self.request_keyframe()
        return track

    def watch(self, sender: RTCRtpSender, track: MediaStreamTrack) -> None:
        aiortc_internals.on_keyframe_request(sender, self.request_keyframe)

    def unsubscribe(self, track: EncodedTrack) -> None:
        self._subscribers.discard(track)

    def replace_source(self, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> None:
        self._tap(receiver)
        for subscriber in self._subscribers:
            subscriber.waiting_for_keyframe = self.kind == "video"
        self.request_keyframe()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def close(self) -> None:
        if self._delayed_request is not None:
            self._delayed_request.cancel()
            self._delayed_request = None
        for track in tuple(self._subscribers):
            track.end()
        self._subscribers.clear()


class DecodedTrack(_BoundedTrack):
    """Decoded frames for one subscriber's sender, which encodes them."""

    def __init__(self, forwarder: DecodedForwarder, kind: str) -> None:
        super().__init__(kind, DECODED_QUEUE_FRAMES)
        self._forwarder = forwarder

    def offer(self, frame: Any) -> None:
        if self._queue.full():
            self._drop_oldest()
        self._queue.put_nowait(frame)

    def stop(self) -> None:
        super().stop()
        self._forwarder.unsubscribe(self)


class DecodedForwarder:
    """aiortc's MediaRelay, with bounded queues: the re-encoding baseline."""

    def __init__(self, source: MediaStreamTrack) -> None:
        self.kind = source.kind
        self.frames = 0
        self._subscribers: set[DecodedTrack] = set()
        self._task: asyncio.Task[None] | None = None
        self._start(source)

    def _start(self, source: MediaStreamTrack) -> None:
        # Read from the start, even with nobody subscribed: aiortc queues a remote
        # track's frames without bound until someone reads them.
        self._task = asyncio.create_task(self._pump(source), name=f"forward-{self.kind}")

    def subscribe(self) -> DecodedTrack:
        track = DecodedTrack(self, self.kind)
        self._subscribers.add(track)
        return track

    def watch(self, sender: RTCRtpSender, track: MediaStreamTrack) -> None:
        """The sender's own encoder answers keyframe requests here."""

    def unsubscribe(self, track: DecodedTrack) -> None:
        self._subscribers.discard(track)

    def replace_source(self, track: MediaStreamTrack, receiver: RTCRtpReceiver) -> None:
        if self._task is not None:
            self._task.cancel()
        self._start(track)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def _pump(self, source: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await source.recv()
                self.frames += 1
                for track in tuple(self._subscribers):
                    track.offer(frame)
        except MediaStreamError:
            # The publisher's track ended: so do the subscribers' ones.
            for track in tuple(self._subscribers):
                track.end()
        except Exception:
            logger.exception("forwarding %s track failed", self.kind)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for track in tuple(self._subscribers):
            track.end()
        self._subscribers.clear()
