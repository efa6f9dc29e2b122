"""The moments in between, with real Chromium: raised hands, reactions, notices, "alone",
the waiting room of private rooms, an invitation's name, and blocked devices."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import basic
from tests.e2e.people import join, log_in, open_panel, open_room_from_home, tile
from tests.live_server import LiveServer

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
BASE_DIR = Path(__file__).resolve().parents[2]
# A folder (from the project's root) to save the pictures of docs/pages.md in.
SCREENSHOTS = os.environ.get("ROOMS_MOMENTS_SCREENSHOTS")


def picture(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(BASE_DIR / SCREENSHOTS / name))


def notices(page: Any) -> Any:
    return page.locator("#notices .notice")


def hands_bar(page: Any) -> Any:
    return page.locator("#hands")


def test_hands_and_reactions_travel_as_signals_between_three_people(
    new_page, site, django_user_model
):
    django_user_model.objects.create_user("olivia", password=PASSWORD)
    olivia, bob, cy = new_page(), new_page(), new_page()
    log_in(olivia, "olivia", PASSWORD)
    open_room_from_home(olivia, "Hands up", "hands-up")
    join(olivia, "Olivia")
    # Alone, with the link to give.
    alone = olivia.locator("#alone")
    expect(alone).to_be_visible()
    expect(alone.get_by_role("heading", name="You are alone in the room")).to_be_visible()
    expect(alone.get_by_role("link")).to_have_text(f"{site.url}/rooms/hands-up/")
    expect(alone.get_by_role("button", name="Copy the link")).to_be_visible()

    bob.goto("/rooms/hands-up/")
    join(bob, "Bob")
    expect(alone).to_be_hidden()
    expect(bob.locator("#alone")).to_be_hidden()
    expect(notices(olivia).filter(has_text="Bob joined.")).to_have_count(1)
    # Who was there first is not news to the one who arrives.
    expect(notices(bob).filter(has_text="joined")).to_have_count(0)

    bob.get_by_role("button", name="Raise hand").click()
    expect(bob.get_by_role("button", name="Lower hand")).to_have_attribute("aria-pressed", "true")
    expect(hands_bar(olivia)).to_contain_text("Bob")
    expect(tile(olivia, "Bob").locator(".hand-badge")).to_have_count(1)
    expect(notices(olivia).filter(has_text="Bob raised their hand.")).to_have_count(1)

    # Cy arrives after the hand went up: Bob's page tells the newcomer.
    cy.goto("/rooms/hands-up/")
    join(cy, "Cy")
    expect(hands_bar(cy)).to_contain_text("Hands raised (1)")
    expect(tile(cy, "Bob").locator(".hand-badge")).to_have_count(1)
    open_panel(cy)
    expect(cy.locator("#people li", has_text="Bob").locator(".person-hand")).to_have_count(1)
    expect(hands_bar(olivia)).to_contain_text("Hands raised (1)")
    picture(olivia, "raised-hand.png")
    # Only a moderator's page offers to lower someone else's hand.
    expect(cy.get_by_role("button", name="Lower the hand of Bob")).to_have_count(0)

    cy.get_by_role("button", name="Raise hand").click()
    expect(hands_bar(olivia)).to_contain_text("Hands raised (2)")
    cy.get_by_role("button", name="Lower hand").click()
    expect(hands_bar(olivia)).to_contain_text("Hands raised (1)")
    expect(notices(bob).filter(has_text="Cy lowered their hand.")).to_have_count(1)

    olivia.get_by_role("button", name="Lower the hand of Bob").click()
    expect(bob.get_by_role("button", name="Raise hand")).to_have_attribute("aria-pressed", "false")
    expect(notices(bob).filter(has_text="Olivia lowered your hand.")).to_have_count(1)
    for page in (olivia, bob, cy):
        expect(hands_bar(page)).to_be_hidden()
    expect(tile(cy, "Bob").locator(".hand-badge")).to_have_count(0)

    # A reaction: everyone sees it on Bob's tile and hears it in the notices.
    bob.get_by_role("button", name="React").click()
    bob.get_by_role("button", name="Applause").click()
    for page in (olivia, cy):
        expect(notices(page).filter(has_text="Bob: 👏 Applause")).to_have_count(1)
    expect(notices(bob).filter(has_text="You: 👏 Applause")).to_have_count(1)

    # Sharing a screen is news; so is leaving.
    bob.get_by_role("button", name="Share screen").click()
    expect(notices(cy).filter(has_text="Bob started sharing their screen.")).to_have_count(1)
    bob.get_by_role("button", name="Stop sharing").click()
    expect(notices(cy).filter(has_text="Bob stopped sharing their screen.")).to_have_count(1)
    cy.get_by_role("button", name="Leave").click()
    expect(notices(olivia).filter(has_text="Cy left the room.")).to_have_count(1)
    # One join and one leave each: the screen's own seat is not a person arriving.
    expect(notices(olivia).filter(has_text="joined")).to_have_count(2)


def _token_answer(page: Any, room: str, name: str) -> Any:
    """What the token endpoint answers this page's browser (its cookies), asked directly."""
    csrf = page.evaluate("JSON.parse(document.getElementById('room-config').textContent).csrfToken")
    return page.request.post(
        f"/rooms/{room}/token", form={"name": name}, headers={"X-CSRFToken": csrf}
    )


