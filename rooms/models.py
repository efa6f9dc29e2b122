"""The domain: rooms (OpenVidu's sessions), their connections, streams and subscriptions.

Rows are never deleted when a room or a participant ends: they are closed, and stay as
the room's history. Only `rooms.services` changes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rooms import addresses


class Room(models.Model):
    """A video room: what OpenVidu calls a session."""

    class MediaMode(models.TextChoices):
        ROUTED = "ROUTED"
        RELAYED = "RELAYED"

    class RecordingMode(models.TextChoices):
        MANUAL = "MANUAL"
        ALWAYS = "ALWAYS"

    class VideoCodec(models.TextChoices):
        MEDIA_SERVER_PREFERRED = "MEDIA_SERVER_PREFERRED"
        NONE = "NONE"
        VP8 = "VP8"
        VP9 = "VP9"
        H264 = "H264"

    class Origin(models.TextChoices):
        API = "api", "REST API"
        PAGES = "pages", "room pages"

    session_id = models.CharField(max_length=100, db_index=True)
    custom_session_id = models.CharField(max_length=100, blank=True, default="")
    media_mode = models.CharField(
        max_length=16, choices=MediaMode.choices, default=MediaMode.ROUTED
    )
    recording_mode = models.CharField(
        max_length=16, choices=RecordingMode.choices, default=RecordingMode.MANUAL
    )
    default_recording_properties = models.JSONField(default=dict, blank=True)
    forced_video_codec = models.CharField(
        max_length=32, choices=VideoCodec.choices, default=VideoCodec.MEDIA_SERVER_PREFERRED
    )
    allow_transcoding = models.BooleanField(default=False)
    media_node_id = models.CharField(max_length=100, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_rooms",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=64, blank=True, default="")
    # The room pages (rooms/pages/views.py) hand out tokens by room name only for rooms made
    # there: a room an application made through the REST API stays reachable only with
    # the tokens that application hands out.
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.API)
    # On the room pages: anyone with the link may join a public room; a private one
    # needs a logged-in user.
    is_public = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # OpenVidu forgets a closed session, so its id can be used again; we keep
            # the closed row as history, so only open rooms must have unique ids.
            models.UniqueConstraint(
                fields=["session_id"],
                condition=Q(closed_at__isnull=True),
                name="rooms_one_open_room_per_session_id",
            )
        ]

    def __str__(self) -> str:
        return self.session_id

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def channel_group(self) -> str:
        """The channel-layer group every participant of this room listens on."""
        return addresses.group_name(self.pk)


class Connection(models.Model):
    """A participant's seat in a room, from the token that invites it to its leaving."""

    class Type(models.TextChoices):
        WEBRTC = "WEBRTC"
        IPCAM = "IPCAM"

    class Role(models.TextChoices):
        SUBSCRIBER = "SUBSCRIBER"
        PUBLISHER = "PUBLISHER"
        MODERATOR = "MODERATOR"

    class Status(models.TextChoices):
        PENDING = "pending"
        ACTIVE = "active"
        CLOSED = "closed"

    connection_id = models.CharField(max_length=64, unique=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="connections")
    # The whole `ws[s]://...?sessionId=...&token=tok_...` string: clients present it
    # whole, and it is looked up whole.
    token = models.CharField(max_length=512, unique=True, null=True, blank=True)
    type = models.CharField(max_length=8, choices=Type.choices, default=Type.WEBRTC)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PUBLISHER)
    record = models.BooleanField(default=True)
    server_data = models.TextField(blank=True, default="")
    # Null until the participant joins and sends its own data: "none yet" is not "".
    client_data = models.TextField(null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    active_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=64, blank=True, default="")
    # The server process (ROOMS["NODE_ID"]) whose signaling holds the seat while it is
    # active: a node that starts again closes what it held before (rooms/nodes.py).
    # Empty: no signaling holds the seat (seats left active by an older server, or
    # taken outside signaling); any node that starts closes those too.
    node = models.CharField(max_length=100, blank=True, default="")
    ip = models.CharField(max_length=64, blank=True, default="")
    platform = models.CharField(max_length=512, blank=True, default="")
    location = models.CharField(max_length=256, blank=True, default="")
    kurento_options = models.JSONField(null=True, blank=True)
    custom_ice_servers = models.JSONField(default=list, blank=True)
    rtsp_uri = models.CharField(max_length=2048, blank=True, default="")
    adaptative_bitrate = models.BooleanField(null=True, blank=True)
    only_play_with_subscribers = models.BooleanField(null=True, blank=True)
    network_cache = models.IntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="room_connections",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["room", "status"]),
            models.Index(fields=["node", "status"], name="rooms_seats_of_a_node"),
        ]

    def __str__(self) -> str:
        return self.connection_id

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Stream(models.Model):
    """Media that one connection publishes into its room."""

    class TypeOfVideo(models.TextChoices):
        CAMERA = "CAMERA"
        SCREEN = "SCREEN"
        CUSTOM = "CUSTOM"
        IPCAM = "IPCAM"

    stream_id = models.CharField(max_length=128, unique=True)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="streams")
    type_of_video = models.CharField(
        max_length=8, choices=TypeOfVideo.choices, default=TypeOfVideo.CAMERA
    )
    has_audio = models.BooleanField(default=True)
    has_video = models.BooleanField(default=True)
    audio_active = models.BooleanField(default=True)
    video_active = models.BooleanField(default=True)
    frame_rate = models.IntegerField(null=True, blank=True)
    # Kept as the JSON string the client sent (`{"width":640,"height":480}`), because
    # that string is what the protocol hands back to everyone.
    video_dimensions = models.CharField(max_length=128, blank=True, default="")
    filter = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.stream_id


