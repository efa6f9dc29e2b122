"""/join?token=...: the room page for a token an application made; each link works once."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from rooms import services
from tests.pages.conftest import page_config

pytestmark = pytest.mark.django_db


def _link(token):
    return f"/join?token={quote(token, safe='')}"


@pytest.fixture
def invitation(room_factory):
    room = room_factory("app-room")
    return services.create_connection(room, services.ConnectionProperties())


def test_a_pending_invitation_shows_the_join_screen(client, invitation):
    response = client.get(_link(invitation.token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Join “app-room”" in page
    config = page_config(response)
    assert (config["mode"], config["invitation"], config["room"]) == (
        "invitation",
        invitation.token,
        "app-room",
    )
    assert "tokenUrl" not in config


def test_a_link_without_a_token_is_400(client):
    response = client.get("/join")
    assert response.status_code == 400
    assert "This link has no invitation in it." in response.content.decode()


def test_an_unknown_token_is_404_in_words(client):
    response = client.get(_link("ws://x?sessionId=a&token=tok_Nope"))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_a_used_token_is_410_in_words(client, invitation):
    services.join_with_token(invitation.token)
    response = client.get(_link(invitation.token))
    assert response.status_code == 410
    assert "This invitation link has already been used" in response.content.decode()


def test_a_revoked_token_says_it_was_withdrawn(client, invitation):
    services.destroy_connection(invitation)
    response = client.get(_link(invitation.token))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()


def test_the_invitation_of_a_closed_room_says_so(client, invitation):
    services.close_room(invitation.room)
    # close_room closes pending seats too: the link says it is no longer usable.
    response = client.get(_link(invitation.token))
    assert response.status_code == 410


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("Invited Ivy", "Invited Ivy"),
        ('{"name": "Ivy Liu"}', "Ivy Liu"),
        ('{"clientData": "  Ivy   Liu "}', "Ivy Liu"),
        ('{"role": "guest"}', ""),
        ("[1, 2]", ""),
        ("", ""),
        ("x" * 41, ""),
        ("Ivy\u202eLiu", ""),
    ],
)
def test_an_invitation_prefills_the_name_its_data_gives(client, room_factory, data, name):
    room = room_factory("app-room")
    seat = services.create_connection(room, services.ConnectionProperties(server_data=data))
    assert page_config(client.get(_link(seat.token)))["invitedName"] == name
