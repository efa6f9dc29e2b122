"""The signaling endpoint under hostile frames: it answers each one, logs no traceback,
keeps every socket that was not taken over, and leaves no seat behind.

The frames are drawn from a seeded generator (the same frames every run): broken
framing, every known param with values of every JSON type, nulls, huge and deeply
nested frames, unknown methods and `connect` takeovers between seated sockets.
"""

from __future__ import annotations

import json
import logging
import random

import pytest
from channels.db import database_sync_to_async

from media.engine import get_engine
from rooms.models import Connection
from rooms.signaling import jsonrpc
from rooms.signaling.rpc_sessions import registry
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure

pytestmark = pytest.mark.asyncio

PARAMS = [
    "token", "session", "platform", "metadata", "secret", "recorder", "sessionId", "reconnect",
    "sdpOffer", "typeOfVideo", "frameRate", "hasAudio", "hasVideo", "audioActive",
    "videoActive", "videoDimensions", "sender", "endpointName", "candidate", "sdpMid",
    "sdpMLineIndex", "message", "streamId", "property", "newValue", "reason", "connectionId",
    "stream", "sdpString", "interval", "height", "width", "to", "data", "type",
]  # fmt: skip
# Methods that stay off a seat or need media are fuzzed apart (see below).
SIGNALING_METHODS = [
    "ping", "echo", "joinRoom", "sendMessage", "streamPropertyChanged", "videoData",
    "forceDisconnect", "forceUnpublish", "unsubscribeFromVideo", "prepareReceiveVideoFrom",
    "applyFilter", "teleport", "", "connect",
]  # fmt: skip
MEDIA_METHODS = ["publishVideo", "receiveVideoFrom", "onIceCandidate", "reconnectStream"]


def _values(rng: random.Random) -> list[object]:
    return [
        None, True, False, 0, -1, 2**63, 1.5, float("1e308"), "", "x", "x" * 70_000,
        "\u0000\ud7ff", [], [None], {}, {"a": None}, [[[[1]]]], {"to": "all"},
        json.dumps({"to": 5}), json.dumps({"to": [], "data": 7}), json.dumps([1]), "{",
        rng.choice(["CAMERA", "SCREEN", "audioActive", "videoDimensions", "PUBLISHER"]),
        '{"width":"x"}', "con_NOPE", "str_CAM_NOPE_con_NOPE",
    ]  # fmt: skip


def _framing() -> list[str]:
    deep_array = "[" * 100_000 + "]" * 100_000
    deep_object = '{"a":' * 5_000 + "1" + "}" * 5_000
    deep_params = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"})[:-1] + (
        ', "params": ' + '{"a":' * 40 + "1" + "}" * 40 + "}"
    )
    return [
        " ", "{", "}", "null", "true", "1", '"ping"', "[]", "[{}]", "{}", "{]",
        '{"id": 1}', '{"id": 1, "method": null}', '{"id": [], "method": "ping"}',
        '{"id": {}, "method": "ping"}', '{"id": true, "method": "ping"}',
        '{"id": 1.5, "method": "ping"}', '{"id": 1, "method": "ping", "params": null}',
        '{"id": 1, "method": "ping", "params": "x"}', '{"id": 1, "method": "ping", "params": [1]}',
        '{"method": "ping"}', '{"id": null, "method": "teleport"}',
        '{"id": 1, "method": "ping", "id": 2}', "\ufeff{}", '{"id": NaN, "method": "ping"}',
        '{"id": 1, "method": "ping", "params": {"interval": Infinity}}',
        deep_array, deep_object, deep_params,
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo", "pad": "x" * 300_000}),
        json.dumps({"id": 1, "method": "x" * 200_000}),
    ]  # fmt: skip


def _random_frames(rng: random.Random, methods: list[str], count: int) -> list[str]:
    frames = []
    for index in range(count):
        params = {name: rng.choice(_values(rng)) for name in rng.sample(PARAMS, rng.randint(0, 6))}
        frame: dict[str, object] = {"jsonrpc": "2.0", "method": rng.choice(methods)}
        if rng.random() < 0.9:
            frame["id"] = rng.choice([index, str(index), f"id-{index}"])
        if rng.random() < 0.95:
            frame["params"] = params
        frames.append(json.dumps(frame))
    return frames


