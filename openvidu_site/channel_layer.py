"""The channel layer: in memory by default, channels_redis when REDIS_URL is set.

Why the Redis connection has an explicit read timeout: each consumer waits for its
next message with a blocking pop (BZPOPMIN) that Redis answers after
`RedisChannelLayer.brpop_timeout` seconds (5) when nothing came. redis-py 8 gives every
socket a default read timeout of 5 s too, so an idle socket's pop races its own
timeout: the client gave up first, raised `TimeoutError`, the consumer crashed and
Daphne closed the participant's WebSocket with 1011 a few seconds after joinRoom,
pings or not. The read timeout must be longer than the pop, whatever redis-py's
default is: set here, and a REDIS_URL that asks for a shorter one is refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from openvidu_site.env import ConfigurationError

# A bound on what is queued for one consumer: one that stops reading loses messages
# instead of growing without limit.
CAPACITY = 200
# Seconds a queued message waits for its consumer before Redis forgets it.
EXPIRY = 30
# How much longer than the blocking pop a read may take before the connection is
# declared dead: time for Redis's answer to cross a busy network.
READ_MARGIN_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5.0


def blocking_pop_seconds() -> float:
    """How long channels_redis's blocking pop waits on the server before answering empty."""
    from channels_redis.core import RedisChannelLayer

    return float(RedisChannelLayer.brpop_timeout)


def redis_read_timeout() -> float:
    return blocking_pop_seconds() + READ_MARGIN_SECONDS


def channel_layers(redis_url: str | None) -> dict[str, Any]:
    """The CHANNEL_LAYERS setting for this REDIS_URL (None: the in-memory layer)."""
    if redis_url is None:
        return {
            "default": {
                "BACKEND": "channels.layers.InMemoryChannelLayer",
                "CONFIG": {"capacity": CAPACITY},
            }
        }
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigurationError(
            f"REDIS_URL must be a redis://, rediss:// or unix:// URL, not {redis_url!r}"
        )
    read_timeout = redis_read_timeout()
    asked = parse_qs(parts.query).get("socket_timeout")
    if asked:
        # redis-py lets the URL's options win over the pool's arguments.
        try:
            seconds = float(asked[-1])
        except ValueError:
            raise ConfigurationError(
                f"REDIS_URL's socket_timeout must be a number of seconds, not {asked[-1]!r}"
            ) from None
        if seconds <= blocking_pop_seconds():
            raise ConfigurationError(
                f"REDIS_URL's socket_timeout={asked[-1]} would cut the channel layer's "
                f"{blocking_pop_seconds():g} s blocking reads: leave it out, or make it "
                f"more than {blocking_pop_seconds():g}"
            )
    host = {
        "address": redis_url,
        "socket_timeout": read_timeout,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
    }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [host], "capacity": CAPACITY, "expiry": EXPIRY},
        }
    }
