"""The adapter: what a host project overrides to decide who creates and joins page rooms.

Subclass `RoomsAdapter`, override the methods you need, and name your class in the
settings:

    ROOMS = {"ADAPTER": "myproject.rooms_adapter.MyRoomsAdapter"}

Every method takes the request first, so a decision can rest on the user, the session
or anything else the request carries. `rooms.pages.decisions` asks these questions for
the room pages and checks each answer before anything is stored.

Only the people-facing pages (the home page's form, /rooms/<name>/ and its token
endpoint) go through the adapter. The REST API does not: its caller is the application
server holding OPENVIDU_SECRET, and, as in OpenVidu, that server decides who gets a
seat, with which role and data. Invitation links (/join?token=...) carry a seat the
application already made, so they do not ask the adapter either.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from rooms import seat_data
from rooms.app_settings import app_settings
from rooms.models import Connection

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rooms.models import Room


class AdapterError(Exception):
    """The configured adapter answered something the rooms cannot use (a bug there)."""


class RoomsAdapter:
    """The default behaviour of the room pages; each method is a point to override."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        self.request = request

    def can_create_room(self, request: HttpRequest, name: str) -> bool:
        """May this person open a new page room called `name` (already a slug)?

        Asked only when no room has ever had the name; going to an existing room, open
        or closed, is joining it. Default: anyone may, logged in or not.
        """
        return True

    def can_join_room(self, request: HttpRequest, room: Room) -> bool:
        """May this person see the room's page and take a seat in it?

        Asked for the page, for a camera seat and for a screen-share seat. A refused
        visitor who is not logged in is sent to log in first. Default: anyone may join
        a public room; a private one needs a logged-in user.
        """
        return room.is_public or request.user.is_authenticated

    def must_wait(self, request: HttpRequest, room: Room) -> bool:
        """Must this person wait for the owner to admit them (the waiting room)?

        Asked for a camera seat, after `can_join_room` said yes. A person who must wait
        gets no seat until the room's owner admits them from the room page
        (rooms.admissions); only logged-in people can wait, since the owner's answer is
        kept per user. Default: in a private room that has an owner, everyone but the
        owner waits.
        """
        user = request.user
        if room.is_public or room.owner_id is None:
            return False
        return not (user.is_authenticated and room.owner_id == user.pk)

    def role_for(self, request: HttpRequest, room: Room) -> str:
        """The role of this person's camera seat: a `Connection.Role` value.

        Default: the room's owner is a MODERATOR, everyone else a PUBLISHER.
        """
        user = request.user
        if user.is_authenticated and room.owner_id == user.pk:
            return Connection.Role.MODERATOR
        return Connection.Role.PUBLISHER

    def display_name(self, request: HttpRequest, room: Room, typed_name: str) -> str:
        """The name the others see for this person's camera seat.

        `typed_name` is what was typed on the room page, already tidied and checked.
        The answer must be 1 to 40 characters with no control characters; a name you
        take from elsewhere (a profile) may need shortening. Default: the typed name.
        """
        return typed_name

    def server_data(self, request: HttpRequest, room: Room, display_name: str) -> str:
        """The camera seat's server data, which every participant receives.

        The room page reads the display name from its JSON `name`. Build the text with
        `rooms.seat_data.encode` so it never contains a "%" (the pages split metadata
        on "%/%"); it may be at most as long as the REST API allows for `data`.
        Default: `{"name": display_name}`.
        """
        return seat_data.server_data(display_name)


# Screen-share seats do not ask role_for, display_name or server_data: a screen share
# is the camera seat's second connection, so it takes that seat's name, the role
# PUBLISHER and {"name", "screenOf"} as server data, and the page shows it as that
# person's screen. can_join_room is still asked: a person refused since joining cannot
# start sharing.


@lru_cache(maxsize=8)
def adapter_class(path: str) -> type[RoomsAdapter]:
    """The class at a dotted path, checked to be a RoomsAdapter; imported once per path."""
    try:
        imported = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"ROOMS['ADAPTER']: cannot import {path!r}: {error}") from error
    if not isinstance(imported, type) or not issubclass(imported, RoomsAdapter):
        raise ImproperlyConfigured(
            f"ROOMS['ADAPTER'] is {path!r}, which is not a subclass of rooms.adapter.RoomsAdapter"
        )
    return imported


def get_adapter(request: HttpRequest | None = None) -> RoomsAdapter:
    """An instance of the adapter class that ROOMS['ADAPTER'] names."""
    return adapter_class(app_settings.ADAPTER)(request)
