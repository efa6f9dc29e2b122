"""TURN: staticAuthSecret entries give browsers and the server's peers time-limited credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import threading
import time

import pytest
from aiortc.rtcicetransport import connection_kwargs

from media import coturn, ice, turn
from media.engine import MediaEngine
from tests import netns
from tests.media.chromium import chromium_in, publish_from_page, selected_pair
from tests.media.remote import frames_arrive, publish_from

SECRET = "a-shared-secret-of-the-tests"


def _valid(username: str, credential: str) -> bool:
    expected = hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(expected).decode() == credential


def test_browsers_and_server_peers_get_credentials_made_from_the_secret(settings):
    settings.MEDIA_ICE_SERVERS = [
        {
            "urls": ["turn:198.18.3.1:3478", "turns:turn.internal.test:443?transport=tcp"],
            "staticAuthSecret": SECRET,
        }
    ]
    browsers = ice.browser_ice_servers()
    assert [server["url"] for server in browsers] == [
        "turn:198.18.3.1:3478",
        "turns:turn.internal.test:443?transport=tcp",
    ]
    for server in browsers:
        expiry = int(server["username"].split(":")[0])
        assert expiry > time.time() + 3600  # time-limited, and not already over
        assert _valid(server["username"], server["credential"])
    assert SECRET not in repr(browsers)
    (peer,) = ice.rtc_configuration().iceServers or []
    assert peer.username
    assert peer.credential
    assert _valid(peer.username, peer.credential)
    # Each peer gets its own username.
    (again,) = ice.rtc_configuration().iceServers or []
    assert again.username != peer.username


def test_turns_and_tcp_reach_aiortc_as_written(settings):
    settings.MEDIA_ICE_SERVERS = [
        {"urls": "turns:turn.internal.test:443?transport=tcp", "staticAuthSecret": SECRET}
    ]
    kwargs = connection_kwargs(ice.ice_servers())
    assert kwargs["turn_server"] == ("turn.internal.test", 443)
    assert kwargs["turn_ssl"] is True
    assert kwargs["turn_transport"] == "tcp"
    settings.MEDIA_ICE_SERVERS = [
        {"urls": "turn:198.18.3.1?transport=tcp", "username": "u", "credential": "p"}
    ]
    kwargs = connection_kwargs(ice.ice_servers())
    assert kwargs["turn_server"] == ("198.18.3.1", 3478)
    assert (kwargs["turn_ssl"], kwargs["turn_transport"]) == (False, "tcp")
    assert (kwargs["turn_username"], kwargs["turn_password"]) == ("u", "p")


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("turn:198.18.3.1", "must be a JSON object"),
        ({"urls": "turn:198.18.3.1"}, "needs username and credential, or staticAuthSecret"),
        ({"urls": "stun:198.18.3.1", "staticAuthSecret": SECRET}, "for turn:/turns: URIs only"),
        (
            {"urls": "turn:198.18.3.1", "staticAuthSecret": SECRET, "username": "u"},
            "not both",
        ),
        ({"urls": "turn:198.18.3.1?transport=sctp", "staticAuthSecret": SECRET}, "?transport="),
        ({"urls": "turn:198.18.3.1", "static_auth_secret": SECRET}, "unknown keys"),
        ({"urls": "turn:198.18.3.1", "staticAuthSecret": ""}, "non-empty string"),
        ({"urls": []}, "needs 'urls'"),
    ],
)
def test_a_bad_entry_fails_the_checks_naming_the_setting(settings, entry, words):
    from media.checks import media_settings

    settings.MEDIA_ICE_SERVERS = [{"urls": "stun:198.18.3.1"}, entry]
    messages = [message.msg for message in media_settings()]
    assert any(m.startswith("MEDIA_ICE_SERVERS[1]") and words in m for m in messages), messages


TURN_IP = "198.18.3.1"
CLIENT_NET = "198.18.4"


@pytest.fixture
def coturn_only():
    """Debian's coturn on TURN_IP, and a client namespace that can reach nothing but it."""
    reason = netns.available()
    if reason:
        pytest.skip(reason)
    plan = coturn.CoturnPlan(TURN_IP, 3478, SECRET)
    try:
        line = plan.command()
    except coturn.CoturnError as error:
        pytest.skip(str(error))
    netns.run(["ip", "addr", "add", f"{TURN_IP}/32", "dev", "lo"])
    client = netns.Namespace()
    server = None
    try:
        client.link(f"{CLIENT_NET}.1/24", f"{CLIENT_NET}.2/24", route_via_here=["198.18.0.0/15"])
        client.firewall(
            "table inet t16 {\n"
            "  chain out { type filter hook output priority 0; policy drop;\n"
            "    oif lo accept\n"
            f"    ip daddr {TURN_IP} udp dport 3478 accept\n"
            f"    ip daddr {TURN_IP} tcp dport 3478 accept\n"
            "  }\n}\n"
        )
        server = subprocess.Popen(line, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        for output in server.stdout:  # coturn says when its listeners are up
            if "Total General servers" in output:
                break
        # Keep reading its log, so a full pipe never stalls it.
        threading.Thread(target=server.stdout.read, daemon=True).start()
        yield client
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        client.close()
        netns.run(["ip", "addr", "del", f"{TURN_IP}/32", "dev", "lo"])


@pytest.mark.webrtc
@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["", "?transport=tcp"])
async def test_media_flows_through_coturn_with_credentials_from_the_secret(
    settings, coturn_only, query
):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]  # the client cannot reach it: only coturn
    settings.MEDIA_ICE_SERVERS = [
        {"urls": f"turn:{TURN_IP}:3478{query}", "staticAuthSecret": SECRET}
    ]
    settings.MEDIA_PORT_MIN, settings.MEDIA_PORT_MAX = 45200, 45219
    (server,) = ice.browser_ice_servers()  # what joinRoom gives a browser
    client_servers = [
        {"urls": server["url"], "username": server["username"], "credential": server["credential"]}
    ]
    engine = MediaEngine()
    remote = await publish_from(
        coturn_only, engine, "room-turn", "con_A", {"iceServers": client_servers, "relay": True}
    )
    try:
        # The server's own peer allocated a relay with its own credentials from the secret.
        relay = next(line for line in remote.answer.splitlines() if " typ relay " in line)
        # The socket towards coturn (UDP, or TCP) is bound in the port range too: coturn
        # saw it from that port.
        assert 45200 <= int(relay.split(" rport ")[1]) <= 45219
        assert await frames_arrive(engine, "room-turn", "con_A", 30) >= 30
    finally:
        await remote.close()
        await engine.close()
    assert engine.open_peer_connections == 0