class Traceback(logging.Handler):
    """Every log record that carries a traceback or is an error."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)


@pytest.fixture
def tracebacks():
    handler = Traceback()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


async def _answers_to(client, frame):
    """Send a frame, then a ping with an id of its own; every frame the server sent back
    before the pong, which proves the socket is still open and was answered in order."""
    await client.send_raw(frame)
    marker = f"probe-{random.random()}"
    await client.send_raw(json.dumps({"jsonrpc": "2.0", "id": marker, "method": "ping"}))
    frames: list[dict[str, object]] = []
    while True:
        answer = await client._read(10)
        if answer.get("id") == marker:
            assert answer["result"]["value"] == "pong"
            return frames
        frames.append(answer)


def _check_answers(frame, answers):
    for answer in answers:
        if "method" in answer:  # a notification of the room
            continue
        assert answer.get("jsonrpc") == "2.0", answer
        assert ("result" in answer) != ("error" in answer), answer
        if "error" in answer:
            code = answer["error"]["code"]
            assert code != jsonrpc.GENERIC, (frame[:200], answer)
            assert isinstance(answer["error"]["message"], str)
            assert answer["error"]["message"]


async def _active_seats():
    return await database_sync_to_async(
        Connection.objects.filter(status=Connection.Status.ACTIVE).count
    )()


async def _fuzz(client, frames):
    for frame in frames:
        _check_answers(frame, await _answers_to(client, frame))


async def test_broken_framing_is_answered_and_the_socket_stays(rpc_clients, tracebacks):
    client = await rpc_clients()
    for frame in _framing():
        answers = await _answers_to(client, frame)
        _check_answers(frame, answers)
    deep = await _answers_to(client, "[" * 100_000 + "]" * 100_000)
    assert deep[0]["error"]["code"] == jsonrpc.PARSE_ERROR
    too_deep = await _answers_to(
        client,
        '{"jsonrpc": "2.0", "id": 9, "method": "ping", "params": ' + '{"a":' * 40 + "1" + "}" * 41,
    )
    assert (too_deep[0]["id"], too_deep[0]["error"]["code"]) == (None, jsonrpc.PARSE_ERROR)
    assert tracebacks == []


async def test_random_frames_before_and_after_joining(rpc_clients, invite, tracebacks):
    rng = random.Random(12)
    client = await rpc_clients()
    await _fuzz(client, _random_frames(rng, SIGNALING_METHODS, 300))
    await join(client, await invite(role="MODERATOR"))
    other = await rpc_clients()
    await join(other, await invite())
    # Seated: every method but the ones that end the seat (tested on their own).
    await _fuzz(client, _random_frames(rng, SIGNALING_METHODS, 600))
    await _fuzz(other, _random_frames(rng, SIGNALING_METHODS, 300))
    assert tracebacks == []
    for socket in (client, other):
        await socket.call("closeSession")
    assert await _active_seats() == 0


@pytest.mark.webrtc
async def test_random_media_frames(rpc_clients, invite, tracebacks):
    rng = random.Random(1212)
    client = await rpc_clients()
    await join(client, await invite())
    await _fuzz(client, _random_frames(rng, MEDIA_METHODS, 200))
    assert tracebacks == []
    await client.call("closeSession")
    assert await _active_seats() == 0


async def test_a_seated_socket_cannot_take_another_session_over(rpc_clients, invite, tracebacks):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite())
    bob_seat = await join(bob, await invite())
    with pytest.raises(RpcFailure) as failure:
        await alice.call("connect", sessionId=bob_seat["sessionId"], reconnect=True)
    assert failure.value.code == jsonrpc.EXISTING_USER_IN_ROOM
    # Both keep their seats and sockets; the failed takeover moved nothing.
    assert (await alice.call("ping"))["sessionId"] == alice_seat["sessionId"]
    assert (await bob.call("ping"))["sessionId"] == bob_seat["sessionId"]
    # Its own session is fine to resume on the socket that holds it.
    await alice.call("connect", sessionId=alice_seat["sessionId"], reconnect=True)
    await alice.call("closeSession")
    await bob.call("closeSession")
    assert await _active_seats() == 0
    assert tracebacks == []


async def test_takeovers_leave_no_ghost(rpc_clients, invite, tracebacks):
    """A seatless socket takes a seated session over; every seat still ends with its socket."""
    alice = await rpc_clients()
    seat = await join(alice, await invite())
    thief = await rpc_clients()
    await thief.call("connect", sessionId=seat["sessionId"], reconnect=True)
    # The taken session's seat now ends with the socket that holds it.
    await thief.call("closeSession")
    assert await _active_seats() == 0
    for client in (alice, thief):
        await client.close()
    assert len(registry) == 0
    assert get_engine().open_peer_connections == 0
    assert tracebacks == []
