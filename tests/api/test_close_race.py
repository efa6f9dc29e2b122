"""DELETE /sessions/{id} racing ten joinRooms, on separate database connections.

Each joiner and the closer run in a thread of their own, as requests served by
different server processes do, so their transactions really overlap. On PostgreSQL
the fixed lock order (room, then seat, then stream) is what keeps them from
deadlocking; on SQLite the writers queue. Twenty runs; every request must answer as
OpenVidu would (a seat, or "the session is closed"), and no seat may outlive the room.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from rooms import participation, services
from rooms.models import Connection
from tests.conftest import SECRET, basic

pytestmark = pytest.mark.django_db(transaction=True)

JOINERS = 10
RUNS = 20


def _in_thread(barrier, outcomes, work):
    def run():
        try:
            barrier.wait()
            outcomes.append(("ok", work()))
        except (services.RoomIsClosed, services.InvalidToken) as refused:
            outcomes.append(("refused", type(refused).__name__))
        except Exception as error:
            outcomes.append(("error", repr(error)))
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def _close_over_rest():
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic("OPENVIDUAPP", SECRET))
    return client.delete("/openvidu/api/sessions/race").status_code


@pytest.mark.parametrize("run", range(RUNS))
def test_closing_a_session_while_ten_join(run):
    room = services.create_room(services.RoomProperties(session_id="race"))
    tokens = [
        services.create_connection(room, services.ConnectionProperties()).token
        for _ in range(JOINERS)
    ]
    # One participant is in already, so the room is not closed by its last one leaving.
    first = services.create_connection(room, services.ConnectionProperties())
    assert first.token is not None
    participation.join(first.token, "race", client_data="", ip="", platform="")
    barrier = threading.Barrier(JOINERS + 1)
    outcomes: list[tuple[str, object]] = []
    threads = [
        _in_thread(
            barrier,
            outcomes,
            lambda token=token: (
                participation.join(token, "race", client_data="", ip="127.0.0.1", platform="race")[
                    0
                ].connection_id
            ),
        )
        for token in tokens
    ]
    threads.append(_in_thread(barrier, outcomes, _close_over_rest))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    errors = [outcome for outcome in outcomes if outcome[0] == "error"]
    assert errors == []
    assert ("ok", 204) in outcomes
    assert len(outcomes) == JOINERS + 1
    # The room is closed, and so is every seat: joined before the close, or refused after.
    room.refresh_from_db()
    assert room.closed_at is not None
    assert (
        not Connection.objects.filter(room=room).exclude(status=Connection.Status.CLOSED).exists()
    )
