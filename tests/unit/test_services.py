"""The service layer: the only code that changes rooms, and the events it sends."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from rooms import services
from rooms.models import Connection
from tests.conftest import receive_event

pytestmark = pytest.mark.django_db


def _listen(group: str) -> tuple[object, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def _receive(layer: object, channel: str) -> dict[str, object]:
    return receive_event(layer, channel)


def test_a_token_works_once(connection_factory):
    pending = connection_factory()
    joined = services.join_with_token(
        pending.token, ip="10.1.1.1", platform="Firefox", client_data="Cy"
    )
    assert joined.status == Connection.Status.ACTIVE
    assert joined.active_at is not None
    assert (joined.ip, joined.platform, joined.client_data) == ("10.1.1.1", "Firefox", "Cy")
    with pytest.raises(services.InvalidToken):
        services.join_with_token(pending.token)


def test_an_unknown_token_is_refused(db):
    with pytest.raises(services.InvalidToken, match="is not valid"):
        services.join_with_token("wss://x?sessionId=s&token=tok_Guess0000000000")


def test_no_connection_can_be_created_in_a_closed_room(room_factory):
    room = room_factory()
    services.close_room(room)
    with pytest.raises(services.RoomIsClosed):
        services.create_connection(room, services.ConnectionProperties())


def test_closing_twice_is_harmless(room_factory):
    room = room_factory()
    assert services.close_room(room) is True
    assert services.close_room(room) is False


def test_room_closed_is_sent_only_after_commit(room_factory, django_capture_on_commit_callbacks):
    room = room_factory()
    layer, channel = _listen(room.channel_group)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.close_room(room, "sessionClosedByServer")
    # Nothing was sent while the transaction was open: the channel-layer event and the
    # sessionDestroyed signal wait for the commit.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    event = _receive(layer, channel)
    assert event == {
        "type": "rooms.room_closed",
        "session_id": room.session_id,
        "reason": "sessionClosedByServer",
        "evicted": [],
    }


def test_a_rolled_back_close_sends_nothing(room_factory, django_capture_on_commit_callbacks):
    from django.db import transaction

    room = room_factory()

    def close_then_fail() -> None:
        with transaction.atomic():
            services.close_room(room)
            raise RuntimeError("the caller failed after closing")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        close_then_fail()
    assert callbacks == []
    room.refresh_from_db()
    assert room.is_open


def test_evicting_sends_the_eviction_then_the_close(
    room_factory, connection_factory, django_capture_on_commit_callbacks
):
    room = room_factory()
    alone = connection_factory(room, active=True)
    layer, channel = _listen(room.channel_group)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.destroy_connection(alone)
    # Two channel-layer events, and the participantLeft and sessionDestroyed signals.
    assert len(callbacks) == 4
    first, second = _receive(layer, channel), _receive(layer, channel)
    assert first == {
        "type": "rooms.connection_evicted",
        "session_id": room.session_id,
        "connection_id": alone.connection_id,
        "reason": "forceDisconnectByServer",
    }
    assert second["type"] == "rooms.room_closed"
    assert second["reason"] == "lastParticipantLeft"


def test_revoking_a_token_sends_nothing(
    room_factory, connection_factory, django_capture_on_commit_callbacks
):
    room = room_factory()
    pending = connection_factory(room)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.destroy_connection(pending)
    assert callbacks == []


def test_a_taken_custom_id_raises_room_exists(room_factory):
    first = room_factory("same")
    with pytest.raises(services.RoomExists) as caught:
        room_factory("same")
    assert caught.value.room.pk == first.pk


def test_the_database_allows_one_open_room_per_id(room_factory):
    from django.db import IntegrityError, transaction

    from rooms.models import Room

    room_factory("unique")
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(session_id="unique")
