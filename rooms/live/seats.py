"""What a live seat does that needs both its room's media and the database.

Each function takes domain values (a `Seat`, SDP text, stream ids), does the media side
through the room's `MediaHome` and the rows through `rooms.participation`, and undoes
the media when the rows refuse. They know nothing of sockets or JSON-RPC: the
signaling consumer calls them and turns their exceptions into error codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async

from rooms import lifecycle, participation
from rooms.live.media import MediaHome, media_home
from rooms.participation import Seat, StreamInfo
from rooms.reasons import Reason


class NoSuchStream(participation.ParticipationError):
    """The stream is not published in the seat's room (or not by the seat)."""


class OwnStream(participation.ParticipationError):
    """A participant asked to subscribe to its own stream."""


@dataclass(frozen=True)
class Published:
    answer: str
    stream: StreamInfo


def _media(seat: Seat) -> MediaHome:
    return media_home(seat.room_pk)


async def publish(seat: Seat, offer: str, properties: dict[str, Any]) -> Published:
    """Publish the seat's stream: media first (the answer), then the row and the event."""
    participation.require_publisher(seat)
    media = _media(seat)
    answer = await media.publish(seat.connection_id, seat.video_codec, offer)
    try:
        stream = await database_sync_to_async(participation.publish)(seat, properties)
    except BaseException:
        await media.unpublish(seat.connection_id)
        raise
    await lifecycle.stream_published(seat)
    return Published(answer, stream)


async def unpublish(seat: Seat) -> StreamInfo:
    await _media(seat).unpublish(seat.connection_id)
    stream: StreamInfo | None = await database_sync_to_async(participation.unpublish)(
        seat, Reason.UNPUBLISH
    )
    if stream is None:
        raise NoSuchStream("This connection is not publishing")
    return stream


async def find_stream(seat: Seat, stream_id: str) -> StreamInfo:
    stream: StreamInfo | None = await database_sync_to_async(participation.find_stream)(
        seat, stream_id
    )
    if stream is None:
        raise NoSuchStream(f"Stream {stream_id} is not published in this session")
    return stream


async def subscribe(seat: Seat, stream: StreamInfo, offer: str) -> str:
    """Subscribe the seat to another's stream; returns the SDP answer."""
    if stream.connection_id == seat.connection_id:
        raise OwnStream("A participant cannot subscribe to its own stream")
    media = _media(seat)
    answer = await media.subscribe(seat.connection_id, stream.connection_id, offer)
    try:
        await database_sync_to_async(participation.subscribe)(seat, stream.stream_id)
    except BaseException:
        await media.unsubscribe(seat.connection_id, stream.connection_id)
        raise
    return answer


async def unsubscribe(seat: Seat, publisher_id: str) -> bool:
    """False when the seat was not subscribed to that publisher."""
    closed = await _media(seat).unsubscribe(seat.connection_id, publisher_id)
    await database_sync_to_async(participation.unsubscribe)(seat, publisher_id)
    return closed


async def own_stream(seat: Seat) -> StreamInfo | None:
    stream: StreamInfo | None = await database_sync_to_async(participation.published_stream)(
        seat.connection_id
    )
    return stream


async def republish(seat: Seat, offer: str) -> str:
    """A publisher whose ICE failed gets a fresh peer; its subscribers keep receiving."""
    return await _media(seat).republish(seat.connection_id, seat.video_codec, offer)


async def resubscribe(seat: Seat, stream: StreamInfo, offer: str) -> str:
    """A subscriber whose ICE failed gets a fresh peer for the same stream."""
    media = _media(seat)
    await media.unsubscribe(seat.connection_id, stream.connection_id)
    return await media.subscribe(seat.connection_id, stream.connection_id, offer)


async def add_ice_candidate(
    seat: Seat, endpoint_id: str, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
) -> None:
    await _media(seat).add_ice_candidate(
        seat.connection_id, endpoint_id, candidate, sdp_mid, sdp_mline_index
    )


async def stop_hearing(seat: Seat, publisher_id: str) -> None:
    """Another participant's stream or seat is gone: drop the seat's subscription to it."""
    await _media(seat).unsubscribe(seat.connection_id, publisher_id)


async def stop_publishing_media(seat: Seat) -> None:
    """The seat's stream was closed elsewhere (REST, a moderator): close its peer."""
    await _media(seat).unpublish(seat.connection_id)


async def drop_media(seat: Seat) -> None:
    """The seat was closed elsewhere (eviction, room closed): drop its media here."""
    await _media(seat).leave(seat.connection_id)


async def end(seat: Seat, reason: str) -> bool:
    """The participant is gone: close its media, then its seat; False if already closed."""
    await drop_media(seat)
    return bool(await database_sync_to_async(participation.leave)(seat, reason))


async def end_by_id(room_pk: int, connection_id: str, reason: str) -> bool:
    """`end` for a seat known by its ids only (the seat sweep)."""
    await media_home(room_pk).leave(connection_id)
    return bool(await database_sync_to_async(participation.leave_seat)(connection_id, reason))
