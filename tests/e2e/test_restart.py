"""The server is killed mid-call and started again: no ghosts, and the pages come back.

`kill -9` is the crash that leaves everything behind: no handler runs, the seats stay
`active` in the database. The server started again on the same node closes them
(openviduServerStopped), and the room pages, which said the server could not be
reached, take new seats in the same room by themselves.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import pytest
from django.db import connection
from playwright.sync_api import expect

from rooms.models import Connection, Room
from tests.browser import MEDIA_ENVIRONMENT
from tests.e2e.people import join, open_panel, open_room_from_home, tile, wait_until_video_plays
from tests.live_server import RestartableServer, database_url

pytestmark = pytest.mark.e2e

STOPPED = "openviduServerStopped"
UNREACHABLE = "The server can't be reached. Trying again…"
# The page's own reconnection gives up after 15 s before it says the server is away.
AWAY_MS = 40_000


@pytest.fixture
def site(transactional_db: None) -> Iterator[RestartableServer]:
    with contextlib.ExitStack() as stack:
        yield RestartableServer(
            stack,
            database=database_url(connection.settings_dict),
            secret=secrets.token_urlsafe(24),
            debug=True,
            extra_env=MEDIA_ENVIRONMENT,
        )


def _seats(session_id: str) -> list[tuple[str, str]]:
    return list(
        Connection.objects.filter(room__session_id=session_id)
        .order_by("pk")
        .values_list("status", "close_reason")
    )


def test_a_killed_server_leaves_no_ghosts_and_the_pages_rejoin(new_page, site):
    alice, bob = new_page(), new_page()
    open_room_from_home(alice, "restart", "restart")
    join(alice, "Alice")
    bob.goto("/rooms/restart/")
    join(bob, "Bob")
    wait_until_video_plays(alice, "Bob")
    wait_until_video_plays(bob, "Alice")
    first_room = Room.objects.get(session_id="restart", closed_at__isnull=True)

    site.kill()
    for page in (alice, bob):
        expect(page.locator("#call-alert")).to_have_text(UNREACHABLE, timeout=AWAY_MS)
    # Nobody closed anything: the crash left the seats behind.
    assert Connection.objects.filter(room=first_room, status="active").count() == 2

    site.start_again()

    # The seats the dead process held are closed, with OpenVidu's reason, and so is
    # the room they were in.
    first_room.refresh_from_db()
    assert first_room.close_reason == STOPPED
    assert set(_seats("restart")[:2]) == {("closed", STOPPED)}
    # Both pages come back by themselves, with their names and their cameras.
    for page, other in ((alice, "Bob"), (bob, "Alice")):
        expect(page.locator("#call-state")).to_have_text("Connected")
        expect(page.locator("#call-alert")).to_be_hidden()
        page.evaluate("window.firstTimes = {}")
        wait_until_video_plays(page, other)

    # Someone new sees the two who are there, and nobody stale.
    carol = new_page()
    carol.goto("/rooms/restart/")
    join(carol, "Carol")
    wait_until_video_plays(carol, "Alice")
    wait_until_video_plays(carol, "Bob")
    expect(carol.locator("figure.tile:not(.local)")).to_have_count(2)
    open_panel(carol)
    expect(carol.locator("#people li")).to_have_count(3)
    expect(tile(carol, "Alice")).to_have_count(1)
    room = Room.objects.get(session_id="restart", closed_at__isnull=True)
    assert room.pk != first_room.pk
    assert Connection.objects.filter(room=room, status="active").count() == 3
