"""A person who blocked the camera and microphone: the join screen says so and how to
allow them, its toggles are off, and joining still works."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import chromium
from tests.e2e.people import join, open_room_from_home

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A Chromium that answers no camera or microphone prompt, with no permission granted
    to its pages: what a person who pressed "Block" has (getUserMedia: NotAllowedError)."""
    with chromium(answer_device_prompts=False) as launched:
        yield launched


def test_blocked_camera_and_microphone_uncheck_themselves_and_say_how_to_allow_them(new_page, site):
    page = new_page()
    open_room_from_home(page, "Blocked", "blocked")
    expect(page.locator("#device-message")).to_contain_text("Allow them in the site settings")
    for label in ("Camera on", "Microphone on"):
        checkbox = page.get_by_label(label)
        expect(checkbox).not_to_be_checked()
        expect(checkbox).to_be_disabled()
    join(page, "Bea")
    expect(page.get_by_role("button", name="Start camera")).to_be_visible()
    expect(page.locator("#alone")).to_be_visible()
