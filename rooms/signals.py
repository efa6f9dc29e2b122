"""Django signals for what happens in rooms, one per OpenVidu webhook event.

Each is sent once the transaction that made the change has committed (never for a
change that was rolled back), by the thread that made it: a REST request, the admin,
or a signaling worker thread. Receivers must be quick; slow work belongs in a task
queue. A receiver that raises is logged and does not disturb the room.

Every signal is sent with `sender=Room` (the model class) and these arguments:

    room     the Room (OpenVidu's session) the event belongs to
    event    the RoomEvent row kept as the room's history (name, at, connection_id)
    payload  the event's fields exactly as OpenVidu's webhook posts them, a dict:
             sessionId, uniqueSessionId, timestamp, plus

session_created            (nothing more)
session_destroyed          startTime, duration (s), reason
participant_joined         connectionId, participantId, location, ip, platform,
                           clientData, serverData
participant_left           the same as participant_joined, plus startTime,
                           duration, reason
webrtc_connection_created  streamId, connectionId, participantId,
                           connection ("OUTBOUND" for a publisher, "INBOUND" for a
                           subscriber), receivingFrom (INBOUND only), audioEnabled,
                           videoEnabled, and with video: videoSource, videoFramerate,
                           videoDimensions
webrtc_connection_destroyed  the same, plus startTime, duration, reason
recording_status_changed   id, name, outputMode, status, hasAudio, hasVideo, size,
                           duration, startTime, reason (once it stopped), and for a
                           COMPOSED recording with video: resolution, frameRate,
                           recordingLayout
signal_sent                from (a connection id, or None from the REST API), to
                           (connection ids), type (without "signal:"), data

    from django.dispatch import receiver
    from rooms.signals import participant_joined

    @receiver(participant_joined)
    def greet(sender, room, event, payload, **kwargs):
        ...
"""

from __future__ import annotations

from django.dispatch import Signal

session_created = Signal()
session_destroyed = Signal()
participant_joined = Signal()
participant_left = Signal()
webrtc_connection_created = Signal()
webrtc_connection_destroyed = Signal()
recording_status_changed = Signal()
signal_sent = Signal()

# The public signal of each event name.
BY_EVENT = {
    "sessionCreated": session_created,
    "sessionDestroyed": session_destroyed,
    "participantJoined": participant_joined,
    "participantLeft": participant_left,
    "webrtcConnectionCreated": webrtc_connection_created,
    "webrtcConnectionDestroyed": webrtc_connection_destroyed,
    "recordingStatusChanged": recording_status_changed,
    "signalSent": signal_sent,
}

# Internal: sent inside the transaction that records an event, with `event` (the
# RoomEvent row), so that the webhooks app queues its delivery in that same
# transaction: an event is stored and queued together, or neither.
event_recorded = Signal()
