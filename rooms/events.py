"""Events that a change of a room's state sends to everyone in the room.

Each event goes to the room's channel-layer group only after the transaction that made
the change commits: a participant is never told of a change that was rolled back, and
the same code is right with one Daphne process or many behind Redis.
"""

from __future__ import annotations

import types
from typing import Any, Literal, TypedDict, TypeVar, Union, get_args, get_origin, get_type_hints

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from rooms.models import Room


class RoomClosed(TypedDict):
    type: Literal["rooms.room_closed"]
    session_id: str
    reason: str
    # The participants that were in the room, in the order they were evicted.
    evicted: list[str]


class ConnectionEvicted(TypedDict):
    type: Literal["rooms.connection_evicted"]
    session_id: str
    connection_id: str
    reason: str


class StreamUnpublished(TypedDict):
    type: Literal["rooms.stream_unpublished"]
    session_id: str
    connection_id: str
    stream_id: str
    reason: str


class ParticipantJoined(TypedDict):
    type: Literal["rooms.participant_joined"]
    connection_id: str
    created_at: int
    client_data: str
    server_data: str


class ParticipantPublished(TypedDict):
    type: Literal["rooms.participant_published"]
    connection_id: str
    stream: dict[str, Any]


class ParticipantLeft(TypedDict):
    type: Literal["rooms.participant_left"]
    connection_id: str
    reason: str


class StreamPropertyChanged(TypedDict):
    type: Literal["rooms.stream_property_changed"]
    connection_id: str
    stream_id: str
    property: str
    new_value: str
    reason: str
    # Who made the change: the owner, or a moderator changing another's filter.
    changed_by: str


class Signal(TypedDict):
    type: Literal["rooms.signal"]
    to: list[str]
    signal_type: str | None
    data: str | None
    sender: str | None


class RecordingStarted(TypedDict):
    type: Literal["rooms.recording_started"]
    recording_id: str
    name: str
    # The roles told of it (the recordings app's OPENVIDU_RECORDING_NOTIFICATION).
    roles: list[str]


class RecordingStopped(TypedDict):
    type: Literal["rooms.recording_stopped"]
    recording_id: str
    name: str
    reason: str
    roles: list[str]


LiveEvent = (
    RoomClosed
    | ConnectionEvicted
    | StreamUnpublished
    | ParticipantJoined
    | ParticipantPublished
    | ParticipantLeft
    | StreamPropertyChanged
    | Signal
    | RecordingStarted
    | RecordingStopped
)


class MalformedEvent(ValueError):
    """An event that does not match its schema: a bug of the process that sent it."""


Event = TypeVar("Event")


def _matches(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if hint is Any:
        return True
    if hint is type(None):
        return value is None
    if origin is Literal:
        return value in get_args(hint)
    if origin is Union or origin is types.UnionType:
        return any(_matches(value, option) for option in get_args(hint))
    if origin is list:
        (item,) = get_args(hint)
        return isinstance(value, list) and all(_matches(one, item) for one in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def checked(event: dict[str, Any], schema: type[Event]) -> Event:
    """The event as its schema types it; raises MalformedEvent when it does not fit.

    Events cross processes (Redis), so the receiver checks what the sender's types
    promise: every field of the schema present with its type.
    """
    for name, hint in get_type_hints(schema).items():
        if name not in event:
            raise MalformedEvent(f"{event.get('type')!r} has no {name!r}")
        if not _matches(event[name], hint):
            raise MalformedEvent(f"{event.get('type')!r} has a wrong {name!r}: {event[name]!r}")
    return event  # type: ignore[return-value]


def _send_after_commit(room: Room, event: LiveEvent) -> None:
    group = room.channel_group

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, dict(event))

    transaction.on_commit(send, robust=True)


def room_closed(room: Room, reason: str, evicted: list[str]) -> None:
    _send_after_commit(
        room,
        RoomClosed(
            type="rooms.room_closed",
            session_id=room.session_id,
            reason=reason,
            evicted=list(evicted),
        ),
    )


def connection_evicted(room: Room, connection_id: str, reason: str) -> None:
    _send_after_commit(
        room,
        ConnectionEvicted(
            type="rooms.connection_evicted",
            session_id=room.session_id,
            connection_id=connection_id,
            reason=reason,
        ),
    )


def stream_unpublished(room: Room, connection_id: str, stream_id: str, reason: str) -> None:
    _send_after_commit(
        room,
        StreamUnpublished(
            type="rooms.stream_unpublished",
            session_id=room.session_id,
            connection_id=connection_id,
            stream_id=stream_id,
            reason=reason,
        ),
    )


def announce_participant_joined(
    room: Room, connection_id: str, created_at: int, client_data: str, server_data: str
) -> None:
    _send_after_commit(
        room,
        ParticipantJoined(
            type="rooms.participant_joined",
            connection_id=connection_id,
            created_at=created_at,
            client_data=client_data,
            server_data=server_data,
        ),
    )


def participant_published(room: Room, stream: dict[str, Any]) -> None:
    _send_after_commit(
        room,
        ParticipantPublished(
            type="rooms.participant_published",
            connection_id=stream["connection_id"],
            stream=stream,
        ),
    )


def participant_left(room: Room, connection_id: str, reason: str) -> None:
    _send_after_commit(
        room,
        ParticipantLeft(type="rooms.participant_left", connection_id=connection_id, reason=reason),
    )


def stream_property_changed(
    room: Room,
    connection_id: str,
    stream_id: str,
    field: str,
    new_value: str,
    reason: str,
    changed_by: str | None = None,
) -> None:
    _send_after_commit(
        room,
        StreamPropertyChanged(
            type="rooms.stream_property_changed",
            connection_id=connection_id,
            stream_id=stream_id,
            property=field,
            new_value=new_value,
            reason=reason,
            changed_by=changed_by or connection_id,
        ),
    )


def signal(
    room: Room, to: list[str], signal_type: str | None, data: str | None, sender: str | None
) -> None:
    _send_after_commit(
        room, Signal(type="rooms.signal", to=to, signal_type=signal_type, data=data, sender=sender)
    )


def recording_started(room: Room, recording_id: str, name: str, roles: list[str]) -> None:
    _send_after_commit(
        room,
        RecordingStarted(
            type="rooms.recording_started", recording_id=recording_id, name=name, roles=roles
        ),
    )


def recording_stopped(
    room: Room, recording_id: str, name: str, reason: str, roles: list[str]
) -> None:
    _send_after_commit(
        room,
        RecordingStopped(
            type="rooms.recording_stopped",
            recording_id=recording_id,
            name=name,
            reason=reason,
            roles=roles,
        ),
    )
