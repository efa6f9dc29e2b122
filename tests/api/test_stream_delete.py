"""DELETE /openvidu/api/sessions/{sessionId}/stream/{streamId}"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_unpublishes_a_stream_and_its_subscriptions(
    api, room_factory, connection_factory, stream_factory, subscribe
):
    room = room_factory("stage")
    alice = connection_factory(room, active=True)
    bob = connection_factory(room, active=True)
    stream = stream_factory(alice)
    subscription = subscribe(bob, stream)
    response = api.delete(f"/openvidu/api/sessions/stage/stream/{stream.stream_id}")
    assert response.status_code == 204
    stream.refresh_from_db()
    subscription.refresh_from_db()
    assert stream.close_reason == "forceUnpublishByServer"
    assert subscription.closed_at is not None
    # The publisher stays in the room.
    alice.refresh_from_db()
    assert alice.is_active
    body = api.get("/openvidu/api/sessions/stage").json()
    assert all(seat["publishers"] == [] for seat in body["connections"]["content"])


def test_it_answers_404_for_an_unknown_or_stopped_stream(
    api, room_factory, connection_factory, stream_factory
):
    room = room_factory("stage")
    stream = stream_factory(connection_factory(room, active=True))
    url = f"/openvidu/api/sessions/stage/stream/{stream.stream_id}"
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    assert api.delete("/openvidu/api/sessions/stage/stream/str_CAM_Abcd_con_X").status_code == 404


def test_it_answers_404_for_a_stream_of_another_session(
    api, room_factory, connection_factory, stream_factory
):
    room_factory("stage")
    stream = stream_factory(connection_factory(room_factory("other"), active=True))
    assert api.delete(f"/openvidu/api/sessions/stage/stream/{stream.stream_id}").status_code == 404


def test_it_answers_400_for_an_unknown_session(api, db):
    assert api.delete("/openvidu/api/sessions/none/stream/str_CAM_Abcd_con_X").status_code == 400


def test_it_answers_405_for_an_ip_camera(api, room_factory, connection_factory, stream_factory):
    room = room_factory("cams")
    camera = connection_factory(room, active=True)
    camera.type = "IPCAM"
    camera.save()
    stream = stream_factory(camera, type_of_video="IPCAM")
    assert api.delete(f"/openvidu/api/sessions/cams/stream/{stream.stream_id}").status_code == 405
