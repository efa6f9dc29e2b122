"""The room's history: every event is written as a RoomEvent in the caller's transaction.

The services call these functions next to the change they make. Each one builds the
event in OpenVidu's CDR/webhook shape (the protocol's names stay here, at the edge),
stores it, lets the webhooks app queue it in the same transaction, and sends the
public Django signal after commit.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from rooms import hidden_seats, signals
from rooms.models import Connection, Room, RoomEvent, Stream

logger = logging.getLogger(__name__)


def millis(moment: datetime) -> int:
    """A moment as OpenVidu's wire has it: milliseconds since the epoch."""
    return int(moment.timestamp() * 1000)


def unique_session_id(room: Room) -> str:
    """OpenVidu's uniqueSessionId: a reused session id still names one room."""
    return f"{room.session_id}_{millis(room.created_at)}"


def _ended(started: datetime, now: datetime, reason: str) -> dict[str, Any]:
    return {
        "startTime": millis(started),
        "duration": int((now - started).total_seconds()),
        "reason": reason,
    }


def record(
    room: Room,
    name: str,
    fields: dict[str, Any],
    *,
    at: datetime | None = None,
    connection_id: str = "",
) -> RoomEvent:
    """Store one event of the room; the caller holds the transaction of the change."""
    at = at or timezone.now()
    payload = {
        "sessionId": room.session_id,
        "uniqueSessionId": unique_session_id(room),
        "timestamp": millis(at),
        **fields,
    }
    event = RoomEvent.objects.create(
        room=room, name=name, at=at, connection_id=connection_id, payload=payload
    )
    signals.event_recorded.send(sender=RoomEvent, event=event)
    public = signals.BY_EVENT[name]

    def announce() -> None:
        public.send_robust(sender=Room, room=room, event=event, payload=payload)

    transaction.on_commit(announce, robust=True)
    return event


# Sessions


def session_created(room: Room) -> None:
    record(room, RoomEvent.Name.SESSION_CREATED, {}, at=room.created_at)


def session_destroyed(room: Room, reason: str, now: datetime) -> None:
    record(room, RoomEvent.Name.SESSION_DESTROYED, _ended(room.created_at, now, reason), at=now)


# Participants


def _participant(connection: Connection) -> dict[str, Any]:
    return {
        "connectionId": connection.connection_id,
        # OpenVidu still sends its old name beside the new one.
        "participantId": connection.connection_id,
        "location": connection.location or "unknown",
        "ip": connection.ip,
        "platform": connection.platform,
        "clientData": connection.client_data or "",
        "serverData": connection.server_data,
    }


def record_participant_joined(connection: Connection) -> None:
    assert connection.active_at is not None
    if hidden_seats.is_recorder(connection.connection_id):
        return
    record(
        connection.room,
        RoomEvent.Name.PARTICIPANT_JOINED,
        _participant(connection),
        at=connection.active_at,
        connection_id=connection.connection_id,
    )


def participant_left(connection: Connection, reason: str, now: datetime) -> None:
    assert connection.active_at is not None
    if hidden_seats.is_recorder(connection.connection_id):
        return
    record(
        connection.room,
        RoomEvent.Name.PARTICIPANT_LEFT,
        {**_participant(connection), **_ended(connection.active_at, now, reason)},
        at=now,
        connection_id=connection.connection_id,
    )


# WebRTC connections: a published stream (OUTBOUND) or a subscription to one (INBOUND)


def _webrtc(stream: Stream, owner: Connection, receiving_from: str | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "streamId": stream.stream_id,
        "connectionId": owner.connection_id,
        "participantId": owner.connection_id,
        "connection": "OUTBOUND" if receiving_from is None else "INBOUND",
    }
    if receiving_from is not None:
        fields["receivingFrom"] = receiving_from
    if stream.has_video:
        fields["videoSource"] = stream.type_of_video
        fields["videoFramerate"] = stream.frame_rate
        fields["videoDimensions"] = stream.video_dimensions
    fields["audioEnabled"] = stream.has_audio
    fields["videoEnabled"] = stream.has_video
    return fields


def stream_published(stream: Stream) -> None:
    publisher = stream.connection
    record(
        publisher.room,
        RoomEvent.Name.WEBRTC_CONNECTION_CREATED,
        _webrtc(stream, publisher, None),
        at=stream.created_at,
        connection_id=publisher.connection_id,
    )


def stream_closed(stream: Stream, reason: str, now: datetime) -> None:
    publisher = stream.connection
    record(
        publisher.room,
        RoomEvent.Name.WEBRTC_CONNECTION_DESTROYED,
        {**_webrtc(stream, publisher, None), **_ended(stream.created_at, now, reason)},
        at=now,
        connection_id=publisher.connection_id,
    )


def subscribed(subscriber: Connection, stream: Stream, at: datetime) -> None:
    if hidden_seats.is_recorder(subscriber.connection_id):
        return
    record(
        subscriber.room,
        RoomEvent.Name.WEBRTC_CONNECTION_CREATED,
        _webrtc(stream, subscriber, stream.connection.connection_id),
        at=at,
        connection_id=subscriber.connection_id,
    )


def unsubscribed(
    subscriber: Connection, stream: Stream, started: datetime, reason: str, now: datetime
) -> None:
    if hidden_seats.is_recorder(subscriber.connection_id):
        return
    record(
        subscriber.room,
        RoomEvent.Name.WEBRTC_CONNECTION_DESTROYED,
        {
            **_webrtc(stream, subscriber, stream.connection.connection_id),
            **_ended(started, now, reason),
        },
        at=now,
        connection_id=subscriber.connection_id,
    )


# Signals between participants


def signal_sent(
    room: Room, sender: str | None, to: list[str], type_: str | None, data: str | None
) -> None:
    # openvidu-server takes "signal:" off the type of a participant's signal only; a
    # signal from the REST API keeps its type as the application wrote it.
    if sender is not None and type_ is not None:
        type_ = type_.removeprefix("signal:")
    record(
        room,
        RoomEvent.Name.SIGNAL_SENT,
        {"from": sender, "to": list(to), "type": type_, "data": data},
        connection_id=sender or "",
    )
