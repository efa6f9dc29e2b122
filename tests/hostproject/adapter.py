"""The host site's rules for video rooms, written as a host project would write them."""

from __future__ import annotations

import json

from django.http import HttpRequest

from rooms import seat_data
from rooms.adapter import RoomsAdapter
from rooms.models import Connection, Room

STAFF_PREFIX = "staff-"


class HostAdapter(RoomsAdapter):
    """Hosts create rooms; staff rooms are for members, who all moderate there; people
    are shown by their account's full name; every seat says which tenant it is in."""

    tenant = "acme"

    def can_create_room(self, request: HttpRequest, name: str) -> bool:
        user = request.user
        return user.is_authenticated and user.groups.filter(name="hosts").exists()

    def can_join_room(self, request: HttpRequest, room: Room) -> bool:
        if room.session_id.startswith(STAFF_PREFIX):
            return request.user.is_authenticated
        return super().can_join_room(request, room)

    def role_for(self, request: HttpRequest, room: Room) -> str:
        if room.session_id.startswith(STAFF_PREFIX) and request.user.is_authenticated:
            return Connection.Role.MODERATOR
        return super().role_for(request, room)

    def display_name(self, request: HttpRequest, room: Room, typed_name: str) -> str:
        user = request.user
        full_name = user.get_full_name() if user.is_authenticated else ""
        return full_name[: seat_data.MAX_NAME_LENGTH].strip() or typed_name

    def server_data(self, request: HttpRequest, room: Room, display_name: str) -> str:
        data = json.loads(super().server_data(request, room, display_name))
        return seat_data.encode({**data, "tenant": self.tenant})
