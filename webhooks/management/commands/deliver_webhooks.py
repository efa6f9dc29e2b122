"""Post queued webhooks from a process of its own, until stopped (Ctrl-C, SIGTERM).

The server process posts them by itself; this is for deployments that keep web
processes free of outbound traffic, or that want a worker draining a backlog.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rooms.app_settings import app_settings
from webhooks import dispatcher


class Command(BaseCommand):
    help = "Post queued webhook deliveries until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        if not app_settings.WEBHOOK:
            raise CommandError("webhooks are off: set OPENVIDU_WEBHOOK=true")
        stopped = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stopped.set())
        dispatcher.start()
        self.stdout.write(
            f"posting webhooks to {app_settings.WEBHOOK_ENDPOINT} "
            f"with {app_settings.WEBHOOK_WORKERS} worker(s); Ctrl-C stops"
        )
        while not stopped.wait(app_settings.WEBHOOK_POLL_INTERVAL):
            dispatcher.wake()
        dispatcher.stop()
