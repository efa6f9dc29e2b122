"""DELETE /openvidu/api/sessions/{sessionId}"""

from __future__ import annotations

import pytest

from rooms.models import Connection, Room

pytestmark = pytest.mark.django_db


def test_it_closes_the_session_and_every_seat(
    api, room_factory, connection_factory, stream_factory
):
    room = room_factory("closing")
    active = connection_factory(room, active=True)
    pending = connection_factory(room)
    stream = stream_factory(active)
    response = api.delete("/openvidu/api/sessions/closing")
    assert response.status_code == 204
    assert response.content == b""
    room.refresh_from_db()
    assert room.closed_at is not None
    assert room.close_reason == "sessionClosedByServer"
    assert {c.status for c in Connection.objects.filter(pk__in=[active.pk, pending.pk])} == {
        "closed"
    }
    stream.refresh_from_db()
    assert stream.closed_at is not None


def test_it_keeps_the_closed_session_as_history(api, room_factory):
    room_factory("history")
    api.delete("/openvidu/api/sessions/history")
    assert Room.objects.filter(session_id="history", closed_at__isnull=False).exists()


def test_it_answers_404_for_an_unknown_session(api, db):
    response = api.delete("/openvidu/api/sessions/unknown")
    assert response.status_code == 404
    assert response.json()["message"] == "Session unknown not found"


def test_it_answers_404_the_second_time(api, room_factory):
    room_factory("twice")
    assert api.delete("/openvidu/api/sessions/twice").status_code == 204
    assert api.delete("/openvidu/api/sessions/twice").status_code == 404


def test_a_used_token_of_a_closed_session_cannot_join(api, room_factory, connection_factory):
    from rooms import services

    room = room_factory("no-entry")
    pending = connection_factory(room)
    api.delete("/openvidu/api/sessions/no-entry")
    with pytest.raises(services.InvalidToken):
        services.join_with_token(pending.token)


def test_it_refuses_a_method_the_endpoint_does_not_have(api, room_factory):
    room_factory("x")
    assert api.put("/openvidu/api/sessions/x", {}, format="json").status_code == 405
    assert api.delete("/openvidu/api/sessions").status_code == 405
