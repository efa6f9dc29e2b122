"""The queue of webhook deliveries, kept in the database.

Rules: a delivery is queued in the transaction of its event; the deliveries of one room
go out one at a time in the order they were queued (a later one waits while an earlier
one is pending); a worker claims a delivery with a lease, so any number of worker
threads and processes (behind one PostgreSQL) can share the queue without a lock
server; a failure is tried again after an exponential backoff until the attempts run
out. Works the same on SQLite and PostgreSQL: claiming is a conditional UPDATE.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from rooms.models import RoomEvent
from webhooks.app_settings import app_settings
from webhooks.models import WebhookDelivery


def enqueue(sender: Any, event: RoomEvent, **kwargs: Any) -> None:
    """Queue the event for the endpoint (receiver of rooms.signals.event_recorded)."""
    if not app_settings.WEBHOOK or event.name not in app_settings.WEBHOOK_EVENTS:
        return
    WebhookDelivery.objects.create(
        event=event,
        room_id=event.room_id,
        event_name=event.name,
        endpoint=app_settings.WEBHOOK_ENDPOINT,
        body=json.dumps(event.as_webhook(), separators=(",", ":")),
    )
    # Imported here: the dispatcher imports httpx, which only a process that sends needs.
    from webhooks import dispatcher

    transaction.on_commit(dispatcher.wake, robust=True)


def _lease() -> timedelta:
    # Long enough for one post with its timeout; a dead worker's claim expires after it.
    return timedelta(seconds=2 * app_settings.WEBHOOK_TIMEOUT + 5)


def _heads() -> QuerySet[WebhookDelivery]:
    """The first pending delivery of each room: the only ones that may go now.

    "No earlier pending delivery in its room" is an index probe per row (status, room,
    id), so finding work stays cheap however long the backlog is.
    """
    earlier = WebhookDelivery.objects.filter(
        room_id=OuterRef("room_id"),
        status=WebhookDelivery.Status.PENDING,
        id__lt=OuterRef("id"),
    )
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        ~Exists(earlier)
    )


def _free_heads(now: datetime) -> QuerySet[WebhookDelivery]:
    return _heads().filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def claim(now: datetime | None = None) -> WebhookDelivery | None:
    """Take the next due delivery for this worker, or None when nothing is due."""
    now = now or timezone.now()
    candidates = _free_heads(now).filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")
    for candidate in candidates[:5]:
        # Taken only if no one changed it since we read it: another worker may have
        # claimed, tried and released it meanwhile (lease back to None), so the lease
        # alone is not proof; the attempt count and due time change with every try.
        taken = WebhookDelivery.objects.filter(
            pk=candidate.pk,
            status=WebhookDelivery.Status.PENDING,
            lease_until=candidate.lease_until,
            attempts=candidate.attempts,
            next_attempt_at=candidate.next_attempt_at,
        ).update(lease_until=now + _lease(), attempts=candidate.attempts + 1)
        if taken:
            candidate.lease_until, candidate.attempts = now + _lease(), candidate.attempts + 1
            return candidate
    return None


def next_due(now: datetime | None = None) -> datetime | None:
    """When the next queued delivery becomes due, for a worker deciding how long to sleep."""
    now = now or timezone.now()
    due = _free_heads(now).aggregate(first=Min("next_attempt_at"))["first"]
    leased = _heads().filter(lease_until__gte=now).aggregate(first=Min("lease_until"))["first"]
    moments = [moment for moment in (due, leased) if moment is not None]
    return min(moments) if moments else None


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: doubling from RETRY_DELAY up to the cap."""
    delay = app_settings.WEBHOOK_RETRY_DELAY * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(delay, app_settings.WEBHOOK_RETRY_MAX_DELAY))


def delivered(delivery: WebhookDelivery, status: int) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.DELIVERED,
        last_status=status,
        last_error="",
        delivered_at=now,
        lease_until=None,
    )


def failed(delivery: WebhookDelivery, status: int | None, error: str) -> None:
    """Record a failed attempt: try again later, or give up when the attempts ran out."""
    gave_up = delivery.attempts >= app_settings.WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if gave_up else WebhookDelivery.Status.PENDING,
        last_status=status,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + backoff(delivery.attempts),
        lease_until=None,
    )


def resend(deliveries: QuerySet[WebhookDelivery]) -> int:
    """Queue deliveries again (the admin's action): a fresh round of attempts, now, to the
    endpoint configured now (the operator may have just fixed it)."""
    endpoint = app_settings.WEBHOOK_ENDPOINT or F("endpoint")
    count = int(
        deliveries.update(
            endpoint=endpoint,
            status=WebhookDelivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_until=None,
            delivered_at=None,
        )
    )
    if count:
        from webhooks import dispatcher

        transaction.on_commit(dispatcher.wake, robust=True)
    return count
