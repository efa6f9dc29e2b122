"""openvidu-node-client's `createConnection({type: 'IPCAM', rtspUri})` against a live
server with the media engine, and an FFmpeg camera on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from rooms.models import Connection, Stream
from tests.camera_sources import free_port, http_camera, needs_ffmpeg

pytestmark = [pytest.mark.compat, pytest.mark.webrtc, needs_ffmpeg]
HERE = Path(__file__).resolve().parent


def test_the_node_client_creates_and_removes_an_ip_camera(media_server):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `make test` needs Node.js for the compatibility tests")
    unreachable = f"http://127.0.0.1:{free_port()}/none.ts"
    with http_camera("red") as camera:
        result = subprocess.run(
            [
                node,
                str(HERE / "drive_node_client_ipcam.mjs"),
                media_server.url,
                media_server.secret,
                camera.url,
                unreachable,
            ],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=90,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    seat = Connection.objects.get(connection_id=summary["connectionId"])
    assert seat.type == Connection.Type.IPCAM
    assert seat.status == Connection.Status.CLOSED
    stream = Stream.objects.get(stream_id=summary["streamId"])
    assert stream.type_of_video == Stream.TypeOfVideo.IPCAM
    assert stream.closed_at is not None
