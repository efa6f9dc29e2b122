"""The pages under the Content-Security-Policy, in Chromium: nothing is blocked.

A call on the room page (camera, the signaling socket, video from the other person),
the admin after a log-in, and the REST API's docs page; every `securitypolicyviolation`
the browser raises is collected and must stay empty.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.e2e.people import join, open_room_from_home, wait_until_video_plays

pytestmark = pytest.mark.e2e

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _watched(new_page):
    page = new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    blocked: list[str] = []

    def note(message):
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", note)
    return page, blocked


def _violations(page, blocked):
    return [*page.evaluate("window.cspViolations || []"), *blocked]


def test_a_call_on_the_room_page_breaks_no_rule(new_page, site):
    alice, alice_blocked = _watched(new_page)
    bob, bob_blocked = _watched(new_page)
    response = alice.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    open_room_from_home(alice, "Policy", "policy")
    join(alice, "Alice")
    bob.goto("/rooms/policy/")
    join(bob, "Bob")
    wait_until_video_plays(alice, "Bob")
    wait_until_video_plays(bob, "Alice")
    assert _violations(alice, alice_blocked) == []
    assert _violations(bob, bob_blocked) == []


def test_the_admin_and_the_api_docs_break_no_rule(new_page, site):
    User.objects.create_superuser("root", password="pw-root-12345")
    page, blocked = _watched(new_page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw-root-12345")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/rooms/room/")
    expect(page.locator("#changelist")).to_be_visible()
    page.goto("/openvidu/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert _violations(page, blocked) == []
