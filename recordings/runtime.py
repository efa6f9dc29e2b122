"""Recordings in progress in this process: their recorders, their rooms' events, autostop.

A recording lives where its room's media lives (the room's home process). It starts
from the REST API or, for `recordingMode: ALWAYS`, when the first stream is published;
it stops from the REST API, when the room closes, or by itself
OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT seconds after the room is left without
participants (or a recording starts with no one publishing).

Each recording listens to its room's channel-layer group, as a participant would, to
hear of leaves and closes wherever they happen (REST, admin, signaling).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections

from media import app_settings as media_settings
from media.recording import composer
from media.recording.recorders import (
    ComposedRecorder,
    IndividualRecorder,
    Outcome,
    Recorder,
    RecordingFailed,
)
from recordings import service
from recordings.app_settings import app_settings
from recordings.models import Recording
from recordings.properties import RecordingProperties, parse
from recordings.service import Plan, RecordingRefused
from rooms import services
from rooms.addresses import group_name
from rooms.live.media import LocalMediaHome, media_home
from rooms.participation import Seat
from rooms.reasons import Reason

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _db(func: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """ORM work for recordings, in the loop's thread pool with connections of its own.

    Not Django's one thread for sync code: a recording stops in a task that a request
    waits for, and a request's sync code may hold that thread while it waits.
    """

    def call(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()  # this thread's connections only

    return sync_to_async(call, thread_sensitive=False)


def _background(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """A task that outlives the request that started it, in a context of its own.

    A task copies the context it was made in; Django's async views run in a context
    whose thread for database calls goes away with the request, so a recording's
    listener or its stop, made there, would wait for that thread forever.
    """
    return asyncio.get_running_loop().create_task(work, context=contextvars.Context())


@dataclass
class _Active:
    plan: Plan
    recorder: Recorder
    listener: asyncio.Task[None] | None = None
    channel: str | None = None
    autostop: asyncio.TimerHandle | None = None
    stopping: asyncio.Task[None] | None = field(default=None, repr=False)


class RecordingRuntime:
    def __init__(self) -> None:
        self._active: dict[str, _Active] = {}
        self._by_room: dict[int, str] = {}

    # Starting.

    async def start(self, session_id: str, body: dict[str, Any]) -> Recording:
        if not app_settings.RECORDING:
            raise RecordingRefused(501, "Recording is disabled (OPENVIDU_RECORDING=false)")
        if media_settings.get("MEDIA_FORWARDING") != "passthrough":
            raise RecordingRefused(501, "Recording needs MEDIA_FORWARDING=passthrough")
        defaults = await _db(_room_defaults)(session_id)
        properties = parse(body, defaults)
        plan = await _db(service.begin)(session_id, properties)
        await self._start_plan(plan)
        return await _recording(plan.recording_id)

    async def _start_plan(self, plan: Plan) -> None:
        try:
            recorder = await asyncio.to_thread(self._recorder_for, plan)
            recorder.start()
        except Exception as error:
            logger.exception("starting recording %s failed", plan.recording_id)
            await _db(service.mark_finished)(
                plan.recording_id, error=f"could not start: {error}", announce=False
            )
            raise RecordingRefused(500, f"Error starting recording: {error}") from None
        active = _Active(plan, recorder)
        self._active[plan.recording_id] = active
        self._by_room[plan.room_pk] = plan.recording_id
        await self._listen(active)
        await _db(service.mark_started)(plan.recording_id)
        if not media_home(plan.room_pk).publishers():
            self._schedule_autostop(active, Reason.AUTOMATIC_STOP)

    def _recorder_for(self, plan: Plan) -> Recorder:
        """Make the folder and the recorder (in a thread: it touches the disk)."""
        plan.directory.mkdir(parents=True, exist_ok=True)
        properties: RecordingProperties = plan.properties
        # Recorders tap the forwarders themselves, so they run in the room's home process,
        # next to its engine.
        home = LocalMediaHome(plan.room_pk)
        engine, room_key = home.engine, home.key
        if properties.output_mode == "INDIVIDUAL":
            return IndividualRecorder(
                engine,
                room_key,
                plan.directory,
                plan.name,
                plan.recording_id,
                plan.session_id,
                properties.has_audio,
                properties.has_video,
                _describe,
            )
        output = composer.output_path(plan.directory, plan.name, properties.has_video)
        thumbnail = plan.directory / f"{plan.recording_id}.jpg" if properties.has_video else None
        settings_ = composer.ComposeSettings(
            path=str(output),
            thumbnail=str(thumbnail) if thumbnail else None,
            width=properties.width,
            height=properties.height,
            frame_rate=properties.frame_rate,
            has_audio=properties.has_audio,
            has_video=properties.has_video,
        )
        return ComposedRecorder(engine, room_key, settings_)

    async def stream_published(self, seat: Seat) -> None:
        """The lifecycle hook: ALWAYS rooms start recording; a countdown is cancelled."""
        recording_id = self._by_room.get(seat.room_pk)
        if recording_id is not None:
            self._cancel_autostop(self._active[recording_id])
            return
        if not app_settings.RECORDING or media_settings.get("MEDIA_FORWARDING") != "passthrough":
            return
        plan = await _db(_plan_for_always)(seat.room_pk)
        if plan is not None:
            await self._start_plan(plan)

    # Stopping.

    async def stop(
        self, recording_id: str, reason: str = Reason.RECORDING_STOPPED_BY_SERVER
    ) -> Recording:
        status = await _db(service.status_of)(recording_id)
        if status is None or status in (
            Recording.Status.STOPPED,
            Recording.Status.READY,
            Recording.Status.FAILED,
        ):
            raise RecordingRefused(404, f"Recording {recording_id} is not in progress")
        if status == Recording.Status.STARTING or recording_id not in self._active:
            raise RecordingRefused(406, f"Recording {recording_id} is still starting")
        await self._stop(recording_id, reason)
        return await _recording(recording_id)

    async def _stop(self, recording_id: str, reason: str) -> None:
        active = self._active.get(recording_id)
        if active is None:
            return
        if active.stopping is None:
            active.stopping = _background(self._finish(active, reason))
        # Every caller waits for the same finish: a REST stop during an autostop, say.
        await asyncio.shield(active.stopping)

    async def _finish(self, active: _Active, reason: str) -> None:
        plan = active.plan
        self._cancel_autostop(active)
        await self._unlisten(active)
        await _db(service.mark_stopped)(plan.recording_id, reason)
        try:
            outcome: Outcome | None = await active.recorder.stop()
            error = None
        except RecordingFailed as failure:
            outcome, error = None, str(failure) or "the recorder failed"
        except Exception as failure:
            logger.exception("recording %s failed", plan.recording_id)
            outcome, error = None, f"{type(failure).__name__}: {failure}"
        finally:
            self._active.pop(plan.recording_id, None)
            self._by_room.pop(plan.room_pk, None)
        if outcome is not None and outcome.size == 0:
            outcome, error = None, "nothing was recorded"
        await _db(service.mark_finished)(
            plan.recording_id,
            error=error,
            size=outcome.size if outcome else 0,
            duration=round(outcome.duration, 3) if outcome else 0.0,
            file_name=outcome.files[0].name if outcome else "",
            thumbnail_name=_thumbnail(outcome),
        )
        if reason in (Reason.AUTOMATIC_STOP, Reason.LAST_PARTICIPANT_LEFT):
            # The room was kept open for the recording; with nobody in it, it closes now.
            await _db(_close_if_empty)(plan.room_pk, reason)

    # The room's events.

    async def _listen(self, active: _Active) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        active.channel = await layer.new_channel()
        await layer.group_add(group_name(active.plan.room_pk), active.channel)
        active.listener = _background(self._hear(active, layer))

    async def _unlisten(self, active: _Active) -> None:
        if active.listener is not None and active.listener is not asyncio.current_task():
            active.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await active.listener
        layer = get_channel_layer()
        if layer is not None and active.channel is not None:
            await layer.group_discard(group_name(active.plan.room_pk), active.channel)
        active.listener = None

    async def _hear(self, active: _Active, layer: Any) -> None:
        assert active.channel is not None
        while True:
            event = await layer.receive(active.channel)
            kind = event.get("type")
            if kind == "rooms.room_closed":
                # Not awaited here: stopping cancels this very listener.
                active.stopping = active.stopping or _background(
                    self._finish(active, Reason.SESSION_CLOSED_BY_SERVER)
                )
                return
            if kind in ("rooms.participant_left", "rooms.connection_evicted"):
                left = await _db(service.connected_count)(active.plan.room_pk)
                if left == 0:
                    self._schedule_autostop(active, Reason.AUTOMATIC_STOP)
            elif kind in ("rooms.participant_joined", "rooms.participant_published"):
                self._cancel_autostop(active)

    def _schedule_autostop(self, active: _Active, reason: str) -> None:
        self._cancel_autostop(active)
        timeout = app_settings.RECORDING_AUTOSTOP_TIMEOUT
        if timeout == 0 and reason == Reason.AUTOMATIC_STOP:
            reason = Reason.LAST_PARTICIPANT_LEFT
        recording_id = active.plan.recording_id
        active.autostop = asyncio.get_running_loop().call_later(
            timeout,
            lambda: _background(self._stop(recording_id, reason)),
            context=contextvars.Context(),
        )

    def _cancel_autostop(self, active: _Active) -> None:
        if active.autostop is not None:
            active.autostop.cancel()
            active.autostop = None

    async def close(self) -> None:
        """Stop every recording (the process stops, or a test ends)."""
        for recording_id in list(self._active):
            with contextlib.suppress(Exception):
                await self._stop(recording_id, Reason.OPENVIDU_SERVER_STOPPED)


async def _recording(recording_id: str) -> Recording:
    recording: Recording = await Recording.objects.aget(recording_id=recording_id)
    return recording


def _room_defaults(session_id: str) -> dict[str, Any]:
    room = services.find_open_room(session_id)
    if room is None:
        raise RecordingRefused(404, f"Session {session_id} not found")
    return dict(room.default_recording_properties)


def _plan_for_always(room_pk: int) -> Plan | None:
    room = service.room_of(room_pk)
    if (
        room is None
        or room.recording_mode != room.RecordingMode.ALWAYS
        or room.closed_at is not None
    ):
        return None
    if room.recordings.filter(status__in=Recording.ACTIVE).exists():
        return None
    # A recording stopped by hand is not restarted by the next publisher (OpenVidu's rule).
    if room.recordings.filter(reason=Reason.RECORDING_STOPPED_BY_SERVER).exists():
        return None
    try:
        return service.begin(room.session_id, parse({}, dict(room.default_recording_properties)))
    except RecordingRefused:
        return None


def _close_if_empty(room_pk: int, reason: str) -> None:
    room = service.room_of(room_pk)
    if room is not None and room.closed_at is None and service.connected_count(room_pk) == 0:
        services.close_room(
            room, Reason.LAST_PARTICIPANT_LEFT if reason == Reason.AUTOMATIC_STOP else reason
        )


async def _describe(connection_id: str) -> dict[str, Any]:
    return await _db(service.describe_publisher)(connection_id)


def _thumbnail(outcome: Outcome | None) -> str:
    if outcome is None:
        return ""
    return next((path.name for path in outcome.files if Path(path).suffix == ".jpg"), "")


runtime = RecordingRuntime()
# What rooms.lifecycle calls; registered by RecordingsConfig.ready.
observer = runtime
