"""Room events are checked against their schema where they are received."""

from __future__ import annotations

import pytest

from rooms import events


def test_an_event_that_fits_its_schema_passes():
    raw = {
        "type": "rooms.signal",
        "to": ["con_A"],
        "signal_type": None,
        "data": "hi",
        "sender": None,
    }
    assert events.checked(raw, events.Signal) is raw


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"type": "rooms.participant_left", "connection_id": "con_A"}, "has no 'reason'"),
        (
            {"type": "rooms.participant_left", "connection_id": 7, "reason": "x"},
            "wrong 'connection_id'",
        ),
        ({"type": "rooms.room_left", "connection_id": "con_A", "reason": "x"}, "wrong 'type'"),
    ],
)
def test_a_malformed_event_is_refused(raw, problem):
    with pytest.raises(events.MalformedEvent, match=problem):
        events.checked(raw, events.ParticipantLeft)


def test_lists_and_whole_numbers_are_checked_inside():
    with pytest.raises(events.MalformedEvent, match="'evicted'"):
        events.checked(
            {"type": "rooms.room_closed", "session_id": "s", "reason": "r", "evicted": [1]},
            events.RoomClosed,
        )
    joined = {
        "type": "rooms.participant_joined",
        "connection_id": "con_A",
        "created_at": True,
        "client_data": "",
        "server_data": "",
    }
    with pytest.raises(events.MalformedEvent, match="'created_at'"):
        events.checked(joined, events.ParticipantJoined)
