"""The recording files route serves only the files the recorder wrote, whatever the URL says.

Every spelling of a way out of a recording's folder is tried (dot-dot, percent-encoded
dots and slashes, absolute paths, links planted in the recordings folder), with the
secret, without it when access is public, and through a live Daphne, which decodes
the path itself.
"""

from __future__ import annotations

import http.client
import os

import pytest
from django.db import connection
from django.test import AsyncClient

from recordings.models import Recording
from tests.conftest import SECRET, basic
from tests.live_server import live_server

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_BYTES = b"the database: nobody may read this"
AUTHORIZED = {"Authorization": basic("OPENVIDUAPP", SECRET)}
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42 a recording"

# Each names a file that exists (the fixture makes them), so a 404 means "refused".
ESCAPES = [
    "/openvidu/recordings/../db.sqlite3",
    "/openvidu/recordings/%2e%2e/db.sqlite3",
    "/openvidu/recordings/%2E%2E/db.sqlite3",
    "/openvidu/recordings/.%2e/db.sqlite3",
    "/openvidu/recordings/rec/..%2fdb.sqlite3",
    "/openvidu/recordings/rec/..%2f..%2fdb.sqlite3",
    "/openvidu/recordings/rec/%2e%2e%2f%2e%2e%2fdb.sqlite3",
    "/openvidu/recordings/rec%2f..%2f../db.sqlite3",
    "/openvidu/recordings/rec/..%5c..%5cdb.sqlite3",
    "/openvidu/recordings/rec/%2fetc%2fpasswd",
    "/openvidu/recordings/rec//etc/passwd",
    "/openvidu/recordings/%2fetc/passwd",
    "/openvidu/recordings/rec/notes.txt",  # in the folder, but not written by the recorder
    "/openvidu/recordings/rec/.hidden",
    "/openvidu/recordings/rec/rec.json",
    "/openvidu/recordings/./rec.mp4",
    "/openvidu/recordings/rec/.",
    "/openvidu/recordings/rec/..",
    "/openvidu/recordings/recording/rec.mp4",  # the recordings root itself as the "id"
    "/openvidu/recordings/linked/linked.mp4",  # the recorded name is a link to the database
    "/openvidu/recordings/folderlink/folderlink.mp4",  # the folder is a link elsewhere
    "/openvidu/recordings/started/started.mp4",  # not finished: nothing to serve yet
    "/openvidu/recordings/rec/rec.mp4%00.txt",
]


@pytest.fixture
def recordings(settings, tmp_path, room_factory):
    """A recordings folder with one good recording and every kind of trap around it."""
    root = tmp_path / "recordings"
    settings.OPENVIDU_RECORDING = True
    settings.OPENVIDU_RECORDING_PATH = root
    (tmp_path / "db.sqlite3").write_bytes(SECRET_BYTES)
    (root / "db.sqlite3").parent.mkdir(parents=True)
    (root / "db.sqlite3").write_bytes(SECRET_BYTES)
    room = room_factory("rec")

    def recording(recording_id, status=Recording.Status.READY, **fields):
        return Recording.objects.create(
            recording_id=recording_id,
            room=room,
            session_id="rec",
            name=recording_id,
            status=status,
            **fields,
        )

    folder = root / "rec"
    folder.mkdir()
    (folder / "rec.mp4").write_bytes(VIDEO_BYTES)
    (folder / "rec.jpg").write_bytes(b"\xff\xd8 a thumbnail")
    for other in ("notes.txt", ".hidden", "rec.json"):
        (folder / other).write_bytes(SECRET_BYTES)
    recording("rec", file_name="rec.mp4", thumbnail_name="rec.jpg")
    (root / "linked").mkdir()
    os.symlink(tmp_path / "db.sqlite3", root / "linked" / "linked.mp4")
    recording("linked", file_name="linked.mp4")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "folderlink.mp4").write_bytes(SECRET_BYTES)
    os.symlink(elsewhere, root / "folderlink")
    recording("folderlink", file_name="folderlink.mp4")
    (root / "started").mkdir()
    (root / "started" / "started.mp4").write_bytes(SECRET_BYTES)
    recording("started", status=Recording.Status.STARTED, file_name="started.mp4")
    # Rows whose stored names try the same (a database someone else wrote to).
    recording("..", file_name="db.sqlite3")
    recording("recording", file_name="../db.sqlite3")
    return root


