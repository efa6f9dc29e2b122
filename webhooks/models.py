"""Webhook deliveries: each event posted (or to be posted) to the application's endpoint.

A delivery is stored in the transaction that records its event (an outbox), so an
event is never lost between the change and the post, even if the process dies.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from rooms.models import Room, RoomEvent


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        FAILED = "failed", "failed (gave up)"

    # Sent as X-Rooms-Delivery: a receiver drops a delivery it has already handled
    # (a retry after a timeout may repeat one that did arrive).
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(RoomEvent, on_delete=models.CASCADE, related_name="deliveries")
    # The order key: the events of one room are posted one at a time, in order.
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event_name = models.CharField(max_length=32)
    endpoint = models.CharField(max_length=2048)
    # The exact bytes that are signed and posted, the same on every attempt.
    body = models.TextField()
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker holds a delivery until then; a worker that died loses it when it passes.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "room", "id"])]

    def __str__(self) -> str:
        return f"{self.event_name} → {self.endpoint} ({self.status})"
