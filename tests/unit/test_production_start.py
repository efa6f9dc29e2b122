"""A server started directly on the ASGI application refuses development secrets.

Deployment guides run `daphne openvidu_site.asgi:application` (or uvicorn, or gunicorn
with uvicorn workers), never manage.py, so the refusal must happen when the
application is imported, not only in manage.py's system checks.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.live_server import BASE_DIR, live_server, server_environment

pytestmark = pytest.mark.django_db(transaction=True)


def _environment(**variables):
    environment = server_environment(
        port=8000,
        database="sqlite:////nonexistent/never-opened.sqlite3",
        secret="x",
        debug=False,
        extra={},
    )
    for name in ("SECRET_KEY", "OPENVIDU_SECRET"):
        environment.pop(name)
    environment.update(variables)
    return environment


def _run(command, environment):
    """A process as a deployment starts it, given a minute at most to refuse."""
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _daphne(environment):
    return _run(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            "0",
            "openvidu_site.asgi:application",
        ],
        environment,
    )


def _import_the_application(environment):
    """What uvicorn and gunicorn's uvicorn workers do: import the module."""
    return _run([sys.executable, "-c", "import openvidu_site.asgi"], environment)


def test_daphne_refuses_both_development_secrets():
    result = _daphne(_environment())
    assert result.returncode != 0
    assert "rooms.E001" in result.stderr
    assert "rooms.E002" in result.stderr


@pytest.mark.parametrize(
    ("variables", "refused"),
    [
        ({"SECRET_KEY": "k" * 50}, "rooms.E001"),
        ({"OPENVIDU_SECRET": "a-long-random-secret"}, "rooms.E002"),
    ],
)
def test_daphne_refuses_either_development_secret(variables, refused):
    result = _daphne(_environment(**variables))
    assert result.returncode != 0
    assert refused in result.stderr
    assert ({"rooms.E001", "rooms.E002"} - {refused}).pop() not in result.stderr


def test_importing_the_application_refuses_them_too():
    result = _import_the_application(_environment())
    assert result.returncode != 0
    assert "Refusing to serve with DEBUG off" in result.stderr


def test_daphne_serves_in_production_with_real_secrets():
    from django.db import connection

    from tests.live_server import database_url

    with live_server(
        database=database_url(connection.settings_dict), secret="a-real-secret"
    ) as server:
        assert server.process.poll() is None


def test_development_mode_keeps_the_development_secrets():
    result = _import_the_application(_environment(DEBUG="true"))
    assert result.returncode == 0, result.stderr
