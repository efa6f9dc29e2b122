"""Admin permissions for rows that only the domain's services write.

Rooms, seats, streams, history and deliveries are made by the API, the pages and the
signaling (which set ids, defaults and events); the admin shows them and acts on them
through services, and never adds them by hand. Most are never deleted either: their
rows are the history. Mix these into a `ModelAdmin` or an inline, before the admin base.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class NoAdding:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoDeleting:
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NoChanging:
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class KeptRows(NoAdding, NoDeleting):
    """Shown and acted on, never added or deleted."""


class ReadOnly(NoAdding, NoDeleting, NoChanging):
    """Shown only."""
