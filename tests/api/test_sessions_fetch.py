"""GET /openvidu/api/sessions/{sessionId}"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_returns_the_session_with_active_connections_only_by_default(
    api, room_factory, connection_factory
):
    room = room_factory("fetch-me")
    active = connection_factory(room, active=True, client_data="Alice")
    connection_factory(room)
    response = api.get("/openvidu/api/sessions/fetch-me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == body["sessionId"] == "fetch-me"
    assert body["connections"]["numberOfElements"] == 1
    (seat,) = body["connections"]["content"]
    assert seat["connectionId"] == active.connection_id
    assert seat["status"] == "active"
    assert seat["clientData"] == "Alice"
    assert seat["publishers"] == []
    assert seat["subscribers"] == []


def test_it_adds_pending_connections_when_asked(api, room_factory, connection_factory):
    room = room_factory("fetch-pending")
    connection_factory(room, active=True)
    pending = connection_factory(room)
    body = api.get("/openvidu/api/sessions/fetch-pending?pendingConnections=true").json()
    assert body["connections"]["numberOfElements"] == 2
    statuses = {seat["connectionId"]: seat["status"] for seat in body["connections"]["content"]}
    assert statuses[pending.connection_id] == "pending"


def test_it_reads_boolean_query_values_as_openvidu_does(api, room_factory, connection_factory):
    room = room_factory("flags")
    connection_factory(room)
    for value, count in (("1", 1), ("yes", 1), ("FALSE", 0), ("", 0)):
        body = api.get(f"/openvidu/api/sessions/flags?pendingConnections={value}").json()
        assert body["connections"]["numberOfElements"] == count, value


def test_it_rejects_a_query_flag_that_is_not_boolean(api, room_factory):
    room_factory("flags")
    response = api.get("/openvidu/api/sessions/flags?pendingConnections=maybe")
    assert response.status_code == 400
    assert response.json()["message"].startswith("pendingConnections")


def test_it_shows_publishers_and_subscribers(
    api, room_factory, connection_factory, stream_factory, subscribe
):
    room = room_factory("media")
    alice = connection_factory(room, active=True)
    bob = connection_factory(room, active=True)
    stream = stream_factory(alice)
    subscribe(bob, stream)
    seats = {
        seat["connectionId"]: seat
        for seat in api.get("/openvidu/api/sessions/media").json()["connections"]["content"]
    }
    (published,) = seats[alice.connection_id]["publishers"]
    assert published["streamId"] == stream.stream_id
    assert published["mediaOptions"] == {
        "hasAudio": True,
        "audioActive": True,
        "hasVideo": True,
        "videoActive": True,
        "typeOfVideo": "CAMERA",
        "frameRate": 30,
        "videoDimensions": '{"width":640,"height":480}',
        "filter": {},
    }
    (subscribed,) = seats[bob.connection_id]["subscribers"]
    assert subscribed["streamId"] == stream.stream_id
    assert isinstance(subscribed["createdAt"], int)


@pytest.mark.parametrize(
    ("has_audio", "has_video", "expected"),
    [
        (True, False, {"hasAudio": True, "audioActive": True, "hasVideo": False, "filter": {}}),
        (
            False,
            True,
            {
                "hasAudio": False,
                "hasVideo": True,
                "videoActive": True,
                "typeOfVideo": "CAMERA",
                "frameRate": -1,
                "videoDimensions": '{"width":640,"height":480}',
                "filter": {},
            },
        ),
    ],
)
def test_media_options_name_only_the_tracks_a_stream_has(
    api, room_factory, connection_factory, stream_factory, has_audio, has_video, expected
):
    # openvidu-server's MediaOptions: a track's state only for a track there is; the
    # frame rate as the publisher sent it (openvidu-browser's -1 for "not set").
    room = room_factory("tracks")
    alice = connection_factory(room, active=True)
    stream_factory(alice, has_audio=has_audio, has_video=has_video, frame_rate=-1)
    (seat,) = api.get("/openvidu/api/sessions/tracks").json()["connections"]["content"]
    assert seat["publishers"][0]["mediaOptions"] == expected


def test_it_answers_404_for_an_unknown_session(api):
    response = api.get("/openvidu/api/sessions/nope")
    assert response.status_code == 404
    assert response.json()["message"] == "Session nope not found"


def test_it_answers_404_for_a_closed_session(api, room_factory):
    room = room_factory("gone")
    api.delete("/openvidu/api/sessions/gone")
    assert api.get(f"/openvidu/api/sessions/{room.session_id}").status_code == 404
