"""The services behind the pages: page rooms, and reopening one from its history."""

from __future__ import annotations

from unittest import mock

import pytest

from rooms import services
from rooms.models import Room

pytestmark = pytest.mark.django_db


def test_a_page_room_is_marked_as_such(owner):
    room = services.create_page_room("board", owner=owner, is_public=False)
    room.refresh_from_db()
    assert (room.origin, room.owner, room.is_public) == ("pages", owner, False)


def test_rooms_made_through_the_api_are_api_rooms_and_public_by_default():
    room = services.create_room(services.RoomProperties(session_id="app"))
    assert (room.origin, room.is_public) == ("api", True)


def test_an_open_page_room_is_joined_as_it_is(page_room):
    room = page_room("standup")
    assert services.page_room_to_join("standup") == room


def test_a_closed_page_room_is_reopened_from_its_latest_entry(page_room, owner, member):
    services.close_room(page_room("board", owner=member))
    services.close_room(page_room("board", owner=owner, is_public=False))
    reopened = services.page_room_to_join("board")
    assert reopened.is_open
    assert (reopened.owner, reopened.is_public) == (owner, False)
    assert Room.objects.filter(session_id="board").count() == 3


def test_a_reopening_race_joins_the_room_the_other_one_opened(page_room):
    services.close_room(page_room("standup"))
    theirs = Room(session_id="standup", custom_session_id="standup", origin="pages")
    exists = services.RoomExists(theirs)
    with mock.patch.object(services, "create_page_room", side_effect=exists):
        assert services.page_room_to_join("standup") is theirs


def test_unknown_and_api_rooms_are_refused():
    with pytest.raises(services.RoomNotFound):
        services.page_room_to_join("nowhere")
    services.close_room(services.create_room(services.RoomProperties(session_id="app")))
    with pytest.raises(services.NotAPageRoom):
        services.page_room_to_join("app")
