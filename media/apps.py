from __future__ import annotations

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = "Media engine"

    def ready(self) -> None:
        from media import checks, ice  # noqa: F401 - checks register themselves

        ice.install_host_address_policy()
