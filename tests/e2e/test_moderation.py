"""The owner of a room moderates it from the room page; the people moderated are told."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RECORDING
from tests.e2e.people import (
    join,
    log_in,
    open_panel,
    open_room_from_home,
    tile,
    wait_until_everything_is_released,
    wait_until_video_plays,
)

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("site", [RECORDING], indirect=True)
def test_the_owner_stops_a_video_then_removes_the_person_who_is_told_in_words(
    new_page, site, django_user_model
):
    django_user_model.objects.create_user("olivia", password=PASSWORD)
    owner, guest = new_page(), new_page()
    log_in(owner, "olivia", PASSWORD)
    open_room_from_home(owner, "Board meeting", "board-meeting", private=True)
    join(owner, "Olivia")
    open_panel(owner)
    expect(owner.locator("#people li").first).to_contain_text("Olivia (you) · moderator")

    # A private room: the guest logs in too, and is not its moderator.
    django_user_model.objects.create_user("gus", password=PASSWORD)
    guest.goto("/rooms/board-meeting/")
    expect(guest.get_by_role("heading", name="Log in")).to_be_visible()
    guest.get_by_label("Username").fill("gus")
    guest.get_by_label("Password").fill(PASSWORD)
    guest.get_by_role("button", name="Log in").click()
    guest.get_by_label("Your name").fill("Gus")
    guest.get_by_role("button", name="Join the room").click()
    # A private room has a waiting room: the owner lets Gus in.
    owner.get_by_role("button", name="Admit Gus").click()
    expect(guest.get_by_role("navigation", name="Call controls")).to_be_visible()
    wait_until_video_plays(owner, "Gus")
    open_panel(guest)
    expect(guest.get_by_role("button", name="Remove Olivia")).to_have_count(0)

    # The owner records the room; everyone sees it, only the owner has the button.
    expect(guest.get_by_role("button", name="Start recording")).to_have_count(0)
    expect(guest.locator("#recording-indicator")).to_be_hidden()
    owner.get_by_role("button", name="Start recording").click()
    expect(owner.get_by_role("button", name="Stop recording")).to_be_visible()
    expect(owner.get_by_role("status").filter(has_text="Recording")).to_be_visible()
    expect(guest.get_by_role("status").filter(has_text="Recording")).to_be_visible()
    owner.get_by_role("button", name="Stop recording").click()
    expect(owner.get_by_role("button", name="Start recording")).to_be_visible()
    expect(guest.locator("#recording-indicator")).to_be_hidden()
    expect(owner.locator("#recording-indicator")).to_be_hidden()

    owner.get_by_role("button", name="Stop the video of Gus").click()
    expect(guest.get_by_role("alert").filter(has_text="A moderator stopped")).to_be_visible()
    expect(guest.get_by_role("button", name="Camera", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(tile(owner, "Gus")).to_have_attribute("data-video", "off")

    owner.once("dialog", lambda dialog: dialog.accept())
    owner.get_by_role("button", name="Remove Gus").click()
    expect(guest.get_by_role("heading", name="You were removed")).to_be_visible()
    expect(guest.get_by_text("A moderator removed you from the room.")).to_be_visible()
    wait_until_everything_is_released(guest)
    expect(tile(owner, "Gus")).to_have_count(0)
    expect(owner.locator("#messages .notice").last).to_contain_text(
        "Gus was removed by a moderator."
    )
