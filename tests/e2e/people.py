"""What a person does on the pages, and what they see, as steps for the browser tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import DEADLINE_MS


def open_room_from_home(page: Any, typed: str, room: str, *, private: bool = False) -> None:
    """Type a room name on the home page; `room` is the name it becomes."""
    page.goto("/")
    page.get_by_label("Room name").fill(typed)
    if private:
        page.get_by_label("Private").check()
    page.get_by_role("button", name="Go to the room").click()
    expect(page.get_by_role("heading", name=f"Join “{room}”")).to_be_visible()


def log_in(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(f"Logged in as {username}")).to_be_visible()


def join(page: Any, name: str) -> None:
    """Type a name on the join screen and join; returns once the call is on screen."""
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join the room").click()
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible()


def tile(page: Any, name: str) -> Any:
    return page.locator(f'figure.tile[data-name="{name}"]:not(.local)')


def wait_until_video_plays(page: Any, name: str) -> None:
    """The video of `name` has a picture and its time advances: a person sees it move."""
    page.wait_for_function(
        """(name) => {
            const video = document.querySelector(`figure.tile[data-name="${name}"]:not(.local) video`);
            if (!video || video.videoWidth === 0 || video.readyState < 2) return false;
            window.firstTimes ??= {};
            window.firstTimes[name] ??= video.currentTime;
            return video.currentTime > window.firstTimes[name] + 0.5;
        }""",
        arg=name,
        timeout=DEADLINE_MS,
        polling=100,
    )


def open_panel(page: Any) -> None:
    """Show the people and chat panel if it is hidden (phones hide it)."""
    toggle = page.get_by_role("button", name="People and chat")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()


def wait_until_everything_is_released(page: Any) -> None:
    """Every peer connection the page opened is closed, every camera/microphone track ended."""
    page.wait_for_function(
        """() => window.openedPeers.length > 0
            && window.openedPeers.every((pc) => pc.signalingState === "closed")
            && window.openedTracks.every((track) => track.readyState === "ended")""",
        timeout=DEADLINE_MS,
        polling=100,
    )
