"""Connection data as openvidu-server 2.32 joins it: "client%/%server" only when both are set.

Every place a participant's data reaches other participants carries the same string:
the joiner's own joinRoom answer, the `value[]` a later joiner gets, and
participantJoined. REST and webhooks keep the two parts apart.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from rooms import services
from rooms.api import representations
from rooms.models import Connection, Room, RoomEvent
from rooms.signaling import wire
from tests.signaling.conftest import join
from tests.signaling.rpc import RpcFailure

# (client data, server data, what participants see)
CASES = [
    pytest.param("", "", "", id="neither"),
    pytest.param('{"clientData":"Alice"}', "", '{"clientData":"Alice"}', id="client-only"),
    pytest.param("", '{"role":"teacher"}', '{"role":"teacher"}', id="server-only"),
    pytest.param("Alice", "srv", "Alice%/%srv", id="both"),
    pytest.param("a%/%b", "", "a%/%b", id="separator-in-client-only"),
    pytest.param("", "x%/%y", "x%/%y", id="separator-in-server-only"),
    pytest.param("a%/%b", "x%/%y", "a%/%b%/%x%/%y", id="separator-in-both"),
    pytest.param(
        '{"clientData":"Zoë 李"}',
        '{"name":"Łukasz 🎥"}',
        '{"clientData":"Zoë 李"}%/%{"name":"Łukasz 🎥"}',
        id="non-ascii",
    ),
]


@pytest.mark.parametrize(("client_data", "server_data", "seen"), CASES)
def test_the_rule(client_data, server_data, seen):
    assert wire.metadata(client_data, server_data) == seen


@pytest.mark.asyncio
@pytest.mark.parametrize(("client_data", "server_data", "seen"), CASES)
async def test_every_participant_sees_the_same_data(
    rpc_clients, invite, client_data, server_data, seen
):
    first, second, third = await rpc_clients(), await rpc_clients(), await rpc_clients()
    await join(first, await invite(server_data="first"), data="First")
    joined = await join(second, await invite(server_data=server_data), data=client_data)
    assert joined["metadata"] == seen
    announced = await first.notification("participantJoined")
    assert announced == {"id": joined["id"], "createdAt": joined["createdAt"], "metadata": seen}
    later = await join(third, await invite(), data="")
    assert {peer["id"]: peer["metadata"] for peer in later["value"]} == {
        announced["id"]: seen,
        (await _id_of(first_data="First")): "First%/%first",
    }
    # REST and webhooks keep the parts apart, each as it was given.
    rest, joined_event = await _rest_and_webhook(joined["id"])
    assert (rest["clientData"], rest["serverData"]) == (client_data, server_data)
    # createdAt on the wire is when the seat was taken, REST's activeAt (not the token's).
    assert joined["createdAt"] == rest["activeAt"]
    assert (joined_event["clientData"], joined_event["serverData"]) == (client_data, server_data)


@database_sync_to_async
def _rest_and_webhook(connection_id: str) -> tuple[dict[str, object], dict[str, object]]:
    row = Connection.objects.select_related("room").get(connection_id=connection_id)
    event = RoomEvent.objects.get(
        name=RoomEvent.Name.PARTICIPANT_JOINED, connection_id=connection_id
    )
    return representations.connection_json(row), event.payload


@database_sync_to_async
def _id_of(first_data: str) -> str:
    return Connection.objects.get(client_data=first_data).connection_id


def test_apps_parse_what_openvidu_apps_parse():
    # The tutorial's app: `JSON.parse(connection.data).clientData` with no server data.
    assert json.loads(wire.metadata('{"clientData":"Alice"}', ""))["clientData"] == "Alice"
    # With both parts, apps split on the separator and parse each part.
    client, server = wire.metadata('{"clientData":"Ana"}', '{"tier":1}').split("%/%")
    assert json.loads(client) == {"clientData": "Ana"}
    assert json.loads(server) == {"tier": 1}


@database_sync_to_async
def _page_room_token(server_data: str) -> str:
    room = services.find_open_room("page-room")
    if room is None:
        room = services.create_room(services.RoomProperties(session_id="page-room"))
        Room.objects.filter(pk=room.pk).update(origin=Room.Origin.PAGES)
    connection = services.create_connection(
        room, services.ConnectionProperties(server_data=server_data)
    )
    assert connection.token is not None
    return connection.token


@pytest.mark.asyncio
async def test_a_page_room_refuses_client_data_that_would_forge_server_data(rpc_clients):
    token = await _page_room_token("")
    with pytest.raises(RpcFailure) as failure:
        await join(await rpc_clients(), token, session="page-room", data='x%/%{"name":"Admin"}')
    assert failure.value.code == 500
    row = await database_sync_to_async(Connection.objects.get)(token=token)
    assert row.status == "pending"
    # The same text is fine once the seat has server data: the pages trust the last part.
    token = await _page_room_token('{"name":"Eve"}')
    result = await join(
        await rpc_clients(), token, session="page-room", data='x%/%{"name":"Admin"}'
    )
    assert result["metadata"] == 'x%/%{"name":"Admin"}%/%{"name":"Eve"}'
