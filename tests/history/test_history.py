"""The room's history (OpenVidu's CDR): what is kept, the signals, the timeline, the export."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from rooms import services, signals
from rooms.history import timeline
from rooms.models import RoomEvent


def _names(room) -> list[str]:
    return list(room.history.values_list("name", flat=True))


def test_a_rooms_life_is_kept_in_order(room_factory, connection_factory):
    room = room_factory("meeting")
    alice = connection_factory(room, active=True, server_data='{"name":"Alice"}')
    bob = connection_factory(room, active=True)
    services.destroy_connection(alice)
    services.close_room(room)
    assert _names(room) == [
        "sessionCreated",
        "participantJoined",
        "participantJoined",
        "participantLeft",
        "participantLeft",
        "sessionDestroyed",
    ]
    left = room.history.filter(name="participantLeft")
    assert [(event.connection_id, event.payload["reason"]) for event in left] == [
        (alice.connection_id, "forceDisconnectByServer"),
        (bob.connection_id, "sessionClosedByServer"),
    ]
    # The history outlives the room.
    assert room.history.count() == 6


def test_a_revoked_invitation_leaves_no_trace(room_factory, connection_factory):
    room = room_factory("quiet")
    services.destroy_connection(connection_factory(room))
    assert _names(room) == ["sessionCreated"]


def test_signals_are_sent_after_commit_with_the_event(
    room_factory, connection_factory, django_capture_on_commit_callbacks
):
    heard: list[dict[str, Any]] = []

    def listen(sender, room, event, payload, **kwargs):
        heard.append({"sender": sender, "room": room, "event": event, "payload": payload})

    signals.participant_joined.connect(listen)
    try:
        room = room_factory("signals")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            joined = connection_factory(room, active=True, client_data="Alice")
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.participant_joined.disconnect(listen)
    (one,) = heard
    assert one["room"] == room
    assert one["event"].name == "participantJoined"
    assert one["payload"]["connectionId"] == joined.connection_id
    assert one["payload"]["clientData"] == "Alice"


def test_a_failing_receiver_neither_breaks_the_change_nor_silences_the_others(
    room_factory, django_capture_on_commit_callbacks
):
    heard: list[str] = []

    def broken(**kwargs):
        raise RuntimeError("a host project's bug")

    def listening(room, **kwargs):
        heard.append(room.session_id)

    signals.session_created.connect(broken)
    signals.session_created.connect(listening)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            room = room_factory("robust")
    finally:
        signals.session_created.disconnect(broken)
        signals.session_created.disconnect(listening)
    assert _names(room) == ["sessionCreated"]
    # Connected after the broken one, and still told.
    assert heard == ["robust"]


def test_the_timeline_tells_who_did_what(room_factory, connection_factory):
    room = room_factory("told")
    alice = connection_factory(room, active=True, server_data='{"name":"Alice"}')
    services.destroy_connection(alice)
    entries = timeline.entries(room.history.all())
    assert [(entry.who, entry.what) for entry in entries] == [
        ("", "the room opened"),
        (f"Alice ({alice.connection_id})", "joined from 127.0.0.1 Chrome 156"),
        (f"Alice ({alice.connection_id})", "left after 0 s (forceDisconnectByServer)"),
        ("", "the room closed after 0 s (lastParticipantLeft)"),
    ]


def test_the_admin_shows_a_rooms_timeline(transactional_db, room_factory, connection_factory):
    room = room_factory("seen")
    connection_factory(room, active=True, server_data='{"name":"Alice"}')
    client = Client()
    client.force_login(User.objects.create_superuser("op", "op@example.test", "pw"))
    page = client.get(f"/admin/rooms/room/{room.pk}/change/").content.decode()
    assert "room-timeline" in page
    assert "Alice" in page
    assert "joined from 127.0.0.1" in page
    listing = client.get("/admin/rooms/roomevent/?name__exact=participantJoined")
    assert listing.status_code == 200
    assert "participantJoined" in listing.content.decode()


def _export(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("export_history", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_export_writes_a_date_range_as_json_lines(room_factory, connection_factory):
    old = room_factory("old")
    RoomEvent.objects.filter(room=old).update(at=timezone.now() - timedelta(days=40))
    room = room_factory("recent")
    connection_factory(room, active=True)
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    lines = _export("--since", since)
    assert [next(iter(line)) for line in lines] == ["sessionCreated", "participantJoined"]
    assert lines[0]["sessionCreated"]["sessionId"] == "recent"
    everything = _export("--since", "2000-01-01", "--format", "webhook")
    assert [line["event"] for line in everything] == [
        "sessionCreated",
        "sessionCreated",
        "participantJoined",
    ]
    assert (
        _export("--since", "2000-01-01", "--room", "old")[0]["sessionCreated"]["sessionId"] == "old"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "is not a date"),
        (["--since", "2026-11-25", "--until", "2026-11-24"], "later than --since"),
    ],
)
def test_export_refuses_a_bad_range(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_history", *args, stdout=StringIO())


def test_the_timeline_tells_a_shared_screen_as_its_persons_stream(
    room_factory, connection_factory, stream_factory
):
    from rooms import history, seat_data

    room = room_factory("shared")
    alice = connection_factory(room, active=True, server_data=seat_data.server_data("Alice"))
    bob = connection_factory(room, active=True, server_data=seat_data.server_data("Bob"))
    screen = connection_factory(
        room,
        active=True,
        server_data=seat_data.server_data("Alice", screen_of=alice.connection_id),
    )
    shared = stream_factory(screen, type_of_video="SCREEN", has_audio=False, has_video=True)
    history.stream_published(shared)
    history.subscribed(bob, shared, timezone.now())
    services.destroy_connection(screen)
    told = [(entry.event, entry.who, entry.what) for entry in timeline.entries(room.history.all())]
    alice_is = f"Alice ({alice.connection_id})"
    # Alice joins once; her screen is a stream she publishes, not a second Alice.
    assert [who for event, who, _ in told if event == "participantJoined"] == [
        alice_is,
        f"Bob ({bob.connection_id})",
    ]
    assert ("webrtcConnectionCreated", alice_is, "published SCREEN (video)") in told
    assert (
        "webrtcConnectionCreated",
        f"Bob ({bob.connection_id})",
        f"started receiving the screen of {alice_is} (video)",
    ) in told
    assert not any(event == "participantLeft" for event, _, _ in told)
    assert screen.connection_id not in {who for _, who, _ in told}
