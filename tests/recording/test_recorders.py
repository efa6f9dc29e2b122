"""Recorders on the engine with aiortc publishers: both output modes, opened with PyAV."""

from __future__ import annotations

import asyncio
import json
import zipfile
from fractions import Fraction

import av
import pytest

from media.engine import MediaEngine
from media.recording import composer
from media.recording.recorders import ComposedRecorder, IndividualRecorder
from tests.peers import AudioStreamTrack, ColourTrack, client_peer, publish
from tests.recording.media_samples import mean_rgb

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]
ROOM = "rec-room"


async def _two_publishers(engine):
    peers = []
    for connection_id, colour in (("con_Red", (220, 20, 20)), ("con_Blue", (20, 20, 220))):
        pc = client_peer()
        peers.append(pc)
        await publish(
            pc,
            [ColourTrack(colour), AudioStreamTrack()],
            lambda offer, c=connection_id: engine.publish(ROOM, "VP8", c, offer),
        )
    return peers


async def test_an_individual_recording_keeps_each_stream_and_the_sync_file(tmp_path):
    engine = MediaEngine()
    peers = await _two_publishers(engine)

    async def describe(connection_id):
        return {
            "streamId": f"str_CAM_Abcd_{connection_id}",
            "clientData": connection_id,
            "serverData": "s",
            "typeOfVideo": "CAMERA",
        }

    recorder = IndividualRecorder(
        engine, ROOM, tmp_path, "meeting", "rec-room", "rec-room", True, True, describe
    )
    try:
        recorder.start()
        await asyncio.sleep(3)  # record three seconds of the call
        outcome = await recorder.stop()
    finally:
        for pc in peers:
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
    archive = tmp_path / "meeting.zip"
    assert outcome.files[0] == archive
    with zipfile.ZipFile(archive) as bundle:
        names = sorted(bundle.namelist())
        assert names == ["meeting.json", "str_CAM_Abcd_con_Blue.webm", "str_CAM_Abcd_con_Red.webm"]
        sync = json.loads(bundle.read("meeting.json"))
        bundle.extractall(tmp_path / "out")
    assert sync["name"] == "meeting"
    assert {entry["connectionId"] for entry in sync["files"]} == {"con_Red", "con_Blue"}
    for entry in sync["files"]:
        assert entry["hasAudio"]
        assert entry["hasVideo"]
        assert entry["endTime"] > entry["startTime"]
        with av.open(str(tmp_path / "out" / entry["name"])) as container:
            assert sorted(stream.type for stream in container.streams) == ["audio", "video"]
            assert (container.duration or 0) / 1e6 == pytest.approx(3.0, abs=0.6)
            picture = list(container.decode(video=0))[-1].to_ndarray(format="rgb24")
        red, _, blue = mean_rgb(picture)
        assert (red > 150) if entry["connectionId"] == "con_Red" else (blue > 150)


async def test_a_composed_recording_shows_both_publishers(tmp_path):
    engine = MediaEngine()
    peers = await _two_publishers(engine)
    settings = composer.ComposeSettings(
        path=str(tmp_path / "meeting.mp4"),
        thumbnail=str(tmp_path / "meeting.jpg"),
        width=640,
        height=360,
        frame_rate=25,
        has_audio=True,
        has_video=True,
    )
    recorder = ComposedRecorder(engine, ROOM, settings)
    try:
        recorder.start()
        await asyncio.sleep(3)
        outcome = await recorder.stop()
    finally:
        for pc in peers:
            await pc.close()
        await engine.close()
    assert outcome.duration == pytest.approx(3.0, abs=0.6)
    with av.open(settings.path) as container:
        video = container.streams.video[0]
        assert (video.width, video.height, video.average_rate) == (640, 360, Fraction(25))
        assert container.streams.audio[0].codec_context.name == "aac"
        pictures = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    last = pictures[-1]
    left, right = mean_rgb(last[:, :320]), mean_rgb(last[:, 320:])
    # Red published first: it takes the left cell.
    assert left[0] > 100 > left[2], left
    assert right[2] > 100 > right[0], right
    assert (tmp_path / "meeting.jpg").exists()
