"""An IP camera is recorded like any publisher: its publication reaches the recorders."""

from __future__ import annotations

import asyncio
import zipfile

import av
import pytest

from media import ipcam
from media.engine import MediaEngine
from media.recording.recorders import IndividualRecorder
from tests.camera_sources import http_camera, needs_ffmpeg
from tests.recording.media_samples import mean_rgb

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio, needs_ffmpeg]
ROOM = "camera-room"


async def test_an_individual_recording_keeps_an_ip_camera(tmp_path):
    engine = MediaEngine()

    async def describe(connection_id):
        return {
            "streamId": f"str_IPC_Abcd_{connection_id}",
            "clientData": "",
            "serverData": "door",
            "typeOfVideo": "IPCAM",
        }

    recorder = IndividualRecorder(
        engine, ROOM, tmp_path, "doorway", ROOM, ROOM, True, True, describe
    )
    with http_camera("red") as camera:
        source = ipcam.CameraSource(camera.url, only_play_with_subscribers=True)
        await ipcam.start(engine, ROOM, "ipc_door", "VP8", source)
        try:
            recorder.start()  # a recorder watching is enough for the camera to play
            await asyncio.sleep(4)
            await recorder.stop()
        finally:
            await ipcam.stop_all()
            await engine.close()
    assert engine.open_peer_connections == 0
    with zipfile.ZipFile(tmp_path / "doorway.zip") as bundle:
        assert "str_IPC_Abcd_ipc_door.webm" in bundle.namelist()
        bundle.extractall(tmp_path / "out")
    with av.open(str(tmp_path / "out" / "str_IPC_Abcd_ipc_door.webm")) as container:
        pictures = list(container.decode(video=0))
    assert pictures
    red, green, blue = mean_rgb(pictures[-1].to_ndarray(format="rgb24"))
    assert red > 150
    assert green < 90
    assert blue < 90
