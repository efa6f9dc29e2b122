from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rooms import hooks
        from rooms.signals import event_recorded
        from webhooks import (
            checks,  # noqa: F401 - registers the system checks
            config,
            outbox,
        )

        hooks.add_config(config.section)
        event_recorded.connect(outbox.enqueue, dispatch_uid="webhooks.outbox.enqueue")
