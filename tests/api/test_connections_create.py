"""POST /openvidu/api/sessions/{sessionId}/connection"""

from __future__ import annotations

import re

import pytest

from rooms.models import Connection
from tests.camera_sources import free_port

pytestmark = pytest.mark.django_db
URL = "/openvidu/api/sessions/talk/connection"


@pytest.fixture
def room(room_factory):
    return room_factory("talk")


def test_it_creates_a_pending_publisher_by_default(api, room):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(r"con_[A-Z][A-Za-z0-9]{9}", body["id"])
    assert body["connectionId"] == body["id"]
    assert body["object"] == "connection"
    assert body["status"] == "pending"
    assert body["sessionId"] == "talk"
    assert body["type"] == "WEBRTC"
    assert body["role"] == "PUBLISHER"
    assert body["record"] is True
    assert body["serverData"] == ""
    assert body["kurentoOptions"] is None
    assert body["customIceServers"] == []
    for field in (
        "activeAt",
        "location",
        "ip",
        "platform",
        "clientData",
        "publishers",
        "subscribers",
        "rtspUri",
        "adaptativeBitrate",
        "onlyPlayWithSubscribers",
        "networkCache",
    ):
        assert body[field] is None, field
    assert isinstance(body["createdAt"], int)


def test_the_token_is_openvidus_format_under_the_public_url(api, room):
    token = api.post(URL, {}, format="json").json()["token"]
    assert re.fullmatch(
        r"wss://rooms\.example\.test\?sessionId=talk&token=tok_[A-Z][A-Za-z0-9]{15}", token
    )


def test_the_token_follows_an_http_public_url_with_a_port(api, room, settings):
    settings.OPENVIDU_PUBLICURL = "http://127.0.0.1:8000"
    token = api.post(URL, {}, format="json").json()["token"]
    assert token.startswith("ws://127.0.0.1:8000?sessionId=talk&token=tok_")


def test_tokens_are_unique(api, room):
    tokens = {api.post(URL, {}, format="json").json()["token"] for _ in range(20)}
    assert len(tokens) == 20


@pytest.mark.parametrize("role", ["SUBSCRIBER", "PUBLISHER", "MODERATOR"])
def test_it_keeps_the_role_and_the_data(api, room, role):
    body = api.post(
        URL, {"role": role, "data": '{"name":"Ana"}', "record": False}, format="json"
    ).json()
    assert body["role"] == role
    assert body["serverData"] == '{"name":"Ana"}'
    assert body["record"] is False
    stored = Connection.objects.get(connection_id=body["id"])
    assert (stored.role, stored.server_data, stored.record) == (role, '{"name":"Ana"}', False)


def test_it_accepts_the_node_clients_all_null_body(api, room):
    body = {
        key: None
        for key in (
            "type",
            "data",
            "record",
            "role",
            "kurentoOptions",
            "rtspUri",
            "adaptativeBitrate",
            "onlyPlayWithSubscribers",
            "networkCache",
            "customIceServers",
        )
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "PUBLISHER"


def test_it_keeps_the_kurento_options_that_were_given(api, room):
    body = api.post(
        URL,
        {
            "kurentoOptions": {
                "videoMaxRecvBandwidth": 1000,
                "allowedFilters": ["GStreamerFilter"],
                "videoMinSendBandwidth": None,
            }
        },
        format="json",
    ).json()
    assert body["kurentoOptions"] == {
        "videoMaxRecvBandwidth": 1000,
        "allowedFilters": ["GStreamerFilter"],
    }


def test_it_keeps_custom_ice_servers(api, room):
    servers = [
        {"url": "stun:stun.internal.test:3478"},
        {"url": "turns:turn.internal.test:5349?transport=tcp", "username": "u", "credential": "p"},
        {"url": "turn:[::1]:3478", "username": "u", "credential": "p"},
    ]
    body = api.post(URL, {"customIceServers": servers}, format="json").json()
    assert body["customIceServers"] == servers


def test_it_derives_turn_credentials_from_a_static_auth_secret(api, room):
    body = api.post(
        URL,
        {"customIceServers": [{"url": "turn:10.0.0.1:3478", "staticAuthSecret": "s3cret"}]},
        format="json",
    ).json()
    (server,) = body["customIceServers"]
    assert server["url"] == "turn:10.0.0.1:3478"
    assert re.fullmatch(r"\d+:[A-Za-z0-9]{8}", server["username"])
    assert server["credential"]


def test_it_answers_404_for_an_unknown_session_before_reading_the_body(api, db):
    response = api.post("/openvidu/api/sessions/none/connection", {"role": "KING"}, format="json")
    assert response.status_code == 404


def test_an_ipcam_connection_whose_camera_cannot_be_opened_is_refused(api, room):
    # Nothing listens there: FFmpeg is refused at once (tests/signaling/test_ipcam.py
    # has cameras that answer).
    uri = f"rtsp://127.0.0.1:{free_port()}/stream"
    response = api.post(URL, {"type": "IPCAM", "rtspUri": uri}, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"rtspUri: cannot open {uri}")
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "SIP"}, "type"),
        ({"role": "ADMIN"}, "role"),
        ({"role": 1}, "role"),
        ({"data": 42}, "data"),
        ({"data": "x" * 10_001}, "data"),
        ({"record": "yes"}, "record"),
        ({"kurentoOptions": "fast"}, "kurentoOptions"),
        (
            {"kurentoOptions": {"videoMaxRecvBandwidth": "lots"}},
            "kurentoOptions.videoMaxRecvBandwidth",
        ),
        ({"kurentoOptions": {"allowedFilters": "NOT_EXISTS"}}, "kurentoOptions.allowedFilters"),
        ({"customIceServers": {"url": "stun:a.test"}}, "customIceServers"),
        ({"customIceServers": [{"username": "u"}]}, "customIceServers.0.url"),
        ({"customIceServers": [{"url": "http://a.test"}]}, "customIceServers.0.url"),
        ({"customIceServers": [{"url": "stun:a.test?transport=udp"}]}, "customIceServers.0.url"),
        (
            {
                "customIceServers": [
                    {"url": "turn:a.test:70000", "username": "u", "credential": "p"}
                ]
            },
            "customIceServers.0.url",
        ),
        ({"customIceServers": [{"url": "turn:a.test"}]}, "customIceServers.0"),
        (
            {"customIceServers": [{"url": "stun:a.test", "username": "u", "credential": "p"}]},
            "customIceServers.0",
        ),
        ({"type": "IPCAM"}, "rtspUri"),
        ({"type": "IPCAM", "rtspUri": "ftp://camera.test"}, "rtspUri"),
        ({"type": "IPCAM", "rtspUri": "rtsp://c.test", "networkCache": -1}, "networkCache"),
    ],
)
def test_it_rejects_bad_bodies_with_a_message_naming_the_field(api, room, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()
    assert error["path"] == URL
    assert error["message"].startswith(field), error["message"]
    assert not Connection.objects.exists()
