"""A server behind 1:1 NAT: MEDIA_ANNOUNCED_ADDRESS in every address of our SDP, and media."""

from __future__ import annotations

import pytest

from media import nat
from media.engine import MediaEngine
from tests import netns
from tests.media.remote import frames_arrive, publish_from

ANSWER = (
    "v=0\r\n"
    "o=- 1 1 IN IP4 0.0.0.0\r\n"
    "m=video 40000 UDP/TLS/RTP/SAVPF 96\r\n"
    "c=IN IP4 10.0.0.5\r\n"
    "a=rtcp:9 IN IP4 10.0.0.5\r\n"
    "a=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host\r\n"
    "a=candidate:2 1 udp 2130706431 10.0.0.6 40002 typ host\r\n"
    "a=candidate:3 1 udp 2130706431 fd00::5 40004 typ host\r\n"
    "a=candidate:4 1 udp 1694498815 198.19.9.9 40001 typ srflx raddr 10.0.0.5 rport 40000\r\n"
)


def test_one_public_address_stands_for_every_host_address_of_its_family():
    announced = nat.rewrite(ANSWER, nat.parse("198.19.0.1"))
    assert "c=IN IP4 198.19.0.1\r\n" in announced
    assert "a=rtcp:9 IN IP4 198.19.0.1\r\n" in announced
    assert "198.19.0.1 40000 typ host" in announced
    assert "198.19.0.1 40002 typ host" in announced
    assert "fd00::5 40004 typ host" in announced  # IPv6 is not mapped to an IPv4 address
    assert "198.19.9.9 40001 typ srflx" in announced
    assert "o=- 1 1 IN IP4 0.0.0.0" in announced


def test_pairs_map_each_host_address_to_its_own_public_one():
    announced = nat.rewrite(ANSWER, nat.parse("10.0.0.5=198.19.0.1, 10.0.0.6=198.19.0.2"))
    assert "c=IN IP4 198.19.0.1\r\n" in announced
    assert "198.19.0.1 40000 typ host" in announced
    assert "198.19.0.2 40002 typ host" in announced
    assert "fd00::5 40004 typ host" in announced


def test_no_announced_address_changes_nothing():
    assert nat.rewrite(ANSWER, nat.parse(None)) == ANSWER


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("public.example", "'public.example' is not an IP address"),
        ("10.0.0.5=198.19.0.1,198.19.0.2", "has no '='"),
        ("10.0.0.5=fd00::1", "maps an IPv4 address to an IPv6 one"),
        ("10.0.0.5=198.19.0.1,10.0.0.5=198.19.0.2", "10.0.0.5 is given twice"),
    ],
)
def test_a_bad_announced_address_fails_the_checks_naming_the_setting(settings, value, words):
    from media.checks import media_settings

    settings.MEDIA_ANNOUNCED_ADDRESS = value
    messages = [message.msg for message in media_settings()]
    assert any(m.startswith("MEDIA_ANNOUNCED_ADDRESS") and words in m for m in messages), messages


SERVER = "198.18.1.1"  # the server's private address (on our loopback)
PUBLIC = "198.19.0.1"  # what the NAT in front of it answers to


@pytest.fixture
def behind_dnat():
    """A client namespace that reaches the server only at PUBLIC, through a DNAT."""
    reason = netns.available()
    if reason:
        pytest.skip(reason)
    netns.run(["ip", "addr", "add", f"{SERVER}/32", "dev", "lo"])
    client = netns.Namespace()
    try:
        client.link("198.18.2.1/24", "198.18.2.2/24", route_via_here=["198.19.0.0/16"])
        netns.nft(
            "table ip t16nat {\n"
            "  chain pre { type nat hook prerouting priority -100;"
            f" ip daddr {PUBLIC} dnat to {SERVER}; }}\n"
            "}\n"
        )
        # The client cannot reach the private address itself: only the NAT gets it there.
        client.firewall(
            "table inet t16 {\n  chain out { type filter hook output priority 0;"
            f" ip daddr {SERVER} drop; }}\n}}\n"
        )
        yield client
    finally:
        client.close()
        netns.run(["nft", "delete", "table", "ip", "t16nat"])
        netns.run(["ip", "addr", "del", f"{SERVER}/32", "dev", "lo"])


@pytest.mark.webrtc
@pytest.mark.asyncio
async def test_media_flows_to_a_server_behind_dnat(settings, behind_dnat):
    settings.MEDIA_HOST_ADDRESSES = [SERVER]
    settings.MEDIA_ANNOUNCED_ADDRESS = f"{SERVER}={PUBLIC}"
    engine = MediaEngine()
    remote = await publish_from(behind_dnat, engine, "room-nat", "con_A", {})
    try:
        lines = remote.answer.splitlines()
        assert f"c=IN IP4 {PUBLIC}" in lines
        candidates = [line for line in lines if line.startswith("a=candidate:")]
        assert candidates
        assert all(f" {PUBLIC} " in line for line in candidates)
        assert SERVER not in remote.answer
        assert await frames_arrive(engine, "room-nat", "con_A", 30) >= 30
    finally:
        await remote.close()
        await engine.close()
    assert engine.open_peer_connections == 0
