"""Guessing is limited, end to end on a live Daphne: the REST secret per address
(DRF's throttle on failed authentications) and the logins (django-axes)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tests.conftest import basic
from tests.live_server import database_url, live_server

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "the-real-secret"


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )


def _call(opener, url, *, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def server():
    environment = {"REST_AUTH_FAILURE_RATE": "5/hour", "LOGIN_FAILURE_LIMIT": "3"}
    with live_server(
        database=database_url(connection.settings_dict), secret=SECRET, extra_env=environment
    ) as live:
        yield live


def test_wrong_secrets_from_one_address_are_throttled(server):
    opener = _opener()
    url = f"{server.url}/openvidu/api/sessions"
    wrong = {"Authorization": basic("OPENVIDUAPP", "guess")}
    right = {"Authorization": basic("OPENVIDUAPP", SECRET)}
    for _ in range(5):
        assert _call(opener, url, headers=wrong)[0] == 401
    status, headers, body = _call(opener, url, headers=wrong)
    assert status == 429
    assert int(headers["Retry-After"]) > 0
    assert "Too many failed authentications" in body
    # While the address is locked out, even the right secret is refused: no more guesses.
    assert _call(opener, url, headers=right)[0] == 429
    # The recordings endpoints share the count (they are plain Django views).
    assert _call(opener, f"{server.url}/openvidu/api/recordings", headers=right)[0] == 429
    # Requests without credentials are not guesses: they get their 401 as before.
    assert _call(opener, url)[0] == 401


def test_the_right_secret_is_not_counted(server):
    opener = _opener()
    right = {"Authorization": basic("OPENVIDUAPP", SECRET)}
    for _ in range(8):
        assert _call(opener, f"{server.url}/openvidu/api/sessions", headers=right)[0] == 200


def _log_in(opener, url, username, password):
    status, _, page = _call(opener, url)
    assert status == 200
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found[1]
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"}
    ).encode()
    return _call(opener, url, data=form, headers={"Referer": url})


@pytest.mark.parametrize("login", ["/admin/login/", "/accounts/login/"])
def test_failed_logins_lock_the_address_out(server, login):
    User.objects.create_superuser("root", password="pw-root-12345")
    opener = _opener()
    url = server.url + login
    for _ in range(2):
        assert _log_in(opener, url, "root", "wrong")[0] == 200  # the form again, with an error
    status, _, body = _log_in(opener, url, "root", "wrong")
    assert status == 429
    assert "locked" in body.lower()
    # Locked out: the right password does not get in either, for the cool-off period.
    assert _log_in(opener, url, "root", "pw-root-12345")[0] == 429


def test_a_right_login_is_not_locked_out(server):
    User.objects.create_user("mia", password="pw-mia-12345")
    opener = _opener()
    status, _, _ = _log_in(opener, server.url + "/accounts/login/", "mia", "pw-mia-12345")
    assert status == 200
    assert "Logged in as <strong>mia</strong>" in _call(opener, server.url + "/")[2]
