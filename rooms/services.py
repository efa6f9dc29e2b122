"""The only code that changes rooms, connections and streams.

REST views, the admin and (next) the signaling consumer all call these functions, so a
room closed from the admin and one closed through the API end the same way and send the
same events. Each function runs in one transaction and sends its events after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rooms import events, hidden_seats, history, hooks
from rooms.app_settings import app_settings
from rooms.internal import identifiers
from rooms.internal.lock_order import lock_room, retrying
from rooms.models import Connection, Room, Stream, Subscription
from rooms.reasons import Reason

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class RoomError(Exception):
    """A request the rooms domain refuses; the message is meant for the caller."""


class RoomExists(RoomError):
    def __init__(self, room: Room) -> None:
        super().__init__(f"Session {room.session_id} already exists")
        self.room = room


class RoomIsClosed(RoomError):
    pass


@dataclass(frozen=True)
class RoomProperties:
    session_id: str | None = None
    media_mode: str = Room.MediaMode.ROUTED
    recording_mode: str = Room.RecordingMode.MANUAL
    forced_video_codec: str = Room.VideoCodec.MEDIA_SERVER_PREFERRED
    allow_transcoding: bool = False
    default_recording_properties: dict[str, Any] = field(default_factory=dict)
    media_node_id: str = ""


@dataclass(frozen=True)
class ConnectionProperties:
    type: str = Connection.Type.WEBRTC
    role: str = Connection.Role.PUBLISHER
    record: bool = True
    server_data: str = ""
    kurento_options: dict[str, Any] | None = None
    custom_ice_servers: list[dict[str, str]] = field(default_factory=list)
    rtsp_uri: str = ""
    adaptative_bitrate: bool | None = None
    only_play_with_subscribers: bool | None = None
    network_cache: int | None = None


def open_rooms() -> QuerySet[Room]:
    return Room.objects.filter(closed_at__isnull=True)


def find_open_room(session_id: str) -> Room | None:
    return open_rooms().filter(session_id=session_id).first()


def create_room(properties: RoomProperties, owner: User | None = None) -> Room:
    """Open a room; `RoomExists` when an open room already has the custom id."""
    custom = properties.session_id
    if custom is not None:
        existing = find_open_room(custom)
        if existing is not None:
            raise RoomExists(existing)
    room = Room(
        session_id=custom or identifiers.new_session_id(),
        custom_session_id=custom or "",
        media_mode=properties.media_mode,
        recording_mode=properties.recording_mode,
        forced_video_codec=properties.forced_video_codec,
        allow_transcoding=properties.allow_transcoding,
        default_recording_properties=properties.default_recording_properties,
        media_node_id=properties.media_node_id,
        owner=owner,
    )
    try:
        # The partial unique index decides a race between two creators of one id.
        with transaction.atomic():
            room.save()
            history.session_created(room)
    except IntegrityError:
        existing = find_open_room(room.session_id)
        if existing is None:
            raise
        raise RoomExists(existing) from None
    return room


@retrying
@transaction.atomic
def close_room(room: Room, reason: str = Reason.SESSION_CLOSED_BY_SERVER) -> bool:
    """Close the room and every seat in it; False when it was closed already."""
    locked = lock_room(room.pk)
    if locked.closed_at is not None:
        return False
    now = timezone.now()
    evicted = []
    for connection in locked.connections.exclude(status=Connection.Status.CLOSED).order_by("pk"):
        if connection.is_active:
            evicted.append(connection.connection_id)
        close_seat(connection, reason, now)
    locked.closed_at = now
    locked.close_reason = reason
    locked.save(update_fields=["closed_at", "close_reason"])
    room.closed_at, room.close_reason = locked.closed_at, locked.close_reason
    history.session_destroyed(locked, reason, now)
    events.room_closed(locked, reason, evicted)
    return True


@retrying
@transaction.atomic
def create_connection(
    room: Room,
    properties: ConnectionProperties,
    user: User | None = None,
    *,
    connection_id: str | None = None,
) -> Connection:
    """Invite a participant: a pending seat with a fresh single-use token (and a fresh id
    unless one is given: a recorder's, `rooms.hidden_seats`)."""
    # Locking the room orders this after a concurrent close_room.
    locked = lock_room(room.pk)
    if locked.closed_at is not None:
        raise RoomIsClosed(f"Session {room.session_id} is closed")
    token = None
    if properties.type == Connection.Type.WEBRTC:
        token = identifiers.token_url(
            app_settings.PUBLICURL, locked.session_id, identifiers.new_token_key()
        )
    return Connection.objects.create(
        connection_id=connection_id or identifiers.new_connection_id(),
        room=locked,
        token=token,
        type=properties.type,
        role=properties.role,
        record=properties.record,
        server_data=properties.server_data,
        kurento_options=properties.kurento_options,
        custom_ice_servers=properties.custom_ice_servers,
        rtsp_uri=properties.rtsp_uri,
        adaptative_bitrate=properties.adaptative_bitrate,
        only_play_with_subscribers=properties.only_play_with_subscribers,
        network_cache=properties.network_cache,
        user=user,
    )


def room_connections(room: Room, *, include_pending: bool = True) -> QuerySet[Connection]:
    """The seats OpenVidu would list for the room: active ones, and pending ones if asked."""
    statuses = [Connection.Status.ACTIVE]
    if include_pending:
        statuses.append(Connection.Status.PENDING)
    # OpenVidu lists no recorder seat.
    return room.connections.filter(status__in=statuses).exclude(
        connection_id__startswith=hidden_seats.RECORDER + "_"
    )


@retrying
@transaction.atomic
def destroy_connection(
    connection: Connection, reason: str = Reason.FORCE_DISCONNECT_BY_SERVER
) -> bool:
    """Revoke a pending seat's token, or evict an active participant; False if already closed.

    When the evicted participant was the last one in the room, the room closes, as
    OpenVidu closes a session its last participant leaves.
    """
    room = lock_room(connection.room_id)
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    locked.room = room
    if locked.status == Connection.Status.CLOSED:
        return False
    was_active = locked.is_active
    now = timezone.now()
    close_seat(locked, reason if was_active else Reason.TOKEN_REVOKED, now)
    connection.status, connection.closed_at = locked.status, locked.closed_at
    if was_active:
        events.connection_evicted(locked.room, locked.connection_id, reason)
        close_if_left_empty(locked.room)
    return True


def close_if_left_empty(room: Room) -> None:
    """OpenVidu closes a session its last participant leaves, unless it is being recorded:
    then the recording's autostop ends it (`rooms.hooks`)."""
    if room.connections.filter(status=Connection.Status.ACTIVE).exists():
        return
    if hooks.kept_open(room):
        return
    close_room(room, Reason.LAST_PARTICIPANT_LEFT)


def close_seat(connection: Connection, reason: str, now: datetime | None = None) -> None:
    """Close a seat with its streams and subscriptions; the caller holds the transaction."""
    now = now or timezone.now()
    was_active = connection.is_active
    # As OpenVidu ends a participant: its publication (and everyone's subscriptions to
    # it), then its own subscriptions, then the participant.
    open_streams = Stream.objects.filter(connection=connection, closed_at__isnull=True)
    for stream in open_streams.select_related("connection__room"):
        close_stream(stream, reason, now)
    close_subscriptions(
        Subscription.objects.filter(subscriber=connection, closed_at__isnull=True), reason, now
    )
    if was_active:
        history.participant_left(connection, reason, now)
    connection.status = Connection.Status.CLOSED
    connection.closed_at = now
    connection.close_reason = reason
    connection.save(update_fields=["status", "closed_at", "close_reason"])


def close_stream(stream: Stream, reason: str, now: datetime) -> None:
    """Close a published stream and the subscriptions to it; the caller holds the transaction."""
    close_subscriptions(stream.subscriptions.filter(closed_at__isnull=True), reason, now)
    stream.closed_at, stream.close_reason = now, reason
    stream.save(update_fields=["closed_at", "close_reason"])
    history.stream_closed(stream, reason, now)


def close_subscriptions(subscriptions: QuerySet[Subscription], reason: str, now: datetime) -> None:
    """Close subscriptions in one UPDATE and record each as ended; the caller holds the
    transaction."""
    closing = list(subscriptions.select_related("subscriber__room", "stream__connection__room"))
    Subscription.objects.filter(pk__in=[subscription.pk for subscription in closing]).update(
        closed_at=now
    )
    for subscription in closing:
        history.unsubscribed(
            subscription.subscriber, subscription.stream, subscription.created_at, reason, now
        )


class InvalidToken(RoomError):
    pass


@retrying
@transaction.atomic
def join_with_token(
    token: str,
    *,
    ip: str = "",
    platform: str = "",
    client_data: str = "",
    location: str = "",
    node: str = "",
) -> Connection:
    """Take the seat a token invites to; a token works once, and not after it is revoked."""
    room_pk = Connection.objects.filter(token=token).values_list("room_id", flat=True).first()
    if room_pk is None:
        raise InvalidToken(f"Token {token} is not valid")
    room = lock_room(room_pk)
    connection = Connection.objects.select_for_update().filter(token=token).first()
    if connection is None or connection.status != Connection.Status.PENDING:
        raise InvalidToken(f"Token {token} is not valid")
    connection.room = room
    if connection.room.closed_at is not None:
        raise RoomIsClosed(f"Session {connection.room.session_id} is closed")
    connection.status = Connection.Status.ACTIVE
    connection.active_at = timezone.now()
    connection.ip, connection.platform, connection.location = ip, platform, location
    connection.client_data = client_data
    connection.node = node
    connection.save(
        update_fields=["status", "active_at", "ip", "platform", "location", "client_data", "node"]
    )
    history.record_participant_joined(connection)
    return connection


@retrying
@transaction.atomic
def unpublish_stream(stream: Stream, reason: str = Reason.FORCE_UNPUBLISH_BY_SERVER) -> bool:
    """Stop a published stream and everyone's subscription to it; False if already stopped."""
    room_pk = Stream.objects.filter(pk=stream.pk).values_list("connection__room_id", flat=True)
    lock_room(room_pk.get())
    locked = Stream.objects.select_for_update().select_related("connection__room").get(pk=stream.pk)
    if locked.closed_at is not None:
        return False
    now = timezone.now()
    close_stream(locked, reason, now)
    stream.closed_at = now
    connection = locked.connection
    events.stream_unpublished(connection.room, connection.connection_id, locked.stream_id, reason)
    return True


# The room pages (rooms/pages/views.py): rooms people open by name, and their seats.


class RoomNotFound(RoomError):
    pass


class NotAPageRoom(RoomError):
    """The name belongs to a room an application made through the REST API."""


def latest_room(session_id: str) -> Room | None:
    """The most recent room with this id, open or closed: its history's last entry."""
    return Room.objects.filter(session_id=session_id).order_by("-created_at", "-pk").first()


@transaction.atomic
def create_page_room(session_id: str, *, owner: User | None, is_public: bool) -> Room:
    """Open a room from the room pages; `RoomExists` when an open room has the id."""
    room = create_room(RoomProperties(session_id=session_id), owner=owner)
    room.origin, room.is_public = Room.Origin.PAGES, is_public
    room.save(update_fields=["origin", "is_public"])
    return room


def page_room_to_join(session_id: str) -> Room:
    """The open page room with this id, reopened from its history if it has closed.

    A room closes when its last participant leaves, but its link lives on: the next
    person to join opens a new room with the same id, owner and privacy as the most
    recent one, and the closed rows stay as history.
    """
    room = find_open_room(session_id)
    if room is None:
        last = latest_room(session_id)
        if last is None:
            raise RoomNotFound(f"There is no room called {session_id}")
        if last.origin != Room.Origin.PAGES:
            raise NotAPageRoom(f"The room {session_id} belongs to an application")
        try:
            room = create_page_room(session_id, owner=last.owner, is_public=last.is_public)
        except RoomExists as race:
            # Someone else reopened it at the same moment: join theirs.
            room = race.room
    if room.origin != Room.Origin.PAGES:
        raise NotAPageRoom(f"The room {session_id} belongs to an application")
    return room
