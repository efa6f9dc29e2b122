"""ICE over TCP (MEDIA_TCP_PORT): passive candidates, RFC 4571 frames, checks answered."""

from __future__ import annotations

import asyncio
import re
import struct

import pytest
from aioice import stun
from aiortc import RTCSessionDescription

from media import ice
from media.engine import MediaEngine
from tests import netns
from tests.media.chromium import chromium_in, publish_from_page, selected_pair
from tests.media.remote import frames_arrive
from tests.peers import EncodedVideoTrack, client_peer, encode_vp8

TCP_PORT = 45400
pytestmark = [pytest.mark.webrtc, pytest.mark.asyncio]


def _attribute(sdp: str, name: str) -> str:
    match = re.search(rf"^a={name}:(\S+)", sdp, re.MULTILINE)
    assert match is not None
    return match[1]


async def _framed(reader: asyncio.StreamReader) -> bytes:
    (length,) = struct.unpack("!H", await reader.readexactly(2))
    return await reader.readexactly(length)


async def _check(writer: asyncio.StreamWriter, username: str, password: str) -> stun.Message:
    request = stun.Message(stun.Method.BINDING, stun.Class.REQUEST)
    request.attributes["USERNAME"] = username
    request.attributes["PRIORITY"] = 1853824767
    request.attributes["ICE-CONTROLLING"] = 1
    request.add_message_integrity(password.encode())
    request.add_fingerprint()
    data = bytes(request)
    writer.write(struct.pack("!H", len(data)) + data)
    await writer.drain()
    return request


async def test_a_passive_tcp_candidate_answers_framed_checks(settings):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]
    settings.MEDIA_TCP_PORT = TCP_PORT
    engine = MediaEngine()
    pcs = [client_peer(), client_peer()]
    answers = []
    try:
        for index, pc in enumerate(pcs):
            pc.addTransceiver(EncodedVideoTrack(encode_vp8(10)), direction="sendonly")
            await pc.setLocalDescription(await pc.createOffer())
            answer = await engine.publish(
                "room-tcp", "VP8", f"con_{index}", pc.localDescription.sdp
            )
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            answers.append(answer)
        for answer in answers:
            assert re.search(
                rf"^a=candidate:\S+ 1 tcp \d+ 127\.0\.0\.2 {TCP_PORT} typ host tcptype passive",
                answer,
                re.MULTILINE,
            ), answer
        assert ice.tcp_ports.open_sockets == 1
        # A check on one TCP connection reaches the peer it names (the second), which
        # answers on the same connection, framed.
        ufrag, password = _attribute(answers[1], "ice-ufrag"), _attribute(answers[1], "ice-pwd")
        theirs = _attribute(pcs[1].localDescription.sdp, "ice-ufrag")
        reader, writer = await asyncio.open_connection("127.0.0.2", TCP_PORT)
        try:
            request = await _check(writer, f"{ufrag}:{theirs}", password)
            response = stun.parse_message(await asyncio.wait_for(_framed(reader), 10))
            assert response.message_class == stun.Class.RESPONSE
            assert response.transaction_id == request.transaction_id
            assert response.attributes["XOR-MAPPED-ADDRESS"] == writer.get_extra_info("sockname")
        finally:
            writer.close()
        # A connection whose first frame names no peer is closed.
        reader, writer = await asyncio.open_connection("127.0.0.2", TCP_PORT)
        try:
            await _check(writer, f"nobody:{theirs}", password)
            assert await asyncio.wait_for(reader.read(), 10) == b""
        finally:
            writer.close()
    finally:
        for pc in pcs:
            await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0
    await asyncio.sleep(0)
    assert ice.tcp_ports.open_sockets == 0


SERVER = "198.18.8.1"


@pytest.fixture
def udp_blocked():
    """A client namespace whose network lets no UDP out: only TCP reaches the server."""
    reason = netns.available()
    if reason:
        pytest.skip(reason)
    client = netns.Namespace()
    try:
        client.link(f"{SERVER}/24", "198.18.8.2/24")
        client.firewall(
            "table inet t16 {\n"
            "  chain out { type filter hook output priority 0;"
            ' meta l4proto udp oifname != "lo" drop; }\n'
            "}\n"
        )
        yield client
    finally:
        client.close()


@pytest.mark.e2e
async def test_chromium_without_udp_sends_media_over_ice_tcp(settings, udp_blocked):
    settings.MEDIA_HOST_ADDRESSES = [SERVER]
    settings.MEDIA_TCP_PORT = TCP_PORT
    engine = MediaEngine()
    try:
        async with chromium_in(udp_blocked) as page:
            answer = await publish_from_page(page, engine, "room-tcp-chromium", "con_A", {})
            assert f"{SERVER} {TCP_PORT} typ host tcptype passive" in answer
            assert await frames_arrive(engine, "room-tcp-chromium", "con_A", 30) >= 30
            pair = await selected_pair(page)
            assert pair is not None
            assert (pair["protocol"], pair["remoteProtocol"], pair["remotePort"]) == (
                "tcp",
                "tcp",
                TCP_PORT,
            )
    finally:
        await engine.close()
    assert engine.open_peer_connections == 0
