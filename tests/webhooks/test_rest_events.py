"""Rooms opened and closed by the application (REST API, admin) are announced too."""

from __future__ import annotations

import time

from rooms import services
from tests.webhooks.receiver import Receiver
from webhooks import dispatcher
from webhooks.models import WebhookDelivery


def test_a_room_made_through_the_rest_api_is_announced(webhooks_on: Receiver):
    room = services.create_room(services.RoomProperties(session_id="from-api"))
    services.close_room(room)
    events = webhooks_on.wait_for_events(2)
    assert [(event["event"], event.get("reason")) for event in events] == [
        ("sessionCreated", None),
        ("sessionDestroyed", "sessionClosedByServer"),
    ]


def test_with_no_workers_the_server_only_queues_and_another_process_posts(
    webhooks_on: Receiver, settings
):
    settings.ROOMS = {**settings.ROOMS, "WEBHOOK_WORKERS": 0}
    services.create_room(services.RoomProperties(session_id="queued"))
    time.sleep(0.3)
    assert not dispatcher.is_running()
    assert WebhookDelivery.objects.get().status == "pending"
    assert webhooks_on.requests == []
    # What `manage.py deliver_webhooks --workers 1` does in its own process.
    dispatcher.start(1)
    (event,) = webhooks_on.wait_for_events(1)
    assert event["sessionId"] == "queued"
