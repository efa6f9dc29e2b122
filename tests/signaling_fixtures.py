"""Fixtures for tests that talk to the signaling endpoint (signaling, recording).

Loaded for the whole suite through `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.db import connections

from media.engine import get_engine
from rooms import services
from rooms.signaling.consumer import close_everything
from tests.signaling.rpc import RpcClient


@pytest_asyncio.fixture
async def rpc_clients(transactional_db: None) -> AsyncIterator[Callable[[], Any]]:
    """Open signaling sockets; every one is closed and every peer gone after the test."""
    clients: list[RpcClient] = []

    async def open_client() -> RpcClient:
        client = await RpcClient().connect()
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        if client.connected:
            # A client that only drops its socket keeps its seat (and media) for the
            # grace period; closeSession is how a leaving client ends it at once.
            with contextlib.suppress(Exception):
                await client.call("closeSession")
        await client.close()
    # The gauge of open peer connections returns to zero after every test.
    engine = get_engine()
    open_peers = engine.open_peer_connections
    await close_everything()
    # The worker thread of database_sync_to_async keeps its connection (CONN_MAX_AGE);
    # PostgreSQL would refuse to drop the test database while it is open.
    await database_sync_to_async(connections.close_all)()
    assert open_peers == 0, f"{open_peers} peer connections left open"


@pytest.fixture
def invite(transactional_db: None) -> Callable[..., Any]:
    """A token for a new seat in a room (made on first use), as an app server would get it."""

    @database_sync_to_async
    def make(session_id: str = "live", **options: Any) -> str:
        room = services.find_open_room(session_id) or services.create_room(
            services.RoomProperties(session_id=session_id)
        )
        connection = services.create_connection(room, services.ConnectionProperties(**options))
        assert connection.token is not None
        return connection.token

    return make


@pytest_asyncio.fixture
async def peers() -> AsyncIterator[Callable[[], Any]]:
    """aiortc peers in a browser's place (no ICE servers), all closed after the test."""
    from tests.peers import client_peer

    made: list[Any] = []

    def make() -> Any:
        pc = client_peer()
        made.append(pc)
        return pc

    yield make
    for pc in made:
        await pc.close()
