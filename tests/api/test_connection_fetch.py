"""GET /openvidu/api/sessions/{sessionId}/connection/{connectionId}"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_returns_an_active_connection(api, room_factory, connection_factory):
    room = room_factory("one")
    seat = connection_factory(
        room, active=True, client_data="Bea", server_data="server-side", role="MODERATOR"
    )
    response = api.get(f"/openvidu/api/sessions/one/connection/{seat.connection_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["role"] == "MODERATOR"
    assert body["clientData"] == "Bea"
    assert body["serverData"] == "server-side"
    assert body["ip"] == "127.0.0.1"
    assert body["platform"] == "Chrome 156"
    assert body["location"] == "unknown"
    assert isinstance(body["activeAt"], int)
    assert body["activeAt"] >= body["createdAt"]


def test_it_returns_a_pending_connection(api, room_factory, connection_factory):
    room = room_factory("one")
    seat = connection_factory(room)
    body = api.get(f"/openvidu/api/sessions/one/connection/{seat.connection_id}").json()
    assert body["status"] == "pending"
    assert body["token"] == seat.token
    assert body["activeAt"] is None
    assert body["publishers"] is None


def test_it_answers_404_for_an_unknown_connection(api, room_factory):
    room_factory("one")
    response = api.get("/openvidu/api/sessions/one/connection/con_Nobody1234")
    assert response.status_code == 404


def test_it_answers_404_for_a_connection_of_another_session(api, room_factory, connection_factory):
    room_factory("one")
    elsewhere = connection_factory(room_factory("two"))
    assert (
        api.get(f"/openvidu/api/sessions/one/connection/{elsewhere.connection_id}").status_code
        == 404
    )


def test_it_answers_400_for_an_unknown_session(api, db):
    # OpenVidu's quirk, kept for compatibility: the session is part of the request.
    response = api.get("/openvidu/api/sessions/none/connection/con_Nobody1234")
    assert response.status_code == 400
    assert response.json()["message"] == "Session none not found"
