"""JSON-RPC framing: bad frames get an error and the socket stays open."""

from __future__ import annotations

import json

import pytest

from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure

pytestmark = pytest.mark.asyncio


async def _error_of(client, text):
    await client.send_raw(text)
    frame = json.loads(await client.communicator.receive_from(5))
    assert "error" in frame, frame
    return frame


async def _still_open(client):
    assert (await client.call("ping"))["value"] == "pong"


async def test_malformed_frames_get_errors_and_the_socket_stays_open(rpc_clients):
    client = await rpc_clients()
    assert (await _error_of(client, "{not json"))["error"]["code"] == -32700
    assert (await _error_of(client, "[1, 2]"))["error"]["code"] == -32600
    frame = await _error_of(client, json.dumps({"jsonrpc": "2.0", "id": 7, "method": 5}))
    assert frame["id"] == 7
    assert frame["error"]["code"] == -32600
    frame = await _error_of(
        client, json.dumps({"jsonrpc": "2.0", "id": 8, "method": "ping", "params": [1]})
    )
    assert (frame["id"], frame["error"]["code"]) == (8, -32602)
    await _still_open(client)


async def test_an_oversized_frame_is_refused(rpc_clients):
    client = await rpc_clients()
    frame = await _error_of(
        client, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "pad": "x" * 300_000})
    )
    assert "larger than" in frame["error"]["message"]
    await _still_open(client)


async def test_a_binary_frame_is_refused(rpc_clients):
    client = await rpc_clients()
    await client.communicator.send_to(bytes_data=b"\x00\x01")
    frame = json.loads(await client.communicator.receive_from(5))
    assert frame["error"]["code"] == -32600
    await _still_open(client)


async def test_an_unknown_method_is_named(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    with pytest.raises(RpcFailure) as failure:
        await client.call("teleport")
    assert failure.value.code == -32601
    assert "teleport" in failure.value.message


async def test_methods_before_join_answer_803(rpc_clients):
    client = await rpc_clients()
    for method in ("publishVideo", "sendMessage", "leaveRoom", "echo", "onIceCandidate"):
        with pytest.raises(RpcFailure) as failure:
            await client.call(method)
        assert failure.value.code == 803, method


async def test_results_carry_the_rpc_session_id(rpc_clients):
    client = await rpc_clients()
    first = await client.call("ping", interval=5000)
    second = await client.call("ping")
    assert first == {"value": "pong", "sessionId": first["sessionId"]}
    assert second["sessionId"] == first["sessionId"]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("joinRoom", {"token": 5, "session": "live"}),
        ("joinRoom", {"session": "live"}),
        ("joinRoom", {"token": "t", "session": "live", "recorder": "no"}),
    ],
)
async def test_wrong_param_types_are_named(rpc_clients, method, params):
    client = await rpc_clients()
    with pytest.raises(RpcFailure) as failure:
        await client.call(method, **params)
    assert failure.value.code == -32602
    assert "'" in failure.value.message
    await _still_open(client)


async def test_close_session_says_bye(rpc_clients):
    client = await rpc_clients()
    assert (await client.call("closeSession"))["value"] == "bye"


async def test_echo_after_join(rpc_clients, invite):
    client = await rpc_clients()
    await join(client, await invite())
    assert set(await client.call("echo")) == {"sessionId"}
