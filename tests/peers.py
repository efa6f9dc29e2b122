"""aiortc peers that play a browser's part in tests: they publish known pictures and read
what arrives, with explicit ICE servers (none) as the network rule requires."""

from __future__ import annotations

import asyncio
import fractions
import time
from typing import Any

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamTrack

VIDEO_CLOCK = 90_000


class ColourTrack(MediaStreamTrack):
    """640x480 video of one colour at 30 fps: easy to recognise after a lossy codec."""

    kind = "video"

    def __init__(self, rgb: tuple[int, int, int], width: int = 640, height: int = 480) -> None:
        super().__init__()
        self._picture = np.zeros((height, width, 3), dtype=np.uint8)
        self._picture[:, :] = rgb
        self._start: float | None = None
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        target = self._start + self._count / 30
        delay = target - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.VideoFrame.from_ndarray(self._picture, format="rgb24")
        frame.pts = int(self._count * VIDEO_CLOCK / 30)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._count += 1
        return frame


def client_peer() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def publish(pc: RTCPeerConnection, tracks: list[MediaStreamTrack], answer_for: Any) -> None:
    """Offer `tracks`, send the offer through `answer_for(sdp) -> answer sdp`, apply the answer."""
    for track in tracks:
        pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    answer = await answer_for(pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))


async def receive(
    pc: RTCPeerConnection, kinds: list[str], answer_for: Any
) -> dict[str, MediaStreamTrack]:
    """Offer to receive `kinds`; returns the remote tracks by kind once the answer is in."""
    tracks: dict[str, MediaStreamTrack] = {}

    @pc.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        tracks[track.kind] = track

    for kind in kinds:
        pc.addTransceiver(kind, direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    answer = await answer_for(pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return tracks


async def frames(track: MediaStreamTrack, count: int, timeout: float = 20) -> list[Any]:
    """The next `count` frames of a track, or a timeout error: never a hang."""

    async def collect() -> list[Any]:
        return [await track.recv() for _ in range(count)]

    return await asyncio.wait_for(collect(), timeout)


def mean_rgb(frame: av.VideoFrame) -> tuple[float, float, float]:
    pixels = frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    return float(pixels[0]), float(pixels[1]), float(pixels[2])


__all__ = [
    "AudioStreamTrack",
    "ColourTrack",
    "EncodedVideoTrack",
    "client_peer",
    "encode_vp8",
    "frames",
    "mean_rgb",
    "publish",
    "receive",
]


def encode_vp8(
    count: int, width: int = 640, height: int = 480, keyframe_every: int = 300
) -> list[bytes]:
    """`count` VP8 frames of a moving picture, encoded once with PyAV (libvpx)."""
    context = av.CodecContext.create("libvpx", "w")
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base = fractions.Fraction(1, 30)
    context.gop_size = keyframe_every
    context.bit_rate = 800_000
    context.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    frames: list[bytes] = []
    picture = np.zeros((height, width, 3), dtype=np.uint8)
    for index in range(count):
        picture[:, :] = (index * 7 % 256, 90, 160)
        picture[(index * 5) % height :, : (index * 3) % width] = 255  # motion, so deltas differ
        frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
        frame.pts = index
        frames.extend(bytes(packet) for packet in context.encode(frame))
    frames.extend(bytes(packet) for packet in context.encode(None))
    return frames


class EncodedVideoTrack(MediaStreamTrack):
    """Sends pre-encoded VP8 frames as they are (aiortc only packetizes an `av.Packet`)."""

    kind = "video"

    def __init__(self, frames: list[bytes], loop: bool = False) -> None:
        super().__init__()
        self._frames = frames
        self._repeat = loop  # not `_loop`: the event emitter keeps its event loop there
        self._index = 0
        self._start: float | None = None
        self.sent: list[bytes] = []

    async def recv(self) -> av.Packet:  # type: ignore[type-arg]
        if self._index >= len(self._frames):
            if not self._repeat:
                await asyncio.sleep(3600)  # ran out: hold the line open, send nothing more
            self._index = 0
        if self._start is None:
            self._start = time.monotonic()
        count = len(self.sent)
        delay = self._start + count / 30 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        data = self._frames[self._index]
        self._index += 1
        packet = av.Packet(data)
        packet.pts = int(count * VIDEO_CLOCK / 30)
        packet.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.sent.append(data)
        return packet