async def _body(response):
    if hasattr(response, "streaming_content"):
        return b"".join([chunk async for chunk in response.streaming_content])
    return response.content


@pytest.mark.asyncio
async def test_the_recorded_files_are_served(recordings):
    client = AsyncClient()
    response = await client.get("/openvidu/recordings/rec/rec.mp4", headers=AUTHORIZED)
    assert response.status_code == 200
    assert await _body(response) == VIDEO_BYTES
    assert response["Content-Type"] == "video/mp4"
    thumbnail = await client.get("/openvidu/recordings/rec/rec.jpg", headers=AUTHORIZED)
    assert thumbnail.status_code == 200
    ranged = await client.get(
        "/openvidu/recordings/rec/rec.mp4", headers={"Range": "bytes=4-7", **AUTHORIZED}
    )
    assert (ranged.status_code, await _body(ranged)) == (206, b"ftyp")


@pytest.mark.asyncio
@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("path", ESCAPES)
async def test_no_url_reads_a_file_the_recorder_did_not_write(recordings, settings, path, public):
    settings.OPENVIDU_RECORDING_PUBLIC_ACCESS = public
    headers = {} if public else AUTHORIZED
    for method in ("get", "head"):
        response = await getattr(AsyncClient(), method)(path, headers=headers)
        assert response.status_code == 404, (method, path)
        assert SECRET_BYTES not in await _body(response)


@pytest.mark.asyncio
@pytest.mark.parametrize("spelling", ["%2e%2e", "..", ".%2e"])
async def test_deleting_a_recording_named_dot_dot_deletes_nothing_outside(recordings, spelling):
    """A row named `..` (written some other way) must not make DELETE remove var/."""
    response = await AsyncClient().delete(
        f"/openvidu/api/recordings/{spelling}", headers=AUTHORIZED
    )
    assert response.status_code == 404
    assert (recordings.parent / "db.sqlite3").read_bytes() == SECRET_BYTES
    assert (recordings / "rec" / "rec.mp4").exists()


@pytest.mark.asyncio
async def test_the_absolute_recordings_path_in_the_url_is_refused(recordings):
    client = AsyncClient()
    for path in (
        f"/openvidu/recordings/rec/{recordings}/rec/notes.txt",
        f"/openvidu/recordings/rec/{str(recordings / 'rec' / 'notes.txt').replace('/', '%2f')}",
    ):
        response = await client.get(path, headers=AUTHORIZED)
        assert response.status_code == 404, path
        assert SECRET_BYTES not in await _body(response)


def _raw_get(port, path, authorization):
    """One request with the path exactly as written: no client-side normalising."""
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection_.putrequest("GET", path, skip_accept_encoding=True)
        connection_.putheader("Authorization", authorization)
        connection_.endheaders()
        response = connection_.getresponse()
        return response.status, response.read()
    finally:
        connection_.close()


def test_daphne_decodes_no_way_out_either(recordings):
    from tests.live_server import database_url

    secret = "a-live-secret-for-the-files-test"
    environment = {
        "OPENVIDU_RECORDING": "true",
        "OPENVIDU_RECORDING_PATH": str(recordings),
        "VAR_DIR": str(recordings.parent),
    }
    with live_server(
        database=database_url(connection.settings_dict), secret=secret, extra_env=environment
    ) as server:
        authorization = basic("OPENVIDUAPP", secret)
        assert _raw_get(server.port, "/openvidu/recordings/rec/rec.mp4", authorization) == (
            200,
            VIDEO_BYTES,
        )
        for path in [*ESCAPES, "/static/..%2f..%2fdb.sqlite3", "/static/../../db.sqlite3"]:
            status, body = _raw_get(server.port, path, authorization)
            assert status in (400, 404), (path, status)
            assert SECRET_BYTES not in body, path
