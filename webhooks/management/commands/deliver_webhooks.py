"""Post queued webhooks from a process of its own, until stopped (Ctrl-C, SIGTERM).

The server process posts them by itself unless ROOMS["WEBHOOK_WORKERS"] is 0; this is
for deployments that keep the server processes (and their media) free of that work,
or that want a worker draining a backlog. Its workers share the queue with any others.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from webhooks import dispatcher
from webhooks.app_settings import app_settings


class Command(BaseCommand):
    help = "Post queued webhook deliveries until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers", type=int, default=4, help="threads posting deliveries (default 4)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        if not app_settings.WEBHOOK:
            raise CommandError("webhooks are off: set OPENVIDU_WEBHOOK=true")
        stopped = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stopped.set())
        dispatcher.start(workers)
        self.stdout.write(
            f"posting webhooks to {app_settings.WEBHOOK_ENDPOINT} "
            f"with {workers} worker(s); Ctrl-C stops"
        )
        # The workers find queued deliveries by themselves (WEBHOOK_POLL_INTERVAL); this
        # thread only waits for the signal to stop, a second at a time so it is heard.
        while not stopped.wait(1.0):
            pass
        dispatcher.stop()
