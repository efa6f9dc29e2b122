"""Packet forwarding on a bad subscriber link, made on this namespace's loopback.

The link toward one subscriber (its UDP port) loses 5 % of packets, or is slower than
the stream; the publisher's link and the other subscriber's stay clean. Runs only where
the test owns its network namespace (tests/private-network, as root), as every WebRTC
test does; the nftables table and the qdisc are removed on every way out.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiortc import RTCSessionDescription

from media.engine import MediaEngine
from media.packets import forwarder as packet_forwarder
from tests.media.test_packet_forwarding import (
    ROOM,
    count_nacks,
    publish,
    record_received,
    until,
)
from tests.peers import EncodedVideoTrack, client_peer, encode_vp8

pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]


def _own_namespace() -> str | None:
    for tool in ("tc", "nft"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install iproute2 nftables)"
    if os.geteuid() != 0:
        return "tc and nft need root"
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    if len(links.strip().splitlines()) != 1:
        return "this network namespace is not the test's own (run in tests/private-network)"
    return None


pytestmark.append(pytest.mark.skipif(_own_namespace() is not None, reason=str(_own_namespace())))


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@contextmanager
def lossy_link(ports: list[int], percent: int) -> Iterator[None]:
    """Drop `percent` % of loopback UDP packets to these ports, at random.

    nftables' `numgen random` rather than tc netem: this kernel has no netem qdisc.
    """
    _run("nft", "add", "table", "inet", "lossy_link")
    try:
        _run("nft", "add", "chain", "inet", "lossy_link", "out",
             "{ type filter hook output priority 0; }")  # fmt: skip
        for port in ports:
            _run("nft", "add", "rule", "inet", "lossy_link", "out", "udp", "dport", str(port),
                 "numgen", "random", "mod", "100", "<", str(percent), "drop")  # fmt: skip
        yield
    finally:
        _run("nft", "delete", "table", "inet", "lossy_link")


@contextmanager
def slow_link(ports: list[int], rate: str) -> Iterator[None]:
    """Loopback UDP packets to these ports leave at `rate` (tc htb); others at once.

    Packets wait in the class's queue charged to the sending socket, so a sender faster
    than `rate` fills its socket buffer and then sees EAGAIN, as on a slow uplink.
    """
    _run("tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10",
         "r2q", "100000")  # fmt: skip
    try:
        _run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb",
             "rate", "10gbit")  # fmt: skip
        _run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb",
             "rate", rate, "ceil", rate)  # fmt: skip
        for port in ports:
            _run("tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio",
                 "1", "u32", "match", "ip", "protocol", "17", "0xff", "match", "ip", "dport",
                 str(port), "0xffff", "flowid", "1:20")  # fmt: skip
        yield
    finally:
        _run("tc", "qdisc", "del", "dev", "lo", "root")


async def _subscriber(engine, pc, name):
    transceiver = pc.addTransceiver("video", direction="recvonly")
    received = record_received(transceiver)
    await pc.setLocalDescription(await pc.createOffer())
    ports = [
        int(port)
        for port in re.findall(r"a=candidate:\S+ 1 udp \d+ \S+ (\d+)", pc.localDescription.sdp)
    ]
    answer = await engine.subscribe(ROOM, name, "con_Pub", pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return received, ports


def _in_order(frames: list[bytes], encoded: list[bytes]) -> float:
    """The share of the frames sent (looping over `encoded`) since the first one received
    that arrived whole, in order; every frame received must be one that was sent."""
    assert set(frames) <= set(encoded)
    start = encoded.index(frames[0])
    expected = [encoded[(start + i) % len(encoded)] for i in range(len(frames))]
    matched = sum(a == b for a, b in zip(frames, expected, strict=True))
    return matched / len(expected)


async def test_with_5_percent_loss_frames_arrive_whole_from_the_servers_history():
    engine = MediaEngine()
    publisher, lossy, clean = client_peer(), client_peer(), client_peer()
    try:
        encoded = encode_vp8(90, keyframe_every=45)
        await publish(engine, publisher, [EncodedVideoTrack(encoded, loop=True)])
        upstream_nacks = count_nacks(publisher)
        got_lossy, ports = await _subscriber(engine, lossy, "con_Lossy")
        got_clean, _ = await _subscriber(engine, clean, "con_Clean")
        await until(lambda: len(got_lossy.frames) >= 10 and len(got_clean.frames) >= 10)
        forwarder = engine.room(ROOM).publications["con_Pub"].forwarders["video"]
        with lossy_link(ports, 5):
            lossy_before, clean_before = len(got_lossy.frames), len(got_clean.frames)
            await until(lambda: len(got_lossy.frames) >= lossy_before + 180, timeout=40)
        # Six seconds at 5 %: every frame whole and in order (a few may still be missing
        # where a retransmission was lost too and the picture moved on).
        assert _in_order(got_lossy.frames, encoded) >= 0.97
        assert _in_order(got_clean.frames, encoded) == 1.0
        assert len(got_clean.frames) > clean_before + 150
        assert forwarder.retransmitted >= 3  # type: ignore[attr-defined]
        # The subscriber's NACKs stopped at the server: the publisher's link lost nothing,
        # so it was asked for nothing.
        assert upstream_nacks == []
    finally:
        for pc in (publisher, lossy, clean):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


async def test_a_subscriber_slower_than_the_stream_skips_to_keyframes_and_slows_no_one(
    monkeypatch,
):
    # The test stream is about 100 kbit/s: a small limit, reached in a second or two.
    monkeypatch.setattr(packet_forwarder, "SEND_BUFFER_LIMIT", 8 * 1024)
    engine = MediaEngine()
    publisher, slow, fast = client_peer(), client_peer(), client_peer()
    try:
        encoded = encode_vp8(90, keyframe_every=30)
        await publish(engine, publisher, [EncodedVideoTrack(encoded, loop=True)])
        got_slow, ports = await _subscriber(engine, slow, "con_Slow")
        got_fast, _ = await _subscriber(engine, fast, "con_Fast")
        await until(lambda: len(got_slow.frames) >= 10 and len(got_fast.frames) >= 10)
        forwarder = engine.room(ROOM).publications["con_Pub"].forwarders["video"]
        peer = engine.room(ROOM).subscriptions[("con_Slow", "con_Pub")].pc
        sender = peer.getTransceivers()[0].sender
        subscriber = next(
            s
            for s in forwarder._subscribers.values()  # type: ignore[attr-defined]
            if s.view.sender is sender
        )
        # The kernel's share of the backlog kept small too (its default is ~200 KB), so
        # the slow link reaches asyncio's buffer, which the forwarder watches, at once.
        route = subscriber.view.route()
        assert route is not None
        route[1].get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        most_pending = 0

        async def watch() -> None:
            nonlocal most_pending
            while True:
                most_pending = max(most_pending, subscriber.view.pending_bytes())
                await asyncio.sleep(0.01)

        watcher = asyncio.create_task(watch())
        try:
            # A quarter of the stream's rate: the kernel's socket buffer fills, then
            # asyncio's, then the forwarder stops sending to it.
            with slow_link(ports, "24kbit"):
                fast_before = len(got_fast.frames)
                await until(lambda: subscriber.dropped > 30, timeout=40)
                await until(lambda: len(got_fast.frames) >= fast_before + 60, timeout=20)
        finally:
            watcher.cancel()
        assert _in_order(got_fast.frames, encoded) == 1.0
        assert set(got_slow.frames) <= set(encoded)  # whatever reached it was whole
        # Memory for it stayed bounded: at most one packet beyond the limit waited.
        assert 0 < most_pending <= 8 * 1024 + 1500
    finally:
        for pc in (publisher, slow, fast):
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
