"""What live participants do in a room: join, publish, subscribe, signal, leave.

Like `rooms.services`, these are the only functions that change the rows, each in one
transaction, with the room's events sent after commit. The signaling consumer calls
them through `database_sync_to_async` and gets plain data back (`Seat`, `StreamInfo`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from rooms import addresses, events, hidden_seats, history, hooks, nodes, seat_data, services
from rooms.internal import identifiers
from rooms.internal.lock_order import lock_room, retrying
from rooms.models import Connection, Room, Stream, Subscription
from rooms.reasons import Reason


class AmbiguousMetadata(services.RoomError):
    """Client data the room pages would split into a forged server part."""


class ParticipationError(services.RoomError):
    pass


class NotAllowed(ParticipationError):
    """The seat's role does not allow what it asked for."""


@dataclass(frozen=True)
class StreamInfo:
    stream_id: str
    connection_id: str
    created_at: int
    has_audio: bool
    has_video: bool
    audio_active: bool
    video_active: bool
    type_of_video: str
    frame_rate: int | None
    video_dimensions: str
    # OpenVidu's `{type, options[, lastExecMethod]}` of the stream's filter; {} for none.
    filter: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, stream: Stream) -> StreamInfo:
        return cls(
            stream_id=stream.stream_id,
            connection_id=stream.connection.connection_id,
            created_at=history.millis(stream.created_at),
            has_audio=stream.has_audio,
            has_video=stream.has_video,
            audio_active=stream.audio_active,
            video_active=stream.video_active,
            type_of_video=stream.type_of_video,
            frame_rate=stream.frame_rate,
            video_dimensions=stream.video_dimensions,
            filter=dict(stream.filter or {}),
        )

    def as_event(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Seat:
    """A participant as the signaling layer needs it: plain data, no ORM."""

    connection_id: str
    room_pk: int
    session_id: str
    role: str
    record: bool
    created_at: int
    active_at: int
    client_data: str
    server_data: str
    custom_ice_servers: list[dict[str, str]]
    video_codec: str
    # (id, name) of the room's recording in progress when the seat was taken, if any.
    recording: tuple[str, str] | None = None
    # kurentoOptions.allowedFilters: the filters this seat may put on its own stream.
    allowed_filters: tuple[str, ...] = ()

    @property
    def channel_group(self) -> str:
        return addresses.group_name(self.room_pk)

    @property
    def may_publish(self) -> bool:
        return self.role in (Connection.Role.PUBLISHER, Connection.Role.MODERATOR)

    @property
    def is_moderator(self) -> bool:
        return self.role == Connection.Role.MODERATOR

    @classmethod
    def of(cls, connection: Connection) -> Seat:
        room = connection.room
        codec = room.forced_video_codec
        return cls(
            connection_id=connection.connection_id,
            room_pk=room.pk,
            session_id=room.session_id,
            role=connection.role,
            record=connection.record,
            created_at=history.millis(connection.created_at),
            active_at=history.millis(connection.active_at or connection.created_at),
            client_data=connection.client_data or "",
            server_data=connection.server_data,
            custom_ice_servers=list(connection.custom_ice_servers),
            # Media forwarding needs one codec: VP8 unless the room forces H.264.
            video_codec="H264" if codec == Room.VideoCodec.H264 else "VP8",
            allowed_filters=tuple(
                str(name) for name in (connection.kurento_options or {}).get("allowedFilters", [])
            ),
        )


@dataclass(frozen=True)
class Peer:
    """Another participant already in the room, with what it publishes."""

    connection_id: str
    created_at: int
    client_data: str
    server_data: str
    streams: list[StreamInfo]


# Role rules: what each role may do, as openvidu-server decides it.


def require_publisher(seat: Seat) -> None:
    """Only a PUBLISHER or a MODERATOR may publish."""
    if not seat.may_publish:
        raise NotAllowed(f"Unable to publish video: a {seat.role} cannot publish")


def require_moderator(seat: Seat, action: str) -> None:
    """Only a MODERATOR may force others out or stop their streams."""
    if not seat.is_moderator:
        raise NotAllowed(f"Only a MODERATOR can {action}")


def require_filter_rights(seat: Seat, stream: StreamInfo, filter_type: str | None) -> None:
    """As openvidu-server: a MODERATOR filters any stream; the owner of a stream its own,
    with a token whose kurentoOptions.allowedFilters names the filter."""
    if seat.is_moderator:
        return
    if stream.connection_id == seat.connection_id and (
        filter_type is None or filter_type in seat.allowed_filters
    ):
        return
    raise NotAllowed("Unable to apply filter. The user does not have a valid token")


FORCE_DISCONNECT = "force a disconnection"
FORCE_UNPUBLISH = "force unpublishing"


def is_open(session_id: str) -> bool:
    return services.find_open_room(session_id) is not None


def group_of_token(token: str) -> str | None:
    """The channel-layer group of the room a token invites to, None for no such token."""
    room_pk = Connection.objects.filter(token=token).values_list("room_id", flat=True).first()
    return None if room_pk is None else addresses.group_name(room_pk)


@retrying
@transaction.atomic
def join(
    token: str, session_id: str, *, client_data: str, ip: str, platform: str
) -> tuple[Seat, list[Peer]]:
    """Take the seat of a token and announce it; returns it and who else is in the room."""
    connection = services.join_with_token(
        token,
        ip=ip,
        platform=platform,
        client_data=client_data,
        location="unknown",
        node=nodes.this_node(),
    )
    if connection.room.session_id != session_id:
        raise services.InvalidToken(f"Token {token} is not valid for session {session_id}")
    # The room pages split a connection's data at its last "%/%" and trust what follows
    # as server data. OpenVidu writes the separator only when both parts are set, so in
    # a room the pages show, a seat without server data must not write one itself.
    if (
        connection.room.origin == Room.Origin.PAGES
        and not connection.server_data
        and seat_data.METADATA_SEPARATOR in client_data
    ):
        raise AmbiguousMetadata(
            f"In this room, client data without server data cannot contain {seat_data.METADATA_SEPARATOR!r}"
        )
    seat = Seat.of(connection)
    recording = hooks.recording_state().in_progress(connection.room)
    if recording is not None:
        seat = replace(seat, recording=recording)
    peers = [
        Peer(
            connection_id=other.connection_id,
            created_at=history.millis(other.active_at or other.created_at),
            client_data=other.client_data or "",
            server_data=other.server_data,
            streams=[
                StreamInfo.of(stream) for stream in other.streams.all() if stream.closed_at is None
            ],
        )
        for other in connection.room.connections.filter(status=Connection.Status.ACTIVE)
        .exclude(pk=connection.pk)
        .prefetch_related("streams__connection")
        if not hidden_seats.is_recorder(other.connection_id)
    ]
    if not hidden_seats.is_recorder(seat.connection_id):
        events.announce_participant_joined(
            connection.room, seat.connection_id, seat.active_at, seat.client_data, seat.server_data
        )
    return seat, peers


@retrying
@transaction.atomic
def join_camera(
    room_pk: int, connection_id: str, properties: services.ConnectionProperties, *, ip: str
) -> tuple[Connection, StreamInfo]:
    """An IP camera joins and publishes at once, as openvidu-server's publishIpcam: an
    active IPCAM seat (no token) with its stream, and the room is told of both."""
    room = lock_room(room_pk)
    if room.closed_at is not None:
        raise services.RoomIsClosed(f"Session {room.session_id} is closed")
    connection = Connection.objects.create(
        connection_id=connection_id,
        room=room,
        type=Connection.Type.IPCAM,
        role=Connection.Role.PUBLISHER,
        record=properties.record,
        server_data=properties.server_data,
        rtsp_uri=properties.rtsp_uri,
        adaptative_bitrate=properties.adaptative_bitrate,
        only_play_with_subscribers=properties.only_play_with_subscribers,
        network_cache=properties.network_cache,
        status=Connection.Status.ACTIVE,
        active_at=timezone.now(),
        ip=ip,
        platform=Stream.TypeOfVideo.IPCAM,
        location="unknown",
        client_data="",
        node=nodes.this_node(),
    )
    history.record_participant_joined(connection)
    stream = Stream.objects.create(
        stream_id=identifiers.new_stream_id(connection_id, Stream.TypeOfVideo.IPCAM),
        connection=connection,
        has_audio=True,
        has_video=True,
        audio_active=True,
        video_active=True,
        type_of_video=Stream.TypeOfVideo.IPCAM,
        frame_rate=None,
        video_dimensions="",
    )
    info = StreamInfo.of(stream)
    history.stream_published(stream)
    active_at = history.millis(connection.active_at or connection.created_at)
    events.announce_participant_joined(room, connection_id, active_at, "", connection.server_data)
    events.participant_published(room, info.as_event())
    return connection, info


@retrying
@transaction.atomic
def mint_subscriber(session_id: str, *, recorder: bool = False) -> str:
    """A token for a caller that proved it holds the server secret (OpenVidu's `secret`);
    with `recorder`, for a hidden recorder seat (`rooms.hidden_seats`)."""
    room = services.find_open_room(session_id)
    if room is None:
        raise services.RoomIsClosed(f"Session {session_id} not found")
    connection = services.create_connection(
        room,
        services.ConnectionProperties(role=Connection.Role.SUBSCRIBER),
        connection_id=hidden_seats.new_recorder_id() if recorder else None,
    )
    assert connection.token is not None
    return connection.token


def _active(seat: Seat) -> Connection:
    lock_room(seat.room_pk)
    connection = (
        Connection.objects.select_for_update()
        .select_related("room")
        .filter(connection_id=seat.connection_id)
        .first()
    )
    if connection is None or not connection.is_active:
        raise ParticipationError(f"{seat.connection_id} is not in the room")
    return connection


@retrying
@transaction.atomic
def publish(seat: Seat, properties: dict[str, Any]) -> StreamInfo:
    require_publisher(seat)
    connection = _active(seat)
    if connection.streams.filter(closed_at__isnull=True).exists():
        raise ParticipationError("this connection is already publishing a stream")
    stream = Stream.objects.create(
        stream_id=identifiers.new_stream_id(
            connection.connection_id,
            properties["type_of_video"],
            audio_only=not properties["has_video"],
        ),
        connection=connection,
        **properties,
    )
    info = StreamInfo.of(stream)
    history.stream_published(stream)
    events.participant_published(connection.room, info.as_event())
    return info


def published_stream(connection_id: str) -> StreamInfo | None:
    stream = (
        Stream.objects.select_related("connection")
        .filter(connection__connection_id=connection_id, closed_at__isnull=True)
        .first()
    )
    return None if stream is None else StreamInfo.of(stream)


def find_stream(seat: Seat, stream_id: str) -> StreamInfo | None:
    stream = (
        Stream.objects.select_related("connection")
        .filter(stream_id=stream_id, connection__room_id=seat.room_pk, closed_at__isnull=True)
        .first()
    )
    return None if stream is None else StreamInfo.of(stream)


@retrying
@transaction.atomic
def unpublish(
    seat: Seat, reason: str = Reason.UNPUBLISH, stream_id: str | None = None
) -> StreamInfo | None:
    """Stop this seat's stream (or a given one, for moderators); None when there is none."""
    if stream_id:
        require_moderator(seat, FORCE_UNPUBLISH)
    streams = Stream.objects.select_related("connection__room").filter(
        connection__room_id=seat.room_pk, closed_at__isnull=True
    )
    stream = (
        streams.filter(stream_id=stream_id).first()
        if stream_id
        else streams.filter(connection__connection_id=seat.connection_id).first()
    )
    if stream is None:
        return None
    info = StreamInfo.of(stream)
    services.unpublish_stream(stream, reason)
    return info


@retrying
@transaction.atomic
def subscribe(seat: Seat, stream_id: str) -> None:
    connection = _active(seat)
    stream = Stream.objects.select_related("connection").get(stream_id=stream_id)
    subscription, created = Subscription.objects.get_or_create(
        subscriber=connection, stream=stream, closed_at=None
    )
    if created:
        history.subscribed(connection, stream, subscription.created_at)


@retrying
@transaction.atomic
def unsubscribe(seat: Seat, publisher_connection_id: str) -> None:
    lock_room(seat.room_pk)
    services.close_subscriptions(
        Subscription.objects.filter(
            subscriber__connection_id=seat.connection_id,
            stream__connection__connection_id=publisher_connection_id,
            closed_at__isnull=True,
        ),
        Reason.UNSUBSCRIBE,
        timezone.now(),
    )


@retrying
@transaction.atomic
def change_stream(
    seat: Seat,
    stream_id: str,
    field: str,
    value: Any,
    *,
    property_name: str,
    wire_value: str,
    reason: str,
) -> None:
    """Record a change a publisher made to its stream and tell the room."""
    lock_room(seat.room_pk)
    stream = (
        Stream.objects.select_for_update()
        .select_related("connection__room")
        .filter(
            stream_id=stream_id,
            connection__connection_id=seat.connection_id,
            closed_at__isnull=True,
        )
        .first()
    )
    if stream is None:
        raise ParticipationError(f"{stream_id} is not a stream of this connection")
    setattr(stream, field, value)
    stream.save(update_fields=[field])
    events.stream_property_changed(
        stream.connection.room, seat.connection_id, stream_id, property_name, wire_value, reason
    )


@retrying
@transaction.atomic
def set_filter(seat: Seat, stream_id: str, value: dict[str, Any], reason: str) -> None:
    """Record a stream's filter (`{}`: none) and tell the room (streamPropertyChanged)."""
    lock_room(seat.room_pk)
    stream = (
        Stream.objects.select_for_update()
        .select_related("connection__room")
        .filter(stream_id=stream_id, connection__room_id=seat.room_pk, closed_at__isnull=True)
        .first()
    )
    if stream is None:
        raise ParticipationError(f"Stream {stream_id} is not published in this session")
    stream.filter = value
    stream.save(update_fields=["filter"])
    events.stream_property_changed(
        stream.connection.room,
        stream.connection.connection_id,
        stream_id,
        "filter",
        json.dumps(value),
        reason,
        changed_by=seat.connection_id,
    )


def evict(seat: Seat, connection_id: str) -> bool:
    """A moderator forces another participant out; False when it is not in the room."""
    require_moderator(seat, FORCE_DISCONNECT)
    connection = Connection.objects.filter(
        connection_id=connection_id, room_id=seat.room_pk, status=Connection.Status.ACTIVE
    ).first()
    return connection is not None and services.destroy_connection(
        connection, Reason.FORCE_DISCONNECT_BY_USER
    )


def leave(seat: Seat, reason: str) -> bool:
    """The participant is gone (left, lost, evicted elsewhere); False if it was gone already."""
    return leave_seat(seat.connection_id, reason)


@retrying
@transaction.atomic
def leave_seat(connection_id: str, reason: str) -> bool:
    """`leave` for a seat known by its id only (the seat sweep of rooms/signaling)."""
    room_pk = (
        Connection.objects.filter(connection_id=connection_id)
        .values_list("room_id", flat=True)
        .first()
    )
    if room_pk is None:
        return False
    lock_room(room_pk)
    connection = (
        Connection.objects.select_for_update()
        .select_related("room")
        .filter(connection_id=connection_id)
        .first()
    )
    if connection is None or not connection.is_active:
        return False
    room = connection.room
    # Its streams close with it; participantLeft alone tells the others (openvidu-browser
    # destroys the streams of a connection that left), so no participantUnpublished.
    services.close_seat(connection, reason)
    if not hidden_seats.is_recorder(connection_id):
        events.participant_left(room, connection_id, reason)
    services.close_if_left_empty(room)
    return True


@retrying
@transaction.atomic
def signal(
    seat: Seat | None, room_pk: int, to: list[str], type_: str | None, data: str | None
) -> list[str]:
    """Send a message to some participants (all when `to` is empty); returns the recipients.

    `type_` and `data` are None when the message had none (openvidu-server leaves them out).

    Raises ParticipationError when a recipient is not in the room, as OpenVidu's 601.
    """
    active = set(
        Connection.objects.filter(room_id=room_pk, status=Connection.Status.ACTIVE).values_list(
            "connection_id", flat=True
        )
    )
    unknown = [connection_id for connection_id in to if connection_id not in active]
    if unknown:
        raise ParticipationError(f"these recipients are not in the room: {', '.join(unknown)}")
    recipients = sorted(set(to)) if to else sorted(active)
    room = Room.objects.get(pk=room_pk)
    sender = None if seat is None else seat.connection_id
    history.signal_sent(room, sender, recipients, type_, data)
    events.signal(room, recipients, type_, data, sender)
    return recipients