def test_the_owner_admits_one_and_refuses_another_in_a_private_room(
    new_page, site, django_user_model
):
    for username in ("olivia", "mia", "ned"):
        django_user_model.objects.create_user(username, password=PASSWORD)
    olivia, mia, ned = new_page(), new_page(), new_page()
    log_in(olivia, "olivia", PASSWORD)
    open_room_from_home(olivia, "Board", "board", private=True)
    join(olivia, "Olivia")

    log_in(mia, "mia", PASSWORD)
    mia.goto("/rooms/board/")
    mia.get_by_label("Your name").fill("Mia")
    mia.get_by_role("button", name="Join the room").click()
    expect(mia.locator("#waiting-message")).to_contain_text("asked to let you in")
    # Waiting is enforced by the server: no token, whatever the page does.
    answer = _token_answer(mia, "board", "Mia")
    assert answer.status == 202
    assert "token" not in answer.json()

    waiting = olivia.locator("#waiting-room")
    expect(waiting).to_contain_text("Asking to join (1)")
    expect(waiting).to_contain_text("Mia (mia)")
    expect(notices(olivia).filter(has_text="Mia asks to join.")).to_have_count(1)
    picture(olivia, "waiting-room.png")
    olivia.get_by_role("button", name="Admit Mia").click()
    expect(mia.get_by_role("navigation", name="Call controls")).to_be_visible()
    expect(tile(olivia, "Mia")).to_have_count(1)
    expect(waiting).to_be_hidden()

    log_in(ned, "ned", PASSWORD)
    ned.goto("/rooms/board/")
    ned.get_by_label("Your name").fill("Ned")
    ned.get_by_role("button", name="Join the room").click()
    expect(ned.locator("#waiting-message")).to_be_visible()
    olivia.get_by_role("button", name="Refuse Ned").click()
    expect(ned.locator("#join-error")).to_have_text("The room's owner did not let you in.")
    expect(ned.locator("#waiting")).to_have_count(0)
    assert _token_answer(ned, "board", "Ned").status == 403
    # Mia, already in, sees no waiting room and no Ned.
    expect(mia.locator("#waiting-room")).to_be_hidden()
    expect(tile(mia, "Ned")).to_have_count(0)
    expect(tile(mia, "Olivia")).to_have_count(1)


def test_stopping_the_wait_returns_to_the_join_screen(new_page, site, django_user_model):
    for username in ("olivia", "mia"):
        django_user_model.objects.create_user(username, password=PASSWORD)
    olivia, mia = new_page(), new_page()
    log_in(olivia, "olivia", PASSWORD)
    open_room_from_home(olivia, "Board", "board", private=True)
    join(olivia, "Olivia")
    log_in(mia, "mia", PASSWORD)
    mia.goto("/rooms/board/")
    mia.get_by_label("Your name").fill("Mia")
    mia.get_by_role("button", name="Join the room").click()
    expect(olivia.locator("#waiting-room")).to_contain_text("Mia (mia)")
    mia.get_by_role("button", name="Stop waiting").click()
    expect(mia.locator("#join-error")).to_have_text("You stopped waiting to join.")
    expect(mia.get_by_role("button", name="Join the room")).to_be_enabled()
    # The request was withdrawn: the owner has nobody left to admit.
    expect(olivia.locator("#waiting-room")).to_be_hidden()


def _api(site: LiveServer, path: str, body: dict[str, object]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{site.url}/openvidu/api/{path}",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": basic("OPENVIDUAPP", site.secret),
            "Content-Type": "application/json",
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


@pytest.mark.parametrize(
    ("data", "name"), [("Invited Ivy", "Invited Ivy"), ('{"name": "Ivy Liu"}', "Ivy Liu")]
)
def test_an_invitation_that_names_its_person_prefills_the_name(new_page, site, data, name):
    _api(site, "sessions", {"customSessionId": "app-room"})
    token = _api(site, "sessions/app-room/connection", {"role": "PUBLISHER", "data": data})["token"]
    page = new_page()
    # This browser typed another name before: the invitation's wins.
    page.goto("/")
    page.evaluate("localStorage.setItem('rooms.displayName', 'Somebody else')")
    page.goto(f"/join?token={quote(token, safe='')}")
    expect(page.get_by_label("Your name")).to_have_value(name)
    page.get_by_role("button", name="Join the room").click()
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible()
