"""recordingStatusChanged through a recording's life, as OpenVidu's CDR has it."""

from __future__ import annotations

from recordings import properties, service
from rooms.models import RoomEvent


def _started(room_factory, connection_factory, session_id: str, **body):
    """A room with someone in it, being recorded."""
    room = room_factory(session_id)
    connection_factory(room, active=True)
    plan = service.begin(session_id, properties.parse({"session": session_id, **body}, {}))
    service.mark_started(plan.recording_id)
    return room, plan


def test_each_status_of_a_recording_is_kept(room_factory, connection_factory):
    room, plan = _started(room_factory, connection_factory, "recorded", name="take-1")
    service.mark_stopped(plan.recording_id, "recordingStoppedByServer")
    service.mark_finished(plan.recording_id, error=None, size=1234, duration=5.5)

    events = [
        event.payload for event in room.history.filter(name=RoomEvent.Name.RECORDING_STATUS_CHANGED)
    ]
    assert [event["status"] for event in events] == ["started", "stopped", "ready"]
    started, stopped, ready = events
    assert started["id"] == plan.recording_id
    assert started["name"] == "take-1"
    assert started["outputMode"] == "COMPOSED"
    assert started["recordingLayout"] == "BEST_FIT"
    assert (started["resolution"], started["frameRate"]) == ("1280x720", 25)
    assert (started["hasAudio"], started["hasVideo"]) == (True, True)
    assert "reason" not in started
    assert stopped["reason"] == "recordingStoppedByServer"
    assert (ready["size"], ready["duration"]) == (1234, 5.5)
    assert ready["sessionId"] == "recorded"


def test_a_failed_recording_is_kept_as_failed(room_factory, connection_factory):
    room, plan = _started(room_factory, connection_factory, "broken", outputMode="INDIVIDUAL")
    service.mark_finished(plan.recording_id, error="the composer crashed")
    last = room.history.filter(name=RoomEvent.Name.RECORDING_STATUS_CHANGED).last()
    assert last is not None
    assert last.payload["status"] == "failed"
    assert "resolution" not in last.payload  # INDIVIDUAL has no layout


def test_a_custom_layout_is_named_as_openvidu_names_it(room_factory, connection_factory):
    room, _plan = _started(
        room_factory,
        connection_factory,
        "custom",
        recordingLayout="CUSTOM",
        customLayout="big-speaker/index.html",
    )
    started = room.history.filter(name=RoomEvent.Name.RECORDING_STATUS_CHANGED).first()
    assert started is not None
    assert started.payload["recordingLayout"] == "CUSTOM"
    assert started.payload["customLayout"] == "big-speaker/index.html"
