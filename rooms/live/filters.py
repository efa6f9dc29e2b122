"""OpenVidu's filter methods: what `applyFilter`, `execFilterMethod` and `removeFilter`
do to a stream's media (rooms.live.media → media/filters.py) and to its row.

The rules are openvidu-server's: a MODERATOR filters any stream, a publisher its own
when its token's kurentoOptions.allowedFilters names the filter; one filter per
stream; the room hears of every change as `streamPropertyChanged` of `filter`, whose
value is `{type, options[, lastExecMethod]}`.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from rooms import participation
from rooms.live import seats
from rooms.live.media import media_home
from rooms.participation import Seat, StreamInfo


class FilterError(participation.ParticipationError):
    """OpenVidu's 406: no filter to change, or a method this server does not run."""


class FilterAlreadyApplied(participation.ParticipationError):
    """OpenVidu's 405: the stream has a filter; remove it first."""


async def _stream(seat: Seat, stream_id: str, filter_type: str | None) -> StreamInfo:
    stream = await seats.find_stream(seat, stream_id)
    participation.require_filter_rights(seat, stream, filter_type)
    return stream


async def apply(seat: Seat, stream_id: str, filter_type: str, options: dict[str, Any]) -> None:
    stream = await _stream(seat, stream_id, filter_type)
    if stream.filter:
        raise FilterAlreadyApplied(
            f"Stream {stream_id} already has a filter: removeFilter before applying another"
        )
    command = options.get("command", "")
    if not isinstance(command, str):
        raise FilterError(f"{filter_type} needs options.command, a GStreamer element")
    media = media_home(seat.room_pk)
    await media.apply_filter(stream.connection_id, seat.video_codec, filter_type, command)
    value = {"type": filter_type, "options": options}
    try:
        await database_sync_to_async(participation.set_filter)(
            seat, stream_id, value, "applyFilter"
        )
    except BaseException:
        await media.remove_filter(stream.connection_id)
        raise


async def exec_method(seat: Seat, stream_id: str, method: str, params: dict[str, Any]) -> None:
    """GStreamerFilter's one method: `setElementProperty {propertyName, newValue}`."""
    stream = await _stream(seat, stream_id, None)
    current = stream.filter
    if not current:
        raise FilterError(f"Stream {stream_id} has no filter applied")
    participation.require_filter_rights(seat, stream, current["type"])
    name, value = params.get("propertyName"), params.get("newValue")
    if method != "setElementProperty" or not isinstance(name, str) or value is None:
        raise FilterError(
            "this server runs one filter method: setElementProperty {propertyName, newValue}"
        )
    command = f"{current['options'].get('command', '')} {name}={value}"
    understood = await media_home(seat.room_pk).apply_filter(
        stream.connection_id, seat.video_codec, current["type"], command
    )
    updated = {
        "type": current["type"],
        "options": {**current["options"], "command": understood},
        "lastExecMethod": {"method": method, "params": params},
    }
    await database_sync_to_async(participation.set_filter)(
        seat, stream_id, updated, "execFilterMethod"
    )


async def remove(seat: Seat, stream_id: str) -> None:
    stream = await _stream(seat, stream_id, None)
    if not stream.filter:
        raise FilterError(f"Stream {stream_id} has no filter applied")
    participation.require_filter_rights(seat, stream, stream.filter["type"])
    await media_home(seat.room_pk).remove_filter(stream.connection_id)
    await database_sync_to_async(participation.set_filter)(seat, stream_id, {}, "removeFilter")


async def listen(seat: Seat, stream_id: str) -> None:
    """add/removeFilterEventListener: the supported filters dispatch no events."""
    stream = await seats.find_stream(seat, stream_id)
    if not stream.filter:
        raise FilterError(f"Stream {stream_id} has no filter applied")
    raise FilterError(
        f"{stream.filter['type']} dispatches no events on this server (ZBarFilter and the "
        "other event filters are not supported)"
    )
