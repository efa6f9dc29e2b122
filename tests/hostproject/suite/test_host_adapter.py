"""HostAdapter's rules, through the real views of the host site."""

from __future__ import annotations

import json

import pytest

from rooms import services
from rooms.models import Connection, Room

pytestmark = pytest.mark.django_db


def _seat(client, room, name="typed"):
    return client.post(f"/video/rooms/{room}/token", {"name": name})


def _connection(response):
    return Connection.objects.get(connection_id=response.json()["connectionId"])


def test_a_host_creates_a_room_and_owns_it(host_client, host):
    response = host_client.post("/video/rooms/", {"name": "standup"})
    assert response.status_code == 302
    assert response["Location"] == "/video/rooms/standup/"
    assert Room.objects.get(session_id="standup").owner == host


def test_a_member_who_is_not_a_host_cannot_create_a_room(member_client):
    response = member_client.post("/video/rooms/", {"name": "standup"})
    assert response.status_code == 403
    assert "You cannot create rooms here" in response.content.decode()
    assert not Room.objects.exists()


def test_a_stranger_is_sent_to_the_hosts_login_page_to_create(client):
    response = client.post("/video/rooms/", {"name": "standup"})
    assert response.status_code == 302
    assert response["Location"] == "/members/login/?next=/video/rooms/standup/"
    assert not Room.objects.exists()


def test_the_missing_room_page_offers_creation_to_hosts_only(host_client, member_client):
    assert "Create the room" in host_client.get("/video/rooms/standup/").content.decode()
    page = member_client.get("/video/rooms/standup/").content.decode()
    assert "Create the room" not in page
    assert "may not create rooms" in page


def test_everyone_logged_in_moderates_a_staff_room(member_client, host):
    services.create_page_room("staff-sync", owner=host, is_public=True)
    response = _seat(member_client, "staff-sync")
    assert response.status_code == 200
    assert response.json()["role"] == _connection(response).role == "MODERATOR"


def test_a_staff_room_is_closed_to_strangers_even_when_public(client, host):
    services.create_page_room("staff-sync", owner=host, is_public=True)
    page = client.get("/video/rooms/staff-sync/")
    assert page["Location"] == "/members/login/?next=/video/rooms/staff-sync/"
    response = _seat(client, "staff-sync")
    assert response.status_code == 403
    assert response.json() == {
        "error": "Log in to join this room.",
        "login": "/members/login/?next=/video/rooms/staff-sync/",
    }
    assert not Connection.objects.exists()


def test_other_rooms_keep_the_default_roles(member_client, host_client, host):
    services.create_page_room("standup", owner=host, is_public=True)
    assert _seat(member_client, "standup").json()["role"] == "PUBLISHER"
    assert _seat(host_client, "standup").json()["role"] == "MODERATOR"


def test_a_member_is_shown_by_their_full_name_with_the_tenant(member_client, host):
    services.create_page_room("standup", owner=host, is_public=True)
    response = _seat(member_client, "standup", name="whatever I typed")
    assert response.json()["name"] == "Alan Turing"
    assert json.loads(_connection(response).server_data) == {
        "name": "Alan Turing",
        "tenant": "acme",
    }


def test_a_stranger_keeps_the_typed_name(client, host):
    services.create_page_room("standup", owner=host, is_public=True)
    response = _seat(client, "standup", name="Ada")
    assert response.json()["name"] == "Ada"
    assert json.loads(_connection(response).server_data) == {"name": "Ada", "tenant": "acme"}


def test_a_private_room_still_needs_a_login(client, host):
    services.create_page_room("board", owner=host, is_public=False)
    response = _seat(client, "board")
    assert response.status_code == 403
    assert response.json()["error"] == "This room is private: log in to join it."
