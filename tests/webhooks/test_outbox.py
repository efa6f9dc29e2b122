"""The delivery queue's rules, without HTTP: order per room, leases, backoff, giving up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from rooms import history
from rooms.models import Room
from webhooks import outbox
from webhooks.models import WebhookDelivery


@pytest.fixture
def queue(settings, db):
    """Webhooks on; `db` (no commit) so no worker starts: the test claims by hand."""
    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = "http://127.0.0.1:9/hook"
    settings.ROOMS = {"WEBHOOK_MAX_ATTEMPTS": 3, "WEBHOOK_RETRY_DELAY": 1.0}


def _taken(now: datetime | None = None) -> WebhookDelivery:
    claimed = outbox.claim(now)
    assert claimed is not None, "nothing was due"
    return claimed


def _signal(room: Room, data: str) -> WebhookDelivery:
    history.signal_sent(room, None, [], "chat", data)
    return WebhookDelivery.objects.latest("pk")


def test_a_rooms_next_delivery_waits_for_the_one_before(queue, room_factory):
    a, b = room_factory("a"), room_factory("b")
    WebhookDelivery.objects.all().delete()  # the sessionCreated ones
    a1, a2, b1 = _signal(a, "a1"), _signal(a, "a2"), _signal(b, "b1")
    assert _taken().pk == a1.pk
    # a1 is out (leased): a2 must wait, b1 may go.
    assert _taken().pk == b1.pk
    assert outbox.claim() is None
    outbox.delivered(WebhookDelivery.objects.get(pk=a1.pk), 200)
    assert _taken().pk == a2.pk


def test_a_failed_attempt_comes_back_after_the_backoff(queue, room_factory):
    room = room_factory("r")
    WebhookDelivery.objects.all().delete()
    delivery = _signal(room, "x")
    claimed = _taken()
    outbox.failed(claimed, 500, "HTTP 500")
    assert outbox.claim() is None  # not due yet
    later = timezone.now() + timedelta(seconds=1.5)
    again = _taken(later)
    assert (again.pk, again.attempts) == (delivery.pk, 2)
    assert WebhookDelivery.objects.get(pk=delivery.pk).last_error == "HTTP 500"


def test_a_worker_that_died_loses_its_claim_when_the_lease_ends(queue, room_factory):
    room = room_factory("r")
    WebhookDelivery.objects.all().delete()
    delivery = _signal(room, "x")
    assert _taken().pk == delivery.pk  # ... and that worker is never heard of again
    assert outbox.claim() is None
    much_later = timezone.now() + timedelta(minutes=5)
    assert _taken(much_later).pk == delivery.pk


def test_after_the_last_attempt_it_gives_up_and_the_next_event_goes(queue, room_factory):
    room = room_factory("r")
    WebhookDelivery.objects.all().delete()
    first, second = _signal(room, "1"), _signal(room, "2")
    moment = timezone.now()
    for _ in range(3):
        claimed = _taken(moment)
        assert claimed.pk == first.pk
        outbox.failed(claimed, None, "ConnectError: refused")
        moment += timedelta(minutes=1)
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("failed", 3)
    assert _taken(moment).pk == second.pk
    # The operator sends it again: a fresh round of attempts, first in line again.
    assert outbox.resend(WebhookDelivery.objects.filter(pk=first.pk)) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("pending", 0)


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.ROOMS = {"WEBHOOK_RETRY_DELAY": 2.0, "WEBHOOK_RETRY_MAX_DELAY": 30.0}
    waits = [outbox.backoff(attempt).total_seconds() for attempt in range(1, 7)]
    assert waits == [2, 4, 8, 16, 30, 30]


def test_nothing_is_queued_when_webhooks_are_off(db, room_factory):
    room_factory("quiet")
    assert not WebhookDelivery.objects.exists()


def test_the_stored_body_is_openvidus_event_json(queue, room_factory):
    room = room_factory("r")
    delivery = WebhookDelivery.objects.get(room=room)
    assert delivery.event_name == "sessionCreated"
    assert delivery.body == (
        f'{{"sessionId":"r","uniqueSessionId":"r_{delivery.event.payload["timestamp"]}",'
        f'"timestamp":{delivery.event.payload["timestamp"]},"event":"sessionCreated"}}'
    )
