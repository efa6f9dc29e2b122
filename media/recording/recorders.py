"""Recorders: they follow a room's publications in the engine and write them down.

A recorder observes the room in the `MediaEngine`: every publication, present or to
come, gets subscriber tracks from its forwarders, as a participant would, and each
encoded frame goes on to a file writer (INDIVIDUAL) or to the composer process
(COMPOSED). Neither decodes anything in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import multiprocessing
import queue
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av

from media.engine import MediaEngine
from media.forwarding import Forwarder
from media.recording import composer
from media.recording.stream_file import EncodedPacket, StreamFile

logger = logging.getLogger(__name__)

# Encoded frames waiting for the composer process: about ten seconds of four streams.
COMPOSER_QUEUE = 1200

# What the service layer tells a recorder about a publication, for the sync JSON.
Describe = Callable[[str], Awaitable[dict[str, Any]]]


class RecordingFailed(Exception):
    pass


@dataclass
class Outcome:
    files: list[Path]
    duration: float  # seconds
    size: int  # bytes
    has_audio: bool
    has_video: bool


class _Timeline:
    """Milliseconds since the recording started, for one track.

    The first frame is placed at its arrival time; later ones follow the publisher's own
    clock (RTP timestamps), which network jitter does not disturb.
    """

    def __init__(self, started: float) -> None:
        self.started = started
        self.first: tuple[int, float] | None = None  # (pts in ms, arrival offset in ms)

    def place(self, packet: av.Packet) -> int:  # type: ignore[type-arg]
        assert packet.pts is not None
        assert packet.time_base is not None
        pts_ms = int(packet.pts * packet.time_base * 1000)
        if self.first is None:
            self.first = (pts_ms, (time.monotonic() - self.started) * 1000)
        return int(self.first[1] + pts_ms - self.first[0])


class Recorder:
    """What both output modes share: following publications and reading their tracks."""

    def __init__(
        self, engine: MediaEngine, room_key: str, has_audio: bool, has_video: bool
    ) -> None:
        self.engine = engine
        self.room_key = room_key
        self.has_audio = has_audio
        self.has_video = has_video
        self.started = time.monotonic()
        self.started_wall = time.time()
        self._tasks: dict[str, list[asyncio.Task[None]]] = {}
        self._tracks: dict[str, list[Any]] = {}
        self.dropped = 0

    def start(self) -> None:
        self.engine.observe(self.room_key, self)

    def publication_added(
        self, connection_id: str, forwarders: dict[str, Forwarder], video_codec: str
    ) -> None:
        wanted = [
            kind
            for kind in ("video", "audio")
            if kind in forwarders and getattr(self, f"has_{kind}")
        ]
        if not wanted:
            return
        self._open(
            connection_id, video_codec.lower() if "video" in wanted else None, "audio" in wanted
        )
        for kind in wanted:
            track = forwarders[kind].subscribe()
            self._tracks.setdefault(connection_id, []).append(track)
            timeline = _Timeline(self.started)
            task = asyncio.create_task(self._read(connection_id, kind, track, timeline))
            self._tasks.setdefault(connection_id, []).append(task)

    def publication_removed(self, connection_id: str) -> None:
        self._end_publication(connection_id)
        self._close(connection_id)

    def _end_publication(self, connection_id: str) -> None:
        for task in self._tasks.pop(connection_id, []):
            task.cancel()
        for track in self._tracks.pop(connection_id, []):
            track.stop()

    async def _read(self, connection_id: str, kind: str, track: Any, timeline: _Timeline) -> None:
        try:
            while True:
                packet = await track.recv()
                self._frame(
                    connection_id,
                    kind,
                    bytes(packet),
                    timeline.place(packet),
                    bool(packet.is_keyframe),
                )
        except asyncio.CancelledError:
            raise
        except Exception:
            # The track ended (MediaStreamError) or the publication went away.
            return

    async def stop(self) -> Outcome:
        self.engine.unobserve(self.room_key, self)
        for connection_id in list(self._tasks):
            self._end_publication(connection_id)
            self._close(connection_id)
        return await self._finish()

    # What each output mode does.

    def _open(self, connection_id: str, video_codec: str | None, has_audio: bool) -> None:
        raise NotImplementedError

    def _frame(
        self, connection_id: str, kind: str, data: bytes, pts_ms: int, keyframe: bool
    ) -> None:
        raise NotImplementedError

    def _close(self, connection_id: str) -> None:
        raise NotImplementedError

    async def _finish(self) -> Outcome:
        raise NotImplementedError


@dataclass
class _StreamFileInfo:
    writer: StreamFile
    connection_id: str
    start_time: int  # ms since the epoch
    end_time: int | None = None
    description: dict[str, Any] = field(default_factory=dict)


class IndividualRecorder(Recorder):
    """One file per published stream, zipped with OpenVidu's sync JSON at the end."""

    def __init__(
        self,
        engine: MediaEngine,
        room_key: str,
        directory: Path,
        name: str,
        recording_id: str,
        session_id: str,
        has_audio: bool,
        has_video: bool,
        describe: Describe,
    ) -> None:
        super().__init__(engine, room_key, has_audio, has_video)
        self.directory = directory
        self.name = name
        self.recording_id = recording_id
        self.session_id = session_id
        self.describe = describe
        self._open_files: dict[str, _StreamFileInfo] = {}
        self._done: list[_StreamFileInfo] = []
        self._closing: list[asyncio.Task[None]] = []
        self._describing: list[asyncio.Task[None]] = []

    def _open(self, connection_id: str, video_codec: str | None, has_audio: bool) -> None:
        self._close(connection_id)
        info = _StreamFileInfo(
            writer=StreamFile(
                self.directory / f"pending-{connection_id}-{len(self._done)}.webm",
                video_codec,
                has_audio,
            ),
            connection_id=connection_id,
            start_time=int(time.time() * 1000),
        )
        self._open_files[connection_id] = info

    async def _describe(self, info: _StreamFileInfo) -> None:
        try:
            info.description = await self.describe(info.connection_id)
        except Exception:
            logger.exception("describing %s for the recording failed", info.connection_id)

    def _frame(
        self, connection_id: str, kind: str, data: bytes, pts_ms: int, keyframe: bool
    ) -> None:
        info = self._open_files.get(connection_id)
        if info is not None:
            info.writer.write(EncodedPacket(kind, data, pts_ms, keyframe))

    def _close(self, connection_id: str) -> None:
        info = self._open_files.pop(connection_id, None)
        if info is None:
            return
        info.end_time = int(time.time() * 1000)
        self._done.append(info)
        # Described now, not when the media came up: the stream's row is written after.
        # A context of its own: the publication may have come with a request whose
        # database thread does not outlive it (see recordings.runtime._background).
        self._describing.append(
            asyncio.get_running_loop().create_task(
                self._describe(info), context=contextvars.Context()
            )
        )
        # Closing waits for the writer thread: off the event loop.
        self._closing.append(asyncio.create_task(asyncio.to_thread(info.writer.close)))

    async def _finish(self) -> Outcome:
        await asyncio.gather(*self._closing, *self._describing)
        errors = [info.writer.error for info in self._done if info.writer.error]
        if errors:
            raise RecordingFailed(errors[0])
        return await asyncio.to_thread(self._package)

    def _package(self) -> Outcome:
        """Rename the files by stream id, write the sync JSON, zip them (in a thread)."""
        entries = []
        members: list[Path] = []
        for info in self._done:
            stream_id = info.description.get("streamId") or info.connection_id
            suffix = ".mkv" if info.writer.video_codec == "h264" else ".webm"
            final = self.directory / f"{stream_id}{suffix}"
            counter = 1
            while final in members:
                final = self.directory / f"{stream_id}-{counter}{suffix}"
                counter += 1
            if not info.writer.path.exists():
                continue
            info.writer.path.rename(final)
            members.append(final)
            entries.append(
                {
                    "name": final.name,
                    "connectionId": info.connection_id,
                    "streamId": stream_id,
                    "clientData": info.description.get("clientData", ""),
                    "serverData": info.description.get("serverData", ""),
                    "startTime": info.start_time,
                    "endTime": info.end_time,
                    "duration": round(info.writer.duration_ms / 1000, 3),
                    "size": final.stat().st_size,
                    "hasAudio": info.writer.has_audio,
                    "hasVideo": info.writer.video_codec is not None,
                    "typeOfVideo": info.description.get("typeOfVideo", "CAMERA"),
                }
            )
        sync = {
            "id": self.recording_id,
            "name": self.name,
            "sessionId": self.session_id,
            "files": entries,
        }
        sync_path = self.directory / f"{self.name}.json"
        sync_path.write_text(json.dumps(sync, indent=2))
        archive = self.directory / f"{self.name}.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
            for member in [*members, sync_path]:
                bundle.write(member, arcname=member.name)
        for member in members:
            member.unlink()
        duration = (
            (max((e["endTime"] or 0) for e in entries) - min(e["startTime"] for e in entries))
            / 1000
            if entries
            else 0.0
        )
        return Outcome(
            files=[archive, sync_path],
            duration=duration,
            size=archive.stat().st_size,
            has_audio=any(e["hasAudio"] for e in entries),
            has_video=any(e["hasVideo"] for e in entries),
        )


