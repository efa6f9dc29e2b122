"""The frames a publisher sends and a subscriber counts, and how one is matched to the other.

A publisher sends a pre-encoded 640x480 VP8 sequence (libvpx through PyAV, encoded once
at start, distinct per publisher) at 30 fps, looping; nothing is encoded or decoded
while measuring, so the load generator's CPU goes to WebRTC, not to codecs.

Matching frames: the re-encoding baseline changes every payload, so payload bytes cannot
identify a frame on all three servers. The RTP timestamp can: every server keeps the
timestamp differences between frames (ours forwards or re-encodes with the frame's pts,
Janus rewrites only the base). So the publisher spaces its frames by `3000 + index`
ticks of the 90 kHz clock, where `index` is the frame's place in the loop: the step
between two consecutive frames a subscriber receives names the first of them. One named
frame fixes that subscriber's timestamp offset, and the offset names all the others.
Where the server forwards payloads verbatim (pass-through, Janus), a CRC of the payload
checks the match.

The subscriber never decodes: `media.aiortc_internals.tap_encoded_frames` takes the
receiver's encoded frames in place of its decoder. Its receive time is when the last
packet of the frame reached the subscriber's receiver, read by wrapping the receiver's
jitter buffer `add` (private, aiortc 1.16): aiortc's jitter buffer releases a frame only
when the next frame's first packet arrives, a frame interval later, which is the
subscriber's own delay and not the server's.
"""

from __future__ import annotations

import asyncio
import fractions
import time
import zlib
from array import array
from dataclasses import dataclass, field
from typing import Any

import av
import numpy as np
from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from media.aiortc_internals import tap_encoded_frames

WIDTH, HEIGHT, FPS = 640, 480, 30
CLOCK = 90_000
# Ten seconds of video per loop; a keyframe every two seconds, because the pre-encoded
# publisher cannot answer a keyframe request (a new subscriber waits for the next one).
LOOP_FRAMES = 300
KEYFRAME_EVERY = 60
BASE_STEP = CLOCK // FPS
_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"


