"""Recordings in the operators' console: status, duration, size, a player and a download."""

from __future__ import annotations

import contextlib
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from recordings import service
from recordings.models import Recording
from recordings.properties import InvalidProperties
from recordings.runtime import runtime
from rooms.admin import RoomAdmin
from rooms.admin_mixins import NoAdding


@admin.register(Recording)
class RecordingAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "recording_id",
        "session_id",
        "output_mode",
        "status",
        "duration_shown",
        "size_shown",
        "created_at",
    ]
    list_filter = ["status", "output_mode"]
    search_fields = ["recording_id", "session_id", "name"]
    readonly_fields = [field.name for field in Recording._meta.fields] + ["player"]
    actions = ["stop_recordings"]

    @admin.display(description="duration", ordering="duration")
    def duration_shown(self, recording: Recording) -> str:
        minutes, seconds = divmod(int(recording.duration), 60)
        return f"{minutes}:{seconds:02d}"

    @admin.display(description="size", ordering="size")
    def size_shown(self, recording: Recording) -> str:
        return f"{recording.size / 1_000_000:.1f} MB"

    @admin.display(description="file")
    def player(self, recording: Recording) -> str:
        if recording.status != Recording.Status.READY:
            return "-"
        url = reverse("recording-file", args=[recording.recording_id, recording.file_name])
        if recording.extension == "zip":
            return format_html('<a href="{}" download>Download {}</a>', url, recording.file_name)
        tag = "video" if recording.has_video else "audio"
        return format_html(
            '<{} src="{}" controls preload="metadata" style="max-width:640px"></{}><br><a href="{}" download>Download {}</a>',
            tag,
            url,
            tag,
            url,
            recording.file_name,
        )

    @admin.action(description="Stop the selected recordings")
    def stop_recordings(self, request: HttpRequest, queryset: QuerySet[Recording]) -> None:
        stopped = 0
        for recording_id in queryset.filter(status=Recording.Status.STARTED).values_list(
            "recording_id", flat=True
        ):
            try:
                async_to_sync(runtime.stop)(recording_id)
                stopped += 1
            except service.RecordingRefused as refusal:
                self.message_user(request, f"{recording_id}: {refusal.message}", messages.WARNING)
        self.message_user(request, f"Stopped {stopped} recording(s).", messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        import shutil

        with contextlib.suppress(ValueError):  # a name that is not a folder of its own
            shutil.rmtree(service.directory_of(obj.recording_id), ignore_errors=True)
        super().delete_model(request, obj)


@admin.action(description="Start recording the selected rooms (their default properties)")
def start_recording(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for room in queryset.filter(closed_at__isnull=True):
        try:
            recording = async_to_sync(runtime.start)(room.session_id, {})
            modeladmin.message_user(
                request, f"Recording {recording.recording_id} started.", messages.SUCCESS
            )
        except (service.RecordingRefused, InvalidProperties) as refusal:
            modeladmin.message_user(
                request, f"{room.session_id}: {refusal.message}", messages.WARNING
            )


@admin.action(description="Stop recording the selected rooms")
def stop_recording(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    for room in queryset:
        active = service.active_recording_of(room.pk)
        if active is None:
            continue
        try:
            async_to_sync(runtime.stop)(active[0])
            modeladmin.message_user(request, f"Recording {active[0]} stopped.", messages.SUCCESS)
        except service.RecordingRefused as refusal:
            modeladmin.message_user(request, f"{active[0]}: {refusal.message}", messages.WARNING)


# The rooms app knows nothing of recordings: this app adds its actions to the room list.
RoomAdmin.actions = [*RoomAdmin.actions, start_recording, stop_recording]
