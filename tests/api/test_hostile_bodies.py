"""Hostile bodies: nulls, wrong types and nesting in every field, deep and huge JSON,
CSRF failures. Each is a 4xx with a JSON body that names the problem; none is a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from rooms import services
from rooms.api import requests as bodies
from rooms.internal.bounded_json import MAX_DEPTH

pytestmark = pytest.mark.django_db

HOSTILE: list[object] = [
    None,
    True,
    0,
    -1,
    1.5,
    "",
    "x" * 20_000,
    [],
    [None],
    {},
    {"id": None},
    [[[]]],
]
# Each body serializer and an endpoint that reads it ({session} is an open room).
ENDPOINTS = [
    (bodies.SessionBody, "/openvidu/api/sessions"),
    (bodies.ConnectionBody, "/openvidu/api/sessions/{session}/connection"),
    (bodies.TokenBody, "/openvidu/api/tokens"),
    (bodies.SignalBody, "/openvidu/api/signal"),
]


def _field_paths(serializer, prefix=()):
    """(path, ...) of every field, nested serializers' fields included."""
    for name, field in serializer().fields.items():
        yield (*prefix, name)
        child = getattr(field, "child", None)
        if hasattr(field, "fields"):
            yield from _field_paths(type(field), (*prefix, name))
        elif child is not None and hasattr(child, "fields"):
            yield from _field_paths(type(child), (*prefix, name, 0))


def _body(path, value):
    body = value
    for key in reversed(path):
        body = [body] if key == 0 else {key: body}
    return body


def _cases():
    for serializer, url in ENDPOINTS:
        for path in _field_paths(serializer):
            for value in HOSTILE:
                yield pytest.param(
                    url, path, value, id=f"{url}:{'.'.join(map(str, path))}={value!r:.20}"
                )


@pytest.mark.parametrize(("url", "path", "value"), list(_cases()))
def test_no_field_value_is_a_500(api, room_factory, url, path, value):
    room_factory("fuzzed")
    body = _body(path, value)
    if url.endswith(("tokens", "signal")) and path[0] != "session":
        body["session"] = "fuzzed"
    response = api.post(url.format(session="fuzzed"), body, format="json")
    assert response.status_code < 500, response.content[:300]
    if response.status_code == 400:
        message = response.json()["message"]
        assert str(path[0]) in message or path[0] == "session", message


@pytest.mark.parametrize(
    "body",
    [{"mediaNode": None}, {"defaultRecordingProperties": {"resolution": None}}],
)
def test_the_known_500s_are_gone(api, body):
    response = api.post("/openvidu/api/sessions", body, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2_000, 100_000])
def test_deep_json_is_a_400(api, depth):
    body = '{"customSessionId": "deep", "x": ' + "[" * depth + "]" * depth + "}"
    response = api.post("/openvidu/api/sessions", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper" in response.json()["message"]


def test_deep_json_to_the_recordings_is_a_400(api, settings):
    settings.OPENVIDU_RECORDING = True
    body = '{"session": "x", "name": ' + "[" * 5_000 + "]" * 5_000 + "}"
    response = api.post("/openvidu/api/recordings/start", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper" in response.json()["message"]


@pytest.mark.parametrize(
    "url", ["/openvidu/api/sessions", "/openvidu/api/recordings/start", "/rooms/standup/token"]
)
def test_a_10_mb_body_is_refused_in_json(api, settings, url):
    settings.OPENVIDU_RECORDING = True
    body = json.dumps({"pad": "x" * 10_000_000})
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "larger than" in json.dumps(response.json())


def test_a_csrf_failure_on_the_token_endpoint_answers_json():
    services.create_page_room("standup", owner=None, is_public=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/rooms/standup/token", {"name": "Ana"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "CSRF" in response.json()["error"]


def test_a_csrf_failure_on_the_recording_control_answers_json():
    services.create_page_room("standup", owner=None, is_public=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/rooms/standup/recording", {"action": "start"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]


def test_an_unknown_api_url_answers_json(api):
    response = api.get("/openvidu/api/nothing/here")
    assert response.status_code == 404
    assert response.json()["path"] == "/openvidu/api/nothing/here"


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
