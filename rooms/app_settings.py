"""The rooms app's settings, read from one dict in the host project's settings.

    ROOMS = {
        "ADAPTER": "myproject.rooms_adapter.MyRoomsAdapter",
        "NODE_ID": "video-1",
    }

Every key is optional; `app_settings.NAME` gives the value or its documented default,
read on each access so `override_settings` works in tests. OpenVidu's own settings
(`OPENVIDU_SECRET`, `OPENVIDU_PUBLICURL`, ...) stay top-level Django settings with
their OpenVidu names, so a deployment configured for OpenVidu reads the same here;
they are offered through this object too, each with OpenVidu's default, so a host
project sets only the ones it changes. Each app reads its own settings in its own
`app_settings` module (`recordings.app_settings`, `webhooks.app_settings`,
`media.app_settings`); `ROOMS` is the dict they share. docs/extending.md lists every key.
"""

from __future__ import annotations

import socket
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS: dict[str, Any] = {
    # The adapter class (dotted path) that decides who creates and joins page rooms.
    "ADAPTER": "rooms.adapter.RoomsAdapter",
    # The name of this server process, recorded on the seats its signaling holds; a
    # process that starts closes the seats left under its name (rooms/nodes.py). None:
    # the machine's host name (`manage.py serve` adds its port). Give each process of one
    # machine its own name, and keep it across restarts.
    "NODE_ID": None,
    # Seconds between two sweeps for seats of this node that lost their signaling
    # without being closed; 0 turns the sweep off.
    "SEAT_SWEEP_INTERVAL": 30.0,
}


class SettingsReader:
    """Reads keys of the `ROOMS` dict with the defaults of one app (`defaults`)."""

    defaults: dict[str, Any] = DEFAULTS

    def _get(self, name: str) -> Any:
        configured = getattr(settings, "ROOMS", {})
        if not isinstance(configured, dict):
            raise ImproperlyConfigured("settings.ROOMS must be a dict")
        return configured.get(name, self.defaults[name])

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


class AppSettings(SettingsReader):
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
