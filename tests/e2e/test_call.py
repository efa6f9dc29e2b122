"""Two people on the room page: they see and hear each other, mute, chat, and one leaves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.people import (
    join,
    open_panel,
    open_room_from_home,
    tile,
    wait_until_everything_is_released,
    wait_until_video_plays,
)

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]


def test_two_people_see_each_other_mute_chat_and_one_leaves(new_page, site):
    alice, bob = new_page(), new_page()
    open_room_from_home(alice, "Team Stand-up", "team-stand-up")
    assert alice.url.endswith("/rooms/team-stand-up/")
    join(alice, "Alice")
    bob.goto("/rooms/team-stand-up/")
    join(bob, "Bob")

    wait_until_video_plays(alice, "Bob")
    wait_until_video_plays(bob, "Alice")
    expect(tile(alice, "Bob").locator("figcaption")).to_have_text("Bob")

    # The fake microphone beeps: Bob sees Alice speak, and stop when she mutes.
    expect(tile(bob, "Alice")).to_have_attribute("data-speaking", "true")
    microphone = alice.get_by_role("button", name="Microphone")
    camera = alice.get_by_role("button", name="Camera", exact=True)
    expect(microphone).to_have_attribute("aria-pressed", "true")
    microphone.click()
    expect(microphone).to_have_attribute("aria-pressed", "false")
    expect(tile(bob, "Alice").locator("figcaption")).to_have_text("Alice (microphone off)")
    expect(tile(bob, "Alice")).to_have_attribute("data-speaking", "false")
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "false")
    expect(tile(bob, "Alice")).to_have_attribute("data-video", "off")
    microphone.click()
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "true")
    expect(tile(bob, "Alice").locator("figcaption")).to_have_text("Alice")
    expect(tile(bob, "Alice")).to_have_attribute("data-video", "on")

    open_panel(alice)
    open_panel(bob)
    expect(bob.locator("#people li")).to_have_count(2)
    alice.get_by_label("Message to everyone").fill("Hello Bob")
    alice.get_by_role("button", name="Send").click()
    expect(bob.locator("#messages .message").last).to_contain_text("Alice: Hello Bob")

    screenshot = os.environ.get("ROOMS_SCREENSHOT")
    if screenshot:
        bob.screenshot(path=str(BASE_DIR / screenshot))

    bob.get_by_role("button", name="Leave").click()
    expect(bob.get_by_role("heading", name="You left the room")).to_be_visible()
    wait_until_everything_is_released(bob)
    expect(tile(alice, "Bob")).to_have_count(0)
    expect(alice.locator("#messages .notice").last).to_contain_text("Bob left the room.")
    expect(alice.locator("#people li")).to_have_count(1)
