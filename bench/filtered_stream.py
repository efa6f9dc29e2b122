"""What a filtered stream costs: the server's CPU with and without a filter on it.

`nice tests/private-network .venv/bin/python -m bench.filtered_stream [--seconds 15]`
publishes one pre-encoded 640x480 30 fps VP8 stream into an engine of this process with
one subscriber, and measures this process's CPU time (every thread: the aiortc peers,
the filter's decoder, worker and encoder) over a window without a filter, then over a
window with each filter (media/filters.py: tap, decode, FFmpeg graph, encode, once per
filtered stream). The difference is the filter's cost. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import django


async def _window(seconds: float, counted: list[int]) -> tuple[float, float]:
    """(CPU seconds per wall second, frames per second the subscriber got)."""
    before_cpu, before_wall, before_frames = time.process_time(), time.monotonic(), counted[0]
    await asyncio.sleep(seconds)
    wall = time.monotonic() - before_wall
    return (time.process_time() - before_cpu) / wall, (counted[0] - before_frames) / wall


async def main(seconds: float) -> None:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import MediaStreamError

    from bench.frames import PacedSequenceTrack, encode_sequence
    from media import filters
    from media.engine import MediaEngine

    engine = MediaEngine()
    room = "bench-filter"
    publisher = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    publisher.addTransceiver(PacedSequenceTrack(encode_sequence(1)), direction="sendonly")
    await publisher.setLocalDescription(await publisher.createOffer())
    answer = await engine.publish(room, "VP8", "publisher", publisher.localDescription.sdp)
    await publisher.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    subscriber = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    counted = [0]
    readers: list[asyncio.Task[None]] = []

    async def read(track: object) -> None:
        while True:
            try:
                await track.recv()  # type: ignore[attr-defined]
            except MediaStreamError:
                return
            counted[0] += 1

    subscriber.on("track", lambda track: readers.append(asyncio.create_task(read(track))))
    subscriber.addTransceiver("video", direction="recvonly")
    await subscriber.setLocalDescription(await subscriber.createOffer())
    answer = await engine.subscribe(
        room, "subscriber", "publisher", subscriber.localDescription.sdp
    )
    await subscriber.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    await asyncio.sleep(3)

    rows = [("no filter", *await _window(seconds, counted))]
    for command in (
        "videoflip method=vertical-flip",
        "videobalance saturation=0.0",
        "gaussianblur sigma=4",
    ):
        _, chain = filters.chain_for("GStreamerFilter", command)
        await filters.apply(engine, room, "publisher", "VP8", chain)
        await asyncio.sleep(3)
        rows.append((command, *await _window(seconds, counted)))
        await filters.remove(room, "publisher")
        await asyncio.sleep(2)

    baseline = rows[0][1]
    print(
        f"one 640x480 30 fps VP8 stream, one subscriber, {seconds:g} s windows, {os.cpu_count()} cores"
    )
    print(f"{'filter':36} {'CPU (% of a core)':>18} {'filter cost':>12} {'fps seen':>9}")
    for name, cpu, fps in rows:
        cost = "" if name == "no filter" else f"{(cpu - baseline) * 100:+.1f} %"
        print(f"{name:36} {cpu * 100:17.1f} % {cost:>12} {fps:9.1f}")
    for task in readers:
        task.cancel()
    await subscriber.close()
    await publisher.close()
    await engine.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openvidu_site.settings")
    django.setup()
    asyncio.run(main(arguments.seconds))
