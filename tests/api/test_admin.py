"""The operators' console: lists, filters, and actions through the service layer."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from rooms.models import Connection, Room, Stream
from tests.conftest import receive_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "operator", "op@example.test", "pw-long-enough"
    )
    client.force_login(user)
    return client


def test_the_room_list_shows_live_counts_and_filters(operator, room_factory, connection_factory):
    room = room_factory("busy-room")
    connection_factory(room, active=True)
    connection_factory(room, active=True)
    connection_factory(room)
    closed = room_factory("old-room")
    operator.post("/admin/rooms/room/", {"action": "close_rooms", "_selected_action": [closed.pk]})
    page = operator.get("/admin/rooms/room/?state=open").content.decode()
    assert "busy-room" in page
    assert "old-room" not in page
    assert operator.get("/admin/rooms/room/?state=closed").content.decode().count("old-room") >= 1
    detail = operator.get(f"/admin/rooms/room/{room.pk}/change/")
    assert detail.status_code == 200
    assert room.connections.first().connection_id in detail.content.decode()


def test_closing_from_the_admin_tells_the_room(
    operator, room_factory, connection_factory, django_capture_on_commit_callbacks
):
    room = room_factory("to-close")
    connection_factory(room, active=True)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(room.channel_group, channel)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            "/admin/rooms/room/", {"action": "close_rooms", "_selected_action": [room.pk]}
        )
    assert response.status_code == 302
    assert Room.objects.get(pk=room.pk).close_reason == "sessionClosedByServer"
    assert receive_event(layer, channel)["type"] == "rooms.room_closed"


def test_disconnecting_from_the_admin_revokes_and_evicts(
    operator, room_factory, connection_factory
):
    room = room_factory("admin-evict")
    active = connection_factory(room, active=True)
    other = connection_factory(room, active=True)
    pending = connection_factory(room)
    operator.post(
        "/admin/rooms/connection/",
        {"action": "disconnect", "_selected_action": [active.pk, pending.pk]},
    )
    assert Connection.objects.get(pk=active.pk).close_reason == "forceDisconnectByServer"
    assert Connection.objects.get(pk=pending.pk).close_reason == "tokenRevoked"
    assert Connection.objects.get(pk=other.pk).is_active


def test_stopping_a_stream_from_the_admin(
    operator, room_factory, connection_factory, stream_factory
):
    stream = stream_factory(connection_factory(room_factory("admin-stream"), active=True))
    operator.post("/admin/rooms/stream/", {"action": "unpublish", "_selected_action": [stream.pk]})
    assert Stream.objects.get(pk=stream.pk).close_reason == "forceUnpublishByServer"


def test_rooms_cannot_be_deleted_from_the_admin(operator, room_factory):
    room = room_factory("kept")
    assert operator.get(f"/admin/rooms/room/{room.pk}/delete/").status_code == 403
