"""The recordings app's answers to `rooms.hooks`: whether a room is being recorded.

The one rule for "in progress" (`Recording.ACTIVE`: starting or started) is applied
here for the rooms app, which never queries recordings itself.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from recordings.app_settings import app_settings
from recordings.models import Recording
from rooms.models import Room


class RecordingsState:
    def in_progress(self, room: Room) -> tuple[str, str] | None:
        found = (
            Recording.objects.filter(room=room, status__in=Recording.ACTIVE)
            .values_list("recording_id", "name")
            .first()
        )
        return None if found is None else (found[0], found[1])

    def annotate(self, rooms: QuerySet[Room]) -> QuerySet[Room]:
        return rooms.annotate(
            active_recordings=Count("recordings", filter=Q(recordings__status__in=Recording.ACTIVE))
        )

    def is_recording(self, room: Room) -> bool:
        annotated = getattr(room, "active_recordings", None)
        if annotated is not None:
            return bool(annotated)
        return Recording.objects.filter(room=room, status__in=Recording.ACTIVE).exists()

    def control_url(self, room_name: str) -> str | None:
        # No button while recording is off, nor on a host site that does not route it
        # (recordings.urls.page_urlpatterns).
        if not app_settings.RECORDING:
            return None
        try:
            return reverse("room-recording", args=[room_name])
        except NoReverseMatch:
            return None

    def notified_roles(self) -> list[str]:
        return app_settings.NOTIFIED_ROLES


state = RecordingsState()
