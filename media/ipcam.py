"""IP cameras: a stream FFmpeg can open (rtsp, rtmp, http, a file), published into a room.

OpenVidu plays an IPCAM connection's `rtspUri` with a Kurento PlayerEndpoint. Here a
worker thread opens the URI with PyAV and a loopback peer publishes it: an aiortc
`RTCPeerConnection` of the server's own, offering to the room's engine as a browser
would. So a camera is forwarded, recorded and subscribed to like any publisher, and
nothing downstream knows it is one.

- The camera's video goes as it came (its `av.Packet`s, which aiortc only packetizes)
  when its codec is the room's (an H.264 camera in an H.264 room); otherwise it is
  decoded in the worker thread and aiortc encodes it, once, for the room. Its audio,
  if any, is decoded and encoded to Opus.
- `onlyPlayWithSubscribers`: the URI is open only while someone receives the stream
  (a subscriber or a recorder); `networkCache`: FFmpeg's RTSP reorder delay.
- A camera that drops or ends is opened again with backoff (0.5 s doubling to 10 s)
  until its publication is closed; the subscribers get the pictures again.
- Nothing here blocks the event loop: FFmpeg runs in the worker thread, which hands
  each packet or frame to a bounded queue on the loop.
"""

from __future__ import annotations

import asyncio
import fractions
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import av
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media import app_settings
from media.engine import MediaEngine, MediaError

logger = logging.getLogger(__name__)

CLOCK = 90_000
TIME_BASE = fractions.Fraction(1, CLOCK)
# A few frames: a subscriber that cannot keep up loses pictures, never memory.
VIDEO_QUEUE = 30
AUDIO_QUEUE = 50
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0
# A camera that played this long before it dropped starts its backoff afresh.
SETTLED_SECONDS = 10.0
WATCH_INTERVAL = 0.5
READ_TIMEOUT = 5.0
FIRST_GRACE = 5.0
H264_SPS = 7


class CameraUnavailable(MediaError):
    """The URI cannot be opened, or has no video; the message says what FFmpeg said."""


@dataclass(frozen=True)
class CameraSource:
    uri: str
    network_cache_ms: int = 2000
    only_play_with_subscribers: bool = True
    adaptative_bitrate: bool = True


@dataclass(frozen=True)
class Probe:
    video_codec: str
    has_audio: bool


def _options(source: CameraSource) -> dict[str, str]:
    scheme = urlsplit(source.uri).scheme.lower()
    if scheme in ("rtsp", "rtsps"):
        # TCP first (a camera behind NAT), UDP when the camera refuses TCP; the reorder
        # delay is OpenVidu's networkCache.
        return {
            "rtsp_flags": "prefer_tcp",
            "max_delay": str(max(0, source.network_cache_ms) * 1000),
        }
    return {}


def _open(source: CameraSource, timeout: float) -> Any:
    return av.open(source.uri, options=_options(source), timeout=(timeout, READ_TIMEOUT))


def probe(source: CameraSource, timeout: float) -> tuple[Any, Probe]:
    """Open the URI (blocking: run it in a thread) and say what it carries; the open
    container is the puller's first, since many cameras serve one client at a time."""
    try:
        container = _open(source, timeout)
    except (av.FFmpegError, OSError) as error:
        raise CameraUnavailable(f"cannot open {source.uri}: {error}") from None
    if not container.streams.video:
        container.close()
        raise CameraUnavailable(f"{source.uri} has no video")
    video = container.streams.video[0]
    return container, Probe(video.codec_context.name, bool(container.streams.audio))


@dataclass
class _Encoded:
    data: bytes
    keyframe: bool


class _CameraTrack(MediaStreamTrack):
    """What the worker thread read, for the loopback peer's sender; a bounded queue."""

    def __init__(self, kind: str, size: int) -> None:
        super().__init__()
        self.kind = kind
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size)
        self._t0 = time.monotonic()
        self._waiting_for_keyframe = True

    def offer(self, item: Any) -> None:
        """On the loop: keep the newest; after a drop, encoded video waits for a keyframe."""
        if self._queue.full():
            self._queue.get_nowait()
            self._waiting_for_keyframe = True
        if isinstance(item, _Encoded):
            if self._waiting_for_keyframe and not item.keyframe:
                return
            self._waiting_for_keyframe = False
        self._queue.put_nowait(item)

    async def recv(self) -> Any:
        if self.readyState != "live":
            raise MediaStreamError
        item = await self._queue.get()
        # Timestamps from the wall clock: continuous across the camera's reconnections.
        pts = int((time.monotonic() - self._t0) * CLOCK)
        if isinstance(item, _Encoded):
            packet = av.Packet(item.data)
            packet.pts, packet.time_base = pts, TIME_BASE
            return packet
        if self.kind == "video":
            item.pts, item.time_base = pts, TIME_BASE
        return item


