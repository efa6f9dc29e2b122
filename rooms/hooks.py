"""What optional apps tell the rooms app, without the rooms app importing them.

The rooms app works alone (with `media`). An app that adds to rooms, such as
`recordings`, registers here in its `AppConfig.ready`:

- `set_recording_state(state)`: whether a room is being recorded, for the REST
  representations, the `joinRoom` answer, the room page's button, and the rule that a
  room being recorded is not closed when its last participant leaves (the recording's
  own autostop ends it, as in OpenVidu). Without one, no room is ever recorded.
- `add_keeps_open(predicate)`: anything else that keeps a room open once it is empty.
- `add_config(section)`: entries of `GET /openvidu/api/config` the app owns (its
  `OPENVIDU_*` settings); without one, the rooms app reports the feature off.

Every hook is called inside the caller's transaction and must not fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db.models import QuerySet

from rooms.models import Room


class RecordingState(Protocol):
    def in_progress(self, room: Room) -> tuple[str, str] | None:
        """(id, name) of the room's recording in progress, None when there is none."""
        ...

    def annotate(self, rooms: QuerySet[Room]) -> QuerySet[Room]:
        """The rooms with what `is_recording` needs, so a page of rooms costs one query."""
        ...

    def is_recording(self, room: Room) -> bool: ...

    def control_url(self, room_name: str) -> str | None:
        """Where the room page's Start/Stop button posts; None for no button."""
        ...

    def notified_roles(self) -> list[str]:
        """The roles told of recordings (`joinRoom`'s recordingId, recordingStarted)."""
        ...


class NoRecordings:
    """The state of a site without the recordings app."""

    def in_progress(self, room: Room) -> tuple[str, str] | None:
        return None

    def annotate(self, rooms: QuerySet[Room]) -> QuerySet[Room]:
        return rooms

    def is_recording(self, room: Room) -> bool:
        return False

    def control_url(self, room_name: str) -> str | None:
        return None

    def notified_roles(self) -> list[str]:
        return []


_recording_state: RecordingState = NoRecordings()
_keeps_open: list[Callable[[Room], bool]] = []
_config_sections: list[Callable[[], dict[str, Any]]] = []


def set_recording_state(state: RecordingState) -> None:
    global _recording_state
    _recording_state = state


def recording_state() -> RecordingState:
    return _recording_state


def add_keeps_open(predicate: Callable[[Room], bool]) -> None:
    if predicate not in _keeps_open:
        _keeps_open.append(predicate)


def add_config(section: Callable[[], dict[str, Any]]) -> None:
    if section not in _config_sections:
        _config_sections.append(section)


def config_sections() -> tuple[Callable[[], dict[str, Any]], ...]:
    return tuple(_config_sections)


def kept_open(room: Room) -> bool:
    """Whether an empty room stays open: it is being recorded, or an app says so."""
    if _recording_state.in_progress(room) is not None:
        return True
    return any(predicate(room) for predicate in tuple(_keeps_open))