def encode_sequence(seed: int, count: int = LOOP_FRAMES) -> list[bytes]:
    """`count` VP8 frames of a moving picture of publisher `seed`'s own colours."""
    context = av.CodecContext.create("libvpx", "w")
    context.width, context.height, context.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    context.time_base = fractions.Fraction(1, FPS)
    context.gop_size = KEYFRAME_EVERY
    context.bit_rate = 800_000
    # A fixed keyframe interval (kf_min_dist = kf_max_dist) and no frame dropping, so
    # every index of the loop is a frame and keyframes sit where we put them.
    context.options = {
        "deadline": "realtime",
        "cpu-used": "8",
        "lag-in-frames": "0",
        "keyint_min": str(KEYFRAME_EVERY),
        "drop-threshold": "0",
        "max-intra-rate": "900",
    }
    frames: list[bytes] = []
    # Camera-like detail: a seeded texture that pans, so the encoder spends its bit rate
    # (about 800 kbit/s, several RTP packets per frame) as it would on a real camera.
    # Two copies of one tile side by side: the pan wraps around without a cut.
    tile = np.random.default_rng(seed).integers(0, 256, (HEIGHT // 8, WIDTH // 8, 3), np.uint8)
    coarse = np.concatenate([tile, tile], axis=1)
    texture = (
        av.VideoFrame.from_ndarray(coarse, format="rgb24")
        .reformat(width=2 * WIDTH, height=HEIGHT, interpolation="BICUBIC")
        .to_ndarray(format="rgb24")
    )
    for index in range(count):
        shift = (index * 4) % WIDTH
        picture = np.ascontiguousarray(texture[:, shift : shift + WIDTH], dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
        frame.pts = index
        if index % KEYFRAME_EVERY == 0:
            frame.pict_type = av.video.frame.PictureType.I
        frames.extend(bytes(packet) for packet in context.encode(frame))
    frames.extend(bytes(packet) for packet in context.encode(None))
    if len(frames) != count:
        raise RuntimeError(f"libvpx made {len(frames)} frames of {count}")
    return frames


def pts_of(number: int) -> int:
    """The RTP timestamp (90 kHz, from 0) of the `number`th frame a publisher sends."""
    loops, index = divmod(number, LOOP_FRAMES)
    # Frame n is followed after BASE_STEP + (n mod LOOP_FRAMES) ticks.
    per_loop = LOOP_FRAMES * BASE_STEP + LOOP_FRAMES * (LOOP_FRAMES - 1) // 2
    return loops * per_loop + index * BASE_STEP + index * (index - 1) // 2


def index_from_step(step: int) -> int | None:
    """The loop index of a frame from the timestamp step to the next frame, if adjacent."""
    index = step - BASE_STEP
    return index if 0 <= index < LOOP_FRAMES else None


def crc(data: bytes) -> int:
    return zlib.crc32(data)


class PacedSequenceTrack(MediaStreamTrack):
    """Sends a pre-encoded sequence at 30 fps as `av.Packet`s: aiortc only packetizes them.

    The send time of frame n is taken just before the sender packetizes it.
    """

    kind = "video"

    def __init__(self, frames: list[bytes]) -> None:
        super().__init__()
        self.frames = frames
        self._start: float | None = None
        self.sent = array("d")

    async def recv(self) -> av.Packet:  # type: ignore[type-arg]
        if self.readyState != "live":
            raise MediaStreamError
        number = len(self.sent)
        if self._start is None:
            self._start = time.monotonic()
        delay = self._start + number / FPS - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        packet = av.Packet(self.frames[number % LOOP_FRAMES])
        packet.pts = pts_of(number)
        packet.time_base = fractions.Fraction(1, CLOCK)
        self.sent.append(time.monotonic())
        return packet


@dataclass
class ReceivedFrames:
    """What one subscriber received: per frame, its timestamp, arrival time and CRC."""

    timestamps: array[int] = field(default_factory=lambda: array("q"))
    arrivals: array[float] = field(default_factory=lambda: array("d"))
    crcs: array[int] = field(default_factory=lambda: array("L"))


class FrameCounter:
    """Counts a subscriber receiver's encoded frames without decoding them."""

    def __init__(self, receiver: RTCRtpReceiver) -> None:
        self.received = ReceivedFrames()
        self.first_frame = asyncio.get_running_loop().create_future()
        # Last packet arrival per RTP timestamp, until its frame leaves the buffer.
        self._arrival: dict[int, float] = {}
        self._completed: dict[int, float] = {}
        buffer = getattr(receiver, _JITTER_BUFFER)
        if not isinstance(buffer, JitterBuffer):
            raise RuntimeError("this aiortc has no receiver jitter buffer to wrap")
        original_add = buffer.add

        def add(packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
            self._arrival[packet.timestamp] = time.monotonic()
            pli, frame = original_add(packet)
            if frame is not None:
                # The receiver maps the timestamp next; keep this frame's arrival by
                # the object, which the tap then receives.
                self._completed[id(frame)] = self._arrival.pop(frame.timestamp, time.monotonic())
                if len(self._arrival) > 64:  # frames the buffer dropped: forget them
                    for stale in list(self._arrival)[:32]:
                        del self._arrival[stale]
            return pli, frame

        buffer.add = add  # type: ignore[method-assign]
        tap_encoded_frames(receiver, self._on_frame)

    def _on_frame(self, codec: RTCRtpCodecParameters, frame: JitterFrame) -> None:
        arrival = self._completed.pop(id(frame), None)
        if arrival is None:
            arrival = time.monotonic()
        self.received.timestamps.append(frame.timestamp)
        self.received.arrivals.append(arrival)
        self.received.crcs.append(crc(frame.data))
        if not self.first_frame.done():
            self.first_frame.set_result(None)

    def export(self) -> dict[str, Any]:
        return {
            "timestamps": self.received.timestamps.tolist(),
            "arrivals": self.received.arrivals.tolist(),
            "crcs": self.received.crcs.tolist(),
        }
