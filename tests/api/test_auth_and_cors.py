"""HTTP Basic with OPENVIDUAPP and the secret on every endpoint; CORS for browsers."""

from __future__ import annotations

import pytest

from tests.conftest import basic

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/openvidu/api/sessions"),
    ("post", "/openvidu/api/sessions"),
    ("get", "/openvidu/api/sessions/s"),
    ("delete", "/openvidu/api/sessions/s"),
    ("post", "/openvidu/api/sessions/s/connection"),
    ("get", "/openvidu/api/sessions/s/connection"),
    ("get", "/openvidu/api/sessions/s/connection/c"),
    ("delete", "/openvidu/api/sessions/s/connection/c"),
    ("delete", "/openvidu/api/sessions/s/stream/x"),
    ("post", "/openvidu/api/tokens"),
    ("get", "/openvidu/api/config"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_it_refuses_a_caller_without_credentials(stranger, room_factory, method, path):
    room_factory("s")
    response = getattr(stranger, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert response.json()["status"] == 401


@pytest.mark.parametrize(
    "authorization",
    [
        basic("OPENVIDUAPP", "wrong"),
        basic("someone", "MY_SECRET"),
        basic("OPENVIDUAPP", ""),
        "Basic !!!not-base64",
        "Basic " + "T1BFTlZJRFVBUFA=",  # no colon, no secret
    ],
)
def test_it_refuses_wrong_credentials(stranger, authorization):
    stranger.credentials(HTTP_AUTHORIZATION=authorization)
    response = stranger.get("/openvidu/api/sessions")
    assert response.status_code == 401
    assert "OPENVIDUAPP" in response.json()["message"]


def test_it_uses_the_configured_secret(stranger, settings, db):
    settings.OPENVIDU_SECRET = "another-secret"
    stranger.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", "another-secret"))
    assert stranger.get("/openvidu/api/sessions").status_code == 200
    stranger.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", "MY_SECRET"))
    assert stranger.get("/openvidu/api/sessions").status_code == 401


def test_a_browser_preflight_is_allowed_from_any_origin(stranger):
    response = stranger.options(
        "/openvidu/api/sessions",
        HTTP_ORIGIN="https://app.example.test",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()


def test_answers_carry_the_cors_header(api):
    response = api.get("/openvidu/api/sessions", HTTP_ORIGIN="https://app.example.test")
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_sites_own_pages_get_no_cors_header(stranger):
    response = stranger.get("/admin/login/", HTTP_ORIGIN="https://app.example.test")
    assert "Access-Control-Allow-Origin" not in response


def test_a_get_with_the_node_clients_form_content_type_works(api):
    response = api.generic(
        "GET", "/openvidu/api/sessions", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
