"""POST /rooms/<name>/recording: the owner's Start/Stop recording button, and who sees it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from recordings.models import Recording
from tests.pages.conftest import page_config

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _recording_enabled(settings, tmp_path):
    settings.OPENVIDU_RECORDING = True
    settings.OPENVIDU_RECORDING_PATH = tmp_path / "recordings"


def _post(client, room="board", action="start", **kwargs):
    return client.post(
        f"/rooms/{room}/recording",
        json.dumps({"action": action}),
        content_type="application/json",
        **kwargs,
    )


def test_strangers_are_refused(client, owner, page_room):
    page_room("board", owner=owner)
    response = _post(client)
    assert response.status_code == 403
    assert response.json() == {"error": "Only the room's owner can start and stop recording."}
    assert not Recording.objects.exists()


def test_other_users_are_refused(member_client, owner, page_room):
    page_room("board", owner=owner)
    assert _post(member_client).status_code == 403
    assert _post(member_client, action="stop").status_code == 403


def test_nobody_may_record_a_room_without_an_owner(client, page_room):
    page_room("board")
    assert _post(client).status_code == 403


@pytest.mark.parametrize("body", ['{"action": "pause"}', '{"action": 1}', "[]", "not json", ""])
def test_a_bad_action_is_a_400(owner_client, owner, page_room, body):
    page_room("board", owner=owner)
    response = owner_client.post("/rooms/board/recording", body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_recording_turned_off_is_a_501(owner_client, owner, page_room, settings):
    settings.OPENVIDU_RECORDING = False
    page_room("board", owner=owner)
    response = _post(owner_client)
    assert response.status_code == 501
    assert response.json() == {"error": "Recording is turned off on this server."}


def test_unknown_rooms_are_a_404(owner_client):
    assert _post(owner_client, room="nowhere").status_code == 404
    assert _post(owner_client, room="Not%20a%20name").status_code == 404


def test_only_post(owner_client, owner, page_room):
    page_room("board", owner=owner)
    response = owner_client.get("/rooms/board/recording")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_the_csrf_token_is_needed(owner, page_room):
    page_room("board", owner=owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert _post(client).status_code == 403
    assert not Recording.objects.exists()


def test_an_empty_room_cannot_be_recorded(owner_client, owner, page_room):
    page_room("board", owner=owner)
    response = _post(owner_client)
    assert response.status_code == 406
    assert "no connected participants" in response.json()["error"]


def test_stopping_a_room_that_is_not_recorded_is_a_409(owner_client, owner, page_room):
    page_room("board", owner=owner)
    response = _post(owner_client, action="stop")
    assert response.status_code == 409
    assert response.json() == {"error": "This room is not being recorded."}


def test_the_owner_gets_the_button(owner_client, owner, page_room):
    page_room("board", owner=owner)
    response = owner_client.get("/rooms/board/")
    assert page_config(response)["recordingUrl"] == "/rooms/board/recording"
    assert b'id="toggle-recording"' in response.content
    assert b'id="recording-indicator"' in response.content


def test_no_button_when_recording_is_off(owner_client, owner, page_room, settings):
    settings.OPENVIDU_RECORDING = False
    page_room("board", owner=owner)
    response = owner_client.get("/rooms/board/")
    assert page_config(response)["recordingUrl"] is None
    assert b'id="toggle-recording"' not in response.content


def test_everyone_else_sees_only_the_indicator(member_client, owner, page_room):
    page_room("board", owner=owner)
    response = member_client.get("/rooms/board/")
    assert page_config(response)["recordingUrl"] is None
    assert b'id="toggle-recording"' not in response.content
    assert b'id="recording-indicator"' in response.content
