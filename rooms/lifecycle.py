"""Hooks for apps that act on live rooms in the room's own process (e.g. recordings).

Events between participants go through the channel layer; these hooks are for work
that must happen next to the room's media, in the event loop that holds it, right
after the signaling consumer did something. An app registers an observer in its
`AppConfig.ready`; a failing observer is logged and never fails the participant's call.
"""

from __future__ import annotations

import logging
from typing import Protocol

from rooms.participation import Seat

logger = logging.getLogger(__name__)


class RoomObserver(Protocol):
    async def stream_published(self, seat: Seat) -> None: ...


_observers: list[RoomObserver] = []


def register(observer: RoomObserver) -> None:
    if observer not in _observers:
        _observers.append(observer)


async def stream_published(seat: Seat) -> None:
    for observer in tuple(_observers):
        try:
            await observer.stream_published(seat)
        except Exception:
            logger.exception("%r failed after a stream was published", observer)
