"""One published stream written to a file as it arrives, without transcoding.

INDIVIDUAL recordings mux the encoded frames the SFU forwards (VP8 or H.264, and Opus)
into WebM (VP8) or Matroska (H.264). Muxing and disk writes run in a thread of their
own behind a bounded queue, so a slow disk never stalls the event loop; a full queue
drops frames and counts them, a failing disk ends the file with the error kept.
"""

from __future__ import annotations

import fractions
import logging
import queue
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import av

logger = logging.getLogger(__name__)

MILLISECONDS = fractions.Fraction(1, 1000)
# About four seconds of 30 fps video with its audio.
QUEUE_PACKETS = 400
# Audio that arrives before the first video keyframe waits this long for it, so the file
# header can name the picture size; past it the file is written as audio only.
VIDEO_WAIT_MS = 3000
# RFC 7845 5.1: the identification header Matroska keeps as Opus's codec private data.
OPUS_HEAD = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)


@dataclass(frozen=True)
class EncodedPacket:
    kind: str  # "video" or "audio"
    data: bytes
    pts_ms: int
    keyframe: bool


class StreamFile:
    """A writer thread for one file; `write` never blocks, `close` waits for the thread."""

    def __init__(self, path: Path, video_codec: str | None, has_audio: bool) -> None:
        self.path = path
        self.video_codec = video_codec  # "vp8", "h264" or None
        self.has_audio = has_audio
        self.error: str | None = None
        self.dropped = 0
        self.first_pts_ms: int | None = None
        self.last_pts_ms: int | None = None
        self.started_at = time.time()
        self._queue: queue.Queue[EncodedPacket | None] = queue.Queue(maxsize=QUEUE_PACKETS)
        self._thread = threading.Thread(target=self._run, name=f"record-{path.name}", daemon=True)
        self._thread.start()

    def write(self, packet: EncodedPacket) -> None:
        if self.error is not None:
            return
        try:
            self._queue.put_nowait(packet)
        except queue.Full:
            self.dropped += 1

    def close(self, timeout: float = 30) -> None:
        """Finish the file (blocking: call it from a thread, e.g. asyncio.to_thread)."""
        while True:
            try:
                self._queue.put(None, timeout=1)
                break
            except queue.Full:
                if not self._thread.is_alive():
                    break
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.error = self.error or "the writer did not finish in time"

    def _run(self) -> None:
        muxer: _Muxer | None = None
        waiting: list[EncodedPacket] = []
        try:
            while True:
                packet = self._queue.get()
                if packet is None:
                    break
                if muxer is None:
                    waiting.append(packet)
                    muxer = self._open_when_ready(waiting)
                    if muxer is not None:
                        for early in waiting:
                            self._mux(muxer, early)
                        waiting.clear()
                    continue
                self._mux(muxer, packet)
            if muxer is None and waiting:
                # The stream ended before it showed a picture: keep whatever audio came.
                self.video_codec = None
                muxer = self._open_when_ready(waiting, force=True)
                if muxer is not None:
                    for early in waiting:
                        self._mux(muxer, early)
        except Exception as error:  # a full disk, a muxer refusing a packet
            logger.exception("recording %s failed", self.path)
            self.error = f"{type(error).__name__}: {error}"
        finally:
            if muxer is not None:
                try:
                    muxer.close()
                except Exception as error:
                    self.error = self.error or f"{type(error).__name__}: {error}"

    def _open_when_ready(self, waiting: list[EncodedPacket], force: bool = False) -> _Muxer | None:
        keyframe = next((p for p in waiting if p.kind == "video" and p.keyframe), None)
        if self.video_codec is not None and keyframe is None:
            span = waiting[-1].pts_ms - waiting[0].pts_ms
            if not force and span < VIDEO_WAIT_MS:
                return None
            self.video_codec = None
        size = (
            _picture_size(self.video_codec, keyframe.data)
            if keyframe and self.video_codec
            else None
        )
        if self.video_codec is not None and size is None:
            self.video_codec = None
        return _Muxer(self.path, self.video_codec, size, self.has_audio)

    def _mux(self, muxer: _Muxer, packet: EncodedPacket) -> None:
        if packet.kind == "video" and muxer.video is None:
            return
        if packet.kind == "audio" and muxer.audio is None:
            return
        muxer.mux(packet)
        if self.first_pts_ms is None:
            self.first_pts_ms = packet.pts_ms
        self.last_pts_ms = max(self.last_pts_ms or 0, packet.pts_ms)

    @property
    def duration_ms(self) -> int:
        if self.first_pts_ms is None or self.last_pts_ms is None:
            return 0
        return self.last_pts_ms - self.first_pts_ms


class _Muxer:
    def __init__(
        self, path: Path, video_codec: str | None, size: tuple[int, int] | None, has_audio: bool
    ) -> None:
        self.container = av.open(
            str(path), "w", format="webm" if video_codec != "h264" else "matroska"
        )
        self.video = None
        self.audio = None
        if video_codec is not None and size is not None:
            self.video = self.container.add_stream(
                "libvpx" if video_codec == "vp8" else "h264", rate=30
            )
            self.video.width, self.video.height = size
            self.video.time_base = MILLISECONDS
        if has_audio:
            self.audio = self.container.add_stream("libopus", rate=48000)
            self.audio.layout = "stereo"
            self.audio.time_base = MILLISECONDS
            self.audio.codec_context.extradata = OPUS_HEAD
        self._last_dts: dict[str, int] = {}

    def mux(self, packet: EncodedPacket) -> None:
        stream = self.video if packet.kind == "video" else self.audio
        assert stream is not None
        # Muxers want strictly increasing timestamps per stream; jitter can reorder by a ms.
        dts = max(packet.pts_ms, self._last_dts.get(packet.kind, -1) + 1)
        self._last_dts[packet.kind] = dts
        out = av.Packet(packet.data)
        out.stream = stream
        out.time_base = MILLISECONDS
        out.pts = out.dts = dts
        out.is_keyframe = packet.keyframe or packet.kind == "audio"
        self.container.mux(out)

    def close(self) -> None:
        # Writes the index and trailer: a full disk shows up here too.
        self.container.close()


def _picture_size(codec: str | None, keyframe: bytes) -> tuple[int, int] | None:
    """The picture size of a keyframe, from one throwaway decode (not per frame)."""
    if codec is None:
        return None
    decoder = av.CodecContext.create("vp8" if codec == "vp8" else "h264", "r")
    try:
        for frame in decoder.decode(av.Packet(keyframe)):
            return int(frame.width), int(frame.height)
        for frame in decoder.decode(None):
            return int(frame.width), int(frame.height)
    except av.FFmpegError:
        return None
    return None