def _annexb_headers(extradata: bytes | None) -> bytes:
    """SPS/PPS in start-code form from the stream's extradata, when it has them so."""
    if extradata and extradata.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")):
        return extradata
    return b""


def _has_sps(data: bytes) -> bool:
    index = data.find(b"\x00\x00\x01")
    while index != -1 and index + 3 < len(data):
        if data[index + 3] & 0x1F == H264_SPS:
            return True
        index = data.find(b"\x00\x00\x01", index + 3)
    return False


class _Puller:
    """The worker thread: open, read, hand over, and open again when the camera drops."""

    def __init__(
        self,
        source: CameraSource,
        passthrough: bool,
        video: _CameraTrack,
        audio: _CameraTrack | None,
        loop: asyncio.AbstractEventLoop,
        open_timeout: float,
        first: Any,
    ) -> None:
        self.first = first  # the container the probe opened
        # It is kept a moment for a first watcher, since many cameras serve one client.
        self.first_until = time.monotonic() + FIRST_GRACE
        # A file is read at its own pace; a live source paces itself (and what it
        # buffered while unread must go as fast as it comes, or it would lag for ever).
        self.paced = urlsplit(source.uri).scheme.lower() == "file"
        self.source = source
        self.passthrough = passthrough
        self.video, self.audio = video, audio
        self.loop = loop
        self.open_timeout = open_timeout
        self.stopping = threading.Event()
        self.wanted = threading.Event()
        self.opened = 0  # how many times the URI was opened (tests and logs)
        self.thread = threading.Thread(target=self._run, name="ipcam", daemon=True)

    def _hand(self, track: _CameraTrack, item: Any) -> None:
        try:
            self.loop.call_soon_threadsafe(track.offer, item)
        except RuntimeError:  # the loop is closed: the process is stopping
            self.stopping.set()

    def _run(self) -> None:
        delay = BACKOFF_FIRST
        while not self.stopping.is_set():
            if not self.wanted.wait(WATCH_INTERVAL):
                if time.monotonic() > self.first_until:
                    self._drop_first()
                continue
            started = time.monotonic()
            try:
                first, self.first = self.first, None
                with first or _open(self.source, self.open_timeout) as container:
                    self.opened += 1
                    logger.info("IP camera %s opened", self.source.uri)
                    self._pump(container)
            except (av.FFmpegError, OSError) as error:
                logger.warning("IP camera %s: %s", self.source.uri, error)
            except Exception:
                logger.exception("IP camera %s failed", self.source.uri)
            if self.stopping.is_set():
                break
            if not self.wanted.is_set():
                continue  # closed on purpose: nobody watches
            if time.monotonic() - started > SETTLED_SECONDS:
                delay = BACKOFF_FIRST
            self.stopping.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX)
        self._drop_first()

    def _drop_first(self) -> None:
        first, self.first = self.first, None
        if first is not None:
            first.close()

    def _pump(self, container: Any) -> None:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio and self.audio else None
        headers = _annexb_headers(video.codec_context.extradata)
        is_h264 = video.codec_context.name == "h264"
        filter_ = None
        if self.passthrough and is_h264 and not headers and video.codec_context.extradata:
            # avcC (FLV, MP4): the browser needs start codes and in-band SPS/PPS.
            filter_ = av.BitStreamFilterContext("h264_mp4toannexb", video)
        pacing: tuple[float, float] | None = None
        streams = [video] if audio is None else [video, audio]
        for packet in container.demux(*streams):
            if self.stopping.is_set() or not self.wanted.is_set():
                return
            if packet.size == 0:
                continue
            if self.paced:
                pacing = self._pace(packet, pacing)
            if packet.stream is video:
                self._video(packet, filter_, headers if is_h264 else b"")
            elif self.audio is not None:
                for frame in packet.decode():
                    frame.pts = None
                    self._hand(self.audio, frame)

    def _pace(self, packet: Any, pacing: tuple[float, float] | None) -> tuple[float, float] | None:
        """A file is read at the pace of its timestamps."""
        if packet.pts is None or packet.time_base is None:
            return pacing
        at = float(packet.pts * packet.time_base)
        now = time.monotonic()
        if pacing is None:
            return (now, at)
        wall, first = pacing
        ahead = wall + (at - first) - now
        if ahead > 0:
            self.stopping.wait(min(ahead, 1.0))
        elif ahead < -2.0:
            return (now, at)  # far behind (a jump in the camera's clock): start again
        return pacing

    def _video(self, packet: Any, filter_: Any, headers: bytes) -> None:
        if not self.passthrough:
            for frame in packet.decode():
                self._hand(self.video, frame)
            return
        packets = filter_.filter(packet) if filter_ is not None else [packet]
        for each in packets:
            data = bytes(each)
            if each.is_keyframe and headers and not _has_sps(data):
                data = headers + data
            self._hand(self.video, _Encoded(data, bool(each.is_keyframe)))


