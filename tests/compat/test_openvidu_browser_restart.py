"""openvidu-browser@2.32.2 across a crash of the server: a clean sessionDisconnected.

openvidu-browser keeps trying to get its socket back; when the server answers again
it asks for its old RPC session with `connect`, which a new process does not know
(40007), and then ends the session itself with reason networkDisconnect, as it does
against openvidu-server. It must never hang in "reconnecting".
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
from django.db import connection

from rooms.models import Connection
from tests.browser import MEDIA_ENVIRONMENT, chromium
from tests.compat.steps import rest, wait_for
from tests.live_server import RestartableServer, database_url

pytestmark = [pytest.mark.e2e, pytest.mark.compat]

# openvidu-browser retries its socket every few seconds; the server is away meanwhile.
RECOVERY_SECONDS = 60


@pytest.fixture
def media_server(transactional_db: None) -> Iterator[RestartableServer]:
    with contextlib.ExitStack() as stack:
        yield RestartableServer(
            stack,
            database=database_url(connection.settings_dict),
            secret="compat-secret",
            extra_env=MEDIA_ENVIRONMENT,
        )


def test_a_crash_ends_the_session_with_network_disconnect(media_server, app_url):
    rest(media_server, "POST", "sessions", {"customSessionId": "compat-crash"})
    token = rest(media_server, "POST", "sessions/compat-crash/connection", {})["token"]
    with chromium() as browser:
        page = browser.new_page()
        page.goto(app_url)
        connection_id = page.evaluate(f"joinAndPublish({json.dumps(token)}, 'Alice')")
        page.evaluate(
            """session.on("sessionDisconnected", (e) => window.log.push({event: "sessionDisconnected", reason: e.reason}));
               session.on("reconnecting", () => window.log.push({event: "reconnecting"}));"""
        )

        media_server.kill()
        wait_for(page, "window.log.some(e => e.event === 'reconnecting')")
        media_server.start_again()

        ended = wait_for(
            page,
            "window.log.find(e => e.event === 'sessionDisconnected')",
            timeout=RECOVERY_SECONDS,
        )
        assert ended == {"event": "sessionDisconnected", "reason": "networkDisconnect"}
    # Out of Playwright's event loop, where the ORM may run.
    seat = Connection.objects.get(connection_id=connection_id)
    assert (seat.status, seat.close_reason) == ("closed", "openviduServerStopped")
