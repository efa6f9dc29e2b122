"""GET /openvidu/api/config and its sub-routes, /openvidu/accept-certificate"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_openvidus_configuration_keys(api):
    response = api.get("/openvidu/api/config")
    assert response.status_code == 200
    # Recording and webhooks off: exactly the keys openvidu-server 2.32 CE writes then.
    assert response.json() == {
        "VERSION": "2.32.2",
        "DOMAIN_OR_PUBLIC_IP": "rooms.example.test",
        "HTTPS_PORT": 443,
        "OPENVIDU_PUBLICURL": "https://rooms.example.test",
        "OPENVIDU_CDR": False,
        "OPENVIDU_STREAMS_VIDEO_MAX_RECV_BANDWIDTH": 1000,
        "OPENVIDU_STREAMS_VIDEO_MIN_RECV_BANDWIDTH": 300,
        "OPENVIDU_STREAMS_VIDEO_MAX_SEND_BANDWIDTH": 1000,
        "OPENVIDU_STREAMS_VIDEO_MIN_SEND_BANDWIDTH": 300,
        "OPENVIDU_STREAMS_FORCED_VIDEO_CODEC": "MEDIA_SERVER_PREFERRED",
        "OPENVIDU_STREAMS_ALLOW_TRANSCODING": False,
        "OPENVIDU_WEBRTC_SIMULCAST": False,
        "OPENVIDU_SESSIONS_GARBAGE_INTERVAL": 900,
        "OPENVIDU_SESSIONS_GARBAGE_THRESHOLD": 3600,
        "OPENVIDU_RECORDING": False,
        "OPENVIDU_WEBHOOK": False,
    }


def test_recording_on_adds_its_keys(api, settings, tmp_path):
    settings.OPENVIDU_RECORDING = True
    settings.OPENVIDU_RECORDING_PATH = tmp_path / "recordings"
    settings.OPENVIDU_RECORDING_CUSTOM_LAYOUT = tmp_path / "layouts"
    settings.OPENVIDU_RECORDING_PUBLIC_ACCESS = True
    settings.OPENVIDU_RECORDING_NOTIFICATION = "all"
    settings.OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT = 30
    body = api.get("/openvidu/api/config").json()
    recording = {key: value for key, value in body.items() if key.startswith("OPENVIDU_RECORDING")}
    assert recording == {
        "OPENVIDU_RECORDING": True,
        "OPENVIDU_RECORDING_VERSION": "2.32.2",
        "OPENVIDU_RECORDING_PATH": f"{tmp_path}/recordings/",
        "OPENVIDU_RECORDING_PUBLIC_ACCESS": True,
        "OPENVIDU_RECORDING_NOTIFICATION": "all",
        "OPENVIDU_RECORDING_CUSTOM_LAYOUT": f"{tmp_path}/layouts/",
        "OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT": 30,
    }
    assert api.get("/openvidu/api/config/openvidu-recording").json() is True


def test_webhooks_on_add_endpoint_headers_and_events_in_their_order(api, settings):
    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = "http://127.0.0.1:7777/hook?x=1"
    settings.OPENVIDU_WEBHOOK_HEADERS = ["Authorization:Basic abc", "X-Tenant:  blue "]
    settings.OPENVIDU_WEBHOOK_EVENTS = ["participantLeft", "sessionCreated", "signalSent"]
    body = api.get("/openvidu/api/config").json()
    webhook = {key: value for key, value in body.items() if key.startswith("OPENVIDU_WEBHOOK")}
    assert webhook == {
        "OPENVIDU_WEBHOOK": True,
        "OPENVIDU_WEBHOOK_ENDPOINT": "http://127.0.0.1:7777/hook?x=1",
        "OPENVIDU_WEBHOOK_HEADERS": ["Authorization: Basic abc", "X-Tenant: blue"],
        "OPENVIDU_WEBHOOK_EVENTS": ["participantLeft", "sessionCreated", "signalSent"],
    }


def test_the_recording_path_is_answered_even_with_recording_off(api, settings, tmp_path):
    settings.OPENVIDU_RECORDING_PATH = tmp_path
    assert api.get("/openvidu/api/config/openvidu-recording-path").json() == f"{tmp_path}/"


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
