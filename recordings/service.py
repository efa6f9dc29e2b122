"""The rows of recordings: the only code that changes them (called through the runtime)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from recordings import files
from recordings import history as recording_history
from recordings.app_settings import app_settings
from recordings.models import Recording
from recordings.properties import RecordingProperties
from rooms import events
from rooms.app_settings import app_settings as rooms_settings
from rooms.models import Connection, Room, Stream
from rooms.reasons import Reason


class RecordingRefused(Exception):
    """The recording cannot start or stop; `status` is the HTTP status OpenVidu answers."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Plan:
    """What the runtime needs to start recording a room: plain data, no ORM."""

    recording_id: str
    name: str
    room_pk: int
    session_id: str
    directory: Path
    properties: RecordingProperties
    video_codec: str


def directory_of(recording_id: str) -> Path:
    """The recording's own folder; ValueError for an id that would point elsewhere.

    Ids are made from session ids, which cannot hold such names; this guards what
    deletes folders against a row written some other way.
    """
    if not files.plain_name(recording_id):
        raise ValueError(f"{recording_id!r} is not a recording folder's name")
    return Path(app_settings.RECORDING_PATH) / recording_id


def _free_id(session_id: str) -> str:
    """OpenVidu's ids: the session id, then `<id>~1`, `<id>~2`... the first one unused."""
    taken = set(
        Recording.objects.filter(recording_id__startswith=session_id).values_list(
            "recording_id", flat=True
        )
    )
    candidate, counter = session_id, 0
    while candidate in taken or directory_of(candidate).exists():
        counter += 1
        candidate = f"{session_id}~{counter}"
    return candidate


@transaction.atomic
def begin(session_id: str, properties: RecordingProperties) -> Plan:
    """A new recording row in `starting`, after OpenVidu's checks (404, 409, 406)."""
    room = (
        Room.objects.select_for_update()
        .filter(session_id=session_id, closed_at__isnull=True)
        .first()
    )
    if room is None:
        raise RecordingRefused(404, f"Session {session_id} not found")
    if room.media_mode == Room.MediaMode.RELAYED:
        raise RecordingRefused(
            409, f"Session {session_id} is RELAYED: its media does not pass the server"
        )
    if room.recordings.filter(status__in=Recording.ACTIVE).exists():
        raise RecordingRefused(409, f"Session {session_id} is already being recorded")
    if not room.connections.filter(status=Connection.Status.ACTIVE).exists():
        raise RecordingRefused(406, f"Session {session_id} has no connected participants")
    recording_id = _free_id(room.session_id)
    name = properties.name or recording_id
    try:
        with transaction.atomic():
            Recording.objects.create(
                recording_id=recording_id,
                room=room,
                session_id=room.session_id,
                name=name,
                output_mode=properties.output_mode,
                has_audio=properties.has_audio,
                has_video=properties.has_video,
                recording_layout=properties.recording_layout,
                custom_layout=properties.custom_layout,
                resolution=properties.resolution,
                frame_rate=properties.frame_rate,
            )
    except IntegrityError:
        raise RecordingRefused(409, f"Session {session_id} is already being recorded") from None
    codec = "h264" if room.forced_video_codec == Room.VideoCodec.H264 else "vp8"
    return Plan(
        recording_id, name, room.pk, room.session_id, directory_of(recording_id), properties, codec
    )


@transaction.atomic
def mark_started(recording_id: str) -> None:
    recording = Recording.objects.select_related("room").get(recording_id=recording_id)
    recording.status = Recording.Status.STARTED
    recording.save(update_fields=["status"])
    recording_history.recording_status_changed(recording)
    events.recording_started(
        recording.room, recording.recording_id, recording.name, app_settings.NOTIFIED_ROLES
    )


@transaction.atomic
def mark_stopped(recording_id: str, reason: str) -> bool:
    """started → stopped; False if it was not started (still starting, or done)."""
    updated = Recording.objects.filter(
        recording_id=recording_id, status=Recording.Status.STARTED
    ).update(status=Recording.Status.STOPPED, reason=reason, stopped_at=timezone.now())
    if updated:
        recording = Recording.objects.select_related("room").get(recording_id=recording_id)
        recording_history.recording_status_changed(recording, reason)
    return updated == 1


