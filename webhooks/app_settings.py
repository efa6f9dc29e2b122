"""The webhooks app's settings: OpenVidu's `OPENVIDU_WEBHOOK*` and the delivery's own.

OpenVidu's settings stay top-level Django settings under their OpenVidu names, with
OpenVidu's defaults; the delivery's (attempts, delays, workers) are `WEBHOOK_*` keys of
the `ROOMS` dict. Every one is optional (docs/extending.md); read on each access, so
tests can override them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rooms.app_settings import SettingsReader

# OpenVidu's webhook events (docs/protocol.md); filterEventDispatched never
# happens here (filters are refused), so it is accepted in the list but never sent.
WEBHOOK_EVENTS = (
    "sessionCreated",
    "sessionDestroyed",
    "participantJoined",
    "participantLeft",
    "webrtcConnectionCreated",
    "webrtcConnectionDestroyed",
    "recordingStatusChanged",
    "filterEventDispatched",
    "signalSent",
)

DEFAULTS: dict[str, Any] = {
    # A failed webhook delivery is tried again after RETRY_DELAY seconds, doubling each
    # time up to RETRY_MAX_DELAY, until MAX_ATTEMPTS tries have failed: then it is kept
    # as "failed" and can be re-sent from the admin.
    "WEBHOOK_MAX_ATTEMPTS": 15,
    "WEBHOOK_RETRY_DELAY": 2.0,
    "WEBHOOK_RETRY_MAX_DELAY": 900.0,
    # Seconds to connect and to wait for the receiver's answer (OpenVidu's 10 s).
    "WEBHOOK_TIMEOUT": 10.0,
    # Threads that post webhooks in each server process; each one serves one room at a
    # time, in order. 0: the server posts nothing, `manage.py deliver_webhooks` does (a
    # process of its own, so a burst of events never takes CPU from the media).
    "WEBHOOK_WORKERS": 4,
    # How often a worker looks for deliveries other processes queued (seconds); its own
    # process wakes it at once.
    "WEBHOOK_POLL_INTERVAL": 5.0,
}


class AppSettings(SettingsReader):
    defaults = DEFAULTS

    @property
    def WEBHOOK_MAX_ATTEMPTS(self) -> int:
        return self._whole("WEBHOOK_MAX_ATTEMPTS", 1)

    @property
    def WEBHOOK_RETRY_DELAY(self) -> float:
        return self._number("WEBHOOK_RETRY_DELAY", 0)

    @property
    def WEBHOOK_RETRY_MAX_DELAY(self) -> float:
        return self._number("WEBHOOK_RETRY_MAX_DELAY", 0)

    @property
    def WEBHOOK_TIMEOUT(self) -> float:
        return self._number("WEBHOOK_TIMEOUT", 0.1)

    @property
    def WEBHOOK_WORKERS(self) -> int:
        return self._whole("WEBHOOK_WORKERS", 0)

    @property
    def WEBHOOK_POLL_INTERVAL(self) -> float:
        return self._number("WEBHOOK_POLL_INTERVAL", 0.05)

    # OpenVidu's settings, under their own names.

    @property
    def WEBHOOK(self) -> bool:
        return bool(getattr(settings, "OPENVIDU_WEBHOOK", False))

    @property
    def WEBHOOK_ENDPOINT(self) -> str:
        return str(getattr(settings, "OPENVIDU_WEBHOOK_ENDPOINT", ""))

    @property
    def WEBHOOK_HEADERS(self) -> list[tuple[str, str]]:
        """`OPENVIDU_WEBHOOK_HEADERS` ("Name: value" strings) as (name, value) pairs."""
        pairs = []
        for header in getattr(settings, "OPENVIDU_WEBHOOK_HEADERS", []):
            name, separator, value = str(header).partition(":")
            if not separator or not name.strip():
                raise ImproperlyConfigured(
                    f"OPENVIDU_WEBHOOK_HEADERS: {header!r} is not of the form 'Name: value'"
                )
            pairs.append((name.strip(), value.strip()))
        return pairs

    @property
    def WEBHOOK_EVENTS(self) -> frozenset[str]:
        return frozenset(self.WEBHOOK_EVENT_LIST)

    @property
    def WEBHOOK_EVENT_LIST(self) -> tuple[str, ...]:
        """`OPENVIDU_WEBHOOK_EVENTS` in the order configured (GET config reports it so)."""
        events = getattr(settings, "OPENVIDU_WEBHOOK_EVENTS", list(WEBHOOK_EVENTS))
        unknown = [name for name in events if name not in WEBHOOK_EVENTS]
        if unknown:
            raise ImproperlyConfigured(
                f"OPENVIDU_WEBHOOK_EVENTS: unknown events {', '.join(map(str, unknown))}"
            )
        return tuple(dict.fromkeys(str(name) for name in events))


app_settings = AppSettings()
