"""The waiting room of private page rooms: who asked to come in, and the owner's answer.

OpenVidu has no waiting room; this is the room pages' own. In a private room the
adapter's `must_wait` (by default: everyone but the owner) says who waits. Such a person
gets no seat, hence no token and no joinRoom, until the owner admits them: the token
endpoint asks `ask` on each of the waiting page's tries, and the owner's page lists
`waiting` and answers with `decide`.

What is kept is bounded: one row per person and room row (a reopened room starts with
an empty waiting room, and the rows of its closed predecessors go when someone asks
again), and at most MAX_WAITING people waiting at once in a room.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from rooms.models import Admission, Room

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The waiting page asks every 2 s; a request not asked again for this long is someone
# who closed the page, and the owner no longer sees it.
STILL_WAITING = timedelta(seconds=15)
MAX_WAITING = 20


class TooManyWaiting(Exception):
    """The room's waiting room is full."""


def _fresh(room: Room) -> QuerySet[Admission]:
    since = timezone.now() - STILL_WAITING
    return Admission.objects.filter(room=room, state=Admission.State.WAITING, seen_at__gte=since)


def ask(room: Room, user: User, name: str) -> Admission:
    """This person's request to enter the open room `room`, made or renewed.

    Returns the row whatever its state: admitted and refused stay as the owner said.
    Raises TooManyWaiting when a new request would not fit.
    """
    now = timezone.now()
    existing = Admission.objects.filter(room=room, user=user).first()
    if existing is not None:
        if existing.state == Admission.State.WAITING:
            existing.name, existing.seen_at = name, now
            existing.save(update_fields=["name", "seen_at"])
        return existing
    if _fresh(room).count() >= MAX_WAITING:
        raise TooManyWaiting(room.session_id)
    # The answers given in this name's closed rooms are history nobody reads.
    Admission.objects.filter(
        room__session_id=room.session_id, room__closed_at__isnull=False
    ).delete()
    try:
        with transaction.atomic():
            return Admission.objects.create(room=room, user=user, name=name, seen_at=now)
    except IntegrityError:
        # The same person asked twice at once (two tabs): one row wins.
        return Admission.objects.get(room=room, user=user)


def waiting(room: Room) -> list[Admission]:
    """The people waiting now to enter the room, first come first."""
    return list(_fresh(room).select_related("user").order_by("asked_at", "pk")[:MAX_WAITING])


def withdraw(room: Room, user: User) -> bool:
    """The person stopped waiting: their request goes (an answer already given stays)."""
    deleted, _ = Admission.objects.filter(
        room=room, user=user, state=Admission.State.WAITING
    ).delete()
    return deleted > 0


def decide(room: Room, admission_id: int, *, admit: bool) -> Admission | None:
    """The owner's answer to a request of this room; None if there is no such request."""
    with transaction.atomic():
        admission = Admission.objects.select_for_update().filter(room=room, pk=admission_id).first()
        if admission is None:
            return None
        admission.state = Admission.State.ADMITTED if admit else Admission.State.REFUSED
        admission.decided_at = timezone.now()
        admission.save(update_fields=["state", "decided_at"])
        return admission
