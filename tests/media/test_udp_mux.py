"""MEDIA_UDP_PORT: one socket for every peer, datagrams routed by ufrag, transaction and address."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess

import pytest
from aioice import stun
from aiortc import RTCSessionDescription

from media import aiortc_internals, ice
from media.engine import MediaEngine
from media.udp_mux import MuxedTransport, SharedUdpPort, stun_username_ufrag
from tests import netns
from tests.media.remote import frames_arrive, publish_from
from tests.peers import EncodedVideoTrack, client_peer, encode_vp8

PORT = 45300
BROWSER = ("198.18.7.2", 50001)
OTHER = ("198.18.7.3", 50002)


class Recorder(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[bytes] = []

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.received.append(data)


def _request(ufrag: str) -> bytes:
    message = stun.Message(stun.Method.BINDING, stun.Class.REQUEST)
    message.attributes["USERNAME"] = f"{ufrag}:browser"
    message.attributes["PRIORITY"] = 1
    return bytes(message)


class _Sent:
    def __init__(self) -> None:
        self.out: list[tuple[bytes, object]] = []

    def sendto(self, data: bytes, addr: object) -> None:
        self.out.append((data, addr))

    def getsockname(self) -> object:
        return ("198.18.7.1", PORT)


def _port_with_two_peers() -> tuple[SharedUdpPort, MuxedTransport, MuxedTransport]:
    port = SharedUdpPort("198.18.7.1", PORT)
    port._socket = _Sent()  # type: ignore[assignment]
    first = port.attach(Recorder(), "ufragA")
    second = port.attach(Recorder(), "ufragB")
    return port, first, second


def test_stun_requests_go_to_the_peer_their_username_names():
    port, first, second = _port_with_two_peers()
    assert stun_username_ufrag(_request("ufragB")) == "ufragB"
    assert port.route(_request("ufragB"), BROWSER) is second
    # DTLS (first byte 22) and SRTP (128-191) from that address follow it.
    assert port.route(b"\x16\xfe\xfd" + bytes(20), BROWSER) is second
    assert port.route(b"\x90" + bytes(20), BROWSER) is second
    assert port.route(b"\x16\xfe\xfd" + bytes(20), OTHER) is None  # unknown address
    assert port.route(b"\x40" + bytes(20), BROWSER) is None  # outside RFC 7983's ranges
    # A request naming another peer from an address already given does not take it.
    assert port.route(_request("ufragA"), BROWSER) is first
    assert port.route(b"\x90" + bytes(20), BROWSER) is second


def test_an_address_only_sent_to_yields_to_the_peer_its_checks_name():
    port, first, second = _port_with_two_peers()
    # The first peer checks a private host candidate that is really the second's browser.
    first.sendto(bytes(stun.Message(stun.Method.BINDING, stun.Class.REQUEST)), BROWSER)
    assert port.route(b"\x90" + bytes(20), BROWSER) is first
    assert port.route(_request("ufragB"), BROWSER) is second
    assert port.route(b"\x90" + bytes(20), BROWSER) is second


def test_stun_responses_go_to_the_peer_that_asked():
    port, first, second = _port_with_two_peers()
    asks = [stun.Message(stun.Method.BINDING, stun.Class.REQUEST) for _ in range(2)]
    # Both peers ask the same address (one STUN server, or one browser checked twice).
    first.sendto(bytes(asks[0]), OTHER)
    second.sendto(bytes(asks[1]), OTHER)
    for ask, peer in ((asks[1], second), (asks[0], first)):
        answer = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE, ask.transaction_id)
        assert port.route(bytes(answer), OTHER) is peer
    unknown = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE)
    assert port.route(bytes(unknown), OTHER) is None


def test_a_closed_peer_leaves_no_route():
    port, first, second = _port_with_two_peers()
    assert port.route(_request("ufragA"), BROWSER) is first
    first.protocol.connection_lost = lambda exc: None  # type: ignore[method-assign]

    async def close() -> None:
        first.close()

    asyncio.run(close())
    assert port.route(b"\x90" + bytes(20), BROWSER) is None
    assert port.route(_request("ufragA"), BROWSER) is None
    assert port.route(_request("ufragB"), OTHER) is second


_CANDIDATE_PORT = re.compile(r"^a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ host", re.MULTILINE)


def _udp_ports_of_this_process() -> set[int]:
    output = subprocess.run(["ss", "-uanpH"], capture_output=True, text=True, check=True).stdout
    return {
        int(line.split()[3].rsplit(":", 1)[1])
        for line in output.splitlines()
        if f"pid={os.getpid()}," in line
    }


def _recorder(received: list[bytes]) -> aiortc_internals.EncodedFrameHandler:
    return lambda codec, frame: received.append(frame.data)


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_every_peer_shares_one_udp_socket_and_media_flows(settings):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]
    settings.MEDIA_UDP_PORT = PORT
    engine = MediaEngine()
    frames = encode_vp8(60)
    clients = []
    client_ports: set[int] = set()
    before = _udp_ports_of_this_process()
    answers = []
    try:
        for index in range(3):
            pc = client_peer()
            clients.append(pc)
            pc.addTransceiver(EncodedVideoTrack(frames, loop=True), direction="sendonly")
            await pc.setLocalDescription(await pc.createOffer())
            client_ports.update(map(int, _CANDIDATE_PORT.findall(pc.localDescription.sdp)))
            answer = await engine.publish(
                "room-mux", "VP8", f"con_{index}", pc.localDescription.sdp
            )
            answers.append(answer)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        viewers = []
        for index in range(3):
            viewer = client_peer()
            clients.append(viewer)
            transceiver = viewer.addTransceiver("video", direction="recvonly")
            received: list[bytes] = []
            aiortc_internals.tap_encoded_frames(transceiver.receiver, _recorder(received))
            viewers.append(received)
            await viewer.setLocalDescription(await viewer.createOffer())
            client_ports.update(map(int, _CANDIDATE_PORT.findall(viewer.localDescription.sdp)))
            answer = await engine.subscribe(
                "room-mux", f"con_v{index}", f"con_{index}", viewer.localDescription.sdp
            )
            answers.append(answer)
            await viewer.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        assert all(set(_CANDIDATE_PORT.findall(answer)) == {str(PORT)} for answer in answers)
        assert _udp_ports_of_this_process() - before - client_ports == {PORT}
        assert ice.shared_ports.open_sockets == 1

        async def every_viewer_has_frames() -> None:
            while not all(len(received) >= 30 for received in viewers):
                await asyncio.sleep(0.05)

        await asyncio.wait_for(every_viewer_has_frames(), 60)
    finally:
        for pc in clients:
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
    await asyncio.sleep(0)  # the transports' connection_lost calls
    assert ice.shared_ports.open_sockets == 0
    assert PORT not in _udp_ports_of_this_process()


SERVER = "198.18.5.1"


@pytest.fixture
def behind_masquerade():
    """A client behind a NAT router (MASQUERADE) that lets out only UDP to the one port."""
    reason = netns.available()
    if reason:
        pytest.skip(reason)
    router, client = netns.Namespace(), netns.Namespace()
    try:
        router.link(f"{SERVER}/24", "198.18.5.2/24")
        router.join(client, "198.18.6.1/24", "198.18.6.2/24")
        client.run(["ip", "route", "add", "default", "via", "198.18.6.1"])
        router.run(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        outside = f"{router.name}b"
        router.firewall(
            "table ip t16 {\n"
            "  chain post { type nat hook postrouting priority 100;"
            f' oifname "{outside}" masquerade; }}\n'
            "  chain forward { type filter hook forward priority 0; policy drop;\n"
            "    ct state established,related accept\n"
            f"    ip daddr {SERVER} udp dport {PORT} accept\n"
            "  }\n}\n"
        )
        yield client
    finally:
        client.close()
        router.close()


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_a_client_behind_nat_that_reaches_only_the_one_port(settings, behind_masquerade):
    settings.MEDIA_HOST_ADDRESSES = [SERVER]
    settings.MEDIA_UDP_PORT = PORT
    engine = MediaEngine()
    remote = await publish_from(behind_masquerade, engine, "room-mux-nat", "con_A", {})
    try:
        assert set(_CANDIDATE_PORT.findall(remote.answer)) == {str(PORT)}
        assert await frames_arrive(engine, "room-mux-nat", "con_A", 30) >= 30
    finally:
        await remote.close()
        await engine.close()
    assert engine.open_peer_connections == 0