class IpCamera:
    """One IPCAM connection's camera: the puller and the loopback publisher peer."""

    def __init__(
        self,
        engine: MediaEngine,
        room_key: str,
        connection_id: str,
        source: CameraSource,
    ) -> None:
        self.engine = engine
        self.room_key = room_key
        self.connection_id = connection_id
        self.source = source
        self.pc: RTCPeerConnection | None = None
        self.puller: _Puller | None = None
        self._watch: asyncio.Task[None] | None = None
        self.passthrough = False
        self.video_codec = "VP8"

    async def start(self, video_codec: str) -> None:
        self.video_codec = video_codec
        timeout = float(app_settings.get("MEDIA_IPCAM_OPEN_TIMEOUT"))
        container, found = await asyncio.to_thread(probe, self.source, timeout)
        try:
            await self._publish(container, found, timeout)
        except BaseException:
            if self.puller is None:
                container.close()
            raise

    async def _publish(self, container: Any, found: Probe, timeout: float) -> None:
        video_codec = self.video_codec
        self.passthrough = found.video_codec == video_codec.lower()
        video = _CameraTrack("video", VIDEO_QUEUE)
        audio = _CameraTrack("audio", AUDIO_QUEUE) if found.has_audio else None
        # The loopback peer reaches the engine's peer on this machine's own addresses.
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        transceiver = self.pc.addTransceiver(video, direction="sendonly")
        capabilities = RTCRtpSender.getCapabilities("video")
        assert capabilities is not None
        transceiver.setCodecPreferences(
            [c for c in capabilities.codecs if c.mimeType.lower() == f"video/{video_codec.lower()}"]
        )
        if audio is not None:
            self.pc.addTransceiver(audio, direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        answer = await self.engine.publish(
            self.room_key, video_codec, self.connection_id, self.pc.localDescription.sdp
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        self.puller = _Puller(
            self.source,
            self.passthrough,
            video,
            audio,
            asyncio.get_running_loop(),
            timeout,
            container,
        )
        self._want(not self.source.only_play_with_subscribers)
        self.puller.thread.start()
        self._watch = asyncio.create_task(self._watch_room())
        logger.info(
            "IP camera %s publishes %s as %s (%s)",
            self.connection_id,
            self.source.uri,
            video_codec,
            "as it comes" if self.passthrough else f"transcoded from {found.video_codec}",
        )

    def _want(self, wanted: bool) -> None:
        assert self.puller is not None
        if wanted:
            self.puller.wanted.set()
        else:
            self.puller.wanted.clear()

    async def _watch_room(self) -> None:
        """Pull only while watched (if asked); stop when the publication is gone."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            if self.connection_id not in self.engine.publishers(self.room_key):
                _cameras.pop((self.room_key, self.connection_id), None)
                await self.close()
                return
            if self.source.only_play_with_subscribers:
                self._want(self.engine.watchers(self.room_key, self.connection_id) > 0)

    async def close(self) -> None:
        watch, self._watch = self._watch, None
        if watch is not None and watch is not asyncio.current_task():
            watch.cancel()
        puller, self.puller = self.puller, None
        if puller is not None:
            puller.stopping.set()
            puller.wanted.set()
        pc, self.pc = self.pc, None
        if pc is not None:
            await pc.close()
        if puller is not None and puller.thread.is_alive():
            # It ends within one read timeout; waiting in a thread keeps the loop free.
            await asyncio.to_thread(puller.thread.join, READ_TIMEOUT + 1)


_cameras: dict[tuple[str, str], IpCamera] = {}


async def start(
    engine: MediaEngine, room_key: str, connection_id: str, video_codec: str, source: CameraSource
) -> IpCamera:
    """Open the camera and publish it; CameraUnavailable (a MediaError) when it cannot."""
    camera = IpCamera(engine, room_key, connection_id, source)
    try:
        await camera.start(video_codec)
    except BaseException:
        await camera.close()
        await engine.unpublish(room_key, connection_id)
        raise
    _cameras[(room_key, connection_id)] = camera
    return camera


def find(room_key: str, connection_id: str) -> IpCamera | None:
    return _cameras.get((room_key, connection_id))


async def stop(room_key: str, connection_id: str) -> None:
    camera = _cameras.pop((room_key, connection_id), None)
    if camera is not None:
        await camera.close()


async def stop_room(room_key: str) -> None:
    for key in [key for key in _cameras if key[0] == room_key]:
        await stop(*key)


async def stop_all() -> None:
    for key in list(_cameras):
        await stop(*key)
