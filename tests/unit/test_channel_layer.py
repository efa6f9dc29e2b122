"""The channel layer's settings: Redis reads outlast channels_redis's blocking pop."""

from __future__ import annotations

import pytest
from channels_redis.core import RedisChannelLayer
from channels_redis.utils import create_pool

from openvidu_site.channel_layer import channel_layers
from openvidu_site.env import ConfigurationError


def _host(url: str) -> dict[str, object]:
    host: dict[str, object] = channel_layers(url)["default"]["CONFIG"]["hosts"][0]
    return host


def test_without_redis_the_layer_is_in_memory_and_bounded():
    layer = channel_layers(None)["default"]
    assert layer["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert layer["CONFIG"]["capacity"] > 0


def test_the_redis_read_timeout_is_longer_than_the_blocking_pop():
    pool = create_pool(_host("redis://127.0.0.1:6379/3"))
    socket_timeout = pool.connection_kwargs["socket_timeout"]
    assert socket_timeout is not None
    assert socket_timeout > RedisChannelLayer.brpop_timeout


def test_a_url_that_asks_for_a_short_read_timeout_is_refused():
    with pytest.raises(ConfigurationError, match="socket_timeout"):
        channel_layers("redis://127.0.0.1:6379/0?socket_timeout=5")


def test_a_url_with_a_long_enough_read_timeout_is_kept():
    pool = create_pool(_host("redis://127.0.0.1:6379/0?socket_timeout=60"))
    assert pool.connection_kwargs["socket_timeout"] == 60


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "127.0.0.1:6379"])
def test_a_url_that_is_not_redis_is_refused(url):
    with pytest.raises(ConfigurationError, match="REDIS_URL"):
        channel_layers(url)
