"""OpenVidu's pre-2.16 paths (SUPPORT_DEPRECATED_API, on by default as in openvidu-server 2.32).

openvidu-server rewrites them to the new paths, so they answer the same bodies with the
same authentication; the tests compare each old path with its new one.
"""

from __future__ import annotations

import pytest

from rooms.api.deprecated_paths import new_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/api/sessions", "/openvidu/api/sessions"),
        ("/api/tokens", "/openvidu/api/tokens"),
        ("/api/recordings/start", "/openvidu/api/recordings/start"),
        ("/config", "/openvidu/api/config"),
        ("/config/openvidu-publicurl", "/openvidu/api/config/openvidu-publicurl"),
        ("/cdr", "/openvidu/cdr"),
        ("/recordings/REC/x.mp4", "/openvidu/recordings/REC/x.mp4"),
        ("/layouts/custom/index.html", "/openvidu/layouts/index.html"),
        ("/accept-certificate", "/openvidu/accept-certificate"),
        ("/configure", None),
        ("/apis", None),
        ("/rooms/api/", None),
        ("/", None),
    ],
)
def test_old_paths_and_what_serves_them(old, new):
    assert new_path(old) == new


def test_a_session_made_on_the_old_path_is_the_same_as_on_the_new(api):
    made = api.post("/api/sessions", {"customSessionId": "old-app"}, format="json")
    assert made.status_code == 200
    assert made.json()["id"] == "old-app"
    assert (
        api.get("/api/sessions/old-app").json() == api.get("/openvidu/api/sessions/old-app").json()
    )
    listing = api.get("/api/sessions").json()
    assert [session["id"] for session in listing["content"]] == ["old-app"]


def test_a_token_on_the_old_path(api):
    api.post("/api/sessions", {"customSessionId": "old-app"}, format="json")
    token = api.post("/api/tokens", {"session": "old-app", "data": "srv"}, format="json")
    assert token.status_code == 200
    body = token.json()
    assert body["session"] == "old-app"
    assert body["data"] == "srv"
    assert body["token"].startswith("wss://rooms.example.test?sessionId=old-app&token=tok_")


def test_config_on_the_old_paths(api, stranger):
    assert api.get("/config").json() == api.get("/openvidu/api/config").json()
    assert stranger.get("/config/openvidu-publicurl").content == b"https://rooms.example.test/"
    assert api.get("/config/openvidu-version").json() == "2.32.2"


def test_old_paths_need_the_secret_as_the_new_ones(stranger):
    assert stranger.get("/api/sessions").status_code == 401
    assert stranger.get("/config").status_code == 401
    assert stranger.post("/api/sessions", {}, format="json").status_code == 401


def test_old_paths_are_gone_when_the_setting_is_off(api, settings):
    settings.SUPPORT_DEPRECATED_API = False
    assert api.get("/api/sessions").status_code == 404
    assert api.get("/config").status_code == 404
    assert api.get("/openvidu/api/sessions").status_code == 200
