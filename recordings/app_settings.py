"""The recordings app's settings: OpenVidu's `OPENVIDU_RECORDING*`, with OpenVidu's defaults.

They stay top-level Django settings under their OpenVidu names, so a deployment
configured for OpenVidu reads the same here; a host project sets only the ones it
changes (docs/extending.md). Read on each access, so tests can override them.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

# OPENVIDU_RECORDING_NOTIFICATION: which roles hear of recordings starting and stopping.
NOTIFICATION_ROLES: dict[str, tuple[str, ...]] = {
    "none": (),
    "moderator": ("MODERATOR",),
    "publisher_moderator": ("PUBLISHER", "MODERATOR"),
    "all": ("SUBSCRIBER", "PUBLISHER", "MODERATOR"),
}


class AppSettings:
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
    def NOTIFIED_ROLES(self) -> list[str]:
        """The roles `RECORDING_NOTIFICATION` tells of recordings starting and stopping."""
        return list(NOTIFICATION_ROLES.get(self.RECORDING_NOTIFICATION, ()))

    @property
    def RECORDING_CUSTOM_LAYOUT(self) -> str:
        """The custom layouts folder GET config reports; openvidu-server's default path."""
        return str(
            getattr(settings, "OPENVIDU_RECORDING_CUSTOM_LAYOUT", "/opt/openvidu/custom-layout")
        )


app_settings = AppSettings()
