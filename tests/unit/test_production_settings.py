"""Production mode's security settings, read from a fresh process as a deployment starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.live_server import BASE_DIR

NAMES = [
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 50,
    "OPENVIDU_SECRET": "a-long-random-secret",
    "OPENVIDU_PUBLICURL": "https://rooms.example.com",
}


def _settings(**variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "OPENVIDU_PUBLICURL", "BEHIND_PROXY", "DATABASE_URL", "REDIS_URL")
    }
    environment.update(variables, DJANGO_SETTINGS_MODULE="openvidu_site.settings")
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {NAMES!r}}}))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(output)


def test_production_over_https_sends_hsts_and_secure_cookies():
    values = _settings(**PRODUCTION)
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # not behind a proxy: not trusted
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "wss://rooms.example.com" in directives["connect-src"]


def test_behind_a_proxy_the_forwarded_scheme_is_trusted():
    values = _settings(**PRODUCTION, BEHIND_PROXY="true")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "variables", [{"DEBUG": "true"}, {**PRODUCTION, "OPENVIDU_PUBLICURL": "http://127.0.0.1:8000"}]
)
def test_no_hsts_or_secure_cookies_without_https_in_production(variables):
    values = _settings(**variables)
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
