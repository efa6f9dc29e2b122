"""GET /openvidu/api/config and its sub-routes, /openvidu/accept-certificate"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_openvidus_configuration_keys(api):
    response = api.get("/openvidu/api/config")
    assert response.status_code == 200
    body = response.json()
    assert body["VERSION"] == "2.32.2"
    assert body["DOMAIN_OR_PUBLIC_IP"] == "rooms.example.test"
    assert body["HTTPS_PORT"] == 443
    assert body["OPENVIDU_PUBLICURL"] == "https://rooms.example.test"
    for key in (
        "OPENVIDU_CDR",
        "OPENVIDU_RECORDING",
        "OPENVIDU_WEBHOOK",
        "OPENVIDU_WEBRTC_SIMULCAST",
        "OPENVIDU_STREAMS_VIDEO_MAX_RECV_BANDWIDTH",
        "OPENVIDU_STREAMS_FORCED_VIDEO_CODEC",
        "OPENVIDU_SESSIONS_GARBAGE_INTERVAL",
    ):
        assert key in body


def test_it_needs_the_secret(stranger):
    assert stranger.get("/openvidu/api/config").status_code == 401


def test_the_public_url_is_open_and_plain_text(stranger):
    response = stranger.get("/openvidu/api/config/openvidu-publicurl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"https://rooms.example.test/"


@pytest.mark.parametrize(
    ("path", "value"),
    [("openvidu-version", "2.32.2"), ("openvidu-recording", False), ("openvidu-cdr", False)],
)
def test_single_values_are_bare_json(api, path, value):
    assert api.get(f"/openvidu/api/config/{path}").json() == value


def test_accept_certificate_is_an_open_page_that_goes_back(stranger):
    response = stranger.get("/openvidu/accept-certificate")
    assert response.status_code == 200
    assert b"history.back()" in response.content
