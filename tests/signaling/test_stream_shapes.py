"""A stream's frameRate as openvidu-server keeps it: as the publisher sent it.

openvidu-browser sends -1 when the app set no frame rate; openvidu-server stores and
repeats that value, and leaves the member out of its JSON-RPC frames when a client sent
none (it does not write null members there).
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from rooms.api import representations
from rooms.models import Connection
from tests.signaling.conftest import join
from tests.signaling.steps import publish

pytestmark = [pytest.mark.asyncio, pytest.mark.webrtc]


@database_sync_to_async
def _media_options(connection_id: str) -> dict[str, object]:
    row = Connection.objects.select_related("room").get(connection_id=connection_id)
    options: dict[str, object] = representations.connection_json(row)["publishers"][0][
        "mediaOptions"
    ]
    return options


@pytest.mark.parametrize(("sent", "on_the_wire"), [(-1, -1), (24, 24), (None, "absent")])
async def test_the_frame_rate_is_kept_as_sent(rpc_clients, invite, peers, sent, on_the_wire):
    alice, bob = await rpc_clients(), await rpc_clients()
    alice_seat = await join(alice, await invite(), data="Alice")
    await join(bob, await invite(), data="Bob")
    await publish(alice, peers(), frameRate=sent)  # None: the member is null, as if absent
    published = await bob.notification("participantPublished")
    (stream,) = published["streams"]
    assert stream.get("frameRate", "absent") == on_the_wire
    rest = await _media_options(alice_seat["id"])
    assert rest["frameRate"] == (None if sent is None else sent)


async def test_a_frame_rate_out_of_range_is_a_params_error(rpc_clients, invite, peers):
    from tests.signaling.rpc import RpcFailure

    alice = await rpc_clients()
    await join(alice, await invite(), data="Alice")
    with pytest.raises(RpcFailure) as failure:
        await publish(alice, peers(), frameRate=1e9)
    assert failure.value.code == -32602
