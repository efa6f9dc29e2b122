"""Video filters: OpenVidu's `applyFilter` (Kurento's GStreamerFilter), done with FFmpeg.

A filtered stream is a re-publisher, like an IP camera (media/ipcam.py): a loopback
peer of the server subscribes to the publisher through the engine (aiortc decodes, in
its decoder thread), each picture goes through an FFmpeg filter graph in the filter's
own worker thread, and a second loopback peer publishes the result under a hidden
publication that aiortc encodes once, in the room's codec. The engine then sends that
publication's video to the publisher's subscribers in place of the original
(`MediaEngine.replace_video_source`), current ones and later ones; audio is untouched.
So one decode, one graph and one encode per filtered stream, whatever the subscribers.

Kurento runs any GStreamer element; this server maps a subset of GStreamerFilter
commands to FFmpeg filters (`SUPPORTED`). Anything else is refused with a message that
names the subset (signaling answers it as OpenVidu's 406).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import shlex
from dataclasses import dataclass
from typing import Any

import av
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.engine import SOURCE_SWITCH_SECONDS, MediaEngine, MediaError

logger = logging.getLogger(__name__)

SUPPORTED = (
    "GStreamerFilter with one of: videoflip (method), videobalance (brightness, contrast, "
    "saturation, hue), gaussianblur (sigma)"
)
FILTER_QUEUE = 4
WATCH_INTERVAL = 0.5
_FLIPS = {
    "none": [],
    "identity": [],
    "clockwise": [("transpose", "clock")],
    "rotate-180": [("hflip", ""), ("vflip", "")],
    "counterclockwise": [("transpose", "cclock")],
    "horizontal-flip": [("hflip", "")],
    "vertical-flip": [("vflip", "")],
    "upper-left-diagonal": [("transpose", "cclock_flip")],
    "upper-right-diagonal": [("transpose", "clock_flip")],
}
# GStreamer's GstVideoOrientationMethod numbers, which its commands may use instead.
_FLIP_NUMBERS = dict(enumerate(list(_FLIPS)[1:]))

Chain = list[tuple[str, str]]


class UnsupportedFilter(MediaError):
    """A filter type or command outside the subset; the message names the subset."""


@dataclass(frozen=True)
class Command:
    """A GStreamer element and its properties, as GStreamerFilter's `command` gives them."""

    element: str
    properties: dict[str, str]

    @classmethod
    def parse(cls, text: str) -> Command:
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise UnsupportedFilter(f"cannot read the command {text!r}: {error}") from None
        if not words or "!" in words:
            raise UnsupportedFilter(f"the command must be one GStreamer element; {SUPPORTED}")
        properties = {}
        for word in words[1:]:
            name, equals, value = word.partition("=")
            if not equals:
                raise UnsupportedFilter(f"{word!r} is not a property=value pair")
            properties[name] = value
        return cls(words[0], properties)

    def with_property(self, name: str, value: str) -> Command:
        return Command(self.element, {**self.properties, name: value})

    def text(self) -> str:
        return " ".join(
            [self.element, *(f"{k}={shlex.quote(v)}" for k, v in self.properties.items())]
        )


