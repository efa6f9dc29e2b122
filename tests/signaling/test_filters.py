"""Filters: applyFilter / execFilterMethod / removeFilter with GStreamerFilter commands
mapped to FFmpeg (media/filters.py). A known picture goes in; the subscriber decodes
the filtered one."""

from __future__ import annotations

import asyncio
import fractions
import json
import time

import av
import numpy as np
import pytest
from aiortc import RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from media.engine import get_engine
from tests.peers import AudioStreamTrack, frames
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure
from tests.signaling.steps import subscribe

pytestmark = [pytest.mark.asyncio, pytest.mark.webrtc]

RED, BLUE = (220, 30, 30), (30, 30, 220)


class HalvesTrack(MediaStreamTrack):
    """320x240 at 30 fps: the top half red, the bottom half blue."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self._picture = np.zeros((240, 320, 3), dtype=np.uint8)
        self._picture[:120] = RED
        self._picture[120:] = BLUE
        self._count = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        self._start = self._start or time.monotonic()
        delay = self._start + self._count / 30 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        frame = av.VideoFrame.from_ndarray(self._picture, format="rgb24")
        frame.pts, frame.time_base = self._count * 3000, fractions.Fraction(1, 90000)
        self._count += 1
        return frame


async def publish_halves(client, pc):
    pc.addTransceiver(HalvesTrack(), direction="sendonly")
    pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    result = await client.call(
        "publishVideo",
        sdpOffer=pc.localDescription.sdp,
        hasAudio=True,
        hasVideo=True,
        audioActive=True,
        videoActive=True,
        typeOfVideo="CAMERA",
        frameRate=30,
        videoDimensions=json.dumps({"width": 320, "height": 240}),
    )
    await pc.setRemoteDescription(RTCSessionDescription(sdp=result["sdpAnswer"], type="answer"))
    return result


def halves(frame):
    pixels = frame.to_ndarray(format="rgb24").astype(float)
    height = pixels.shape[0]
    top = pixels[: height // 2 - 10].reshape(-1, 3).mean(axis=0)
    bottom = pixels[height // 2 + 10 :].reshape(-1, 3).mean(axis=0)
    return top, bottom


async def until(track, check, tries=150):
    for _ in range(tries):
        (frame,) = await frames(track, 1)
        top, bottom = halves(frame)
        if check(top, bottom, frame):
            return frame
    raise AssertionError(f"the picture never changed as expected: top {top}, bottom {bottom}")


def is_original(top, bottom, frame):
    return top[0] > 150 and top[2] < 90 and bottom[2] > 150 and bottom[0] < 90


def is_flipped(top, bottom, frame):
    return top[2] > 150 and top[0] < 90 and bottom[0] > 150 and bottom[2] < 90


def is_grey(top, bottom, frame):
    return max(top) - min(top) < 25 and max(bottom) - min(bottom) < 25


def is_blurred(top, bottom, frame):
    # The edge between the halves is smeared over many rows: the rows next to it mix.
    pixels = frame.to_ndarray(format="rgb24").astype(float)
    middle = pixels.shape[0] // 2
    near_edge = pixels[middle - 6 : middle - 2].reshape(-1, 3).mean(axis=0)
    return 60 < near_edge[0] < 170 and 60 < near_edge[2] < 170


async def a_call(rpc_clients, invite, peers, **publisher_options):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite(**publisher_options), data="Alice")
    await join(bob, await invite(), data="Bob")
    published = await publish_halves(alice, peers())
    tracks = await subscribe(bob, peers(), published["id"])
    await until(tracks["video"], is_original)
    return alice, bob, published["id"], tracks["video"]


ALLOWED = {"kurento_options": {"allowedFilters": ["GStreamerFilter"]}}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("videoflip method=vertical-flip", is_flipped),
        ("videoflip method=5", is_flipped),
        ("videobalance saturation=0.0", is_grey),
        ("gaussianblur sigma=12", is_blurred),
    ],
)
async def test_each_supported_filter_changes_what_the_subscriber_sees(
    rpc_clients, invite, peers, command, expected
):
    alice, bob, stream_id, video = await a_call(rpc_clients, invite, peers, **ALLOWED)
    await alice.call(
        "applyFilter",
        streamId=stream_id,
        type="GStreamerFilter",
        options=json.dumps({"command": command}),
    )
    changed = await bob.notification("streamPropertyChanged")
    assert changed["property"] == "filter"
    assert changed["reason"] == "applyFilter"
    assert changed["newValue"] == {"type": "GStreamerFilter", "options": {"command": command}}
    await until(video, expected)

    await alice.call("removeFilter", streamId=stream_id)
    removed = await bob.notification("streamPropertyChanged")
    assert removed["newValue"] == {}
    await until(video, is_original)


async def test_exec_filter_method_changes_a_property_and_late_subscribers_get_the_filter(
    rpc_clients, invite, peers
):
    alice, bob, stream_id, video = await a_call(rpc_clients, invite, peers, role="MODERATOR")
    await alice.call(
        "applyFilter",
        streamId=stream_id,
        type="GStreamerFilter",
        options=json.dumps({"command": "videoflip method=none"}),
    )
    await alice.call(
        "execFilterMethod",
        streamId=stream_id,
        method="setElementProperty",
        params=json.dumps({"propertyName": "method", "newValue": "vertical-flip"}),
    )
    await bob.notification("streamPropertyChanged", reason="applyFilter")
    changed = await bob.notification("streamPropertyChanged", reason="execFilterMethod")
    assert changed["newValue"]["lastExecMethod"] == {
        "method": "setElementProperty",
        "params": {"propertyName": "method", "newValue": "vertical-flip"},
    }
    await until(video, is_flipped)

    # One who joins now sees the filter in joinRoom, and gets the filtered picture.
    cy = await rpc_clients()
    seat = await join(cy, await invite(), data="Cy")
    (stream,) = next(peer for peer in seat["value"] if peer["streams"])["streams"]
    assert stream["filter"]["type"] == "GStreamerFilter"
    late = await subscribe(cy, peers(), stream_id)
    await until(late["video"], is_flipped)


async def test_filters_outside_the_subset_are_406_naming_what_is_supported(
    rpc_clients, invite, peers
):
    alice, _, stream_id, _ = await a_call(rpc_clients, invite, peers, role="MODERATOR")
    for filter_type, options in [
        ("ZBarFilter", {}),
        ("GStreamerFilter", {"command": "textoverlay text=hi"}),
        ("GStreamerFilter", {"command": "videoflip method=sideways"}),
        ("GStreamerFilter", {"command": "videotestsrc ! videoflip"}),
    ]:
        with pytest.raises(RpcFailure) as failure:
            await alice.call(
                "applyFilter", streamId=stream_id, type=filter_type, options=json.dumps(options)
            )
        assert failure.value.code == 406
        assert "videoflip" in failure.value.message
    with pytest.raises(RpcFailure) as failure:
        await alice.call("removeFilter", streamId=stream_id)
    assert failure.value.code == 406
    with pytest.raises(RpcFailure) as failure:
        await alice.call("addFilterEventListener", streamId=stream_id, eventType="CodeFound")
    assert failure.value.code == 406


async def test_a_moderator_filters_another_s_stream_and_the_owner_is_told(
    rpc_clients, invite, peers
):
    alice, bob, stream_id, video = await a_call(rpc_clients, invite, peers)
    moderator = await rpc_clients()
    await join(moderator, await invite(role="MODERATOR"), data="Mo")
    await moderator.call(
        "applyFilter",
        streamId=stream_id,
        type="GStreamerFilter",
        options=json.dumps({"command": "videoflip method=vertical-flip"}),
    )
    for told in (alice, bob):
        changed = await told.notification("streamPropertyChanged")
        assert changed["property"] == "filter"
    await moderator.no_notification("streamPropertyChanged")
    await until(video, is_flipped)


async def test_who_may_filter(rpc_clients, invite, peers):
    # A PUBLISHER without allowedFilters may not filter even its own stream.
    alice, bob, stream_id, _ = await a_call(rpc_clients, invite, peers)
    for client in (alice, bob):
        with pytest.raises(RpcFailure) as failure:
            await client.call(
                "applyFilter",
                streamId=stream_id,
                type="GStreamerFilter",
                options=json.dumps({"command": "videoflip method=vertical-flip"}),
            )
        assert failure.value.code == 401


async def test_a_filter_goes_with_its_stream(rpc_clients, invite, peers):
    alice, _, stream_id, _ = await a_call(rpc_clients, invite, peers, **ALLOWED)
    await alice.call(
        "applyFilter",
        streamId=stream_id,
        type="GStreamerFilter",
        options=json.dumps({"command": "videoflip method=vertical-flip"}),
    )
    with pytest.raises(RpcFailure) as failure:
        await alice.call(
            "applyFilter",
            streamId=stream_id,
            type="GStreamerFilter",
            options=json.dumps({"command": "gaussianblur"}),
        )
    assert failure.value.code == 405
    await alice.call("unpublishVideo")
    # The filter's tap and re-publisher close with the stream.
    for _ in range(50):
        if get_engine().open_peer_connections == 0:
            break
        await asyncio.sleep(0.1)
    assert get_engine().open_peer_connections == 0
