"""POST /openvidu/api/tokens (deprecated, still used by openvidu-node-client)"""

from __future__ import annotations

import re

import pytest

from rooms.models import Connection

pytestmark = pytest.mark.django_db
URL = "/openvidu/api/tokens"


def test_it_creates_a_token_and_its_pending_connection(api, room_factory):
    room_factory("legacy")
    response = api.post(
        URL,
        {"session": "legacy", "role": "SUBSCRIBER", "data": "d", "kurentoOptions": None},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["id", "token", "createdAt", "connectionId", "session", "data", "role"]
    assert body["id"] == body["token"]
    assert re.fullmatch(
        r"wss://rooms\.example\.test\?sessionId=legacy&token=tok_\w{16}", body["token"]
    )
    assert (body["session"], body["role"], body["data"]) == ("legacy", "SUBSCRIBER", "d")
    seat = Connection.objects.get(connection_id=body["connectionId"])
    assert seat.token == body["token"]
    assert seat.is_pending


def test_it_always_records_as_openvidu_does(api, room_factory):
    room_factory("legacy")
    body = api.post(URL, {"session": "legacy", "record": False}, format="json").json()
    assert Connection.objects.get(connection_id=body["connectionId"]).record is True


def test_it_shows_kurento_options_when_given(api, room_factory):
    room_factory("legacy")
    body = api.post(
        URL, {"session": "legacy", "kurentoOptions": {"videoMaxSendBandwidth": 500}}, format="json"
    ).json()
    assert body["kurentoOptions"] == {"videoMaxSendBandwidth": 500}


def test_it_needs_a_session(api, db):
    response = api.post(URL, {"role": "PUBLISHER"}, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith("session")


def test_it_answers_404_for_an_unknown_session(api, db):
    response = api.post(URL, {"session": "none"}, format="json")
    assert response.status_code == 404
    assert response.json()["message"] == "Session none not found"


@pytest.mark.parametrize(
    "body",
    [
        {"session": 5},
        {"session": "legacy", "role": "OWNER"},
        {"session": "legacy", "type": "IPCAM", "rtspUri": "rtsp://c.test"},
    ],
)
def test_it_rejects_bad_bodies(api, room_factory, body):
    room_factory("legacy")
    assert api.post(URL, body, format="json").status_code == 400
