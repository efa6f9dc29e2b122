"""The recording endpoints: checks, status codes, and whole recordings of live rooms."""

from __future__ import annotations

import asyncio
import json
import zipfile

import av
import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient

from media.engine import get_engine
from recordings.models import Recording
from rooms.models import Room
from tests.recording.media_samples import mean_rgb
from tests.signaling.conftest import join
from tests.signaling.steps import publish

pytestmark = pytest.mark.asyncio
START = "/openvidu/api/recordings/start"


def _api_get(path):
    from rest_framework.test import APIClient

    from tests.conftest import SECRET, basic

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", SECRET))
    return client.get(path).json()


async def _start(rest, **body):
    return await rest.post(START, json.dumps(body), content_type="application/json")


async def test_recording_is_501_when_disabled(rest, settings, transactional_db):
    settings.OPENVIDU_RECORDING = False
    for method, path in (
        ("post", START),
        ("post", "/openvidu/api/recordings/stop/x"),
        ("get", "/openvidu/api/recordings/x"),
        ("get", "/openvidu/api/recordings"),
        ("delete", "/openvidu/api/recordings/x"),
    ):
        assert (await getattr(rest, method)(path)).status_code == 501, path


async def test_the_endpoints_need_the_secret(transactional_db):
    stranger = AsyncClient()
    assert (await stranger.get("/openvidu/api/recordings")).status_code == 401
    assert (await stranger.post(START, "{}", content_type="application/json")).status_code == 401


async def test_an_unknown_session_is_404_before_the_properties_are_read(rest, transactional_db):
    response = await _start(rest, session="NOPE", name=999)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"session": 5}, 400),
        ({"session": "live", "name": 999}, 400),
        ({"session": "live", "name": "not alphanumeric@"}, 400),
        ({"session": "live", "outputMode": "MIXED"}, 400),
        ({"session": "live", "recordingLayout": "GRID"}, 400),
        ({"session": "live", "resolution": 999}, 400),
        ({"session": "live", "frameRate": True}, 400),
        ({"session": "live", "hasAudio": False, "hasVideo": False}, 422),
        ({"session": "live", "resolution": "1920x2000"}, 422),
        ({"session": "live", "resolution": "99x1080"}, 422),
        ({"session": "live", "frameRate": 0}, 422),
        ({"session": "live", "frameRate": 121}, 422),
        ({"session": "live", "shmSize": 1024}, 422),
    ],
)
async def test_bad_properties(rest, rpc_clients, invite, body, status):
    await join(await rpc_clients(), await invite())
    response = await _start(rest, **body)
    assert response.status_code == status, response.json()
    assert response.json()["status"] == status


async def test_a_room_nobody_joined_is_406(rest, invite):
    await invite()
    assert (await _start(rest, session="live")).status_code == 406


async def test_stop_get_delete_of_unknown_recordings_are_404(rest, transactional_db):
    assert (await rest.post("/openvidu/api/recordings/stop/nope")).status_code == 404
    assert (await rest.get("/openvidu/api/recordings/nope")).status_code == 404
    assert (await rest.delete("/openvidu/api/recordings/nope")).status_code == 404
    assert (await rest.get("/openvidu/api/recordings")).json() == {"count": 0, "items": []}


