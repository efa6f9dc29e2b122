"""IP cameras: `POST sessions/{id}/connection` with type IPCAM pulls the camera's URI and
publishes it; the participants see it as any publisher (media/ipcam.py)."""

from __future__ import annotations

import asyncio
import re

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async

from media import ipcam
from media.engine import get_engine
from rooms import services
from rooms.addresses import media_key
from tests.camera_sources import free_port, http_camera, needs_ffmpeg
from tests.peers import frames, mean_rgb
from tests.rtsp_camera import rtsp_camera
from tests.signaling.conftest import join
from tests.signaling.steps import rest_client, subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.webrtc, needs_ffmpeg]


@pytest_asyncio.fixture(autouse=True)
async def room_closed_after(rpc_clients):
    """The cameras are participants: the room stays open until it is closed, and closing
    it stops their media (the peers' gauge of rpc_clients checks it)."""
    yield
    await database_sync_to_async(rest_client().delete)("/openvidu/api/sessions/live")
    # The camera's listener hears the room close and stops its media, a moment later.
    for _ in range(100):
        if get_engine().open_peer_connections == 0:
            break
        await asyncio.sleep(0.1)


async def post_camera(session: str = "live", **body):
    return await database_sync_to_async(rest_client().post)(
        f"/openvidu/api/sessions/{session}/connection",
        {"type": "IPCAM", **body},
        format="json",
    )


async def media_key_of(session_id):
    room = await database_sync_to_async(services.find_open_room)(session_id)
    return media_key(room.pk)


async def until_colour(track, wanted, tries: int = 90):
    """Frames until one has the wanted dominant channel (a codec needs a moment)."""
    for _ in range(tries):
        (frame,) = await frames(track, 1, timeout=30)
        rgb = mean_rgb(frame)
        if rgb[wanted] > 150 and all(rgb[i] < 100 for i in range(3) if i != wanted):
            return rgb
    raise AssertionError(f"never saw channel {wanted} dominant; last {rgb}")


@pytest.mark.parametrize("codec", ["VP8", "H264"])
async def test_a_camera_reaches_a_subscriber_and_comes_back_after_a_drop(
    rpc_clients, invite, peers, codec
):
    viewer = await rpc_clients()
    # The room's codec: H.264 goes through as it came, VP8 is transcoded once.
    await database_sync_to_async(services.create_room)(
        services.RoomProperties(session_id="live", forced_video_codec=codec)
    )
    await join(viewer, await invite())
    with http_camera("red") as camera:
        response = await post_camera(rtspUri=camera.url, onlyPlayWithSubscribers=False, data="door")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert re.fullmatch(r"ipc_IPCAM_http_[A-Z0-9]{4}_127_0_0_1_\d+_camera_ts", body["id"])
        assert body["type"] == "IPCAM"
        assert body["status"] == "active"
        assert body["rtspUri"] == camera.url
        assert body["onlyPlayWithSubscribers"] is False
        (publisher,) = body["publishers"]
        assert publisher["mediaOptions"]["typeOfVideo"] == "IPCAM"

        joined = await viewer.notification("participantJoined")
        assert joined["id"] == body["id"]
        assert joined["metadata"] == "door"
        published = await viewer.notification("participantPublished")
        (stream,) = published["streams"]
        assert stream["typeOfVideo"] == "IPCAM"
        assert stream["id"] == publisher["streamId"]

        camera_media = ipcam.find(await media_key_of("live"), body["id"])
        assert camera_media is not None
        assert camera_media.passthrough is (codec == "H264")
        tracks = await subscribe(viewer, peers(), stream["id"])
        await until_colour(tracks["video"], 0)

        # The camera drops and comes back (showing blue now): the stream follows.
        camera.kill()
        await asyncio.sleep(1)
        camera.start_again("blue")
        await until_colour(tracks["video"], 2)

        deleted = await database_sync_to_async(rest_client().delete)(
            f"/openvidu/api/sessions/live/connection/{body['id']}"
        )
        assert deleted.status_code == 204
        left = await viewer.notification("participantLeft")
        assert left["connectionId"] == body["id"]
    for _ in range(100):
        if get_engine().open_peer_connections == 0:
            break
        await asyncio.sleep(0.1)
    assert get_engine().open_peer_connections == 0


async def test_an_unreachable_camera_is_a_clear_rest_error(rpc_clients, invite, settings):
    settings.MEDIA_IPCAM_OPEN_TIMEOUT = 3
    await join(await rpc_clients(), await invite())
    nobody = f"http://127.0.0.1:{free_port()}/camera.ts"
    response = await post_camera(rtspUri=nobody)
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith(f"rtspUri: cannot open {nobody}")
    assert get_engine().open_peer_connections == 0


async def test_only_play_with_subscribers_pulls_while_someone_watches(rpc_clients, invite, peers):
    viewer = await rpc_clients()
    await join(viewer, await invite())
    with http_camera("lime") as camera:
        response = await post_camera(rtspUri=camera.url)  # onlyPlayWithSubscribers: true
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["onlyPlayWithSubscribers"] is True
        camera_media = ipcam.find(await media_key_of("live"), body["id"])
        assert camera_media is not None
        assert camera_media.puller is not None
        await asyncio.sleep(1.5)
        assert not camera_media.puller.wanted.is_set()
        published = await viewer.notification("participantPublished")
        # This camera serves one client once: start it again for the pull that comes now.
        camera.start_again("lime")
        tracks = await subscribe(viewer, peers(), published["streams"][0]["id"])
        await until_colour(tracks["video"], 1)
        assert camera_media.puller.wanted.is_set()
        await viewer.call("unsubscribeFromVideo", sender=published["streams"][0]["id"])
        for _ in range(50):
            if not camera_media.puller.wanted.is_set():
                break
            await asyncio.sleep(0.1)
        assert not camera_media.puller.wanted.is_set()


async def test_an_ipcam_stream_cannot_be_unpublished_over_rest(rpc_clients, invite):
    await join(await rpc_clients(), await invite())
    with http_camera("red") as camera:
        body = (await post_camera(rtspUri=camera.url)).json()
        stream_id = body["publishers"][0]["streamId"]
        response = await database_sync_to_async(rest_client().delete)(
            f"/openvidu/api/sessions/live/stream/{stream_id}"
        )
        assert response.status_code == 405


@pytest.mark.parametrize(("codec", "allow_tcp"), [("H264", True), ("VP8", False)])
async def test_an_rtsp_camera_over_tcp_or_udp_comes_back_after_it_drops(
    rpc_clients, invite, peers, codec, allow_tcp
):
    viewer = await rpc_clients()
    await database_sync_to_async(services.create_room)(
        services.RoomProperties(session_id="live", forced_video_codec=codec)
    )
    await join(viewer, await invite())
    async with rtsp_camera("red", allow_tcp=allow_tcp) as camera:
        response = await post_camera(rtspUri=camera.url, networkCache=500)
        assert response.status_code == 200, response.json()
        assert response.json()["networkCache"] == 500
        published = await viewer.notification("participantPublished")
        tracks = await subscribe(viewer, peers(), published["streams"][0]["id"])
        await until_colour(tracks["video"], 0)
        assert camera.transports[-1] == ("tcp" if allow_tcp else "udp")

        await camera.stop()
        await asyncio.sleep(1)
        await camera.start("blue")
        await until_colour(tracks["video"], 2)
        assert camera.sessions >= 2