@transaction.atomic
def mark_finished(
    recording_id: str,
    *,
    error: str | None,
    size: int = 0,
    duration: float = 0.0,
    file_name: str = "",
    thumbnail_name: str = "",
    announce: bool = True,
) -> None:
    recording = Recording.objects.select_related("room").get(recording_id=recording_id)
    recording.status = Recording.Status.FAILED if error else Recording.Status.READY
    recording.error = error or ""
    recording.size, recording.duration = size, duration
    recording.file_name, recording.thumbnail_name = file_name, thumbnail_name
    recording.stopped_at = recording.stopped_at or timezone.now()
    recording.reason = recording.reason or Reason.RECORDING_STOPPED_BY_SERVER
    recording.save()
    recording_history.recording_status_changed(recording, recording.reason)
    if announce:
        events.recording_stopped(
            recording.room,
            recording.recording_id,
            recording.name,
            recording.reason,
            app_settings.NOTIFIED_ROLES,
        )


def abandon(room: Room, reason: str) -> None:
    """The room's process stopped while recording: its recordings in progress failed.

    Called by rooms.nodes inside the transaction that closes the room; what the
    recorder had written stays on disk, unfinished.
    """
    for recording_id in room.recordings.filter(status__in=Recording.ACTIVE).values_list(
        "recording_id", flat=True
    ):
        Recording.objects.filter(recording_id=recording_id).update(
            reason=reason, stopped_at=timezone.now()
        )
        mark_finished(recording_id, error="The server stopped while recording", announce=False)


def active_recording_of(room_pk: int) -> tuple[str, str] | None:
    recording = Recording.objects.filter(room_id=room_pk, status__in=Recording.ACTIVE).first()
    return None if recording is None else (recording.recording_id, recording.name)


def status_of(recording_id: str) -> str | None:
    return (
        Recording.objects.filter(recording_id=recording_id).values_list("status", flat=True).first()
    )


def connected_count(room_pk: int) -> int:
    return Connection.objects.filter(room_id=room_pk, status=Connection.Status.ACTIVE).count()


def room_of(room_pk: int) -> Room | None:
    return Room.objects.filter(pk=room_pk).first()


def json_of(recording: Recording) -> dict[str, Any]:
    """OpenVidu's Recording JSON, key for key."""
    body: dict[str, Any] = {
        "id": recording.recording_id,
        "object": "recording",
        "name": recording.name,
        "outputMode": recording.output_mode,
    }
    if recording.is_composed and recording.has_video:
        body.update(
            {
                "resolution": recording.resolution,
                "frameRate": recording.frame_rate,
                "recordingLayout": recording.recording_layout,
            }
        )
        if recording.recording_layout == "CUSTOM":
            body["customLayout"] = recording.custom_layout
    done = recording.status in (Recording.Status.READY, Recording.Status.FAILED)
    body.update(
        {
            "sessionId": recording.session_id,
            "createdAt": int(recording.created_at.timestamp() * 1000),
            "size": recording.size,
            "duration": recording.duration,
            "url": file_url(recording) if done else None,
            "hasAudio": recording.has_audio,
            "hasVideo": recording.has_video,
            "status": recording.status,
        }
    )
    return body


def file_url(recording: Recording) -> str:
    name = recording.file_name or f"{recording.name}.{recording.extension}"
    return f"{rooms_settings.PUBLICURL}/openvidu/recordings/{recording.recording_id}/{name}"


def describe_publisher(connection_id: str) -> dict[str, Any]:
    """What the sync file says of a stream: its newest stream id, its data (closed or not)."""
    connection = Connection.objects.filter(connection_id=connection_id).first()
    stream = (
        Stream.objects.filter(connection__connection_id=connection_id)
        .order_by("-created_at", "-pk")
        .first()
    )
    return {
        "streamId": stream.stream_id if stream else None,
        "typeOfVideo": stream.type_of_video if stream else "CAMERA",
        "clientData": (connection.client_data or "") if connection else "",
        "serverData": connection.server_data if connection else "",
    }