def test_coturn_is_planned_from_the_setting():
    entries = turn.parse_setting(
        [
            {"urls": "stun:198.18.3.1"},
            {"urls": ["turns:t.internal.test", "turn:198.18.3.1:3479"], "staticAuthSecret": SECRET},
        ]
    )
    plan = coturn.plan_for(entries)
    assert (plan.listening_ip, plan.port, plan.secret) == ("198.18.3.1", 3479, SECRET)
    command = plan.command("/usr/bin/turnserver")
    assert command[command.index("--static-auth-secret") + 1] == SECRET
    assert "--use-auth-secret" in command
    with pytest.raises(coturn.CoturnError, match="staticAuthSecret"):
        coturn.plan_for(turn.parse_setting([{"urls": "stun:198.18.3.1"}]))


@pytest.mark.e2e
@pytest.mark.asyncio
@pytest.mark.parametrize(("query", "relay_protocol"), [("", "udp"), ("?transport=tcp", "tcp")])
async def test_chromium_relay_only_sends_media_through_coturn(
    settings, coturn_only, query, relay_protocol
):
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.2"]  # the client cannot reach it: only coturn
    settings.MEDIA_ICE_SERVERS = [
        {"urls": f"turn:{TURN_IP}:3478{query}", "staticAuthSecret": SECRET}
    ]
    # What joinRoom hands a browser, read as our pages read it (peer.js iceServersFrom).
    servers = [
        {"urls": server["url"], "username": server["username"], "credential": server["credential"]}
        for server in ice.browser_ice_servers()
    ]
    engine = MediaEngine()
    try:
        async with chromium_in(coturn_only) as page:
            configuration = {"iceServers": servers, "iceTransportPolicy": "relay"}
            answer = await publish_from_page(
                page, engine, "room-turn-chromium", "con_A", configuration
            )
            assert " typ relay " in answer
            assert await frames_arrive(engine, "room-turn-chromium", "con_A", 30) >= 30
            pair = await selected_pair(page)
            assert pair is not None
            assert (pair["local"], pair["relayProtocol"]) == ("relay", relay_protocol)
    finally:
        await engine.close()
    assert engine.open_peer_connections == 0
