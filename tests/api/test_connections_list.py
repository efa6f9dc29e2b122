"""GET /openvidu/api/sessions/{sessionId}/connection"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_active_and_pending_connections_by_default(api, room_factory, connection_factory):
    room = room_factory("list")
    active = connection_factory(room, active=True)
    pending = connection_factory(room)
    closed = connection_factory(room)
    api.delete(f"/openvidu/api/sessions/list/connection/{closed.connection_id}")
    response = api.get("/openvidu/api/sessions/list/connection")
    assert response.status_code == 200
    body = response.json()
    assert body["numberOfElements"] == 2
    assert {c["connectionId"]: c["status"] for c in body["content"]} == {
        active.connection_id: "active",
        pending.connection_id: "pending",
    }


def test_it_lists_active_ones_only_when_asked(api, room_factory, connection_factory):
    room = room_factory("list")
    connection_factory(room, active=True)
    connection_factory(room)
    body = api.get("/openvidu/api/sessions/list/connection?pendingConnections=false").json()
    assert body["numberOfElements"] == 1


def test_it_answers_404_for_an_unknown_session(api, db):
    assert api.get("/openvidu/api/sessions/none/connection").status_code == 404
