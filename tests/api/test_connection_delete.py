"""DELETE /openvidu/api/sessions/{sessionId}/connection/{connectionId}"""

from __future__ import annotations

import pytest

from rooms import services
from rooms.models import Connection, Room

pytestmark = pytest.mark.django_db


def test_it_revokes_a_pending_token(api, room_factory, connection_factory):
    room = room_factory("revoke")
    pending = connection_factory(room)
    response = api.delete(f"/openvidu/api/sessions/revoke/connection/{pending.connection_id}")
    assert response.status_code == 204
    pending.refresh_from_db()
    assert pending.status == "closed"
    assert pending.close_reason == "tokenRevoked"
    with pytest.raises(services.InvalidToken):
        services.join_with_token(pending.token)
    # Revoking an invitation does not close the room.
    assert Room.objects.get(pk=room.pk).is_open


def test_it_evicts_an_active_participant(
    api, room_factory, connection_factory, stream_factory, subscribe
):
    room = room_factory("evict")
    alice = connection_factory(room, active=True)
    bob = connection_factory(room, active=True)
    stream = stream_factory(alice)
    subscription = subscribe(bob, stream)
    response = api.delete(f"/openvidu/api/sessions/evict/connection/{alice.connection_id}")
    assert response.status_code == 204
    alice.refresh_from_db()
    assert alice.status == "closed"
    assert alice.close_reason == "forceDisconnectByServer"
    stream.refresh_from_db()
    subscription.refresh_from_db()
    assert stream.closed_at is not None
    assert subscription.closed_at is not None
    assert Connection.objects.get(pk=bob.pk).is_active
    assert Room.objects.get(pk=room.pk).is_open


def test_evicting_the_last_participant_closes_the_room(api, room_factory, connection_factory):
    room = room_factory("last")
    alone = connection_factory(room, active=True)
    api.delete(f"/openvidu/api/sessions/last/connection/{alone.connection_id}")
    room.refresh_from_db()
    assert room.closed_at is not None
    assert room.close_reason == "lastParticipantLeft"


def test_it_answers_404_for_an_unknown_or_closed_connection(api, room_factory, connection_factory):
    room = room_factory("gone")
    connection_factory(room, active=True)
    pending = connection_factory(room)
    url = f"/openvidu/api/sessions/gone/connection/{pending.connection_id}"
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert api.delete("/openvidu/api/sessions/gone/connection/con_Nobody1234").status_code == 404


def test_it_answers_400_for_an_unknown_session(api, db):
    assert api.delete("/openvidu/api/sessions/none/connection/con_Nobody1234").status_code == 400
