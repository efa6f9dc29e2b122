"""A room's page: who may see it, and what its script is told."""

from __future__ import annotations

import pytest

from rooms import services
from tests.pages.conftest import page_config as _config

pytestmark = pytest.mark.django_db


def test_a_public_room_shows_the_join_screen_to_anyone(client, page_room):
    page_room("standup")
    response = client.get("/rooms/standup/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Join “standup”" in page
    assert 'id="camera-select"' in page
    config = _config(response)
    assert config["mode"] == "name"
    assert config["tokenUrl"] == "/rooms/standup/token"
    assert config["isOwner"] is False
    assert config["roomUrl"] == "http://testserver/rooms/standup/"
    assert config["csrfToken"]


def test_the_owner_is_told_they_moderate(owner_client, owner, page_room):
    page_room("board", owner=owner)
    response = owner_client.get("/rooms/board/")
    assert _config(response)["isOwner"] is True
    assert _config(response)["displayName"] == "olivia"
    assert "you join as its moderator" in response.content.decode()


def test_a_private_room_sends_strangers_to_the_login_page(client, page_room, owner):
    page_room("board", owner=owner, is_public=False)
    response = client.get("/rooms/board/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rooms/board/"


def test_a_private_room_is_open_to_any_logged_in_user(member_client, page_room, owner):
    page_room("board", owner=owner, is_public=False)
    response = member_client.get("/rooms/board/")
    assert response.status_code == 200
    assert _config(response)["isOwner"] is False


def test_a_closed_room_keeps_its_page(client, page_room):
    services.close_room(page_room("standup"))
    assert client.get("/rooms/standup/").status_code == 200


def test_a_name_not_in_its_final_form_redirects_to_it(client):
    response = client.get("/rooms/Team%20Sync/")
    assert response.status_code == 302
    assert response["Location"] == "/rooms/team-sync/"


def test_a_name_without_letters_is_not_found(client):
    response = client.get("/rooms/%21%21/")
    assert response.status_code == 404
    assert "That is not the name of a room." in response.content.decode()


def test_an_unknown_room_offers_to_create_it(client):
    response = client.get("/rooms/new-idea/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is no room called “new-idea” yet" in page
    assert 'value="new-idea"' in page


def test_an_applications_room_is_not_reachable_by_name(client):
    services.create_room(services.RoomProperties(session_id="app-room"))
    response = client.get("/rooms/app-room/")
    assert response.status_code == 404
    assert "This room belongs to an application" in response.content.decode()
