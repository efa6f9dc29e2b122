"""The properties of a recording to start, checked as OpenVidu checks them.

A value of the wrong JSON type, or a name or mode that does not exist, is a 400; a
value of the right type out of its range is a 422 (OpenVidu's split, which clients
rely on). Missing properties fall back to the room's defaults, then OpenVidu's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rooms.api.representations import DEFAULT_RECORDING_PROPERTIES, LAYOUTS, OUTPUT_MODES

NAME = re.compile(r"^[a-zA-Z0-9_~-]+$")
RESOLUTION = re.compile(r"^(?!0)([0-9]{3}|1[0-9]{3})x(?!0)([0-9]{3}|1[0-9]{3})$")
# OpenVidu's defaults, the same the REST API shows in a session's defaultRecordingProperties.
DEFAULTS = DEFAULT_RECORDING_PROPERTIES
_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "outputMode": (str,),
    "recordingLayout": (str,),
    "resolution": (str,),
    "customLayout": (str,),
    "hasAudio": (bool,),
    "hasVideo": (bool,),
    "ignoreFailedStreams": (bool,),
    "frameRate": (int, float),
    "shmSize": (int, float),
}


class InvalidProperties(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RecordingProperties:
    name: str
    output_mode: str
    has_audio: bool
    has_video: bool
    recording_layout: str
    custom_layout: str
    resolution: str
    frame_rate: int

    @property
    def width(self) -> int:
        return int(self.resolution.split("x")[0])

    @property
    def height(self) -> int:
        return int(self.resolution.split("x")[1])


def parse(body: dict[str, Any], room_defaults: dict[str, Any]) -> RecordingProperties:
    for key, kinds in _TYPES.items():
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) and bool not in kinds:
            raise InvalidProperties(
                400, f"Type error in parameter '{key}': a number, not a boolean"
            )
        if not isinstance(value, kinds):
            expected = {str: "a string", bool: "true or false", int: "a number"}[kinds[0]]
            raise InvalidProperties(400, f"Type error in parameter '{key}': must be {expected}")

    def pick(key: str) -> Any:
        for source in (body, room_defaults, DEFAULTS):
            if source.get(key) is not None:
                return source[key]
        return None

    name = pick("name")
    if name and not NAME.match(name):
        raise InvalidProperties(
            400, "Parameter 'name' is wrong. Must be an alphanumeric string [a-zA-Z0-9_-~]+"
        )
    has_audio, has_video = bool(pick("hasAudio")), bool(pick("hasVideo"))
    if not has_audio and not has_video:
        raise InvalidProperties(
            422, 'Cannot start a recording with both "hasAudio" and "hasVideo" set to false'
        )
    output_mode = pick("outputMode")
    if output_mode not in OUTPUT_MODES:
        raise InvalidProperties(400, "Type error in parameter 'outputMode'")
    layout, resolution, frame_rate = pick("recordingLayout"), pick("resolution"), pick("frameRate")
    if output_mode != "INDIVIDUAL":
        if layout not in LAYOUTS:
            raise InvalidProperties(400, "Type error in parameter 'recordingLayout'")
        if not RESOLUTION.match(resolution):
            raise InvalidProperties(
                422,
                "Wrong 'resolution' parameter. Acceptable values from 100 to 1999 for both width and height",
            )
        if not 1 <= int(frame_rate) <= 120:
            raise InvalidProperties(
                422, "Wrong 'frameRate' parameter. Acceptable values are within range [1,120]"
            )
        if int(pick("shmSize")) < 134217728:
            raise InvalidProperties(
                422, "Wrong 'shmSize' parameter. Must be 134217728 (128 MB) minimum"
            )
    return RecordingProperties(
        name=name or "",
        output_mode=output_mode,
        has_audio=has_audio,
        has_video=has_video,
        recording_layout=layout,
        custom_layout=pick("customLayout") or "",
        resolution=resolution,
        frame_rate=int(frame_rate),
    )
