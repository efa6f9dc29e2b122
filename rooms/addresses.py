"""Where a room is reached: its channel-layer group and the key of its media.

Both are derived from the room's primary key; every module that sends to a room's
participants or asks for its media uses these two functions, so the spelling exists once.
"""

from __future__ import annotations


def group_name(room_pk: int) -> str:
    """The channel-layer group every participant of the room listens on."""
    return f"room.{room_pk}"


def media_key(room_pk: int) -> str:
    """The name the media engine knows the room by."""
    return str(room_pk)
