from __future__ import annotations

from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = "Video rooms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rooms import checks  # noqa: F401 - register the system checks
        from rooms.internal import adapter_checks  # noqa: F401 - register the system checks
