"""Settings read from the environment: typed, and fail at start naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from openvidu_site import env
from openvidu_site.env import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("FALSE", False), (" True ", True)])
def test_env_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["yes", "1", "on", "ture"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ConfigurationError, match="FLAG must be 'true' or 'false'"):
        env.env_bool("FLAG", False)


def test_env_bool_and_int_fall_back_to_the_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    monkeypatch.setenv("NUMBER", "  ")
    assert env.env_bool("FLAG", True) is True
    assert env.env_int("NUMBER", 7) == 7


def test_env_int_checks_type_and_range(monkeypatch):
    monkeypatch.setenv("PORT", "80x")
    with pytest.raises(ConfigurationError, match="PORT must be a whole number"):
        env.env_int("PORT", 1)
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ConfigurationError, match="PORT must be at most 65535"):
        env.env_int("PORT", 1, maximum=65535)


def test_env_secret_reads_a_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("TOKEN", raising=False)
    monkeypatch.setenv("TOKEN_FILE", str(secret_file))
    assert env.env_secret("TOKEN", "default") == "from-a-file"


def test_env_secret_refuses_both_or_a_missing_file(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKEN", "x")
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "nothing"))
    with pytest.raises(ConfigurationError, match="either TOKEN or TOKEN_FILE"):
        env.env_secret("TOKEN", "d")
    monkeypatch.delenv("TOKEN")
    with pytest.raises(ConfigurationError, match="TOKEN_FILE: cannot read"):
        env.env_secret("TOKEN", "d")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://rooms.example.com/", "https://rooms.example.com"),
        ("http://10.0.0.5:4443", "http://10.0.0.5:4443"),
    ],
)
def test_env_http_url_normalizes(monkeypatch, raw, expected):
    monkeypatch.setenv("URL", raw)
    assert env.env_http_url("URL", "http://x") == expected


@pytest.mark.parametrize(
    "raw", ["ftp://x", "rooms.example.com", "https://x/path", "http://x:99999", "https://"]
)
def test_env_http_url_refuses_bad_urls(monkeypatch, raw):
    monkeypatch.setenv("URL", raw)
    with pytest.raises(ConfigurationError, match="URL"):
        env.env_http_url("URL", "http://x")


def _manage_check(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"DEBUG": "yes"}, "DEBUG"),
        ({"PORT": "eighty"}, "PORT"),
        ({"OPENVIDU_PUBLICURL": "rooms.example.com"}, "OPENVIDU_PUBLICURL"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"OPENVIDU_WEBHOOK": "on"}, "OPENVIDU_WEBHOOK"),
        ({"OPENVIDU_WEBHOOK": "true"}, "OPENVIDU_WEBHOOK_ENDPOINT"),
        (
            {"OPENVIDU_WEBHOOK": "true", "OPENVIDU_WEBHOOK_ENDPOINT": "app.example/hook"},
            "OPENVIDU_WEBHOOK_ENDPOINT",
        ),
        ({"OPENVIDU_WEBHOOK_HEADERS": '["no colon here"]'}, "OPENVIDU_WEBHOOK_HEADERS"),
        ({"OPENVIDU_WEBHOOK_HEADERS": '{"a": "b"}'}, "OPENVIDU_WEBHOOK_HEADERS"),
        ({"OPENVIDU_WEBHOOK_EVENTS": '["sessionCreated", "meeting"]'}, "OPENVIDU_WEBHOOK_EVENTS"),
    ],
)
def test_a_bad_variable_stops_the_start_with_its_name(variables, named):
    result = _manage_check(**variables)
    assert result.returncode != 0
    assert named in result.stderr


def test_production_refuses_development_secrets():
    result = _manage_check(DEBUG="false")
    assert result.returncode != 0
    assert "rooms.E001" in result.stderr
    assert "rooms.E002" in result.stderr


def test_production_starts_with_real_secrets():
    result = _manage_check(
        DEBUG="false", OPENVIDU_SECRET="a-long-random-secret", SECRET_KEY="k" * 50
    )
    assert result.returncode == 0, result.stderr


def test_redis_url_selects_the_redis_channel_layer():
    code = "from django.conf import settings; print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    environment = dict(
        os.environ,
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_SETTINGS_MODULE="openvidu_site.settings",
    )
    output = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert output.strip() == "channels_redis.core.RedisChannelLayer"


def test_webhooks_start_with_openvidus_settings():
    result = _manage_check(
        OPENVIDU_WEBHOOK="true",
        OPENVIDU_WEBHOOK_ENDPOINT="https://app.example/openvidu/webhook?team=1",
        OPENVIDU_WEBHOOK_HEADERS='["Authorization: Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU"]',
        OPENVIDU_WEBHOOK_EVENTS='["sessionCreated", "recordingStatusChanged"]',
    )
    assert result.returncode == 0, result.stderr


def test_the_webhook_check_refuses_an_endpoint_set_in_code(settings):
    from webhooks.checks import webhook_settings

    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = "ftp://app.example"
    settings.ROOMS = {"WEBHOOK_MAX_ATTEMPTS": 0}
    ids = [problem.id for problem in webhook_settings(None)]
    assert ids == ["webhooks.E001", "webhooks.E002"]
