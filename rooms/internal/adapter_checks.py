"""The system check that the adapter ROOMS['ADAPTER'] names can be used.

A wrong path would otherwise surface only when someone first opens a room page.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from rooms.adapter import adapter_class
from rooms.app_settings import app_settings


@register()
def adapter_is_usable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        adapter_class(app_settings.ADAPTER)
    except ImproperlyConfigured as error:
        return [
            Error(
                str(error),
                hint="Set ROOMS['ADAPTER'] to the dotted path of a subclass of "
                "rooms.adapter.RoomsAdapter, or leave it out for the default.",
                id="rooms.E010",
            )
        ]
    return []
