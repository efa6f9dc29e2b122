"""POST /openvidu/api/sessions"""

from __future__ import annotations

import re

import pytest

from rooms.models import Room

URL = "/openvidu/api/sessions"
pytestmark = pytest.mark.django_db


def test_it_creates_a_session_with_a_generated_id(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"ses_[A-Z][A-Za-z0-9]{9}", body["id"])
    assert body["sessionId"] == body["id"]
    assert body["object"] == "session"
    assert body["customSessionId"] == ""
    assert body["mediaMode"] == "ROUTED"
    assert body["recordingMode"] == "MANUAL"
    assert body["forcedVideoCodec"] == "MEDIA_SERVER_PREFERRED"
    assert body["allowTranscoding"] is False
    assert body["recording"] is False
    assert body["broadcasting"] is False
    assert body["connections"] == {"numberOfElements": 0, "content": []}
    assert isinstance(body["createdAt"], int)
    assert Room.objects.get(session_id=body["id"]).is_open


def test_it_accepts_an_empty_body(api):
    response = api.post(URL, content_type="application/json")
    assert response.status_code == 200


def test_it_returns_the_default_recording_properties(api):
    body = api.post(URL, {}, format="json").json()
    assert body["defaultRecordingProperties"] == {
        "name": "",
        "hasAudio": True,
        "hasVideo": True,
        "outputMode": "COMPOSED",
        "recordingLayout": "BEST_FIT",
        "resolution": "1280x720",
        "frameRate": 25,
        "shmSize": 536870912,
    }


def test_it_keeps_every_given_property(api):
    response = api.post(
        URL,
        {
            "customSessionId": "Team_Meeting-1",
            "mediaMode": "ROUTED",
            "recordingMode": "ALWAYS",
            "forcedVideoCodec": "H264",
            "allowTranscoding": True,
            "defaultRecordingProperties": {"outputMode": "INDIVIDUAL", "name": "daily"},
            "mediaNode": {"id": "media_node_1"},
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == body["sessionId"] == body["customSessionId"] == "Team_Meeting-1"
    assert body["recordingMode"] == "ALWAYS"
    assert body["forcedVideoCodec"] == "H264"
    assert body["allowTranscoding"] is True
    assert body["mediaNode"] == {"id": "media_node_1"}
    # INDIVIDUAL recordings have no layout, resolution or frame rate.
    assert body["defaultRecordingProperties"] == {
        "name": "daily",
        "hasAudio": True,
        "hasVideo": True,
        "outputMode": "INDIVIDUAL",
        "ignoreFailedStreams": False,
    }


def test_it_treats_null_as_missing(api):
    response = api.post(
        URL,
        {
            "customSessionId": None,
            "mediaMode": None,
            "recordingMode": None,
            "allowTranscoding": None,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"].startswith("ses_")


def test_it_answers_409_for_a_custom_id_in_use(api):
    assert api.post(URL, {"customSessionId": "taken"}, format="json").status_code == 200
    response = api.post(URL, {"customSessionId": "taken"}, format="json")
    assert response.status_code == 409
    assert response.json()["status"] == 409
    assert Room.objects.filter(session_id="taken").count() == 1


def test_it_reuses_the_id_of_a_closed_session(api):
    api.post(URL, {"customSessionId": "again"}, format="json")
    assert api.delete(f"{URL}/again").status_code == 204
    assert api.post(URL, {"customSessionId": "again"}, format="json").status_code == 200
    # The closed room stays as history beside the new one.
    assert Room.objects.filter(session_id="again").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customSessionId": "has space"}, "customSessionId"),
        ({"customSessionId": "ünïcode"}, "customSessionId"),
        ({"customSessionId": "x" * 101}, "customSessionId"),
        ({"customSessionId": 12}, "customSessionId"),
        ({"mediaMode": "FORWARDED"}, "mediaMode"),
        ({"mediaMode": 5}, "mediaMode"),
        ({"recordingMode": "manual"}, "recordingMode"),
        ({"forcedVideoCodec": "AV1"}, "forcedVideoCodec"),
        ({"allowTranscoding": "true"}, "allowTranscoding"),
        ({"allowTranscoding": 1}, "allowTranscoding"),
        ({"defaultRecordingProperties": "COMPOSED"}, "defaultRecordingProperties"),
        (
            {"defaultRecordingProperties": {"resolution": "99x100"}},
            "defaultRecordingProperties.resolution",
        ),
        (
            {"defaultRecordingProperties": {"resolution": "2000x100"}},
            "defaultRecordingProperties.resolution",
        ),
        ({"defaultRecordingProperties": {"frameRate": 0}}, "defaultRecordingProperties.frameRate"),
        (
            {"defaultRecordingProperties": {"frameRate": 121}},
            "defaultRecordingProperties.frameRate",
        ),
        (
            {"defaultRecordingProperties": {"outputMode": "MIXED"}},
            "defaultRecordingProperties.outputMode",
        ),
        ({"defaultRecordingProperties": {"name": "bad name"}}, "defaultRecordingProperties.name"),
        ({"defaultRecordingProperties": {"shmSize": 1024}}, "defaultRecordingProperties.shmSize"),
        (
            {"defaultRecordingProperties": {"hasAudio": False, "hasVideo": False}},
            "defaultRecordingProperties",
        ),
        ({"mediaNode": "node"}, "mediaNode"),
        ({"mediaNode": {"name": "node"}}, "mediaNode"),
    ],
)
def test_it_rejects_bad_bodies_with_a_message_naming_the_field(api, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["status"] == 400
    assert error["error"] == "Bad Request"
    assert error["path"] == URL
    assert error["message"].startswith(f"{field}")
    assert not Room.objects.exists()


def test_it_rejects_a_body_that_is_not_an_object(api):
    response = api.post(URL, [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["message"]


def test_it_rejects_malformed_json(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["path"] == URL


def test_it_rejects_an_oversized_body(api):
    response = api.post(URL, {"customSessionId": "a", "pad": "x" * 300_000}, format="json")
    assert response.status_code == 400
    assert "larger than" in response.json()["message"]


def test_it_rejects_a_form_body(api):
    response = api.post(URL, {"customSessionId": "a"})
    assert response.status_code == 415
