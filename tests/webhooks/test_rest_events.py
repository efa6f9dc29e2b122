"""Rooms opened and closed by the application (REST API, admin) are announced too."""

from __future__ import annotations

from rooms import services
from tests.webhooks.receiver import Receiver


def test_a_room_made_through_the_rest_api_is_announced(webhooks_on: Receiver):
    room = services.create_room(services.RoomProperties(session_id="from-api"))
    services.close_room(room)
    events = webhooks_on.wait_for_events(2)
    assert [(event["event"], event.get("reason")) for event in events] == [
        ("sessionCreated", None),
        ("sessionDestroyed", "sessionClosedByServer"),
    ]
