"""Sharing a screen: a second seat publishing the screen, shown as the sharer's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.people import join, open_panel, open_room_from_home, wait_until_video_plays

pytestmark = pytest.mark.e2e


def test_a_shared_screen_appears_as_the_sharers_and_goes_when_stopped(new_page, site):
    alice, bob = new_page(), new_page()
    open_room_from_home(alice, "demo", "demo")
    join(alice, "Alice")
    bob.goto("/rooms/demo/")
    join(bob, "Bob")

    share = alice.get_by_role("button", name="Share screen")
    share.click()
    expect(share).to_have_attribute("aria-pressed", "true")
    screen = bob.locator('figure.tile.screen[data-name="Alice"]')
    expect(screen.locator("figcaption")).to_have_text("Alice's screen")
    bob.wait_for_function(
        """() => {
            const video = document.querySelector('figure.tile.screen[data-name="Alice"] video');
            return video && video.videoWidth > 0 && video.currentTime > 0.3;
        }"""
    )
    wait_until_video_plays(bob, "Alice")
    # One person, with a screen: not a second participant.
    open_panel(bob)
    expect(bob.locator("#people li")).to_have_count(2)
    expect(bob.locator("#people li", has_text="Alice")).to_contain_text("sharing their screen")
    expect(alice.locator("figure.tile.local.screen figcaption")).to_have_text("Your screen")

    share.click()
    expect(screen).to_have_count(0)
    expect(bob.locator("#people li", has_text="Alice")).not_to_contain_text("sharing")