def _number(command: Command, name: str, default: float, low: float, high: float) -> float:
    raw = command.properties.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UnsupportedFilter(f"{command.element} {name} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise UnsupportedFilter(f"{command.element} {name} must be between {low} and {high}")
    return value


def ffmpeg_chain(filter_type: str, command: Command) -> Chain:
    """The FFmpeg filters that do what the GStreamer command does."""
    if filter_type != "GStreamerFilter":
        raise UnsupportedFilter(f"{filter_type} is not supported; this server supports {SUPPORTED}")
    if command.element == "videoflip":
        method = command.properties.get("method", command.properties.get("video-direction", "none"))
        if method.isdigit() and int(method) in _FLIP_NUMBERS:
            method = _FLIP_NUMBERS[int(method)]
        if method not in _FLIPS:
            raise UnsupportedFilter(f"videoflip method must be one of {', '.join(_FLIPS)}")
        return list(_FLIPS[method]) or [("null", "")]
    if command.element == "videobalance":
        brightness = _number(command, "brightness", 0.0, -1.0, 1.0)
        contrast = _number(command, "contrast", 1.0, 0.0, 2.0)
        saturation = _number(command, "saturation", 1.0, 0.0, 2.0)
        hue = _number(command, "hue", 0.0, -1.0, 1.0)
        luma = f"clip((val-128)*{contrast}+128+{brightness * 255},0,255)"
        chroma = f"clip((val-128)*{saturation}+128,0,255)"
        chain: Chain = [("lutyuv", f"y={luma}:u={chroma}:v={chroma}")]
        if hue:
            chain.append(("hue", f"h={hue * 180}"))
        return chain
    if command.element in ("gaussianblur", "blur"):
        sigma = abs(_number(command, "sigma", 1.2, -20.0, 20.0))
        return [("gblur", f"sigma={sigma}")] if sigma else [("null", "")]
    raise UnsupportedFilter(
        f"the GStreamer element {command.element!r} is not supported; {SUPPORTED}"
    )


def chain_for(filter_type: str, command: str) -> tuple[Command, Chain]:
    """The parsed command and its FFmpeg filters; the filter type is checked first."""
    if filter_type != "GStreamerFilter":
        raise UnsupportedFilter(f"{filter_type} is not supported; this server supports {SUPPORTED}")
    parsed = Command.parse(command)
    return parsed, ffmpeg_chain(filter_type, parsed)


class _Graph:
    """An FFmpeg filter graph, made again when the chain or the picture's shape changes.
    Used by the worker thread only."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._graph: Any = None
        self._shape: tuple[Any, ...] | None = None

    def process(self, frame: av.VideoFrame, chain: Chain) -> list[av.VideoFrame]:
        shape = (frame.width, frame.height, frame.format.name, tuple(chain))
        if shape != self._shape:
            self._graph = self._build(frame, chain)
            self._shape = shape
        self._graph.push(frame)
        out = []
        while True:
            try:
                filtered = self._graph.pull()
            except (av.BlockingIOError, av.EOFError):
                break
            filtered.pts, filtered.time_base = frame.pts, frame.time_base
            out.append(filtered)
        return out

    @staticmethod
    def _build(frame: av.VideoFrame, chain: Chain) -> Any:
        graph = av.filter.Graph()
        node = graph.add_buffer(
            width=frame.width, height=frame.height, format=frame.format, time_base=frame.time_base
        )
        for name, args in chain:
            following = graph.add(name, args) if args else graph.add(name)
            node.link_to(following)
            node = following
        sink = graph.add("buffersink")
        node.link_to(sink)
        graph.configure()
        return graph


class _FilteredTrack(MediaStreamTrack):
    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self._queue: asyncio.Queue[av.VideoFrame] = asyncio.Queue(maxsize=FILTER_QUEUE)

    def offer(self, frame: av.VideoFrame) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(frame)

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        return await self._queue.get()


class VideoFilter:
    """One publisher's filter: tap, graph, re-publisher."""

    def __init__(self, engine: MediaEngine, room_key: str, publisher_id: str, chain: Chain) -> None:
        self.engine = engine
        self.room_key = room_key
        self.publisher_id = publisher_id
        self.chain = chain
        # The tap's subscriber id and the filtered publication's id.
        self.name = f"FILTER_{publisher_id}"
        self.frames = 0
        self._tap: RTCPeerConnection | None = None
        self._out: RTCPeerConnection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="filter")
        self._graph = _Graph(chain)

    async def start(self, video_codec: str) -> None:
        filtered = _FilteredTrack()
        self._out = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        transceiver = self._out.addTransceiver(filtered, direction="sendonly")
        capabilities = RTCRtpSender.getCapabilities("video")
        assert capabilities is not None
        transceiver.setCodecPreferences(
            [c for c in capabilities.codecs if c.mimeType.lower() == f"video/{video_codec.lower()}"]
        )
        await self._out.setLocalDescription(await self._out.createOffer())
        answer = await self.engine.publish(
            self.room_key, video_codec, self.name, self._out.localDescription.sdp, announce=False
        )
        await self._out.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

        self._tap = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        received: asyncio.Future[MediaStreamTrack] = asyncio.get_running_loop().create_future()

        @self._tap.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "video" and not received.done():
                received.set_result(track)

        self._tap.addTransceiver("video", direction="recvonly")
        await self._tap.setLocalDescription(await self._tap.createOffer())
        answer = await self.engine.subscribe(
            self.room_key, self.name, self.publisher_id, self._tap.localDescription.sdp
        )
        await self._tap.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        source = await asyncio.wait_for(received, 10)
        self._tasks = [
            asyncio.create_task(self._run(source, filtered)),
            asyncio.create_task(self._watch()),
        ]
        self.engine.replace_video_source(self.room_key, self.publisher_id, self.name)

    async def _run(self, source: MediaStreamTrack, filtered: _FilteredTrack) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                frame = await source.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, av.VideoFrame):
                continue
            try:
                out = await loop.run_in_executor(
                    self._worker, self._graph.process, frame, self.chain
                )
            except (av.FFmpegError, ValueError):
                logger.exception(
                    "filter %s of %s failed on a picture", self.chain, self.publisher_id
                )
                continue
            for picture in out:
                self.frames += 1
                filtered.offer(picture)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if self.publisher_id not in self.engine.publishers(self.room_key):
                _filters.pop((self.room_key, self.publisher_id), None)
                await self.close()
                return

    async def close(self) -> None:
        if self.publisher_id in self.engine.publishers(self.room_key) and self._tasks:
            self.engine.replace_video_source(self.room_key, self.publisher_id, None)
            # The subscribers' senders move to the original at their next filtered frame.
            await asyncio.sleep(SOURCE_SWITCH_SECONDS)
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()
        await self.engine.unsubscribe(self.room_key, self.name, self.publisher_id)
        await self.engine.unpublish(self.room_key, self.name)
        for pc in (self._tap, self._out):
            if pc is not None:
                await pc.close()
        self._tap = self._out = None
        self._worker.shutdown(wait=False, cancel_futures=True)


_filters: dict[tuple[str, str], VideoFilter] = {}


async def apply(
    engine: MediaEngine, room_key: str, publisher_id: str, video_codec: str, chain: Chain
) -> None:
    """Filter a publisher's video, or change the chain of the filter it has."""
    existing = _filters.get((room_key, publisher_id))
    if existing is not None:
        existing.chain = chain  # the worker builds the new graph at the next picture
        return
    if publisher_id not in engine.publishers(room_key):
        raise MediaError(f"{publisher_id} publishes nothing here")
    video_filter = VideoFilter(engine, room_key, publisher_id, chain)
    try:
        await video_filter.start(video_codec)
    except BaseException:
        await video_filter.close()
        raise
    _filters[(room_key, publisher_id)] = video_filter


def find(room_key: str, publisher_id: str) -> VideoFilter | None:
    return _filters.get((room_key, publisher_id))


async def remove(room_key: str, publisher_id: str) -> bool:
    video_filter = _filters.pop((room_key, publisher_id), None)
    if video_filter is None:
        return False
    await video_filter.close()
    return True


async def remove_room(room_key: str) -> None:
    for key in [key for key in _filters if key[0] == room_key]:
        await remove(*key)


async def remove_all() -> None:
    for key in list(_filters):
        await remove(*key)
