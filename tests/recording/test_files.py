"""The recording writers on their own: a stream's file, and the composer process."""

from __future__ import annotations

import multiprocessing

import av
import pytest

from media.recording import composer
from media.recording.stream_file import EncodedPacket, StreamFile
from tests.recording.media_samples import mean_rgb, opus_tone, vp8_colour


def test_a_stream_file_holds_the_frames_as_they_came(tmp_path):
    video, audio = vp8_colour(60, (200, 30, 30)), opus_tone(100)
    writer = StreamFile(tmp_path / "str_CAM_A.webm", "vp8", has_audio=True)
    for index, data in enumerate(video):
        writer.write(EncodedPacket("video", data, index * 1000 // 30, data[0] & 1 == 0))
        for audio_index in range(index * 100 // 60, (index + 1) * 100 // 60):
            writer.write(EncodedPacket("audio", audio[audio_index], audio_index * 20, True))
    writer.close()
    assert writer.error is None
    assert writer.dropped == 0
    with av.open(str(tmp_path / "str_CAM_A.webm")) as container:
        kinds = sorted(stream.type for stream in container.streams)
        assert kinds == ["audio", "video"]
        video_stream = container.streams.video[0]
        assert (video_stream.codec_context.name, video_stream.width, video_stream.height) == (
            "vp8",
            640,
            480,
        )
        assert (container.duration or 0) / 1_000_000 == pytest.approx(2.0, abs=0.15)
        decoded = list(container.decode(video=0))
    assert len(decoded) == len(video)
    assert mean_rgb(decoded[-1].to_ndarray(format="rgb24"))[0] > 150


def test_a_stream_without_a_picture_becomes_audio_only(tmp_path):
    writer = StreamFile(tmp_path / "voice.webm", "vp8", has_audio=True)
    for index, data in enumerate(opus_tone(50)):
        writer.write(EncodedPacket("audio", data, index * 20, True))
    writer.close()
    with av.open(str(tmp_path / "voice.webm")) as container:
        assert [stream.type for stream in container.streams] == ["audio"]


def test_a_failing_disk_is_an_error_not_a_crash(tmp_path):
    writer = StreamFile(tmp_path / "missing-folder" / "x.webm", "vp8", has_audio=False)
    for index, data in enumerate(vp8_colour(5, (0, 0, 0))):
        writer.write(EncodedPacket("video", data, index * 33, index == 0))
    writer.close()
    assert writer.error is not None


def _feed(inbox, sources, seconds):
    """`seconds` of 30 fps video per source, stamped on the recording's timeline."""
    tone = opus_tone(1)[0]
    frames_per_source = int(seconds * 30)
    for index in range(frames_per_source):
        at = index / 30
        for key, frames in sources.items():
            inbox.put(("video", at, key, "vp8", frames[index % len(frames)]))
        if index % 3 == 0:  # ~20 ms of audio per 1.5 video frames is close enough
            for _ in range(2):
                inbox.put(("audio", at, "str_A", tone))
    inbox.put(("stop", seconds))


def test_the_composer_lays_two_streams_side_by_side(tmp_path):
    settings = composer.ComposeSettings(
        path=str(tmp_path / "room.mp4"),
        thumbnail=str(tmp_path / "room.jpg"),
        width=640,
        height=360,
        frame_rate=25,
        has_audio=True,
        has_video=True,
    )
    context = multiprocessing.get_context("spawn")
    inbox, outbox = context.Queue(maxsize=600), context.Queue()
    process = context.Process(target=composer.run, args=(settings, inbox, outbox), daemon=True)
    process.start()
    try:
        red, blue = vp8_colour(30, (220, 20, 20)), vp8_colour(30, (20, 20, 220))
        _feed(inbox, {"str_A": red, "str_B": blue}, seconds=2.5)
        outcome = outbox.get(timeout=30)
        process.join(30)
    finally:
        if process.is_alive():
            process.kill()
    assert outcome[0] == "done", outcome
    assert process.exitcode == 0
    with av.open(settings.path) as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 640, 360)
        assert video.average_rate == 25
        assert [stream.type for stream in container.streams if stream.type == "audio"] == ["audio"]
        assert container.streams.audio[0].codec_context.name == "aac"
        # The room's timeline, exactly: however fast the composer ran.
        assert (container.duration or 0) / 1_000_000 == pytest.approx(2.5, abs=0.15)
        pictures = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    last = pictures[-1]
    left, right = mean_rgb(last[:, :320]), mean_rgb(last[:, 320:])
    assert left[0] > 100 > left[2], left
    assert right[2] > 100 > right[0], right
    assert (tmp_path / "room.jpg").stat().st_size > 1000


def test_a_crashed_composer_reports_failure(tmp_path):
    settings = composer.ComposeSettings(
        path=str(tmp_path / "nowhere" / "room.mp4"),
        thumbnail=None,
        width=640,
        height=360,
        frame_rate=25,
        has_audio=False,
        has_video=True,
    )
    context = multiprocessing.get_context("spawn")
    inbox, outbox = context.Queue(), context.Queue()
    process = context.Process(target=composer.run, args=(settings, inbox, outbox), daemon=True)
    process.start()
    outcome = outbox.get(timeout=30)
    process.join(30)
    assert outcome[0] == "failed"
    assert process.exitcode == 1


def test_best_fit_grids():
    assert [composer.grid(n) for n in (1, 2, 3, 4, 5, 9, 10)] == [
        (1, 1),
        (2, 1),
        (2, 2),
        (2, 2),
        (3, 2),
        (3, 3),
        (4, 3),
    ]
