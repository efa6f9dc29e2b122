"""The order in which writers lock rows, and a bounded retry when the database says no.

Every transaction that changes a seat or a stream locks its room's row first
(`lock_room`), then the seat, then the stream. Inserting a history row or a stream
takes a key-share lock on the room (its foreign key); a writer that held a seat and
then needed the room, while `close_room` held the room and needed the seat, was a
deadlock on PostgreSQL. With one order there is no cycle.

Serialization failures and deadlocks can still come from elsewhere (another
application on the same database, a future query); `retrying` runs the whole
transaction again a few times before it gives up.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

from rooms.models import Room

logger = logging.getLogger(__name__)

# PostgreSQL's serialization_failure and deadlock_detected.
RETRIED_SQLSTATES = {"40001", "40P01"}
ATTEMPTS = 4

P = ParamSpec("P")
R = TypeVar("R")


def lock_room(room_pk: int) -> Room:
    """The room's row, locked for the transaction: the first lock a seat's writer takes."""
    return Room.objects.select_for_update().get(pk=room_pk)


def _is_conflict(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRIED_SQLSTATES


def retrying(function: Callable[P, R]) -> Callable[P, R]:
    """Run an atomic function again after a deadlock or serialization failure.

    Only at the outermost transaction: inside another one, the failure has aborted the
    outer transaction too, so it is the outer one that must start again.
    """

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            return function(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                if attempt == ATTEMPTS or not _is_conflict(error):
                    raise
                logger.info("%s: %s; attempt %d again", function.__name__, error, attempt + 1)
                # A short, jittered pause: the other transaction finishes meanwhile.
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    return run
