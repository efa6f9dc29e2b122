"""axe-core (npm `axe-core`, pinned in the root package.json) on the pages a person
meets: the home page, the join screen, a call with its side panel, the settings and
shortcuts dialogs, and the call on a phone. No serious or critical violation of
WCAG 2.1 A and AA (contrast included) may remain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.people import join, open_panel, open_room_from_home, wait_until_video_plays

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """
async () => {
  const result = await window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  });
  return result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
      .slice(0, 5)
      .map((node) => node.target.join(" "))
      .join(", ")}`);
}
"""


def axe_page(new_page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install-test` (npm ci)")
    page = new_page()
    # An init script, not a <script> tag: the page's CSP allows no inline script, and
    # scripts injected this way are the test's, not the page's.
    page.add_init_script(path=str(AXE))
    return page


def serious_violations(page) -> list[str]:
    return page.evaluate(RUN_AXE)


def test_no_serious_violations_from_the_home_page_to_the_call(new_page):
    ana, ben = axe_page(new_page), new_page()
    ana.goto("/")
    assert serious_violations(ana) == [], "home page"
    open_room_from_home(ana, "Accessible", "accessible")
    expect(ana.locator("#join-button")).to_be_enabled()
    assert serious_violations(ana) == [], "join screen"

    join(ana, "Ana")
    ben.goto("/rooms/accessible/")
    join(ben, "Ben")
    wait_until_video_plays(ana, "Ben")
    open_panel(ana)
    ana.get_by_label("Message to everyone").fill("Hello")
    ana.get_by_role("button", name="Send").click()
    expect(ana.locator("#messages .message")).to_have_count(1)
    ana.get_by_role("button", name="Microphone").click()
    expect(ana.get_by_role("button", name="Microphone")).to_have_attribute("aria-pressed", "false")
    assert serious_violations(ana) == [], "call"
    # The captions region is there and live before any transcription writes to it.
    expect(ana.get_by_role("region", name="Captions")).to_have_attribute("aria-live", "polite")

    ana.get_by_role("button", name="Settings").click()
    expect(ana.get_by_role("dialog", name="Camera, microphone and speaker")).to_be_visible()
    assert serious_violations(ana) == [], "settings dialog"
    ana.keyboard.press("Escape")

    ana.get_by_role("button", name="Keyboard shortcuts").click()
    expect(ana.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert serious_violations(ana) == [], "shortcuts dialog"
    ana.keyboard.press("Escape")

    # A phone: the people and chat sheet over the stage.
    ana.set_viewport_size({"width": 390, "height": 844})
    assert serious_violations(ana) == [], "call on a phone"

    ana.get_by_role("button", name="Leave").click()
    expect(ana.get_by_role("heading", name="You left the room")).to_be_visible()
    assert serious_violations(ana) == [], "the page after leaving"
