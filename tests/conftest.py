"""Fixtures shared by every test tier: an authenticated API client and factories."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Callable, Generator
from typing import Any
from urllib.parse import urlsplit

import pytest
from channels.layers import channel_layers
from rest_framework.test import APIClient

from rooms import services
from rooms.internal import identifiers
from rooms.models import Connection, Room, Stream, Subscription
from tests.live_server import attach_log

# The signaling fixtures (rpc_clients, invite) serve more than tests/signaling.
pytest_plugins = ["tests.signaling_fixtures"]

SECRET = "MY_SECRET"
SERVICES_PASS = os.environ.get("ROOMS_TEST_SERVICES") == "1"


def _unreachable(url: str, default_port: int) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as error:
        return f"{host}:{port} does not answer ({error})"


def _services_skip_reason() -> str | None:
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database or not redis:
        return "the PostgreSQL/Redis pass needs DATABASE_URL and REDIS_URL (or TEST_DATABASE_URL and TEST_REDIS_URL)"
    for url, port, name in ((database, 5432, "DATABASE_URL"), (redis, 6379, "REDIS_URL")):
        problem = _unreachable(url, port)
        if problem:
            return f"{name}: {problem}"
    return None


PRIVATE_NETWORK = os.environ.get("ROOMS_PRIVATE_NETWORK") == "1"


# A failed test that used a live server gets the server's log in its report.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    attach_log(item, report)
    return report


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PRIVATE_NETWORK:
        # The network rule: WebRTC peers and browsers run only in a private namespace.
        for item in items:
            if item.get_closest_marker("webrtc") or item.get_closest_marker("e2e"):
                item.add_marker(
                    pytest.mark.skip(
                        reason="WebRTC and browser tests run only in a private network namespace (tests/private-network)"
                    )
                )
    if not SERVICES_PASS:
        for item in items:
            if item.get_closest_marker("services"):
                item.add_marker(pytest.mark.skip(reason="runs only in the PostgreSQL/Redis pass"))
        return
    reason = _services_skip_reason()
    if reason and os.environ.get("CI") == "true":
        # In CI a pass that skips proves nothing: its services must be there.
        raise pytest.UsageError(f"the PostgreSQL/Redis pass cannot run in CI: {reason}")
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture(autouse=True)
def _known_settings(settings: Any) -> None:
    settings.OPENVIDU_SECRET = SECRET
    settings.OPENVIDU_PUBLICURL = "https://rooms.example.test"
    # Inside the namespace only loopback exists, and aioice skips 127.0.0.1 by default.
    settings.MEDIA_HOST_ADDRESSES = ["127.0.0.1"]
    settings.MEDIA_ICE_SERVERS = []
    # A sweep task would outlive each test's event loop; tests/signaling/test_seat_sweep.py
    # runs sweeps itself.
    settings.ROOMS = {**settings.ROOMS, "SEAT_SWEEP_INTERVAL": 0}


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> None:
    """Every test gets its own channel layer object.

    Each test runs in an event loop of its own. channels_redis keeps per-instance
    asyncio locks (the receive lock, per-channel cleaning locks) whose release can be
    lost when a test's loop closes mid-receive; a layer that outlived its loop then
    fails the next test with "Lock ... is bound to a different event loop". A server
    runs one loop for its life, so this is a test-only concern.
    """
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _no_failed_authentications_counted() -> None:
    """Every test starts with no wrong secrets counted against the test client's address.

    The counts live in Django's cache, which is Redis in the PostgreSQL/Redis pass:
    shared with live servers and kept from one test to the next.
    """
    from django.core.cache import cache

    cache.delete_many(
        [f"throttle_authentication_failure_{address}" for address in ("127.0.0.1", "::1")]
    )


@pytest.fixture
def api() -> APIClient:
    """A client that holds the secret: the application server of OpenVidu's docs."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", SECRET))
    return client


@pytest.fixture
def stranger() -> APIClient:
    return APIClient()


@pytest.fixture
def room_factory(db: None) -> Callable[..., Room]:
    def make(session_id: str | None = None, **options: Any) -> Room:
        return services.create_room(services.RoomProperties(session_id=session_id, **options))

    return make


@pytest.fixture
def connection_factory(db: None, room_factory: Callable[..., Room]) -> Callable[..., Connection]:
    """A pending seat; `active=True` also joins it, as a browser's joinRoom would."""

    def make(
        room: Room | None = None, *, active: bool = False, client_data: str = "", **options: Any
    ) -> Connection:
        connection = services.create_connection(
            room or room_factory(), services.ConnectionProperties(**options)
        )
        if active:
            assert connection.token is not None
            connection = services.join_with_token(
                connection.token, ip="127.0.0.1", platform="Chrome 156", client_data=client_data
            )
        return connection

    return make


@pytest.fixture
def stream_factory(db: None) -> Callable[..., Stream]:
    def make(publisher: Connection, **options: Any) -> Stream:
        type_of_video = options.pop("type_of_video", Stream.TypeOfVideo.CAMERA)
        return Stream.objects.create(
            stream_id=identifiers.new_stream_id(publisher.connection_id, type_of_video),
            connection=publisher,
            type_of_video=type_of_video,
            video_dimensions=options.pop("video_dimensions", '{"width":640,"height":480}'),
            frame_rate=options.pop("frame_rate", 30),
            **options,
        )

    return make


@pytest.fixture
def subscribe(db: None) -> Callable[[Connection, Stream], Subscription]:
    def make(subscriber: Connection, stream: Stream) -> Subscription:
        return Subscription.objects.create(subscriber=subscriber, stream=stream)

    return make


def receive_event(layer: Any, channel: str, timeout: float = 5) -> dict[str, Any]:
    """The next message on a channel, or a failure after `timeout` seconds: never a hang."""
    import asyncio

    from asgiref.sync import async_to_sync

    async def receive() -> dict[str, Any]:
        message: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), timeout)
        return message

    return async_to_sync(receive)()
