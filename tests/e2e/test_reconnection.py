"""A page whose signaling socket drops gets it back by itself and stays in the call."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.people import join, open_panel, open_room_from_home, wait_until_video_plays

pytestmark = pytest.mark.e2e


def test_a_dropped_socket_reconnects_and_the_call_goes_on(new_page, site):
    alice, bob = new_page(), new_page()
    # Alice's signaling goes through Playwright, which can cut it like a network would.
    sockets = []

    def through_playwright(socket):
        socket.connect_to_server()
        sockets.append(socket)

    alice.route_web_socket(re.compile(r"/openvidu\?"), through_playwright)
    open_room_from_home(alice, "flaky", "flaky")
    join(alice, "Alice")
    bob.goto("/rooms/flaky/")
    join(bob, "Bob")
    wait_until_video_plays(alice, "Bob")
    open_panel(alice)
    open_panel(bob)

    sockets[0].close(code=4500, reason="cut by the test")
    expect(alice.locator("#messages .notice").last).to_contain_text("Reconnected.")
    assert "reconnect=true" in sockets[-1].url
    expect(alice.locator("#call-state")).to_have_text("Connected")

    # Still in the room, both ways: signals reach her and she reaches the others.
    bob.get_by_label("Message to everyone").fill("Still there?")
    bob.get_by_role("button", name="Send").click()
    expect(alice.locator("#messages .message").last).to_contain_text("Bob: Still there?")
    alice.get_by_label("Message to everyone").fill("Yes")
    alice.get_by_role("button", name="Send").click()
    expect(bob.locator("#messages .message").last).to_contain_text("Alice: Yes")
    expect(bob.locator("#people li")).to_have_count(2)