class Subscription(models.Model):
    """A connection receiving a stream of another connection."""

    subscriber = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="subscriptions"
    )
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "stream"],
                condition=Q(closed_at__isnull=True),
                name="rooms_one_open_subscription_per_stream",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} <- {self.stream}"


class RoomEvent(models.Model):
    """One entry of a room's history: OpenVidu's call detail record (CDR).

    Written in the transaction of the change it tells of, so history and state never
    disagree. `payload` is the event exactly as OpenVidu's webhook posts it (without
    the "event" key): sessionId, uniqueSessionId, timestamp and the event's own fields.
    """

    class Name(models.TextChoices):
        SESSION_CREATED = "sessionCreated"
        SESSION_DESTROYED = "sessionDestroyed"
        PARTICIPANT_JOINED = "participantJoined"
        PARTICIPANT_LEFT = "participantLeft"
        WEBRTC_CONNECTION_CREATED = "webrtcConnectionCreated"
        WEBRTC_CONNECTION_DESTROYED = "webrtcConnectionDestroyed"
        RECORDING_STATUS_CHANGED = "recordingStatusChanged"
        SIGNAL_SENT = "signalSent"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="history")
    name = models.CharField(max_length=32, choices=Name.choices)
    at = models.DateTimeField(db_index=True)
    # The participant the event is about, if any: the timeline's "who".
    connection_id = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["room", "id"])]

    def __str__(self) -> str:
        return f"{self.name} in {self.room.session_id}"

    def as_webhook(self) -> dict[str, object]:
        """The body OpenVidu's webhook posts for this event."""
        return {**self.payload, "event": self.name}


class Admission(models.Model):
    """A person's request to enter a private page room, and its owner's answer.

    The waiting room of the room pages (rooms.admissions): a logged-in person who is not
    the owner gets no seat until the owner admits them. One row per person and room row,
    so a room that closes forgets its answers along with its people.
    """

    class State(models.TextChoices):
        WAITING = "waiting"
        ADMITTED = "admitted"
        REFUSED = "refused"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="admissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_admissions"
    )
    # The display name the person would join with, as the owner sees it.
    name = models.CharField(max_length=40)
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    asked_at = models.DateTimeField(default=timezone.now)
    # The waiting page asks again every few seconds; a request not asked again lately
    # is someone who gave up, and the owner no longer sees it.
    seen_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="rooms_one_admission_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.room} ({self.state})"
