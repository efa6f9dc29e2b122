"""A node that starts closes what it held before it stopped, and nothing else."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from recordings.models import Recording
from rooms import nodes, services, signals
from rooms.models import Connection, RoomEvent, Stream, Subscription
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)

STOPPED = "openviduServerStopped"


@pytest.fixture
def seat_on(room_factory, connection_factory):
    """An active seat taken through the signaling of `node`, a while ago."""

    def make(room, node: str, *, ago: float = 60) -> Connection:
        pending = connection_factory(room)
        seat = services.join_with_token(pending.token, client_data="someone", node=node)
        Connection.objects.filter(pk=seat.pk).update(
            active_at=timezone.now() - timedelta(seconds=ago)
        )
        seat.refresh_from_db()
        return seat

    return make


def _reasons(room, name: str) -> list[str]:
    return [event.payload["reason"] for event in room.history.filter(name=name)]


def test_a_restarted_node_closes_its_seats_and_their_room_with_openvidus_reason(
    room_factory, seat_on, stream_factory, subscribe, settings
):
    settings.OPENVIDU_WEBHOOK = True
    settings.OPENVIDU_WEBHOOK_ENDPOINT = "http://127.0.0.1:9/webhook"
    settings.ROOMS = {**settings.ROOMS, "WEBHOOK_WORKERS": 0}
    heard: list[str] = []

    def listen(sender, room, event, payload, **kwargs):
        heard.append(payload["reason"])

    signals.participant_left.connect(listen)
    try:
        room = room_factory("standup")
        alice, bob = seat_on(room, "node-a"), seat_on(room, "node-a")
        stream = stream_factory(alice)
        subscribe(bob, stream)
        pending = services.create_connection(room, services.ConnectionProperties())

        assert nodes.close_left_behind("node-a", before=timezone.now()) == ["standup"]
    finally:
        signals.participant_left.disconnect(listen)

    room.refresh_from_db()
    assert room.closed_at is not None
    assert room.close_reason == STOPPED
    for seat in (alice, bob, pending):
        seat.refresh_from_db()
        assert seat.status == Connection.Status.CLOSED
    assert Stream.objects.get(pk=stream.pk).close_reason == STOPPED
    assert not Subscription.objects.filter(closed_at__isnull=True).exists()
    assert _reasons(room, RoomEvent.Name.PARTICIPANT_LEFT) == [STOPPED, STOPPED]
    assert _reasons(room, RoomEvent.Name.SESSION_DESTROYED) == [STOPPED]
    assert set(_reasons(room, RoomEvent.Name.WEBRTC_CONNECTION_DESTROYED)) == {STOPPED}
    assert heard == [STOPPED, STOPPED]
    posted = [
        json.loads(delivery.body)
        for delivery in WebhookDelivery.objects.filter(event_name="sessionDestroyed")
    ]
    assert [body["reason"] for body in posted] == [STOPPED]


def test_only_the_starting_nodes_seats_close(room_factory, seat_on):
    shared, elsewhere = room_factory("shared"), room_factory("elsewhere")
    mine = seat_on(shared, "node-a")
    theirs = seat_on(shared, "node-b")
    far = seat_on(elsewhere, "node-b")

    assert nodes.close_left_behind("node-a", before=timezone.now()) == ["shared"]

    mine.refresh_from_db()
    theirs.refresh_from_db()
    far.refresh_from_db()
    assert mine.status == Connection.Status.CLOSED
    assert mine.close_reason == STOPPED
    assert theirs.is_active
    assert far.is_active
    shared.refresh_from_db()
    assert shared.is_open


def test_seats_taken_since_the_process_started_stay(room_factory, seat_on):
    room = room_factory("rejoined")
    started = timezone.now() - timedelta(seconds=5)
    ghost = seat_on(room, "node-a", ago=60)
    rejoined = seat_on(room, "node-a", ago=1)

    nodes.close_left_behind("node-a", before=started)

    ghost.refresh_from_db()
    rejoined.refresh_from_db()
    assert ghost.status == Connection.Status.CLOSED
    assert rejoined.is_active
    room.refresh_from_db()
    assert room.is_open


def test_a_recording_in_progress_fails_with_the_room(room_factory, seat_on):
    room = room_factory("recorded")
    seat_on(room, "node-a")
    recording = Recording.objects.create(
        recording_id="recorded",
        room=room,
        session_id="recorded",
        name="recorded",
        status=Recording.Status.STARTED,
    )

    nodes.close_left_behind("node-a", before=timezone.now())

    recording.refresh_from_db()
    assert recording.status == Recording.Status.FAILED
    assert recording.reason == STOPPED
    room.refresh_from_db()
    assert room.close_reason == STOPPED
    assert _reasons(room, RoomEvent.Name.RECORDING_STATUS_CHANGED)[-1] == STOPPED


def test_seats_of_no_node_are_closed_by_any_node_that_starts(room_factory, seat_on):
    room = room_factory("before-nodes")
    legacy = seat_on(room, "")

    assert nodes.close_left_behind("node-a", before=timezone.now()) == ["before-nodes"]

    legacy.refresh_from_db()
    assert (legacy.status, legacy.close_reason) == ("closed", STOPPED)


def test_a_node_with_nothing_left_behind_closes_nothing(room_factory, seat_on):
    room = room_factory("quiet")
    seat_on(room, "node-b")
    assert nodes.close_left_behind("node-a", before=timezone.now()) == []
    room.refresh_from_db()
    assert room.is_open