@pytest.mark.webrtc
async def test_a_composed_recording_from_start_to_delete(rest, rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    await join(bob, await invite(role="SUBSCRIBER"))
    await publish(alice, peers(), colour=(220, 20, 20))

    response = await _start(
        rest, session="live", name="standup", resolution="640x360", frameRate=20
    )
    assert response.status_code == 200, response.json()
    started = response.json()
    assert list(started) == [
        "id",
        "object",
        "name",
        "outputMode",
        "resolution",
        "frameRate",
        "recordingLayout",
        "sessionId",
        "createdAt",
        "size",
        "duration",
        "url",
        "hasAudio",
        "hasVideo",
        "status",
    ]
    assert (started["id"], started["name"], started["status"], started["url"]) == (
        "live",
        "standup",
        "started",
        None,
    )
    assert await alice.notification("recordingStarted") == {"id": "live", "name": "standup"}
    await bob.no_notification("recordingStarted")  # SUBSCRIBERs are not told by default
    assert (await _start(rest, session="live")).status_code == 409
    session = await database_sync_to_async(_api_get)("/openvidu/api/sessions/live")
    assert session["recording"] is True

    await asyncio.sleep(3)
    response = await rest.post("/openvidu/api/recordings/stop/live")
    assert response.status_code == 200, response.json()
    stopped = response.json()
    assert stopped["status"] == "ready"
    assert stopped["url"] == "https://rooms.example.test/openvidu/recordings/live/standup.mp4"
    assert stopped["duration"] == pytest.approx(3.0, abs=0.7)
    assert stopped["size"] > 0
    notice = await alice.notification("recordingStopped")
    assert notice == {"id": "live", "name": "standup", "reason": "recordingStoppedByServer"}
    assert (await rest.get("/openvidu/api/recordings/live")).json() == stopped
    assert (await rest.get("/openvidu/api/recordings")).json() == {"count": 1, "items": [stopped]}

    # The file: served with the secret, in byte ranges.
    assert (await AsyncClient().get("/openvidu/recordings/live/standup.mp4")).status_code == 401
    whole = await rest.get("/openvidu/recordings/live/standup.mp4")
    assert whole.status_code == 200
    data = b"".join([chunk async for chunk in whole.streaming_content])
    assert len(data) == stopped["size"]
    part = await rest.get(
        "/openvidu/recordings/live/standup.mp4", headers={"Range": "bytes=100-199"}
    )
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{stopped['size']}"
    assert b"".join([chunk async for chunk in part.streaming_content]) == data[100:200]
    assert (await rest.get("/openvidu/recordings/live/../../etc/passwd")).status_code == 404
    assert (await rest.get("/openvidu/recordings/live/live.jpg")).status_code == 200

    path = await database_sync_to_async(
        lambda: str(__import__("recordings.service").service.directory_of("live"))
    )()
    with av.open(f"{path}/standup.mp4") as container:
        video = container.streams.video[0]
        assert (video.width, video.height) == (640, 360)
        assert video.average_rate == 20
        assert container.streams.audio
        last = list(container.decode(video=0))[-1].to_ndarray(format="rgb24")
    assert mean_rgb(last)[0] > 100

    assert (await rest.delete("/openvidu/api/recordings/live")).status_code == 204
    assert (await rest.get("/openvidu/api/recordings/live")).status_code == 404
    # The id is free again, as in OpenVidu.
    response = await _start(rest, session="live")
    assert response.json()["id"] == "live"
    await rest.post("/openvidu/api/recordings/stop/live")


@pytest.mark.webrtc
async def test_an_individual_recording_zips_each_stream(rest, rpc_clients, invite, peers):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(server_data="A"), data="Alice")
    await join(bob, await invite(), data="Bob")
    alice_stream = await publish(alice, peers(), colour=(220, 20, 20))
    response = await _start(rest, session="live", outputMode="INDIVIDUAL")
    started = response.json()
    assert "resolution" not in started
    await asyncio.sleep(1)
    bob_stream = await publish(
        bob, peers(), colour=(20, 20, 220)
    )  # streams that come later get files too
    await asyncio.sleep(2)
    stopped = (await rest.post("/openvidu/api/recordings/stop/live")).json()
    assert stopped["status"] == "ready"
    assert stopped["url"].endswith("/openvidu/recordings/live/live.zip")
    path = await database_sync_to_async(
        lambda: __import__("recordings.service").service.directory_of("live")
    )()
    with zipfile.ZipFile(path / "live.zip") as bundle:
        names = set(bundle.namelist())
        sync = json.loads(bundle.read("live.json"))
    assert names == {"live.json", f"{alice_stream['id']}.webm", f"{bob_stream['id']}.webm"}
    by_stream = {entry["streamId"]: entry for entry in sync["files"]}
    assert by_stream[alice_stream["id"]]["connectionId"] == alice_seat["id"]
    assert by_stream[alice_stream["id"]]["clientData"] == "Alice"
    assert by_stream[alice_stream["id"]]["serverData"] == "A"
    assert by_stream[bob_stream["id"]]["startTime"] > by_stream[alice_stream["id"]]["startTime"]


@pytest.mark.webrtc
async def test_always_mode_starts_with_the_first_publisher_and_stops_itself(
    rest, rpc_clients, peers, settings
):
    settings.OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT = 1
    from rooms import services

    @database_sync_to_async
    def always_room():
        room = services.create_room(
            services.RoomProperties(session_id="always", recording_mode="ALWAYS")
        )
        return services.create_connection(room, services.ConnectionProperties()).token

    alice = await rpc_clients()
    await join(alice, await always_room(), session="always")
    await publish(alice, peers())
    assert (await alice.notification("recordingStarted"))["id"] == "always"
    await asyncio.sleep(1)
    await alice.call("leaveRoom")

    async def finished():
        while (
            await database_sync_to_async(
                lambda: Recording.objects.get(recording_id="always").status
            )()
        ) != "ready":
            await asyncio.sleep(0.1)

    await asyncio.wait_for(finished(), 30)
    recording = await database_sync_to_async(Recording.objects.get)(recording_id="always")
    assert recording.reason == "automaticStop"
    room = await database_sync_to_async(Room.objects.get)(session_id="always")
    assert room.closed_at is not None  # kept open for the recording, closed after it


@pytest.mark.webrtc
async def test_a_crashed_composer_ends_as_failed_never_ready(rest, rpc_clients, invite, peers):
    from recordings.runtime import runtime

    alice = await rpc_clients()
    await join(alice, await invite())
    await publish(alice, peers())
    assert (await _start(rest, session="live")).status_code == 200
    runtime._active["live"].recorder._process.kill()  # type: ignore[attr-defined]
    await asyncio.sleep(0.5)
    stopped = (await rest.post("/openvidu/api/recordings/stop/live")).json()
    assert stopped["status"] == "failed"
    recording = await database_sync_to_async(Recording.objects.get)(recording_id="live")
    assert "composer" in recording.error
    assert get_engine().open_peer_connections == 1


@pytest.mark.webrtc
async def test_closing_the_session_stops_its_recording(rest, rpc_clients, invite, peers):
    alice = await rpc_clients()
    await join(alice, await invite())
    await publish(alice, peers())
    await _start(rest, session="live", outputMode="INDIVIDUAL")
    await asyncio.sleep(1)
    assert (await rest.delete("/openvidu/api/sessions/live")).status_code == 204

    async def finished():
        while (
            await database_sync_to_async(
                lambda: Recording.objects.get(recording_id="live").status
            )()
        ) not in ("ready", "failed"):
            await asyncio.sleep(0.1)

    await asyncio.wait_for(finished(), 30)
    recording = await database_sync_to_async(Recording.objects.get)(recording_id="live")
    assert (recording.status, recording.reason) == ("ready", "sessionClosedByServer")
