"""The room pages' questions to the adapter, each answer checked before it is used.

An adapter is the host project's code; an answer the rooms could not store or show
(an unknown role, a name the page cannot display, server data that breaks the
metadata format) is a bug there, so it stops the request with `AdapterError` naming
the method and the answer, instead of seating someone with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rooms import seat_data
from rooms.adapter import AdapterError, RoomsAdapter, get_adapter
from rooms.api.requests import MAX_DATA_LENGTH
from rooms.models import Connection

if TYPE_CHECKING:
    from django.http import HttpRequest

    from rooms.models import Room


@dataclass(frozen=True)
class CameraSeat:
    role: str
    display_name: str
    server_data: str


def _where(adapter: RoomsAdapter, method: str) -> str:
    kind = type(adapter)
    return f"{kind.__module__}.{kind.__qualname__}.{method}"


def _yes_or_no(adapter: RoomsAdapter, method: str, answer: Any) -> bool:
    # A forgotten `return` gives None: refusing on it would hide the bug.
    if not isinstance(answer, bool):
        raise AdapterError(f"{_where(adapter, method)} returned {answer!r}, not True or False")
    return answer


def may_create(request: HttpRequest, name: str) -> bool:
    adapter = get_adapter(request)
    return _yes_or_no(adapter, "can_create_room", adapter.can_create_room(request, name))


def may_join(request: HttpRequest, room: Room) -> bool:
    adapter = get_adapter(request)
    return _yes_or_no(adapter, "can_join_room", adapter.can_join_room(request, room))


def must_wait(request: HttpRequest, room: Room) -> bool:
    adapter = get_adapter(request)
    return _yes_or_no(adapter, "must_wait", adapter.must_wait(request, room))


def camera_seat(request: HttpRequest, room: Room, typed_name: str) -> CameraSeat:
    """The role, display name and server data the adapter gives this person's camera seat."""
    adapter = get_adapter(request)
    role = adapter.role_for(request, room)
    if role not in Connection.Role.values:
        raise AdapterError(
            f"{_where(adapter, 'role_for')} returned {role!r}, not one of "
            f"{', '.join(Connection.Role.values)}"
        )
    name = adapter.display_name(request, room, typed_name)
    if not isinstance(name, str):
        raise AdapterError(f"{_where(adapter, 'display_name')} returned {name!r}, not a str")
    try:
        name = seat_data.clean_display_name(name)
    except seat_data.InvalidDisplayName as error:
        raise AdapterError(
            f"{_where(adapter, 'display_name')} returned {name!r}: {error}"
        ) from None
    data = adapter.server_data(request, room, name)
    if not isinstance(data, str):
        raise AdapterError(f"{_where(adapter, 'server_data')} returned {data!r}, not a str")
    if not data:
        raise AdapterError(
            f"{_where(adapter, 'server_data')} returned empty server data: the room pages "
            "need it to tell a seat's name from what its browser wrote"
        )
    if len(data) > MAX_DATA_LENGTH:
        raise AdapterError(
            f"{_where(adapter, 'server_data')} returned {len(data)} characters; "
            f"server data has at most {MAX_DATA_LENGTH}"
        )
    if "%" in data:
        raise AdapterError(
            f"{_where(adapter, 'server_data')} returned server data with a '%', which the "
            "room pages cannot separate from the client's data: build it with "
            "rooms.seat_data.encode"
        )
    return CameraSeat(role=str(role), display_name=name, server_data=data)
