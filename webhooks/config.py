"""The webhooks app's part of OpenVidu's `GET /openvidu/api/config` (rooms.hooks.add_config)."""

from __future__ import annotations

from typing import Any

from webhooks.app_settings import app_settings


def section() -> dict[str, Any]:
    """The webhook entries: the endpoint, headers and events only when it is on."""
    entries: dict[str, Any] = {"OPENVIDU_WEBHOOK": app_settings.WEBHOOK}
    if app_settings.WEBHOOK:
        entries.update(
            {
                "OPENVIDU_WEBHOOK_ENDPOINT": app_settings.WEBHOOK_ENDPOINT,
                # openvidu-server writes each header back as "Name: value".
                "OPENVIDU_WEBHOOK_HEADERS": [
                    f"{name}: {value}" for name, value in app_settings.WEBHOOK_HEADERS
                ],
                # In the order configured, as openvidu-server keeps them.
                "OPENVIDU_WEBHOOK_EVENTS": list(app_settings.WEBHOOK_EVENT_LIST),
            }
        )
    return entries
