"""The one way out of the rooms app to a room's media: the `MediaHome` interface.

Signaling, the seat sweep and the recordings app ask `media_home(room_pk)` and never
touch `media.engine` themselves. Today the room's media is the engine of this process
(`LocalMediaHome`); a room whose home is another node would get an implementation that
forwards the same calls there, and nothing outside this module would change.
"""

from __future__ import annotations

from typing import Protocol

from media import filters, ipcam
from media.engine import MediaEngine, MediaError, PublicationObserver, get_engine, reset_engine
from media.filters import UnsupportedFilter
from media.ipcam import CameraSource, CameraUnavailable
from rooms.addresses import media_key

__all__ = [
    "CameraSource",
    "CameraUnavailable",
    "LocalMediaHome",
    "MediaError",
    "MediaHome",
    "UnsupportedFilter",
    "close_all_media",
    "media_home",
]


class MediaHome(Protocol):
    """A room's media as its participants use it; every id is a connection id.

    Failures a client should hear of raise `MediaError` (its message is for the client);
    a malformed ICE candidate raises `ValueError`.
    """

    async def publish(self, connection_id: str, video_codec: str, offer: str) -> str:
        """Take a publisher's SDP offer; returns the answer."""
        ...

    async def republish(self, connection_id: str, video_codec: str, offer: str) -> str:
        """Replace a publisher's peer (its ICE failed) and keep its subscribers."""
        ...

    async def publish_camera(
        self, connection_id: str, video_codec: str, source: CameraSource
    ) -> None:
        """Pull an IP camera and publish it as `connection_id` (media/ipcam.py); raises
        `CameraUnavailable` when its URI cannot be opened in time. `leave` stops it."""
        ...

    async def subscribe(self, subscriber_id: str, publisher_id: str, offer: str) -> str: ...

    async def apply_filter(
        self, publisher_id: str, video_codec: str, filter_type: str, command: str
    ) -> str:
        """Filter a publisher's video for its subscribers (media/filters.py), or change the
        filter it has; returns the command as understood. `UnsupportedFilter` (a
        MediaError) names what is supported."""
        ...

    async def remove_filter(self, publisher_id: str) -> bool: ...

    async def add_ice_candidate(
        self,
        connection_id: str,
        endpoint_id: str,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None: ...

    async def unsubscribe(self, subscriber_id: str, publisher_id: str) -> bool:
        """False when there was no such subscription."""
        ...

    async def unpublish(self, connection_id: str) -> bool:
        """False when the connection was not publishing."""
        ...

    async def leave(self, connection_id: str) -> None:
        """Close everything the participant had: its publication and its subscriptions."""
        ...

    async def close(self) -> None:
        """Close every peer of the room."""
        ...

    def observe(self, observer: PublicationObserver) -> None:
        """Hear of publications added and removed (recorders)."""
        ...

    def unobserve(self, observer: PublicationObserver) -> None: ...

    def publishers(self) -> list[str]: ...


class LocalMediaHome:
    """A room whose media lives in this process's engine."""

    def __init__(self, room_pk: int) -> None:
        self.key = media_key(room_pk)

    @property
    def engine(self) -> MediaEngine:
        # Asked each time: tests and shutdown replace the process's engine.
        return get_engine()

    async def publish(self, connection_id: str, video_codec: str, offer: str) -> str:
        return await self.engine.publish(self.key, video_codec, connection_id, offer)

    async def republish(self, connection_id: str, video_codec: str, offer: str) -> str:
        return await self.engine.republish(self.key, video_codec, connection_id, offer)

    async def publish_camera(
        self, connection_id: str, video_codec: str, source: CameraSource
    ) -> None:
        await ipcam.start(self.engine, self.key, connection_id, video_codec, source)

    async def subscribe(self, subscriber_id: str, publisher_id: str, offer: str) -> str:
        return await self.engine.subscribe(self.key, subscriber_id, publisher_id, offer)

    async def apply_filter(
        self, publisher_id: str, video_codec: str, filter_type: str, command: str
    ) -> str:
        parsed, chain = filters.chain_for(filter_type, command)
        await filters.apply(self.engine, self.key, publisher_id, video_codec, chain)
        return parsed.text()

    async def remove_filter(self, publisher_id: str) -> bool:
        return await filters.remove(self.key, publisher_id)

    async def add_ice_candidate(
        self,
        connection_id: str,
        endpoint_id: str,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None:
        await self.engine.add_ice_candidate(
            self.key, connection_id, endpoint_id, candidate, sdp_mid, sdp_mline_index
        )

    async def unsubscribe(self, subscriber_id: str, publisher_id: str) -> bool:
        return await self.engine.unsubscribe(self.key, subscriber_id, publisher_id)

    async def unpublish(self, connection_id: str) -> bool:
        await filters.remove(self.key, connection_id)
        return await self.engine.unpublish(self.key, connection_id)

    async def leave(self, connection_id: str) -> None:
        await ipcam.stop(self.key, connection_id)
        await filters.remove(self.key, connection_id)
        await self.engine.leave(self.key, connection_id)

    async def close(self) -> None:
        await ipcam.stop_room(self.key)
        await filters.remove_room(self.key)
        await self.engine.close_room(self.key)

    def observe(self, observer: PublicationObserver) -> None:
        self.engine.observe(self.key, observer)

    def unobserve(self, observer: PublicationObserver) -> None:
        self.engine.unobserve(self.key, observer)

    def publishers(self) -> list[str]:
        return self.engine.publishers(self.key)


def media_home(room_pk: int) -> MediaHome:
    """The media of a room, wherever its home is (for now: always this process)."""
    return LocalMediaHome(room_pk)


async def close_all_media() -> None:
    """Close the media of every room of this process (tests, shutdown)."""
    await ipcam.stop_all()
    await filters.remove_all()
    await reset_engine()
