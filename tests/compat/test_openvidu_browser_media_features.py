"""openvidu-browser@2.32.2 with this server's IP cameras and filters, in Chromium."""

from __future__ import annotations

import json

import pytest

from tests.browser import chromium
from tests.camera_sources import http_camera, needs_ffmpeg
from tests.compat.steps import plays, rest, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.compat]


@needs_ffmpeg
def test_an_ip_camera_plays_in_an_openvidu_browser_page(media_server, app_url):
    rest(media_server, "POST", "sessions", {"customSessionId": "camera-room"})
    token = rest(media_server, "POST", "sessions/camera-room/connection", {})["token"]
    with http_camera("red") as camera, chromium() as browser:
        page = browser.new_page()
        page.goto(app_url)
        page.evaluate(f"joinAndPublish({json.dumps(token)}, 'Ana')")
        rest(
            media_server,
            "POST",
            "sessions/camera-room/connection",
            {"type": "IPCAM", "rtspUri": camera.url, "onlyPlayWithSubscribers": False},
        )
        created = wait_for(page, "window.log.find(e => e.event === 'streamCreated')")
        assert created["typeOfVideo"] == "IPCAM"
        plays(page)
        rest(media_server, "DELETE", "sessions/camera-room")


def test_a_filter_applied_with_openvidu_browser_reaches_the_others(media_server, app_url):
    rest(media_server, "POST", "sessions", {"customSessionId": "filter-room"})
    tokens = [
        rest(
            media_server,
            "POST",
            "sessions/filter-room/connection",
            {"kurentoOptions": {"allowedFilters": ["GStreamerFilter"]}},
        )["token"],
        rest(media_server, "POST", "sessions/filter-room/connection", {})["token"],
    ]
    with chromium() as browser:
        first, second = browser.new_page(), browser.new_page()
        for page in (first, second):
            page.goto(app_url)
        first.evaluate(f"joinAndPublish({json.dumps(tokens[0])}, 'Alice')")
        second.evaluate(f"joinAndPublish({json.dumps(tokens[1])}, 'Bob')")
        wait_for(second, "window.log.some(e => e.event === 'streamCreated')")
        plays(second)
        first.evaluate(
            "publisher.stream.applyFilter('GStreamerFilter', {command: 'videoflip method=vertical-flip'})"
        )
        changed = wait_for(
            second,
            "window.log.find(e => e.event === 'streamPropertyChanged' && e.property === 'filter')",
        )
        assert changed["reason"] == "applyFilter"
        assert changed["value"]["type"] == "GStreamerFilter"
        assert changed["value"]["options"] == {"command": "videoflip method=vertical-flip"}
        plays(second)
        # A filter outside the subset is refused with OpenVidu's error, naming the subset.
        refused = first.evaluate(
            "publisher.stream.removeFilter()"
            ".then(() => publisher.stream.applyFilter('GStreamerFilter', {command: 'textoverlay text=hi'}))"
            ".then(() => 'applied', (error) => String(error.message || error))"
        )
        assert "videoflip" in refused
        assert not second.evaluate("window.log.some(e => e.event === 'exception')")
