"""The stage at 1, 2, 4, 9 and 16 people, on a desktop and a phone: every tile inside the
window and off the control bar, no two overlapping, 16:9, no horizontal scroll, the
control bar on screen; and the speaker view a screen share or a pin brings.

`ROOMS_SCREENSHOTS=docs/images` saves the pictures of the README and docs/pages.md.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import DEADLINE_MS
from tests.e2e.crowd import add_guests, crowd_page
from tests.e2e.people import join, open_room_from_home, wait_until_video_plays

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# What is wrong with the stage, in words; an empty list when nothing is.
LAYOUT_PROBLEMS = """
(count) => {
  const problems = [];
  const width = window.innerWidth;
  const height = window.innerHeight;
  const tiles = [...document.querySelectorAll("#grid figure.tile")];
  if (tiles.length !== count) problems.push(`${tiles.length} tiles, not ${count}`);
  const bar = document.querySelector("nav.controls").getBoundingClientRect();
  if (bar.top < 0 || bar.bottom > height + 0.5 || bar.height === 0) problems.push(`control bar off screen: ${bar.top}-${bar.bottom}`);
  if (document.documentElement.scrollWidth > width) problems.push(`horizontal scroll: ${document.documentElement.scrollWidth} > ${width}`);
  const rects = tiles.map((tile) => tile.getBoundingClientRect());
  rects.forEach((r, i) => {
    const name = tiles[i].dataset.name;
    if (r.width < 40 || r.height < 20) problems.push(`${name} too small: ${r.width}x${r.height}`);
    if (r.left < 0 || r.top < 0 || r.right > width + 0.5 || r.bottom > height + 0.5) problems.push(`${name} outside the window`);
    if (r.bottom > bar.top + 0.5) problems.push(`${name} under the control bar`);
    if (Math.abs(r.width - (r.height * 16) / 9) > 3) problems.push(`${name} not 16:9: ${r.width}x${r.height}`);
    rects.forEach((o, j) => {
      if (j > i && r.left < o.right - 0.5 && o.left < r.right - 0.5 && r.top < o.bottom - 0.5 && o.top < r.bottom - 0.5) {
        problems.push(`${name} overlaps ${tiles[j].dataset.name}`);
      }
    });
  });
  return problems;
}
"""


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def new_context(browser: Any, site: Any) -> Iterator[Any]:
    """Browser contexts of a given size, without animations (tiles are measured at rest)."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(
            base_url=site.url, viewport=viewport, reduced_motion="reduce", **options
        )
        context.set_default_timeout(DEADLINE_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def check_layout(page: Any, count: int) -> None:
    # On a timeout, the assertion below says what is wrong.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            f"(count) => ({LAYOUT_PROBLEMS})(count).length === 0",
            arg=count,
            timeout=DEADLINE_MS,
            polling=200,
        )
    assert page.evaluate(LAYOUT_PROBLEMS, count) == [], f"at {count} people"


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("ROOMS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(BASE_DIR / folder / name))


@pytest.mark.parametrize(
    ("viewport", "phone"), [(DESKTOP, False), (PHONE, True)], ids=["desktop", "phone"]
)
def test_the_stage_fits_1_to_16_people(new_context, viewport, phone):
    options = {"is_mobile": True, "has_touch": True} if phone else {}
    me = new_context(viewport, **options).new_page()
    open_room_from_home(me, "Layout", "layout")
    # The join screen scrolls only up and down too.
    assert me.evaluate(NO_SIDEWAYS_SCROLL), "the join screen scrolls sideways"
    join(me, "Mia")
    check_layout(me, 1)
    crowd = crowd_page(new_context, "layout")
    added = 0
    for count in (2, 4, 9, 16):
        add_guests(crowd, added + 1, count - 1 - added)
        added = count - 1
        check_layout(me, count)
        if count == 4:
            wait_until_video_plays(me, "Guest 3")
            screenshot(me, "call-phone.png" if phone else "call-desktop.png")
    if phone:
        # The narrowest phones: still no horizontal scroll, the bar still on screen.
        me.set_viewport_size({"width": 360, "height": 740})
        check_layout(me, 16)
        # Leaving and coming back: the join screen fits 360 px too.
        me.goto("/rooms/layout/")
        expect(me.get_by_label("Your name")).to_be_visible()
        assert me.evaluate(NO_SIDEWAYS_SCROLL), "the join screen scrolls sideways at 360 px"
        join(me, "Mia")
        check_layout(me, 16)
        # The people and chat sheet shows the people and the messages.
        me.get_by_role("button", name="People and chat").click()
        expect(me.locator("#people li")).to_have_count(16)
        expect(me.locator("#people li").first).to_be_in_viewport()
        me.get_by_label("Message to everyone").fill("Hello everyone")
        me.get_by_role("button", name="Send").click()
        expect(me.locator("#messages .message").last).to_be_in_viewport()
        expect(me.get_by_role("navigation", name="Call controls")).to_be_in_viewport()
        screenshot(me, "call-phone-people.png")


def test_a_shared_screen_or_a_pin_makes_the_speaker_view(new_context):
    me = new_context().new_page()
    open_room_from_home(me, "Presenting", "presenting")
    join(me, "Mia")
    crowd = crowd_page(new_context, "presenting")
    add_guests(crowd, 1, 3)
    check_layout(me, 4)
    grid = me.locator("#grid")
    expect(grid).to_have_attribute("data-view", "grid")

    # Sharing a screen: it is large, its presenter's camera right beside it.
    me.get_by_role("button", name="Share screen").click()
    expect(me.get_by_role("button", name="Share screen")).to_have_attribute("aria-pressed", "true")
    expect(grid).to_have_attribute("data-view", "speaker")
    tiles = me.locator("#grid figure.tile")
    expect(tiles.first).to_have_attribute("aria-label", "Your screen")
    expect(tiles.first).to_have_class("tile local screen featured")
    expect(tiles.nth(1)).to_have_attribute("aria-label", "Mia (you)")
    expect(me.get_by_role("button", name="Speaker view")).to_have_attribute("aria-pressed", "true")
    check_layout(me, 5)
    big = tiles.first.bounding_box()
    for index in range(1, 5):
        assert tiles.nth(index).bounding_box()["width"] < big["width"] / 2
    screenshot(me, "call-presenting.png")
    me.get_by_role("button", name="Share screen").click()
    expect(grid).to_have_attribute("data-view", "grid")

    # A pin: the pinned person is large until unpinned.
    pin = me.get_by_role("button", name="Pin Guest 2")
    pin.focus()
    me.keyboard.press("Enter")
    expect(pin).to_have_attribute("aria-pressed", "true")
    expect(grid).to_have_attribute("data-view", "speaker")
    expect(tiles.first).to_have_attribute("data-name", "Guest 2")
    check_layout(me, 4)
    pin.click()
    expect(grid).to_have_attribute("data-view", "grid")

    # The speaker view by choice, and back to the grid.
    me.get_by_role("button", name="Speaker view").click()
    expect(grid).to_have_attribute("data-view", "speaker")
    expect(tiles.first).not_to_have_attribute("data-name", "Mia")
    check_layout(me, 4)
    me.keyboard.press("Alt+L")
    expect(grid).to_have_attribute("data-view", "grid")
    expect(me.get_by_role("button", name="Speaker view")).to_have_attribute("aria-pressed", "false")
