"""The real openvidu-node-client 2.32.2, from npm, against a live server.

The API tests check each endpoint against OpenVidu's documentation; this one checks
that the client application servers actually use accepts what the server answers.
`drive_node_client.mjs` does the calls and the client-side assertions; this test then
checks that what the client saw is what the database holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rooms.models import Connection, Room
from tests.live_server import PROXY_VARIABLES, LiveServer

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).resolve().parent
SCRIPT = COMPAT_DIR / "drive_node_client.mjs"
CLIENT_VERSION = "2.32.2"
NODE_TIMEOUT = 60


def _node() -> str:
    """The node executable; a failure, not a skip, without it or without the client.

    A skip would let `make test` pass without ever running the one test that proves
    compatibility with the real client.
    """
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not on PATH: the compatibility test needs Node.js 18 or newer "
            "(then `make install-test`, or `cd tests/compat && npm ci`)"
        )
    manifest = COMPAT_DIR / "node_modules" / "openvidu-node-client" / "package.json"
    if not manifest.is_file():
        pytest.fail(
            f"{manifest.parent} is missing: run `make install-test` "
            "(or `cd tests/compat && npm ci`) to install openvidu-node-client"
        )
    installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    if installed != CLIENT_VERSION:
        pytest.fail(
            f"openvidu-node-client {installed} is installed, the test is for {CLIENT_VERSION}: "
            "run `cd tests/compat && npm ci`"
        )
    return node


def _text(output: str | bytes | None) -> str:
    # What a timed-out run had printed, which subprocess may hand back undecoded.
    if isinstance(output, bytes):
        return output.decode("utf-8", errors="replace")
    return output or ""


def _drive(node: str, server: LiveServer) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
    # The secret goes by environment, not argv, where any process could read it.
    environment.update({"OPENVIDU_URL": server.url, "OPENVIDU_SECRET": server.secret})
    try:
        finished = subprocess.run(
            [node, str(SCRIPT)],
            cwd=COMPAT_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(
            f"drive_node_client.mjs did not finish in {NODE_TIMEOUT}s\n"
            f"--- stderr\n{_text(timeout.stderr)}\n--- stdout\n{_text(timeout.stdout)}"
        )
    if finished.returncode != 0:
        pytest.fail(
            f"drive_node_client.mjs exited with code {finished.returncode}\n"
            f"--- stderr\n{finished.stderr}\n--- stdout\n{finished.stdout}"
        )
    lines = finished.stdout.strip().splitlines()
    assert lines, f"drive_node_client.mjs printed no summary\n--- stderr\n{finished.stderr}"
    summary: dict[str, Any] = json.loads(lines[-1])
    return summary


def test_the_node_client_drives_the_server(daphne_server: LiveServer) -> None:
    node = _node()
    summary = _drive(node, daphne_server)

    assert summary["ok"] is True
    assert summary["server"] == daphne_server.url
    assert summary["customSessionId"] == "compat-room"

    # The second createSession got a 409 and fetched: one room, not two.
    closed = Room.objects.get(session_id="compat-room")
    assert closed.custom_session_id == "compat-room"
    assert closed.closed_at is not None
    assert closed.close_reason == "sessionClosedByServer"
    closed_seats = list(closed.connections.all())
    assert len(closed_seats) == 5
    assert {seat.status for seat in closed_seats} == {Connection.Status.CLOSED}
    assert all(seat.closed_at is not None for seat in closed_seats)

    for role, seen in summary["connections"].items():
        seat = Connection.objects.get(connection_id=seen["connectionId"])
        assert seat.room_id == closed.pk
        assert seat.role == role
        assert seat.server_data == seen["data"]
        assert seat.token is not None
        assert seat.token.startswith(
            f"ws://127.0.0.1:{daphne_server.port}?sessionId=compat-room&token=tok_"
        )

    default = Connection.objects.get(connection_id=summary["defaultConnectionId"])
    assert default.role == Connection.Role.PUBLISHER
    assert default.server_data == ""
    from_token = Connection.objects.get(token=summary["token"])
    assert from_token.connection_id == summary["tokenConnectionId"]
    assert from_token.room_id == closed.pk
    assert from_token.role == Connection.Role.PUBLISHER
    assert from_token.server_data == "x"

    still_open = Room.objects.get(session_id=summary["generatedSessionId"])
    assert still_open.closed_at is None
    assert still_open.custom_session_id == ""
    revoked = Connection.objects.get(connection_id=summary["revokedConnectionId"])
    assert revoked.room_id == still_open.pk
    assert revoked.status == Connection.Status.CLOSED
    assert revoked.close_reason == "tokenRevoked"
    kept = Connection.objects.get(connection_id=summary["keptConnectionId"])
    assert kept.status == Connection.Status.PENDING
    assert kept.server_data == "kept"

    # The requests with the wrong secret created nothing.
    assert Room.objects.count() == 2
