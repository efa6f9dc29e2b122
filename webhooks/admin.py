"""Webhook deliveries in the admin: what was posted, how it went, and "send again"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from rooms.admin_mixins import KeptRows
from webhooks import outbox
from webhooks.models import WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(KeptRows, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "created_at",
        "event_name",
        "room",
        "status",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_name"]
    search_fields = ["room__session_id", "delivery_id", "last_error"]
    date_hierarchy = "created_at"
    list_select_related = ["room"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    actions = ["send_again"]

    @admin.action(description="Send the selected deliveries again", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = outbox.resend(queryset)
        self.message_user(request, f"{count} delivery(ies) queued again.", messages.SUCCESS)
