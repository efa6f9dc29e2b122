"""The rooms app's settings, read from one dict in the host project's settings.

    ROOMS = {
        "ADAPTER": "myproject.rooms_adapter.MyRoomsAdapter",
        "WEBHOOK_MAX_ATTEMPTS": 20,
    }

Every key is optional; `app_settings.NAME` gives the value or its documented default,
read on each access so `override_settings` works in tests. OpenVidu's own settings
(`OPENVIDU_SECRET`, `OPENVIDU_WEBHOOK*`, ...) stay top-level Django settings with
their OpenVidu names, so a deployment configured for OpenVidu reads the same here;
they are offered through this object too, each with OpenVidu's default, so the apps
(rooms, recordings, webhooks) read all of them in one place and a host project sets only
the ones it changes. docs/extending.md lists every key.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

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
    # The adapter class (dotted path) that decides who creates and joins page rooms.
    "ADAPTER": "rooms.adapter.RoomsAdapter",
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
    # The name of this server process, recorded on the seats its signaling holds; a
    # process that starts closes the seats left under its name (rooms/nodes.py). None:
    # the machine's host name (`manage.py serve` adds its port). Give each process of one
    # machine its own name, and keep it across restarts.
    "NODE_ID": None,
    # Seconds between two sweeps for seats of this node that lost their signaling
    # without being closed; 0 turns the sweep off.
    "SEAT_SWEEP_INTERVAL": 30.0,
}


class AppSettings:
    def _get(self, name: str) -> Any:
        configured = getattr(settings, "ROOMS", {})
        if not isinstance(configured, dict):
            raise ImproperlyConfigured("settings.ROOMS must be a dict")
        return configured.get(name, DEFAULTS[name])

    def _number(self, name: str, minimum: float) -> float:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ImproperlyConfigured(f"ROOMS[{name!r}] must be a number >= {minimum}")
        return float(value)

    def _whole(self, name: str, minimum: int) -> int:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ImproperlyConfigured(f"ROOMS[{name!r}] must be a whole number >= {minimum}")
        return value

    @property
    def ADAPTER(self) -> str:
        value = self._get("ADAPTER")
        if not isinstance(value, str) or "." not in value:
            raise ImproperlyConfigured("ROOMS['ADAPTER'] must be a dotted path to a class")
        return value

    @property
    def NODE_ID(self) -> str:
        value = self._get("NODE_ID")
        if value is None:
            return socket.gethostname()
        if not isinstance(value, str) or not value or len(value) > 100:
            raise ImproperlyConfigured("ROOMS['NODE_ID'] must be a name of 1 to 100 characters")
        return value

    @property
    def SEAT_SWEEP_INTERVAL(self) -> float:
        return self._number("SEAT_SWEEP_INTERVAL", 0)

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
    def SECRET(self) -> str:
        """`OPENVIDU_SECRET`; left out, OpenVidu's development secret (refused by rooms.E001)."""
        return str(getattr(settings, "OPENVIDU_SECRET", self.DEVELOPMENT_SECRET))

    @property
    def DEVELOPMENT_SECRET(self) -> str:
        """`OPENVIDU_DEVELOPMENT_SECRET`: the secret rooms.E001 refuses when DEBUG is off."""
        return str(getattr(settings, "OPENVIDU_DEVELOPMENT_SECRET", "MY_SECRET"))

    @property
    def INSECURE_SECRET_KEY(self) -> str | None:
        """`INSECURE_SECRET_KEY`: the SECRET_KEY rooms.E002 refuses; None: no such check."""
        value = getattr(settings, "INSECURE_SECRET_KEY", None)
        return None if value is None else str(value)

    @property
    def PUBLICURL(self) -> str:
        """`OPENVIDU_PUBLICURL`, the address in tokens; left out, http://localhost:8000."""
        return str(getattr(settings, "OPENVIDU_PUBLICURL", "http://localhost:8000"))

    @property
    def RECORDING(self) -> bool:
        """`OPENVIDU_RECORDING`; off by default, as in OpenVidu."""
        return bool(getattr(settings, "OPENVIDU_RECORDING", False))

    @property
    def RECORDING_PATH(self) -> Path:
        """`OPENVIDU_RECORDING_PATH`; openvidu-server's default path."""
        return Path(getattr(settings, "OPENVIDU_RECORDING_PATH", "/opt/openvidu/recordings"))

    @property
    def RECORDING_PUBLIC_ACCESS(self) -> bool:
        """`OPENVIDU_RECORDING_PUBLIC_ACCESS`; off by default, as in OpenVidu."""
        return bool(getattr(settings, "OPENVIDU_RECORDING_PUBLIC_ACCESS", False))

    @property
    def RECORDING_AUTOSTOP_TIMEOUT(self) -> int:
        """`OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT` in seconds; 120 by default, as in OpenVidu."""
        return int(getattr(settings, "OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT", 120))

    @property
    def RECORDING_NOTIFICATION(self) -> str:
        """`OPENVIDU_RECORDING_NOTIFICATION`; publisher_moderator by default, as in OpenVidu."""
        return str(getattr(settings, "OPENVIDU_RECORDING_NOTIFICATION", "publisher_moderator"))

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

    @property
    def RECORDING_CUSTOM_LAYOUT(self) -> str:
        """The custom layouts folder GET config reports; openvidu-server's default path."""
        return str(
            getattr(settings, "OPENVIDU_RECORDING_CUSTOM_LAYOUT", "/opt/openvidu/custom-layout")
        )

    # The site's address, which `manage.py serve` binds by default.

    @property
    def HOST(self) -> str:
        """`HOST`: the address `manage.py serve` binds; 127.0.0.1 by default."""
        return str(getattr(settings, "HOST", "127.0.0.1"))

    @property
    def PORT(self) -> int:
        """`PORT`: the port `manage.py serve` binds; 8000 by default."""
        return int(getattr(settings, "PORT", 8000))

    @property
    def BEHIND_PROXY(self) -> bool:
        """`BEHIND_PROXY`: `manage.py serve` trusts X-Forwarded-For; off by default."""
        return bool(getattr(settings, "BEHIND_PROXY", False))

    @property
    def SUPPORT_DEPRECATED_API(self) -> bool:
        """OpenVidu's pre-2.16 paths (`/api/...`, `/config`, ...); on by default, as in 2.32."""
        return bool(getattr(settings, "SUPPORT_DEPRECATED_API", True))


app_settings = AppSettings()
