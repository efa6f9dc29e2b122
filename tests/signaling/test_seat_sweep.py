"""The seat sweep closes this node's seats that no RPC session holds, and only those."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from rooms import nodes, services
from rooms.models import Connection
from rooms.signaling import node_seats
from tests.signaling.conftest import join

pytestmark = pytest.mark.asyncio


@database_sync_to_async
def _seat(token: str, node: str) -> str:
    seat = services.join_with_token(token, client_data="lost", node=node)
    return seat.connection_id


@database_sync_to_async
def _age_seats() -> None:
    """As if every seat had been taken a minute ago, past the grace period."""
    Connection.objects.filter(status=Connection.Status.ACTIVE).update(
        active_at=timezone.now() - timedelta(minutes=1)
    )


@database_sync_to_async
def _state(connection_id: str) -> tuple[str, str]:
    row = Connection.objects.get(connection_id=connection_id)
    return row.status, row.close_reason


async def test_a_seat_no_session_holds_is_closed_at_the_second_sweep(rpc_clients, invite):
    alice = await rpc_clients()
    held = await join(alice, await invite())
    ghost = await _seat(await invite(), nodes.this_node())
    elsewhere = await _seat(await invite(), "another-node")
    await _age_seats()

    # Just missing once may be a seat whose session is about to know it.
    assert await node_seats.sweep_once() == []
    assert await _state(ghost) == ("active", "")
    assert await node_seats.sweep_once() == [ghost]

    assert await _state(ghost) == ("closed", "networkDisconnect")
    assert await alice.notification("participantLeft") == {
        "connectionId": ghost,
        "reason": "networkDisconnect",
    }
    assert (await _state(held["id"]))[0] == "active"
    assert (await _state(elsewhere))[0] == "active"


async def test_a_seat_in_its_grace_period_is_not_swept(rpc_clients, invite):
    alice, bob = await rpc_clients(), await rpc_clients()
    await join(alice, await invite())
    dropped = await join(bob, await invite())
    await bob.close()  # the socket is gone; its RPC session waits for a reconnection
    await _age_seats()

    assert await node_seats.sweep_once() == []
    assert await node_seats.sweep_once() == []
    assert (await _state(dropped["id"]))[0] == "active"


async def test_a_fresh_seat_is_not_swept(rpc_clients, invite):
    ghost = await _seat(await invite(), nodes.this_node())
    assert await node_seats.sweep_once() == []
    assert await node_seats.sweep_once() == []
    assert (await _state(ghost))[0] == "active"
