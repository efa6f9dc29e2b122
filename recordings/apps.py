from __future__ import annotations

from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "recordings"
    verbose_name = "Recordings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from recordings import config, room_hooks, runtime, service
        from rooms import hooks, lifecycle, nodes

        lifecycle.register(runtime.observer)
        nodes.on_room_lost(service.abandon)
        hooks.set_recording_state(room_hooks.state)
        hooks.add_config(config.section)
