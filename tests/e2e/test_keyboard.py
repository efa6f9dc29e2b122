"""A person who uses only the keyboard: from the home page into a call and out again,
every control reached with Tab in the order of the screen, its focus visible, and the
shortcuts of the help dialog doing what they say."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.people import tile, wait_until_video_plays

pytestmark = pytest.mark.e2e

# The focused element: its accessible name as a test reads it, and whether a person can
# see where the focus is (an outline of at least 2 px, not hidden by the element's style).
FOCUSED = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const label = element.getAttribute("aria-label") || element.labels?.[0]?.textContent || element.textContent;
  const box = element.getBoundingClientRect();
  return {
    name: label.trim().replace(/\\s+/g, " "),
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.bottom > 0 && box.top < window.innerHeight,
  };
}
"""

CONTROLS = [
    "Microphone",
    "Camera",
    "Share screen",
    "Speaker view",
    "People and chat",
    "Settings",
    "Leave",
]


def tab_to(page: Any, name: str, *, seen: list[str] | None = None, limit: int = 60) -> None:
    """Press Tab until `name` has the focus; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"the focus on {focused['name']!r} cannot be seen"
        assert focused["onScreen"], f"the focus on {focused['name']!r} is off screen"
        if seen is not None:
            seen.append(focused["name"])
        if focused["name"] == name:
            return
    raise AssertionError(f"{name!r} is not reachable with Tab; met {seen}")


def test_from_the_home_page_into_the_call_and_out_with_the_keyboard(new_page):
    page = new_page()
    page.goto("/")
    # The room name field has the focus (autofocus).
    page.keyboard.type("Keyboard only")
    tab_to(page, "Go to the room")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Join “keyboard-only”")).to_be_visible()

    tab_to(page, "Your name")
    page.keyboard.type("Kim")
    tab_to(page, "Join the room")
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible()

    other = new_page()
    other.goto("/rooms/keyboard-only/")
    other.get_by_label("Your name").fill("Lou")
    other.get_by_role("button", name="Join the room").click()
    wait_until_video_plays(page, "Lou")

    # Tab meets the call from top to bottom: the bar, the tiles, the side, the controls.
    seen: list[str] = []
    tab_to(page, "Leave", seen=seen)
    controls = [name for name in seen if name in CONTROLS]
    assert controls == CONTROLS, seen
    assert seen.index("Keyboard shortcuts") < seen.index("Pin Lou") < seen.index("Microphone")

    # The shortcuts of the help dialog.
    microphone = page.get_by_role("button", name="Microphone")
    camera = page.get_by_role("button", name="Camera", exact=True)
    page.keyboard.press("Control+d")
    expect(microphone).to_have_attribute("aria-pressed", "false")
    expect(tile(other, "Kim")).to_have_attribute("data-audio", "off")
    page.keyboard.press("Control+d")
    expect(microphone).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Control+e")
    expect(camera).to_have_attribute("aria-pressed", "false")
    expect(tile(other, "Kim")).to_have_attribute("data-video", "off")
    page.keyboard.press("Control+e")
    expect(camera).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("Alt+k")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_role("row")).to_have_count(8)
    expect(
        help_dialog.get_by_role("row").filter(has_text="Turn the microphone on or off")
    ).to_contain_text("Ctrl+D")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
    # Closing a dialog gives the focus back where it was.
    assert page.evaluate(FOCUSED)["name"] == "Leave"

    page.keyboard.press("Alt+s")
    settings = page.get_by_role("dialog", name="Camera, microphone and speaker")
    expect(settings).to_be_visible()
    # The focus is in the dialog, and Tab never reaches the call behind it (after the
    # dialog's last control it goes to the browser's own controls: the body here).
    assert page.evaluate("() => !!document.activeElement.closest('dialog[open]')")
    for _ in range(10):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => document.activeElement === document.body"
            " || !!document.activeElement.closest('dialog[open]')"
        )
    page.keyboard.press("Escape")
    expect(settings).to_be_hidden()

    page.keyboard.press("Alt+l")
    expect(page.locator("#grid")).to_have_attribute("data-view", "speaker")
    page.keyboard.press("Alt+l")
    expect(page.locator("#grid")).to_have_attribute("data-view", "grid")

    # Leave, by the button the focus is on.
    page.keyboard.press("Enter")
    ended = page.get_by_role("heading", name="You left the room")
    expect(ended).to_be_focused()
    expect(tile(other, "Kim")).to_have_count(0)
    tab_to(page, "Join again")
