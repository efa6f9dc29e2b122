"""A limit on failed authentications with the REST secret, per client address.

Guessing OPENVIDU_SECRET takes many tries from one address; past the rate (setting
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["authentication_failure"]) every request from
that address that presents credentials is refused with 429 and Retry-After until the
window has moved on, the right secret included, so the guessing cannot go on. The
counts live in Django's cache: Redis when REDIS_URL is set, so every process of a
deployment shares them. DRF's throttle supplies the rate, the address (REMOTE_ADDR,
NUM_PROXIES=0: Daphne's --proxy-headers puts the real client there behind a proxy)
and the cache keys.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class TooManyFailures(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"retry after {wait:.0f} s")
        self.wait = wait


# For a Django project that installs rooms without setting the rate.
DEFAULT_RATE = "20/min"


class AuthenticationFailureThrottle(SimpleRateThrottle):
    scope = "authentication_failure"

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = self.THROTTLE_RATES
        return rates.get(self.scope, DEFAULT_RATE)

    def __init__(self) -> None:
        super().__init__()
        limit, window = self.parse_rate(self.rate)
        self.limit, self.window = limit or 0, window or 0

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _history(self, request: Any) -> list[float]:
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        history: list[float] = [
            moment for moment in self.cache.get(self.key, []) if moment > self.now - self.window
        ]
        self.history = history
        return history

    def refuse_if_locked(self, request: Any) -> None:
        """Raise TooManyFailures while the address has used up its failures."""
        if self.rate is None:
            return
        history = self._history(request)
        if len(history) >= self.limit:
            raise TooManyFailures(max(1.0, self.window - (self.now - history[-1])))

    def record_failure(self, request: Any) -> None:
        if self.rate is None:
            return
        history = self._history(request)
        history.insert(0, self.now)
        self.cache.set(self.key, history, self.window)
