"""Adapters the page tests configure through ROOMS['ADAPTER'], each with one quirk."""

from __future__ import annotations

from rooms import seat_data
from rooms.adapter import RoomsAdapter


class RefusingAdapter(RoomsAdapter):
    """Nobody creates or joins anything."""

    def can_create_room(self, request, name):
        return False

    def can_join_room(self, request, room):
        return False


class TaggingAdapter(RoomsAdapter):
    """Every camera seat is a SUBSCRIBER named in capitals, with a tag in its data."""

    def role_for(self, request, room):
        return "SUBSCRIBER"

    def display_name(self, request, room, typed_name):
        return typed_name.upper()

    def server_data(self, request, room, display_name):
        return seat_data.encode({"name": display_name, "tag": "100%"})


class ForgetfulAdapter(RoomsAdapter):
    def can_join_room(self, request, room):
        return None


class OwnerRoleAdapter(RoomsAdapter):
    def role_for(self, request, room):
        return "OWNER"


class NamelessAdapter(RoomsAdapter):
    def display_name(self, request, room, typed_name):
        return None


class LongNameAdapter(RoomsAdapter):
    def display_name(self, request, room, typed_name):
        return "x" * 41


class HugeDataAdapter(RoomsAdapter):
    def server_data(self, request, room, display_name):
        return "x" * 10_001


class PercentDataAdapter(RoomsAdapter):
    def server_data(self, request, room, display_name):
        return '{"name":"50%"}'


class NotAnAdapter:
    pass
