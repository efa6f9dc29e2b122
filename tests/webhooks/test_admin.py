"""The operator's side: deliveries in the admin, giving up, and sending again."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from rooms import services
from tests.webhooks.receiver import Receiver
from webhooks.models import WebhookDelivery


@pytest.fixture
def operator(transactional_db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("op", "op@example.test", "pw"))
    return client


def _wait_until(check, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_delivery_that_gave_up_is_sent_again_from_the_admin(
    webhooks_on: Receiver, settings, operator
):
    settings.ROOMS = {**settings.ROOMS, "WEBHOOK_MAX_ATTEMPTS": 2}
    webhooks_on.fail_next(2, status=500)
    services.create_room(services.RoomProperties(session_id="flaky"))
    delivery = WebhookDelivery.objects.get()
    _wait_until(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "failed")
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (2, 500)
    assert delivery.last_error.startswith("HTTP 500")

    listing = operator.get("/admin/webhooks/webhookdelivery/?status__exact=failed")
    assert listing.status_code == 200
    assert "sessionCreated" in listing.content.decode()
    answer = operator.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    assert answer.status_code == 302
    events = webhooks_on.wait_for_events(1)
    assert events[0]["event"] == "sessionCreated"
    _wait_until(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered")
    page = operator.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
