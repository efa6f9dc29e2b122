"""The home page: type a room name to create or join it; a user's own rooms are listed."""

from __future__ import annotations

import pytest
from django.test import Client

from rooms import services
from rooms.models import Room

pytestmark = pytest.mark.django_db


def test_a_typed_name_creates_a_public_room_without_owner_for_an_anonymous_person(client):
    response = client.post("/rooms/", {"name": "Team Sync!", "private": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/rooms/team-sync/"
    room = Room.objects.get(session_id="team-sync")
    assert room.origin == Room.Origin.PAGES
    assert room.owner is None
    # Privacy needs someone who can log in to it.
    assert room.is_public is True
    assert room.is_open


def test_a_logged_in_user_owns_the_room_and_may_make_it_private(owner_client, owner):
    owner_client.post("/rooms/", {"name": "board", "private": "on"})
    room = Room.objects.get(session_id="board")
    assert room.owner == owner
    assert room.is_public is False


def test_an_existing_room_is_joined_not_created_again(owner_client, page_room, member):
    page_room("board", owner=member)
    response = owner_client.post("/rooms/", {"name": "Board"})
    assert response["Location"] == "/rooms/board/"
    assert Room.objects.filter(session_id="board").count() == 1
    assert Room.objects.get(session_id="board").owner == member


def test_a_name_without_letters_is_refused_in_words(client):
    response = client.post("/rooms/", {"name": "!!!"})
    assert response.status_code == 400
    assert "Use at least one letter or digit" in response.content.decode()
    assert not Room.objects.exists()


def test_the_name_of_an_applications_room_is_not_taken_over(client):
    services.create_room(services.RoomProperties(session_id="app-room"))
    response = client.post("/rooms/", {"name": "app-room"})
    assert response.status_code == 400
    assert "taken by an application" in response.content.decode()


def test_the_home_page_lists_the_rooms_a_user_owns_once_each(owner_client, owner, page_room):
    old = page_room("board", owner=owner, is_public=False)
    services.close_room(old)
    page_room("board", owner=owner, is_public=False)
    page_room("someone-elses")
    page = owner_client.get("/").content.decode()
    assert page.count('href="/rooms/board/"') == 1
    assert "private" in page
    assert "someone-elses" not in page


def test_the_home_page_has_the_form_and_a_login_link_for_strangers(client):
    page = client.get("/").content.decode()
    assert 'action="/rooms/"' in page
    assert "/accounts/login/" in page
    assert "Your rooms" not in page


def test_opening_a_room_needs_post(client: Client):
    assert client.get("/rooms/").status_code == 405


def test_an_owned_room_says_how_many_are_in_it_now(owner_client, owner, page_room):
    room = page_room("board", owner=owner)
    seat = services.create_connection(room, services.ConnectionProperties())
    assert seat.token is not None
    services.join_with_token(seat.token)
    page = owner_client.get("/").content.decode()
    assert "1 in the room now" in page