class ComposedRecorder(Recorder):
    """Feeds every stream's encoded frames to a composer process of its own."""

    def __init__(
        self,
        engine: MediaEngine,
        room_key: str,
        settings: composer.ComposeSettings,
    ) -> None:
        super().__init__(engine, room_key, settings.has_audio, settings.has_video)
        self.settings = settings
        context = multiprocessing.get_context("spawn")
        self._inbox: Any = context.Queue(maxsize=COMPOSER_QUEUE)
        self._outbox: Any = context.Queue()
        self._process = context.Process(
            target=composer.run,
            args=(settings, self._inbox, self._outbox),
            name="composer",
            daemon=True,
        )
        self._codecs: dict[str, str] = {}

    def start(self) -> None:
        self._process.start()
        super().start()

    def _open(self, connection_id: str, video_codec: str | None, has_audio: bool) -> None:
        if video_codec is not None:
            self._codecs[connection_id] = video_codec
        # Cells are given in the order streams were published, not by whose frame
        # happens to arrive first.
        with contextlib.suppress(queue.Full):
            self._inbox.put_nowait(("add", time.monotonic() - self.started, connection_id))

    def _frame(
        self, connection_id: str, kind: str, data: bytes, pts_ms: int, keyframe: bool
    ) -> None:
        at = time.monotonic() - self.started
        message = (
            ("video", at, connection_id, self._codecs.get(connection_id, "vp8"), data)
            if kind == "video"
            else ("audio", at, connection_id, data)
        )
        try:
            self._inbox.put_nowait(message)
        except queue.Full:
            # The composer is behind: losing frames is better than stalling the room.
            self.dropped += 1

    def _close(self, connection_id: str) -> None:
        with contextlib.suppress(queue.Full):
            self._inbox.put_nowait(("remove", time.monotonic() - self.started, connection_id))

    async def _finish(self) -> Outcome:
        with contextlib.suppress(queue.Full):
            await asyncio.to_thread(
                self._inbox.put, ("stop", time.monotonic() - self.started), True, 10
            )
        outcome = await asyncio.to_thread(self._outcome, 120.0)
        await asyncio.to_thread(self._process.join, 10)
        if self._process.is_alive():
            self._process.kill()
        if outcome[0] != "done" or self._process.exitcode != 0:
            reason = (
                outcome[1]
                if outcome[0] == "failed"
                else f"the composer exited with code {self._process.exitcode}"
            )
            raise RecordingFailed(
                str(reason).strip().splitlines()[-1] if reason else "the composer failed"
            )
        path = Path(self.settings.path)
        files = [path] + (
            [Path(self.settings.thumbnail)]
            if self.settings.thumbnail and Path(self.settings.thumbnail).exists()
            else []
        )
        return Outcome(
            files=files,
            duration=float(outcome[2]),
            size=path.stat().st_size,
            has_audio=self.has_audio,
            has_video=self.has_video,
        )

    def _outcome(self, timeout: float) -> tuple[Any, ...]:
        """The composer's answer; a composer that died without one failed (blocking)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                answer: tuple[Any, ...] = self._outbox.get(timeout=0.5)
                return answer
            except queue.Empty:
                if not self._process.is_alive():
                    return ("failed", f"the composer exited with code {self._process.exitcode}")
        return ("failed", "the composer did not finish in time")
