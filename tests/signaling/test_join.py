"""joinRoom: tokens, the result's shape, and what the others are told."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async

from rooms import services
from rooms.models import Connection
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure

pytestmark = pytest.mark.asyncio


async def test_joining_answers_openvidus_result(rpc_clients, invite):
    client = await rpc_clients()
    token = await invite(role="MODERATOR", server_data="srv")
    result = await join(client, token, data='{"clientData":"Ana"}')
    assert re.fullmatch(r"con_[A-Z]\w{9}", result["id"])
    assert result["metadata"] == '{"clientData":"Ana"}%/%srv'
    assert result["session"] == "live"
    assert result["value"] == []
    assert re.fullmatch(r"\d+\.\d+\.\d+", result["version"])
    assert result["mediaServer"] == "kurento"
    assert result["videoSimulcast"] is False
    assert result["role"] == "MODERATOR"
    assert result["record"] is True
    # openvidu-server CE leaves out what it has no value for: no ICE servers, no `life`.
    assert "customIceServers" not in result
    assert "life" not in result
    assert result["coturnIp"] == "rooms.example.test"
    assert result["coturnPort"] == 3478
    assert isinstance(result["createdAt"], int)
    assert result["sessionId"] == client_rpc_id(result)
    seat = await database_sync_to_async(Connection.objects.get)(connection_id=result["id"])
    assert seat.status == "active"
    assert seat.platform == "Chrome 156 on Linux"
    assert seat.client_data == '{"clientData":"Ana"}'


def client_rpc_id(result):
    # The RPC session id is injected in every result; it is not the OpenVidu session.
    assert result["sessionId"] != result["session"]
    return result["sessionId"]


async def test_the_others_are_told_without_the_role(rpc_clients, invite):
    first, second = await rpc_clients(), await rpc_clients()
    alice = await join(first, await invite(), data="Alice")
    bob = await join(second, await invite(server_data="b"), data="Bob")
    joined = await first.notification("participantJoined")
    assert joined == {"id": bob["id"], "createdAt": bob["createdAt"], "metadata": "Bob%/%b"}
    assert [peer["id"] for peer in bob["value"]] == [alice["id"]]
    assert bob["value"][0]["metadata"] == "Alice"
    await second.no_notification("participantJoined")


async def test_a_token_works_once(rpc_clients, invite):
    token = await invite()
    await join(await rpc_clients(), token)
    with pytest.raises(RpcFailure) as failure:
        await join(await rpc_clients(), token)
    assert failure.value.code == 401


async def test_an_unknown_or_foreign_token_is_refused(rpc_clients, invite):
    client = await rpc_clients()
    await invite()  # the session "live" is open; the token is not one of its own
    with pytest.raises(RpcFailure) as failure:
        await join(client, "ws://127.0.0.1:8000?sessionId=live&token=tok_Nope00000000000")
    assert failure.value.code == 401
    other = await invite("elsewhere")
    with pytest.raises(RpcFailure) as failure:
        await join(client, other, session="live")
    assert failure.value.code == 401
    # The refused token is still good for its own session.
    assert (await join(client, other, session="elsewhere"))["session"] == "elsewhere"


async def test_a_session_that_is_not_open_is_202_whatever_the_token(rpc_clients, invite):
    """OpenVidu looks the session up first: a closed one is gone, its tokens with it."""
    token = await invite("gone")
    room = await database_sync_to_async(services.find_open_room)("gone")
    assert room is not None
    await database_sync_to_async(services.close_room)(room)
    client = await rpc_clients()
    for session, used in (("gone", token), ("never", "tok_Nope00000000000")):
        with pytest.raises(RpcFailure) as failure:
            await join(client, used, session=session)
        assert failure.value.code == 202
        assert f"Session {session} cannot be found" in failure.value.message


async def test_joining_twice_on_one_socket_is_refused(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    with pytest.raises(RpcFailure) as failure:
        await join(client, await invite())
    assert failure.value.code == 104


async def test_oversized_client_data_is_refused(rpc_clients, invite):
    with pytest.raises(RpcFailure) as failure:
        await join(await rpc_clients(), await invite(), data="x" * 10_001)
    assert failure.value.code == 500


async def test_the_server_secret_mints_a_subscriber(rpc_clients, invite, settings):
    await invite()  # opens the room
    client = await rpc_clients()
    result = await client.call(
        "joinRoom", token="anything", session="live", secret=settings.OPENVIDU_SECRET
    )
    assert result["role"] == "SUBSCRIBER"


async def test_custom_ice_servers_reach_the_browser(rpc_clients, invite):
    servers = [{"url": "turn:turn.example.test:3478", "username": "u", "credential": "p"}]
    result = await join(await rpc_clients(), await invite(custom_ice_servers=servers))
    assert result["customIceServers"] == servers


async def test_the_media_ice_servers_are_the_default(rpc_clients, invite, settings):
    settings.MEDIA_ICE_SERVERS = [{"urls": ["stun:stun.internal.test:3478"]}]
    result = await join(await rpc_clients(), await invite())
    assert result["customIceServers"] == [{"url": "stun:stun.internal.test:3478"}]
