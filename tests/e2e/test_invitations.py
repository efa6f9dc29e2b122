"""Invitation links (/join?token=...) for rooms an application made through the REST API."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import basic
from tests.e2e.people import join
from tests.live_server import LiveServer

pytestmark = pytest.mark.e2e


def _api(site: LiveServer, path: str, body: dict[str, object]) -> dict[str, object]:
    """What an application server does: a REST call with the secret."""
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
        answer: dict[str, object] = json.loads(response.read())
    return answer


def _invitation(site: LiveServer, room: str) -> str:
    token = _api(site, f"sessions/{room}/connection", {"role": "PUBLISHER"})["token"]
    assert isinstance(token, str)
    return f"/join?token={quote(token, safe='')}"


def test_an_invitation_link_lets_one_person_in_and_then_says_it_was_used(new_page, site):
    _api(site, "sessions", {"customSessionId": "app-room"})
    link = _invitation(site, "app-room")
    ivy, late = new_page(), new_page()

    ivy.goto(link)
    join(ivy, "Ivy")
    expect(ivy.get_by_role("button", name="Share screen")).to_be_hidden()

    late.goto(link)
    expect(
        late.get_by_role("heading", name="This invitation link has already been used")
    ).to_be_visible()
    late.goto("/join?token=ws%3A%2F%2F127.0.0.1%3A1%3FsessionId%3Dapp-room%26token%3Dtok_Nope")
    expect(late.get_by_role("heading", name="This invitation link is not valid")).to_be_visible()
    # The room's name is not a way in: only the application's links are.
    late.goto("/rooms/app-room/")
    expect(late.get_by_role("heading", name="This room belongs to an application")).to_be_visible()


def test_a_link_used_in_another_tab_meanwhile_is_refused_in_words(new_page, site):
    _api(site, "sessions", {"customSessionId": "app-room"})
    link = _invitation(site, "app-room")
    first, second = new_page(), new_page()
    first.goto(link)
    second.goto(link)
    join(first, "First")

    second.get_by_label("Your name").fill("Second")
    second.get_by_role("button", name="Join the room").click()
    expect(second.get_by_role("alert").filter(has_text="already been used")).to_have_text(
        "This invitation link is not valid, or it has already been used. Ask for a new one."
    )
