"""What webhooks cost: on the path of a change, and how fast the workers post.

`python -m bench.webhooks [--events 2000]` runs on a fresh SQLite database under a
temporary VAR_DIR (or on DATABASE_URL if set: give it a database of its own, the bench
migrates it) with a receiver on loopback, and prints:

1. the time to record an event (history row, plus the queued delivery when webhooks are
   on), side by side, so the ratio shows what webhooks add to each change;
2. deliveries per second with 1 and 4 workers, for a receiver that answers at once and
   for one that takes 20 ms per request, the events spread over 8 rooms (one room's
   events go one at a time, in order; rooms go in parallel).

Figures, not tests: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _receiver(delay: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if delay:
                time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openvidu_site.settings")
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-webhooks-"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from rooms import history, services
    from webhooks import dispatcher
    from webhooks.models import WebhookDelivery

    call_command("migrate", verbosity=0)
    print(f"database: {settings.DATABASES['default']['ENGINE']}, events: {args.events}")

    rooms = [
        services.create_room(services.RoomProperties(session_id=f"bench-{number}"))
        for number in range(8)
    ]

    def record(count: int) -> float:
        """Seconds per event to record `count` signalSent events, one transaction each."""
        started = time.perf_counter()
        for index in range(count):
            with transaction.atomic():
                history.signal_sent(rooms[index % 8], None, [], "bench", "x" * 64)
        return (time.perf_counter() - started) / count

    # 1. The cost on the change path. Workers stay off while recording: only the write
    # is measured, then the queue is emptied.
    settings.OPENVIDU_WEBHOOK = False
    off = record(args.events)
    # With webhooks on, each commit also wakes the worker, which posts to a receiver
    # that answers at once, as it would in a deployment.
    quick = _receiver(0.0)
    host, port = quick.server_address[:2]
    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = f"http://{host!s}:{port}/hook"
    settings.ROOMS = {**getattr(settings, "ROOMS", {}), "WEBHOOK_WORKERS": 1}
    on = record(args.events)
    while WebhookDelivery.objects.filter(status="pending").exists():
        time.sleep(0.02)
    dispatcher.stop()
    quick.shutdown()
    quick.server_close()
    WebhookDelivery.objects.all().delete()
    # ROOMS["WEBHOOK_WORKERS"] = 0: this process only queues; deliver_webhooks posts.
    settings.ROOMS = {**settings.ROOMS, "WEBHOOK_WORKERS": 0}
    queued_only = record(args.events)
    WebhookDelivery.objects.all().delete()
    print("\nrecording an event (history row; + queued delivery when on)")
    print(f"  webhooks off                      {off * 1e6:8.0f} us/event")
    print(
        f"  on, posted by this process        {on * 1e6:8.0f} us/event   "
        f"ratio to off {on / off:.2f}"
    )
    print(
        f"  on, posted by deliver_webhooks    {queued_only * 1e6:8.0f} us/event   "
        f"ratio to off {queued_only / off:.2f}"
    )

    # 2. Delivery throughput.
    print("\ndeliveries per second (8 rooms, in order within each room)")
    print(f"  {'receiver':<22}{'workers':>8}{'per second':>12}")
    for delay in (0.0, 0.02):
        server = _receiver(delay)
        host, port = server.server_address[:2]
        settings.OPENVIDU_WEBHOOK_ENDPOINT = f"http://{host!s}:{port}/hook"
        for workers in (1, 4):
            settings.ROOMS = {**settings.ROOMS, "WEBHOOK_WORKERS": workers}
            count = args.events if delay == 0 else min(args.events, 400)
            # Queued in one transaction: the workers wake at its commit, with all of
            # them waiting, so the clock starts there.
            with transaction.atomic():
                for index in range(count):
                    history.signal_sent(rooms[index % 8], None, [], "bench", "x" * 64)
                started = time.perf_counter()
            while WebhookDelivery.objects.filter(status="pending").exists():
                time.sleep(0.02)
            elapsed = time.perf_counter() - started
            dispatcher.stop()
            failed = WebhookDelivery.objects.exclude(status="delivered").count()
            WebhookDelivery.objects.all().delete()
            label = "answers at once" if delay == 0 else f"takes {delay * 1000:.0f} ms"
            note = f"  ({failed} not delivered)" if failed else ""
            print(f"  {label:<22}{workers:>8}{count / elapsed:>12.0f}{note}")
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
