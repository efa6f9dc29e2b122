"""ICE settings: no public STUN by default, chosen host addresses, an announced address.

These also pin the aioice internal we replace (`aioice.ice.get_host_addresses`): an
upgrade that renames or stops using it fails here, loudly.
"""

from __future__ import annotations

import aioice.ice
import pytest
from aiortc import RTCSessionDescription

from media import ice
from tests.peers import ColourTrack, client_peer


def test_the_default_configuration_has_no_ice_servers(settings):
    settings.MEDIA_ICE_SERVERS = []
    configuration = ice.rtc_configuration()
    # An empty list, never None: None would make aiortc use its public STUN default.
    assert configuration.iceServers == []


def test_configured_servers_reach_aiortc_and_browsers(settings):
    settings.MEDIA_ICE_SERVERS = [
        {"urls": "turn:turn.internal.test:3478", "username": "u", "credential": "p"},
        {"urls": ["stun:a.internal.test", "stun:b.internal.test"]},
    ]
    settings.MEDIA_STUN_DISCOVERY = False
    servers = ice.rtc_configuration().iceServers or []
    # The server asks no STUN server for its address unless told to.
    assert [server.urls for server in servers] == [["turn:turn.internal.test:3478"]]
    settings.MEDIA_STUN_DISCOVERY = True
    servers = ice.rtc_configuration().iceServers or []
    assert [server.urls for server in servers] == [
        ["turn:turn.internal.test:3478"],
        ["stun:a.internal.test", "stun:b.internal.test"],
    ]
    assert ice.browser_ice_servers() == [
        {"url": "turn:turn.internal.test:3478", "username": "u", "credential": "p"},
        {"url": "stun:a.internal.test"},
        {"url": "stun:b.internal.test"},
    ]


def test_our_host_address_policy_is_what_aioice_calls():
    assert aioice.ice.get_host_addresses is ice.host_addresses


def test_aioice_finds_its_event_loop_through_our_asyncio():
    # The port range rests on these: aioice's ice and turn modules call
    # `asyncio.get_running_loop()` by module attribute, then bind with the loop's
    # create_datagram_endpoint(local_addr=(address, 0)) / (remote_addr=server) and
    # create_connection(host=, port=, ssl=).
    import inspect

    import aioice.turn

    assert isinstance(vars(aioice.ice)["asyncio"], ice._AsyncioForAioice)
    assert vars(aioice.turn)["asyncio"] is vars(aioice.ice)["asyncio"]
    gather = inspect.getsource(aioice.ice.Connection.get_component_candidates)
    assert "loop = asyncio.get_running_loop()" in gather
    assert "local_addr=(address, 0)" in gather
    # ICE-TCP: the Connection's lists we add a TCP protocol and candidate to.
    connection = aioice.ice.Connection(ice_controlling=False)
    assert connection._protocols == []
    assert connection._local_candidates == []
    assert connection._components == {1}
    assert "self._protocols += host_protocols" in gather
    assert "self._local_candidates += candidates" in inspect.getsource(
        aioice.ice.Connection.gather_candidates
    )
    assert "protocol.local_candidate = Candidate(" in gather
    assert inspect.signature(aioice.ice.StunProtocol).parameters["receiver"]
    endpoint = inspect.getsource(aioice.turn.create_turn_endpoint)
    assert "loop = asyncio.get_running_loop()" in endpoint
    assert "remote_addr=server_addr" in endpoint
    assert "host=server_addr[0]" in endpoint
    assert "ssl=ssl" in endpoint


def test_configured_host_addresses_are_used(settings):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.1", "::1"]
    assert ice.host_addresses(use_ipv4=True, use_ipv6=False) == ["127.0.0.1"]
    assert ice.host_addresses(use_ipv4=True, use_ipv6=True) == ["127.0.0.1", "::1"]


def test_without_configuration_aioice_chooses(settings):
    settings.MEDIA_HOST_ADDRESSES = []
    assert "127.0.0.1" not in ice.host_addresses(use_ipv4=True, use_ipv6=False)


def test_the_announced_address_replaces_host_candidates(settings):
    settings.MEDIA_ANNOUNCED_ADDRESS = "203.0.113.10"
    sdp = (
        "a=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host\r\n"
        "a=candidate:2 1 udp 1694498815 198.51.100.1 40001 typ srflx raddr 10.0.0.5 rport 40000\r\n"
    )
    announced = ice.announce(sdp)
    assert "203.0.113.10 40000 typ host" in announced
    assert "198.51.100.1 40001 typ srflx" in announced
    settings.MEDIA_ANNOUNCED_ADDRESS = None
    assert ice.announce(sdp) == sdp


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_an_answer_carries_the_announced_address(settings):
    from media.engine import MediaEngine

    settings.MEDIA_ANNOUNCED_ADDRESS = "203.0.113.10"
    engine = MediaEngine()
    pc = client_peer()
    try:
        pc.addTransceiver(ColourTrack((0, 0, 0)), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        answer = await engine.publish("room", "VP8", "con_A", pc.localDescription.sdp)
        candidates = [line for line in answer.splitlines() if line.startswith("a=candidate:")]
        assert candidates
        assert all(" 203.0.113.10 " in line for line in candidates if "typ host" in line)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    finally:
        await pc.close()
        await engine.close()
    assert engine.open_peer_connections == 0


def test_bad_media_settings_fail_the_checks(settings):
    from media.checks import media_settings

    settings.MEDIA_HOST_ADDRESSES = ["not-an-ip"]
    settings.MEDIA_ICE_SERVERS = [{"username": "u"}]
    settings.MEDIA_PORT_MIN, settings.MEDIA_PORT_MAX = 50000, None
    ids = {message.id for message in media_settings()}
    assert ids == {"media.E001", "media.E002", "media.E003"}
    settings.MEDIA_PORT_MIN, settings.MEDIA_PORT_MAX = 50010, 50000
    assert any("MEDIA_PORT_MIN (50010) is above" in m.msg for m in media_settings())
    settings.MEDIA_PORT_MIN, settings.MEDIA_PORT_MAX = 50000, 50010
    settings.MEDIA_UDP_PORT = 50005
    assert any(m.msg.startswith("MEDIA_UDP_PORT (50005) is inside") for m in media_settings())
