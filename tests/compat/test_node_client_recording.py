"""openvidu-node-client's recording methods, with the real openvidu-browser publishing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser import MEDIA_ENVIRONMENT, chromium
from tests.compat.steps import rest, wait_for
from tests.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.compat]
HERE = Path(__file__).resolve().parent


@pytest.fixture
def recording_server(transactional_db, tmp_path):
    from django.db import connection

    from tests.live_server import database_url

    environment = {
        **MEDIA_ENVIRONMENT,
        "OPENVIDU_RECORDING": "true",
        "OPENVIDU_RECORDING_PATH": str(tmp_path),
    }
    with live_server(
        database=database_url(connection.settings_dict), secret="rec-secret", extra_env=environment
    ) as server:
        yield server


def test_the_node_client_records_a_session_a_browser_publishes_in(recording_server, app_url):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `make test` needs Node.js for the compatibility tests")
    rest(recording_server, "POST", "sessions", {"customSessionId": "recorded"})
    token = rest(recording_server, "POST", "sessions/recorded/connection", {})["token"]
    with chromium() as browser:
        page = browser.new_page()
        page.goto(app_url)
        page.evaluate(f"joinAndPublish({json.dumps(token)}, 'Rec')")
        page.evaluate(
            "session.on('recordingStarted', e => window.log.push({event: 'recordingStarted', id: e.id}))"
        )
        page.evaluate(
            "session.on('recordingStopped', e => window.log.push({event: 'recordingStopped', reason: e.reason}))"
        )
        result = subprocess.run(
            [
                node,
                str(HERE / "drive_node_client_recording.mjs"),
                recording_server.url,
                recording_server.secret,
                "recorded",
            ],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        assert summary["id"] == "recorded"
        # The browser was told, through the real openvidu-browser events.
        assert (
            wait_for(page, "window.log.find(e => e.event === 'recordingStarted')")["id"]
            == "recorded"
        )
        stopped = wait_for(page, "window.log.find(e => e.event === 'recordingStopped')")
        assert stopped["reason"] == "recordingStoppedByServer"
