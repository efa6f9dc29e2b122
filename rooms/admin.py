"""The operators' console: rooms, their participants and streams.

Every state change here goes through `rooms.services`, exactly as the REST API's does,
so an eviction from the admin tells the room the same things an API eviction does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rooms import services
from rooms.admin_mixins import KeptRows, NoAdding, ReadOnly
from rooms.history import timeline
from rooms.models import Admission, Connection, Room, RoomEvent, Stream, Subscription

# The room page shows at most this many events of its timeline; the history list
# (RoomEvent admin) and `manage.py export_history` have them all.
TIMELINE_LIMIT = 500

_CONNECTION_COLUMNS: tuple[str, ...] = (
    "connection_id",
    "role",
    "status",
    "client_data",
    "ip",
    "created_at",
    "active_at",
    "closed_at",
    "close_reason",
)
_SUBSCRIPTION_COLUMNS: tuple[str, ...] = ("subscriber", "created_at", "closed_at")


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("closed", "Closed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "open":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


class ConnectionInline(NoAdding, admin.TabularInline):  # type: ignore[type-arg]
    model = Connection
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = _CONNECTION_COLUMNS


@admin.register(Room)
class RoomAdmin(KeptRows, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "session_id",
        "created_at",
        "closed_at",
        "participants",
        "invited",
        "recording_mode",
        "owner",
    ]
    list_filter = [OpenFilter, "recording_mode", "media_mode", "forced_video_codec"]
    search_fields = ["session_id", "owner__username", "connections__connection_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "session_id",
        "custom_session_id",
        "created_at",
        "closed_at",
        "close_reason",
        "room_timeline",
    ]
    inlines = [ConnectionInline]
    actions = ["close_rooms"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Room]:
        rooms: QuerySet[Room] = super().get_queryset(request)
        return rooms.select_related("owner").annotate(
            active_count=Count(
                "connections", filter=Q(connections__status=Connection.Status.ACTIVE)
            ),
            pending_count=Count(
                "connections", filter=Q(connections__status=Connection.Status.PENDING)
            ),
        )

    @admin.display(description="in the room", ordering="active_count")
    def participants(self, room: Room) -> int:
        return int(getattr(room, "active_count", 0))

    @admin.display(description="invited, not joined", ordering="pending_count")
    def invited(self, room: Room) -> int:
        return int(getattr(room, "pending_count", 0))

    @admin.display(description="timeline")
    def room_timeline(self, room: Room) -> SafeString:
        events = list(room.history.order_by("pk")[: TIMELINE_LIMIT + 1])
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.event, entry.who, entry.what)
                for entry in timeline.entries(events[:TIMELINE_LIMIT])
            ),
        )
        more = (
            format_html("<p>Only the first {} events are shown.</p>", TIMELINE_LIMIT)
            if len(events) > TIMELINE_LIMIT
            else ""
        )
        return format_html(
            '<table class="room-timeline"><thead><tr><th>when</th><th>event</th>'
            "<th>who</th><th>what</th></tr></thead><tbody>{}</tbody></table>{}",
            rows or format_html('<tr><td colspan="4">Nothing has happened yet.</td></tr>'),
            more,
        )

    @admin.action(description="Close the selected rooms (evicts everyone in them)")
    def close_rooms(self, request: HttpRequest, queryset: QuerySet[Room]) -> None:
        closed = sum(services.close_room(room) for room in queryset.filter(closed_at__isnull=True))
        self.message_user(request, f"Closed {closed} room(s).", messages.SUCCESS)


@admin.register(Connection)
class ConnectionAdmin(KeptRows, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "connection_id",
        "room",
        "role",
        "type",
        "status",
        "ip",
        "created_at",
        "active_at",
        "closed_at",
    ]
    list_filter = ["status", "role", "type"]
    search_fields = ["connection_id", "room__session_id", "client_data", "server_data", "ip"]
    list_select_related = ["room"]
    readonly_fields = [field.name for field in Connection._meta.fields]
    actions = ["disconnect"]

    @admin.action(description="Revoke the invitation, or evict the participant")
    def disconnect(self, request: HttpRequest, queryset: QuerySet[Connection]) -> None:
        ended = sum(
            services.destroy_connection(connection)
            for connection in queryset.exclude(status=Connection.Status.CLOSED)
        )
        self.message_user(request, f"Disconnected {ended} connection(s).", messages.SUCCESS)


class SubscriptionInline(NoAdding, admin.TabularInline):  # type: ignore[type-arg]
    model = Subscription
    extra = 0
    can_delete = False
    fields = readonly_fields = _SUBSCRIPTION_COLUMNS


@admin.register(Stream)
class StreamAdmin(KeptRows, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "stream_id",
        "connection",
        "type_of_video",
        "has_audio",
        "has_video",
        "created_at",
        "closed_at",
    ]
    list_filter = ["type_of_video", "has_audio", "has_video"]
    search_fields = ["stream_id", "connection__connection_id", "connection__room__session_id"]
    list_select_related = ["connection"]
    readonly_fields = [field.name for field in Stream._meta.fields]
    inlines = [SubscriptionInline]
    actions = ["unpublish"]

    @admin.action(description="Stop the selected streams")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Stream]) -> None:
        stopped = sum(
            services.unpublish_stream(stream) for stream in queryset.filter(closed_at__isnull=True)
        )
        self.message_user(request, f"Stopped {stopped} stream(s).", messages.SUCCESS)


@admin.register(RoomEvent)
class RoomEventAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Every room's history, searchable: OpenVidu's CDR as a list."""

    list_display = ["at", "name", "room", "connection_id"]
    list_filter = ["name"]
    search_fields = ["room__session_id", "connection_id"]
    date_hierarchy = "at"
    list_select_related = ["room"]
    readonly_fields = ["room", "name", "at", "connection_id", "payload"]


@admin.register(Admission)
class AdmissionAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """The waiting rooms of private page rooms: who asked, and the owner's answer.

    Read-only: only the owner answers, from the room page (rooms.admissions).
    """

    list_display = ["asked_at", "room", "name", "user", "state", "decided_at"]
    list_filter = ["state"]
    search_fields = ["room__session_id", "name", "user__username"]
    list_select_related = ["room", "user"]
    readonly_fields = ["room", "user", "name", "state", "asked_at", "seen_at", "decided_at"]
