"""IP cameras in a room: the IPCAM connections of OpenVidu's REST API.

`open_camera` does what openvidu-server's publishIpcam does, media first: the room's
`MediaHome` opens the camera's URI (refused with `CameraUnavailable` when it cannot be
opened within `MEDIA_IPCAM_OPEN_TIMEOUT`) and publishes it, then
`rooms.participation.join_camera` writes the seat and its stream and tells the room
(participantJoined, participantPublished with typeOfVideo IPCAM).

A camera has no socket, so a task of this process listens to the room's group in its
place: when the camera's seat is evicted (`DELETE .../connection/{id}`) or the room
closes, it stops the camera's media.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from rooms import addresses, participation, services
from rooms.internal import identifiers
from rooms.live.media import CameraSource, media_home
from rooms.models import Connection

logger = logging.getLogger(__name__)

_listeners: set[asyncio.Task[None]] = set()


async def open_camera(
    room_pk: int, video_codec: str, properties: services.ConnectionProperties
) -> Connection:
    """Pull and publish an IP camera; returns its seat. Raises `CameraUnavailable`
    (a `MediaError`) or `services.RoomIsClosed`."""
    connection_id = identifiers.new_ipcam_id(properties.rtsp_uri)
    source = CameraSource(
        uri=properties.rtsp_uri,
        network_cache_ms=2000 if properties.network_cache is None else properties.network_cache,
        only_play_with_subscribers=properties.only_play_with_subscribers is not False,
        adaptative_bitrate=properties.adaptative_bitrate is not False,
    )
    media = media_home(room_pk)
    await media.publish_camera(connection_id, video_codec, source)
    try:
        # Listening before the seat exists: nothing of it can be missed. A close that
        # comes before is seen by join_camera, which refuses a closed room.
        listening = await _listen(room_pk, connection_id)
    except BaseException:
        await media.leave(connection_id)
        raise
    try:
        joined = await database_sync_to_async(participation.join_camera)(
            room_pk, connection_id, properties, ip=urlsplit(source.uri).hostname or ""
        )
        connection: Connection = joined[0]
    except BaseException:
        listening.cancel()
        await media.leave(connection_id)
        raise
    return connection


async def _listen(room_pk: int, connection_id: str) -> asyncio.Task[None]:
    layer = get_channel_layer()
    assert layer is not None
    group = addresses.group_name(room_pk)
    channel = await layer.new_channel()
    await layer.group_add(group, channel)

    async def listen() -> None:
        try:
            while True:
                message = await layer.receive(channel)
                kind = message.get("type")
                if kind == "rooms.room_closed" or (
                    kind in ("rooms.connection_evicted", "rooms.participant_left")
                    and message.get("connection_id") == connection_id
                ):
                    await media_home(room_pk).leave(connection_id)
                    return
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(layer.group_discard(group, channel), 5)

    task = asyncio.create_task(listen())
    _listeners.add(task)
    task.add_done_callback(_listeners.discard)
    return task


async def stop_listening() -> None:
    """Forget every camera's listener (tests, shutdown; the media closes on its own)."""
    for task in list(_listeners):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
