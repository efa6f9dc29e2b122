"""The composer: a process of its own that turns a room's streams into one video file.

COMPOSED recordings need pixels: every stream is decoded, the pictures are laid out in
a grid (BEST_FIT) at the requested resolution and frame rate, all audio is mixed, and
the result is encoded to H.264 + AAC in MP4 (or Opus in WebM without video). That is
seconds of CPU per second of video, so it runs in its own process, fed encoded frames
through a bounded queue: the room's media in the server process is never slowed.

This module imports neither Django nor aiortc: the spawned process stays small.
"""

from __future__ import annotations

import fractions
import math
import traceback
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import av
import numpy as np

AUDIO_RATE = 48000
AUDIO_CHUNK = 960  # 20 ms: what Opus frames carry, and what we mix at a time
# Decoded audio a stream may hold waiting to be mixed: half a second.
AUDIO_BACKLOG = AUDIO_RATE // 2


@dataclass(frozen=True)
class ComposeSettings:
    path: str  # the output file, .mp4 (or .webm when there is no video)
    thumbnail: str | None  # the .jpg to write, or None
    width: int
    height: int
    frame_rate: int
    has_audio: bool
    has_video: bool


@dataclass
class _Source:
    codec: str | None = None
    video: av.VideoCodecContext | None = None
    audio: av.AudioCodecContext | None = None
    picture: np.ndarray | None = None  # the latest decoded frame, already fitted to its cell
    cell: tuple[int, int] = (0, 0)
    raw: av.VideoFrame | None = None
    samples: list[np.ndarray] = field(default_factory=list)
    buffered: int = 0


def grid(count: int) -> tuple[int, int]:
    """Columns and rows of OpenVidu's BEST_FIT layout for `count` pictures."""
    if count <= 0:
        return 1, 1
    columns = math.ceil(math.sqrt(count))
    return columns, math.ceil(count / columns)


