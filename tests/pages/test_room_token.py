"""POST /rooms/<name>/token: seats for the room page, with the rules of the room."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rooms import services
from rooms.models import Connection, Room
from rooms.pages.tokens import SESSION_SEATS

pytestmark = pytest.mark.django_db


def _seat(client, room="standup", **fields):
    return client.post(f"/rooms/{room}/token", {"name": "Ana", **fields})


def test_anyone_gets_a_publisher_seat_in_a_public_room(client, page_room):
    page_room("standup")
    response = _seat(client, room="standup", name="  Ana  ")
    assert response.status_code == 200
    body = response.json()
    connection = Connection.objects.get(connection_id=body["connectionId"])
    assert body["token"] == connection.token
    assert body["token"].startswith("wss://rooms.example.test?sessionId=standup&token=tok_")
    assert body["role"] == connection.role == "PUBLISHER"
    assert (body["room"], body["name"]) == ("standup", "Ana")
    assert json.loads(connection.server_data) == {"name": "Ana"}
    assert connection.is_pending
    assert connection.user is None


def test_the_owner_gets_a_moderator_seat(owner_client, owner, page_room):
    page_room("board", owner=owner)
    body = _seat(owner_client, room="board").json()
    connection = Connection.objects.get(connection_id=body["connectionId"])
    assert body["role"] == connection.role == "MODERATOR"
    assert connection.user == owner


def test_other_users_are_publishers_in_someone_elses_room(member_client, owner, page_room):
    page_room("board", owner=owner)
    assert _seat(member_client, room="board").json()["role"] == "PUBLISHER"


def test_a_private_room_refuses_strangers_with_a_login_link(client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    response = _seat(client, room="board")
    assert response.status_code == 403
    assert response.json() == {
        "error": "This room is private: log in to join it.",
        "login": "/accounts/login/?next=/rooms/board/",
    }
    assert not Connection.objects.exists()


@pytest.mark.parametrize("name", ["Standup", "a%20b", "%21", "x" * 101])
def test_a_name_that_is_not_a_room_name_is_400(client, name):
    response = client.post(f"/rooms/{name}/token", {"name": "Ana"})
    assert response.status_code == 400
    assert "is not a room name" in response.json()["error"]


@pytest.mark.parametrize(
    ("display_name", "message"),
    [("", "Type the name"), ("x" * 41, "at most 40"), ("a\u202eb", "control characters")],
)
def test_a_bad_display_name_is_400_in_words(client, page_room, display_name, message):
    page_room("standup")
    response = client.post("/rooms/standup/token", {"name": display_name})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_an_unknown_room_is_404(client):
    response = _seat(client, room="nowhere")
    assert response.status_code == 404
    assert "There is no room called “nowhere”" in response.json()["error"]


def test_an_applications_room_gives_no_seats_by_name(client):
    services.create_room(services.RoomProperties(session_id="app-room"))
    response = _seat(client, room="app-room")
    assert response.status_code == 404
    assert "belongs to an application" in response.json()["error"]


def test_a_closed_room_is_reopened_with_its_owner_and_privacy(owner_client, owner, page_room):
    first = page_room("board", owner=owner, is_public=False)
    services.close_room(first)
    body = _seat(owner_client, room="board").json()
    assert body["role"] == "MODERATOR"
    rooms = list(Room.objects.filter(session_id="board").order_by("created_at", "pk"))
    assert len(rooms) == 2
    assert rooms[0].closed_at is not None
    reopened = rooms[1]
    assert reopened.is_open
    assert (reopened.owner, reopened.is_public, reopened.origin) == (owner, False, "pages")
    assert Connection.objects.get(connection_id=body["connectionId"]).room == reopened


def test_the_endpoint_needs_post_and_the_csrf_token(page_room):
    page_room("standup")
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/rooms/standup/token").status_code == 405
    assert browser.post("/rooms/standup/token", {"name": "Ana"}).status_code == 403
    browser.get("/rooms/standup/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/rooms/standup/token", {"name": "Ana"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def _join(token):
    return services.join_with_token(token, ip="127.0.0.1", platform="test")


def test_a_screen_seat_belongs_to_a_camera_seat_of_the_same_browser(client, page_room):
    page_room("standup")
    camera = _seat(client).json()
    _join(camera["token"])
    response = client.post(
        "/rooms/standup/token", {"kind": "screen", "screen_of": camera["connectionId"]}
    )
    assert response.status_code == 200
    screen = Connection.objects.get(connection_id=response.json()["connectionId"])
    assert screen.role == "PUBLISHER"
    assert json.loads(screen.server_data) == {"name": "Ana", "screenOf": camera["connectionId"]}
    assert client.session[SESSION_SEATS] == [camera["connectionId"], screen.connection_id]


def test_a_screen_seat_for_someone_elses_camera_is_403(client, page_room):
    page_room("standup")
    camera = _seat(Client()).json()
    _join(camera["token"])
    response = client.post(
        "/rooms/standup/token", {"kind": "screen", "screen_of": camera["connectionId"]}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "Join the room before sharing your screen."


def test_a_screen_seat_needs_a_camera_seat_that_joined(client, page_room):
    page_room("standup")
    camera = _seat(client).json()  # never joined: still pending
    response = client.post(
        "/rooms/standup/token", {"kind": "screen", "screen_of": camera["connectionId"]}
    )
    assert response.status_code == 403
    missing = client.post("/rooms/standup/token", {"kind": "screen"})
    assert missing.status_code == 400
