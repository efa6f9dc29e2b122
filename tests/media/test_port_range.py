"""MEDIA_PORT_MIN/MEDIA_PORT_MAX: every server media socket inside, a full range refuses one peer."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess

import pytest
from aiortc import RTCSessionDescription

from media.engine import MediaEngine, MediaError
from media.ports import PortRange, PortsExhausted
from tests.peers import EncodedVideoTrack, client_peer, encode_vp8

ROOM = "room-ports"
LOW, HIGH = 45100, 45119  # 20 ports
_PORT = re.compile(r"^a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ", re.MULTILINE)


def test_a_range_binds_inside_it_and_says_when_it_is_full():
    ports = PortRange(LOW, LOW + 2)
    held = [ports.bind(socket.SOCK_DGRAM, "127.0.0.1") for _ in range(3)]
    try:
        assert sorted(s.getsockname()[1] for s in held) == [LOW, LOW + 1, LOW + 2]
        with pytest.raises(PortsExhausted, match=f"MEDIA_PORT_MIN/MEDIA_PORT_MAX {LOW}-{LOW + 2}"):
            ports.bind(socket.SOCK_DGRAM, "127.0.0.1")
        held.pop(1).close()
        again = ports.bind(socket.SOCK_DGRAM, "127.0.0.1")
        held.append(again)
        assert again.getsockname()[1] == LOW + 1
    finally:
        for sock in held:
            sock.close()


def _udp_ports_of_this_process() -> set[int]:
    output = subprocess.run(["ss", "-uanpH"], capture_output=True, text=True, check=True).stdout
    ports = set()
    for line in output.splitlines():
        if f"pid={os.getpid()}," in line:
            local = line.split()[3]
            ports.add(int(local.rsplit(":", 1)[1]))
    return ports


@pytest.mark.webrtc
@pytest.mark.asyncio
@pytest.mark.skipif(shutil.which("ss") is None, reason="ss (iproute2) is not installed")
async def test_twenty_ports_serve_twenty_peers_and_the_next_participant_is_refused(
    settings, caplog
):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]
    settings.MEDIA_PORT_MIN, settings.MEDIA_PORT_MAX = LOW, HIGH
    engine = MediaEngine()
    frames = encode_vp8(60)
    clients = []
    client_ports: set[int] = set()
    before = _udp_ports_of_this_process()

    async def publish(connection_id: str) -> str:
        pc = client_peer()
        clients.append(pc)
        pc.addTransceiver(EncodedVideoTrack(frames, loop=True), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        client_ports.update(int(p) for p in _PORT.findall(pc.localDescription.sdp))
        answer = await engine.publish(ROOM, "VP8", connection_id, pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        return answer

    try:
        for index in range(19):
            await publish(f"con_{index}")
        # The twentieth socket: a subscriber, whose media we watch afterwards.
        viewer = client_peer()
        clients.append(viewer)
        transceiver = viewer.addTransceiver("video", direction="recvonly")
        received: list[bytes] = []
        from media import aiortc_internals

        aiortc_internals.tap_encoded_frames(
            transceiver.receiver, lambda codec, frame: received.append(frame.data)
        )
        await viewer.setLocalDescription(await viewer.createOffer())
        client_ports.update(int(p) for p in _PORT.findall(viewer.localDescription.sdp))
        answer = await engine.subscribe(ROOM, "con_viewer", "con_0", viewer.localDescription.sdp)
        await viewer.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

        server_ports = _udp_ports_of_this_process() - before - client_ports
        assert len(server_ports) == 20
        assert all(LOW <= port <= HIGH for port in server_ports), sorted(server_ports)

        with pytest.raises(MediaError, match=f"MEDIA_PORT_MIN-MEDIA_PORT_MAX \\({LOW}-{HIGH}\\)"):
            await publish("con_late")
        assert "con_late" not in engine.publishers(ROOM)
        assert any(
            record.levelname == "WARNING" and "no free media port" in record.getMessage()
            for record in caplog.records
        )
        assert engine.open_peer_connections == 20  # the refused peer is closed

        # The others keep their media: the viewer still gets frames after the refusal.
        seen = len(received)
        await asyncio.wait_for(_until(lambda: len(received) >= seen + 30), 30)
    finally:
        for pc in clients:
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
    assert not (_udp_ports_of_this_process() & set(range(LOW, HIGH + 1)))


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.05)


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_through_signaling_the_refused_participant_gets_error_300(
    settings, rpc_clients, invite, peers
):
    from media.engine import get_engine
    from tests.signaling.conftest import join
    from tests.signaling.rpc import RpcFailure
    from tests.signaling.steps import publish as publish_video

    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]
    settings.MEDIA_PORT_MIN = settings.MEDIA_PORT_MAX = LOW  # one port: one peer
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    await join(bob, await invite(), data="Bob")
    await publish_video(alice, peers())
    with pytest.raises(RpcFailure) as failure:
        await publish_video(bob, peers())
    assert failure.value.code == 300
    assert "MEDIA_PORT_MIN-MEDIA_PORT_MAX" in failure.value.message
    engine = get_engine()
    assert engine.open_peer_connections == 1  # Alice's, still there
    assert engine.publishers(next(iter(engine._rooms))) == [alice_seat["id"]]
