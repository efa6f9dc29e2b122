"""Proof that the second pass really ran on PostgreSQL and Redis, not on the defaults."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from tests.conftest import receive_event

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_a_rest_eviction_reaches_listeners_through_redis(api, room_factory, connection_factory):
    from channels_redis.core import RedisChannelLayer

    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    room = room_factory("over-redis")
    seat = connection_factory(room, active=True)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(room.channel_group, channel)
    assert (
        api.delete(f"/openvidu/api/sessions/over-redis/connection/{seat.connection_id}").status_code
        == 204
    )
    event = receive_event(layer, channel)
    assert event["type"] == "rooms.connection_evicted"
    assert event["connection_id"] == seat.connection_id
