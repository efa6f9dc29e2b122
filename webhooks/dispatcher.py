"""The threads that post webhook deliveries, so no request and no event loop waits on them.

They start with the first event a process queues (or with the server, to finish what
an earlier process left), sleep until a delivery is due or their process queues one,
and stop with the process (daemon threads; a delivery in flight when it dies is
claimed again once its lease expires). `manage.py deliver_webhooks` runs the same
workers in a process of their own.
"""

from __future__ import annotations

import logging
import threading

import httpx
from django.db import connections
from django.utils import timezone

from rooms.app_settings import app_settings as rooms_settings
from webhooks import outbox, signing
from webhooks.app_settings import app_settings
from webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._stopping = False
        # Bumped by wake(): a worker that saw nothing to do sleeps only if no wake came
        # while it was looking.
        self._generation = 0

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def start(self, workers: int) -> None:
        with self._lock:
            if self.running:
                return
            self._stopping = False
            self._threads = [
                threading.Thread(target=self._work, name=f"webhooks-{number}", daemon=True)
                for number in range(workers)
            ]
            for thread in self._threads:
                thread.start()

    def wake(self) -> None:
        with self._wakeup:
            self._generation += 1
            self._wakeup.notify_all()

    def stop(self, timeout: float = 30) -> None:
        """Let each worker finish the post it is making, then end the threads."""
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout)

    def _work(self) -> None:
        try:
            with httpx.Client(timeout=app_settings.WEBHOOK_TIMEOUT) as client:
                while True:
                    with self._lock:
                        if self._stopping:
                            return
                        generation = self._generation
                    try:
                        worked = self._deliver_one(client)
                    except Exception:
                        # The database went away mid-delivery, say: the lease brings the
                        # delivery back later; this worker carries on with a new
                        # connection.
                        logger.exception("webhooks: a delivery failed unexpectedly")
                        connections.close_all()
                        worked = False
                    if not worked:
                        self._sleep(generation)
        finally:
            connections.close_all()

    def _sleep(self, generation: int) -> None:
        try:
            due = outbox.next_due()
        except Exception:
            logger.exception("webhooks: cannot read the queue")
            connections.close_all()
            due = None
        timeout = app_settings.WEBHOOK_POLL_INTERVAL
        if due is not None:
            timeout = min(timeout, max((due - timezone.now()).total_seconds(), 0.01))
        with self._wakeup:
            if self._stopping or self._generation != generation:
                return
            self._wakeup.wait(timeout)

    def _deliver_one(self, client: httpx.Client) -> bool:
        """Post one due delivery; False when none was due.

        The thread keeps its database connection between deliveries (closing it after
        each, as a request does with CONN_MAX_AGE=0, costs a reconnection per post); a
        failure closes it, so the next attempt starts on a fresh one.
        """
        delivery = outbox.claim()
        if delivery is None:
            return False
        post(client, delivery)
        return True


def post(client: httpx.Client, delivery: WebhookDelivery) -> None:
    """One attempt: post the stored body with its signature, and record how it went."""
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json"}
    headers.update(dict(app_settings.WEBHOOK_HEADERS))
    headers.update(
        {
            signing.HEADER: signing.sign(body, rooms_settings.SECRET),
            "X-Rooms-Delivery": str(delivery.delivery_id),
            "X-Rooms-Event": delivery.event_name,
            "X-Rooms-Attempt": str(delivery.attempts),
        }
    )
    try:
        response = client.post(delivery.endpoint, content=body, headers=headers)
    except httpx.HTTPError as error:
        logger.warning("webhook %s to %s failed: %s", delivery.event_name, delivery.endpoint, error)
        outbox.failed(delivery, None, f"{type(error).__name__}: {error}")
        return
    # OpenVidu's receivers answer 200; any 2xx means the receiver has the event.
    if 200 <= response.status_code < 300:
        outbox.delivered(delivery, response.status_code)
        return
    logger.warning(
        "webhook %s to %s answered %s", delivery.event_name, delivery.endpoint, response.status_code
    )
    outbox.failed(
        delivery, response.status_code, f"HTTP {response.status_code}: {response.text[:500]}"
    )


_dispatcher = Dispatcher()


def wake() -> None:
    """A delivery was queued (after commit): start the workers if needed and rouse them."""
    if not app_settings.WEBHOOK:
        return
    _dispatcher.start(app_settings.WEBHOOK_WORKERS)
    _dispatcher.wake()


def start(workers: int | None = None) -> None:
    """Start the workers when webhooks are on (the server's start calls this).

    `workers` defaults to ROOMS["WEBHOOK_WORKERS"]; 0 starts none.
    """
    if app_settings.WEBHOOK:
        _dispatcher.start(app_settings.WEBHOOK_WORKERS if workers is None else workers)


def stop(timeout: float = 30) -> None:
    _dispatcher.stop(timeout)


def is_running() -> bool:
    return _dispatcher.running