class Composer:
    def __init__(self, settings: ComposeSettings) -> None:
        self.settings = settings
        self.sources: dict[str, _Source] = {}
        self.order: list[str] = []
        self.frames_written = 0
        self.samples_written = 0
        self.thumbnail_written = False
        self.position = 0.0  # seconds of the recording written so far
        path = settings.path
        # PyAV opens the file only when it writes the header: find a bad path now.
        Path(path).touch()
        self.container = av.open(path, "w", format="mp4" if settings.has_video else "webm")
        self.video_stream: Any = None
        self.audio_stream: Any = None
        if settings.has_video:
            self.video_stream = self.container.add_stream("libx264", rate=settings.frame_rate)
            self.video_stream.width, self.video_stream.height = settings.width, settings.height
            self.video_stream.pix_fmt = "yuv420p"
            self.video_stream.options = {"preset": "veryfast", "tune": "zerolatency"}
        if settings.has_audio:
            codec = "aac" if settings.has_video else "libopus"
            self.audio_stream = self.container.add_stream(codec, rate=AUDIO_RATE)
            self.audio_stream.layout = "stereo"
        self.canvas = np.zeros((settings.height, settings.width, 3), dtype=np.uint8)
        self.resampler = av.AudioResampler(format="s16", layout="stereo", rate=AUDIO_RATE)

    # Input: encoded frames of the room's streams.

    def add_video(self, key: str, codec: str, data: bytes) -> None:
        source = self._source(key)
        if source.video is None or source.codec != codec:
            source.video = av.CodecContext.create("vp8" if codec == "vp8" else "h264", "r")
            source.codec = codec
        assert source.video is not None
        try:
            frames = source.video.decode(av.Packet(data))
        except av.FFmpegError:
            return  # a lost keyframe: the next one repairs the picture
        for frame in frames:
            source.raw = frame
            source.picture = None  # fitted again at the next tick

    def add_audio(self, key: str, data: bytes) -> None:
        if self.audio_stream is None:
            return
        source = self._source(key)
        if source.audio is None:
            source.audio = av.CodecContext.create("opus", "r")
        assert source.audio is not None
        try:
            decoded = source.audio.decode(av.Packet(data))
        except av.FFmpegError:
            return
        for frame in decoded:
            for resampled in self.resampler.resample(frame):
                pcm = resampled.to_ndarray().reshape(-1, 2)
                source.samples.append(pcm)
                source.buffered += len(pcm)
        # A stream that runs ahead of the mix loses its oldest audio, not our memory.
        while source.buffered > AUDIO_BACKLOG and source.samples:
            source.buffered -= len(source.samples.pop(0))

    def add(self, key: str) -> None:
        """A stream joins the layout (its cell follows those of earlier streams)."""
        self._source(key)

    def remove(self, key: str) -> None:
        self.sources.pop(key, None)
        if key in self.order:
            self.order.remove(key)

    def _source(self, key: str) -> _Source:
        if key not in self.sources:
            self.sources[key] = _Source()
            self.order.append(key)
        return self.sources[key]

    # Output: one picture per tick, 20 ms of mixed audio per chunk.

    def write_picture(self) -> None:
        if self.video_stream is None:
            return
        shown = [key for key in self.order if self.sources[key].raw is not None]
        self.canvas[:] = 0
        columns, rows = grid(len(shown))
        cell_width, cell_height = self.settings.width // columns, self.settings.height // rows
        for index, key in enumerate(shown):
            source = self.sources[key]
            if source.picture is None or source.cell != (cell_width, cell_height):
                source.picture = _fit(source.raw, cell_width, cell_height)
                source.cell = (cell_width, cell_height)
            column, row = index % columns, index // columns
            picture = source.picture
            top = row * cell_height + (cell_height - picture.shape[0]) // 2
            left = column * cell_width + (cell_width - picture.shape[1]) // 2
            self.canvas[top : top + picture.shape[0], left : left + picture.shape[1]] = picture
        frame = av.VideoFrame.from_ndarray(self.canvas, format="rgb24")
        frame.pts = self.frames_written
        frame.time_base = fractions.Fraction(1, self.settings.frame_rate)
        for packet in self.video_stream.encode(frame):
            self.container.mux(packet)
        self.frames_written += 1
        if (
            self.settings.thumbnail
            and not self.thumbnail_written
            and shown
            and self.frames_written >= self.settings.frame_rate
        ):
            _write_jpeg(frame, self.settings.thumbnail)
            self.thumbnail_written = True

    def write_audio(self) -> None:
        if self.audio_stream is None:
            return
        mixed = np.zeros((AUDIO_CHUNK, 2), dtype=np.int32)
        for source in self.sources.values():
            mixed += _take(source, AUDIO_CHUNK)
        pcm = np.clip(mixed, -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = AUDIO_RATE
        frame.pts = self.samples_written
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        for packet in self.audio_stream.encode(frame):
            self.container.mux(packet)
        self.samples_written += AUDIO_CHUNK

    def advance_to(self, at: float) -> None:
        """Write the pictures and audio owed up to `at` seconds into the recording."""
        if self.video_stream is not None:
            while self.frames_written < at * self.settings.frame_rate:
                self.write_picture()
        if self.audio_stream is not None:
            while self.samples_written + AUDIO_CHUNK <= at * AUDIO_RATE:
                self.write_audio()
        self.position = max(self.position, at)

    def finish(self) -> None:
        if self.settings.thumbnail and not self.thumbnail_written and self.video_stream is not None:
            _write_jpeg(
                av.VideoFrame.from_ndarray(self.canvas, format="rgb24"), self.settings.thumbnail
            )
            self.thumbnail_written = True
        for stream in (self.video_stream, self.audio_stream):
            if stream is not None:
                for packet in stream.encode(None):
                    self.container.mux(packet)
        self.container.close()


def _write_jpeg(frame: av.VideoFrame, path: str) -> None:
    """A JPEG through FFmpeg's MJPEG encoder: one frame of it is a JPEG file."""
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = fractions.Fraction(1, 25)
    picture = frame.reformat(format="yuvj420p")
    picture.pts = 0
    data = b"".join(bytes(packet) for packet in encoder.encode(picture))
    data += b"".join(bytes(packet) for packet in encoder.encode(None))
    Path(path).write_bytes(data)


def _fit(frame: av.VideoFrame | None, width: int, height: int) -> np.ndarray:
    """The picture scaled to fit the cell, keeping its aspect ratio (letterboxed)."""
    assert frame is not None
    scale = min(width / frame.width, height / frame.height)
    fitted_width = max(2, int(frame.width * scale) // 2 * 2)
    fitted_height = max(2, int(frame.height * scale) // 2 * 2)
    return frame.reformat(width=fitted_width, height=fitted_height, format="rgb24").to_ndarray()


def _take(source: _Source, count: int) -> np.ndarray:
    out = np.zeros((count, 2), dtype=np.int32)
    filled = 0
    while filled < count and source.samples:
        chunk = source.samples[0]
        used = min(count - filled, len(chunk))
        out[filled : filled + used] = chunk[:used]
        filled += used
        source.buffered -= used
        if used == len(chunk):
            source.samples.pop(0)
        else:
            source.samples[0] = chunk[used:]
    return out


def run(settings: ComposeSettings, inbox: Queue[Any], outbox: Queue[Any]) -> None:
    """The composer process: read messages until "stop", then finish the file.

    Every message carries `at`, the seconds since the recording started on the server's
    clock, and the composer writes pictures and audio up to that time before it applies
    the message. So the file's timeline is the room's, even when the composer runs
    behind (a busy machine): it catches up, it does not stretch the recording.

    Messages: ("video", at, key, codec, data), ("audio", at, key, data),
    ("add", at, key), ("remove", at, key), ("stop", at). Answers one ("done", frames, seconds) or
    ("failed", reason) on `outbox`.
    """
    try:
        composer = Composer(settings)
        while True:
            message = inbox.get()
            composer.advance_to(message[1])
            kind = message[0]
            if kind == "video":
                composer.add_video(message[2], message[3], message[4])
            elif kind == "audio":
                composer.add_audio(message[2], message[3])
            elif kind == "add":
                composer.add(message[2])
            elif kind == "remove":
                composer.remove(message[2])
            elif kind == "stop":
                break
        composer.finish()
        outbox.put(("done", composer.frames_written, composer.position))
    except Exception:
        outbox.put(("failed", traceback.format_exc(limit=5)))
        raise SystemExit(1) from None


def output_path(directory: Path, name: str, has_video: bool) -> Path:
    return directory / f"{name}.{'mp4' if has_video else 'webm'}"
