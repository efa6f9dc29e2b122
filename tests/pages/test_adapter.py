"""ROOMS['ADAPTER']: the default keeps today's rules, another one changes them, and
answers the rooms cannot use stop the request instead of being stored."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from rooms import services
from rooms.adapter import AdapterError, RoomsAdapter, get_adapter
from rooms.internal import adapter_checks
from rooms.models import Connection, Room

pytestmark = pytest.mark.django_db

ADAPTERS = "tests.pages.adapters."


@pytest.fixture
def use_adapter(settings):
    def use(name: str) -> None:
        settings.ROOMS = {"ADAPTER": ADAPTERS + name}

    return use


def _seat(client, room="standup", **fields):
    return client.post(f"/rooms/{room}/token", {"name": "Ana", **fields})


def test_the_default_adapter_is_rooms_adapter(rf):
    request = rf.get("/")
    adapter = get_adapter(request)
    assert type(adapter) is RoomsAdapter
    assert adapter.request is request


def test_the_configured_adapter_is_used(use_adapter):
    use_adapter("TaggingAdapter")
    assert type(get_adapter()).__name__ == "TaggingAdapter"


def test_a_class_that_is_not_an_adapter_is_improperly_configured(use_adapter):
    use_adapter("NotAnAdapter")
    with pytest.raises(
        ImproperlyConfigured, match=re.escape("not a subclass of rooms.adapter.RoomsAdapter")
    ):
        get_adapter()


def test_a_path_that_does_not_import_is_improperly_configured(settings):
    settings.ROOMS = {"ADAPTER": "tests.pages.nowhere.Adapter"}
    with pytest.raises(
        ImproperlyConfigured, match=re.escape("cannot import 'tests.pages.nowhere.Adapter'")
    ):
        get_adapter()


def test_the_system_check_names_a_bad_adapter(use_adapter):
    assert adapter_checks.adapter_is_usable() == []
    use_adapter("NotAnAdapter")
    [error] = adapter_checks.adapter_is_usable()
    assert error.id == "rooms.E010"
    assert "NotAnAdapter" in error.msg


def test_a_refused_creation_is_a_403_page_for_a_user(use_adapter, member_client):
    use_adapter("RefusingAdapter")
    response = member_client.post("/rooms/", {"name": "standup"})
    assert response.status_code == 403
    assert "You cannot create rooms here" in response.content.decode()
    assert not Room.objects.exists()


def test_a_refused_creation_sends_a_stranger_to_log_in(use_adapter, client):
    use_adapter("RefusingAdapter")
    response = client.post("/rooms/", {"name": "standup"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rooms/standup/"
    assert not Room.objects.exists()


def test_the_missing_room_page_offers_creation_only_when_allowed(use_adapter, member_client):
    assert "Create the room" in member_client.get("/rooms/standup/").content.decode()
    use_adapter("RefusingAdapter")
    page = member_client.get("/rooms/standup/").content.decode()
    assert "Create the room" not in page
    assert "may not create rooms" in page


def test_going_to_an_existing_room_does_not_ask_for_creation(use_adapter, member_client, page_room):
    page_room("standup")
    use_adapter("RefusingAdapter")
    response = member_client.post("/rooms/", {"name": "standup"})
    assert response.status_code == 302
    assert response["Location"] == "/rooms/standup/"


def test_a_refused_join_is_a_403_page_and_403_json_for_a_user(
    use_adapter, member_client, page_room
):
    page_room("standup")
    use_adapter("RefusingAdapter")
    page = member_client.get("/rooms/standup/")
    assert page.status_code == 403
    assert "You cannot join this room" in page.content.decode()
    response = _seat(member_client)
    assert response.status_code == 403
    assert response.json() == {"error": "Your account may not join this room."}
    assert not Connection.objects.exists()


def test_a_refused_person_does_not_reopen_a_closed_room(use_adapter, member_client, page_room):
    services.close_room(page_room("standup"))
    use_adapter("RefusingAdapter")
    assert _seat(member_client).status_code == 403
    assert not services.open_rooms().filter(session_id="standup").exists()
    assert Room.objects.filter(session_id="standup").count() == 1


def test_a_refused_stranger_is_asked_to_log_in_even_in_a_public_room(
    use_adapter, client, page_room
):
    page_room("standup")
    use_adapter("RefusingAdapter")
    assert client.get("/rooms/standup/")["Location"] == "/accounts/login/?next=/rooms/standup/"
    response = _seat(client)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Log in to join this room.",
        "login": "/accounts/login/?next=/rooms/standup/",
    }


def test_a_camera_seat_takes_the_adapters_role_name_and_data(use_adapter, client, page_room):
    page_room("standup")
    use_adapter("TaggingAdapter")
    body = _seat(client, name="Ana").json()
    connection = Connection.objects.get(connection_id=body["connectionId"])
    assert body["role"] == connection.role == "SUBSCRIBER"
    assert body["name"] == "ANA"
    assert connection.server_data == '{"name":"ANA","tag":"100\\u0025"}'
    assert json.loads(connection.server_data) == {"name": "ANA", "tag": "100%"}


def test_a_screen_seat_keeps_the_camera_seats_name_and_plain_data(use_adapter, client, page_room):
    page_room("standup")
    use_adapter("TaggingAdapter")
    camera = _seat(client).json()
    services.join_with_token(camera["token"], ip="127.0.0.1", platform="test")
    body = client.post(
        "/rooms/standup/token", {"kind": "screen", "screen_of": camera["connectionId"]}
    ).json()
    screen = Connection.objects.get(connection_id=body["connectionId"])
    assert screen.role == "PUBLISHER"
    assert json.loads(screen.server_data) == {"name": "ANA", "screenOf": camera["connectionId"]}


@pytest.mark.parametrize(
    ("adapter", "message"),
    [
        ("ForgetfulAdapter", "ForgetfulAdapter.can_join_room returned None, not True or False"),
        ("OwnerRoleAdapter", "OwnerRoleAdapter.role_for returned 'OWNER', not one of"),
        ("NamelessAdapter", "NamelessAdapter.display_name returned None, not a str"),
        ("LongNameAdapter", "LongNameAdapter.display_name returned 'xxx.*at most 40"),
        ("HugeDataAdapter", "HugeDataAdapter.server_data returned 10001 characters"),
        ("PercentDataAdapter", "PercentDataAdapter.server_data returned server data with a '%'"),
    ],
)
def test_an_answer_the_rooms_cannot_use_stops_the_seat(use_adapter, page_room, adapter, message):
    page_room("standup")
    use_adapter(adapter)
    with pytest.raises(AdapterError, match=message):
        _seat(Client())
    assert not Connection.objects.exists()
