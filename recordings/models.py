"""Recordings of rooms, OpenVidu-compatible: one row per recording, its files on disk."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rooms.models import Room


class Recording(models.Model):
    class OutputMode(models.TextChoices):
        COMPOSED = "COMPOSED"
        COMPOSED_QUICK_START = "COMPOSED_QUICK_START"
        INDIVIDUAL = "INDIVIDUAL"

    class Status(models.TextChoices):
        STARTING = "starting"
        STARTED = "started"
        STOPPED = "stopped"
        READY = "ready"
        FAILED = "failed"

    ACTIVE = (Status.STARTING, Status.STARTED)

    recording_id = models.CharField(max_length=128, unique=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="recordings")
    session_id = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    output_mode = models.CharField(
        max_length=24, choices=OutputMode.choices, default=OutputMode.COMPOSED
    )
    has_audio = models.BooleanField(default=True)
    has_video = models.BooleanField(default=True)
    recording_layout = models.CharField(max_length=32, default="BEST_FIT")
    custom_layout = models.CharField(max_length=500, blank=True, default="")
    resolution = models.CharField(max_length=9, default="1280x720")
    frame_rate = models.IntegerField(default=25)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.STARTING)
    reason = models.CharField(max_length=64, blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    size = models.BigIntegerField(default=0)
    duration = models.FloatField(default=0.0)  # seconds
    # The file a browser plays or downloads: <name>.mp4, <name>.webm or <name>.zip.
    file_name = models.CharField(max_length=255, blank=True, default="")
    thumbnail_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One recording at a time per room, as in OpenVidu (409 otherwise).
            models.UniqueConstraint(
                fields=["room"],
                condition=models.Q(status__in=["starting", "started"]),
                name="recordings_one_active_per_room",
            )
        ]

    def __str__(self) -> str:
        return self.recording_id

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_composed(self) -> bool:
        return self.output_mode != self.OutputMode.INDIVIDUAL

    @property
    def extension(self) -> str:
        if not self.is_composed:
            return "zip"
        return "mp4" if self.has_video else "webm"
