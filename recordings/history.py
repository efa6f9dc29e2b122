"""A recording's entries in its room's history (`recordingStatusChanged`, OpenVidu's shape)."""

from __future__ import annotations

from typing import Any

from recordings.models import Recording
from rooms.history import millis, record
from rooms.models import RoomEvent


def recording_status_changed(recording: Recording, reason: str | None = None) -> None:
    fields: dict[str, Any] = {
        "id": recording.recording_id,
        "name": recording.name,
        "outputMode": recording.output_mode,
    }
    if recording.output_mode != "INDIVIDUAL" and recording.has_video:
        fields["resolution"] = recording.resolution
        fields["frameRate"] = recording.frame_rate
        fields["recordingLayout"] = recording.recording_layout
        if recording.recording_layout == "CUSTOM" and recording.custom_layout:
            fields["customLayout"] = recording.custom_layout
    fields.update(
        {
            "hasAudio": recording.has_audio,
            "hasVideo": recording.has_video,
            "size": recording.size,
            "duration": recording.duration,
            "status": recording.status,
            "startTime": millis(recording.created_at),
        }
    )
    if reason:
        fields["reason"] = reason
    record(recording.room, RoomEvent.Name.RECORDING_STATUS_CHANGED, fields)
