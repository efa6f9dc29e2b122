"""GET /openvidu/api/sessions"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_open_sessions_only(api, room_factory):
    room_factory("first")
    room_factory("second")
    closed = room_factory("third")
    api.delete(f"/openvidu/api/sessions/{closed.session_id}")
    response = api.get("/openvidu/api/sessions")
    assert response.status_code == 200
    body = response.json()
    assert body["numberOfElements"] == 2
    assert [session["id"] for session in body["content"]] == ["first", "second"]
    assert all(session["sessionId"] == session["id"] for session in body["content"])


def test_it_is_empty_without_sessions(api, db):
    assert api.get("/openvidu/api/sessions").json() == {"numberOfElements": 0, "content": []}


def test_it_counts_pending_connections_only_when_asked(api, room_factory, connection_factory):
    room = room_factory("busy")
    connection_factory(room, active=True)
    connection_factory(room)
    without = api.get("/openvidu/api/sessions").json()["content"][0]
    with_pending = api.get("/openvidu/api/sessions?pendingConnections=true").json()["content"][0]
    assert without["connections"]["numberOfElements"] == 1
    assert with_pending["connections"]["numberOfElements"] == 2


def test_it_accepts_the_webrtc_stats_flag(api, room_factory):
    room_factory("stats")
    assert api.get("/openvidu/api/sessions?webRtcStats=true").status_code == 200


def test_it_lists_many_sessions_in_a_fixed_number_of_queries(
    api, room_factory, connection_factory, django_assert_max_num_queries
):
    for index in range(10):
        connection_factory(room_factory(f"room{index}"), active=True)
    with django_assert_max_num_queries(6):
        body = api.get("/openvidu/api/sessions?pendingConnections=true").json()
    assert body["numberOfElements"] == 10
