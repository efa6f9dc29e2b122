"""The unmodified openvidu-browser@2.32.2 (npm) in two Chromium pages against our server."""

from __future__ import annotations

import json

import pytest

from tests.browser import chromium
from tests.compat.steps import plays, rest, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.compat]


def test_two_openvidu_browser_pages_see_and_signal_each_other(media_server, app_url):
    rest(media_server, "POST", "sessions", {"customSessionId": "compat-call"})
    tokens = [
        rest(media_server, "POST", "sessions/compat-call/connection", {"data": name})["token"]
        for name in ("srv-A", "srv-B")
    ]
    with chromium() as browser:
        first, second = browser.new_page(), browser.new_page()
        for page in (first, second):
            page.goto(app_url)
        first_id = first.evaluate(f"joinAndPublish({json.dumps(tokens[0])}, 'Alice')")
        second_id = second.evaluate(f"joinAndPublish({json.dumps(tokens[1])}, 'Bob')")

        # Each sees the other's stream created and playing.
        wait_for(first, "window.log.some(e => e.event === 'streamCreated')")
        wait_for(second, "window.log.some(e => e.event === 'streamCreated')")
        created = second.evaluate("window.log.find(e => e.event === 'streamCreated')")
        assert created["data"] == '{"clientData":"Alice"}%/%srv-A'
        plays(first)
        plays(second)

        # A signal from one reaches the other, with its sender.
        first.evaluate("session.signal({ data: 'hello from Alice', type: 'chat' })")
        signal = wait_for(second, "window.signals[0]")
        assert signal == {"data": "hello from Alice", "from": first_id}

        # The server's view agrees: two active connections, each publishing and subscribed.
        seats = rest(media_server, "GET", "sessions/compat-call")["connections"]["content"]
        assert {seat["connectionId"] for seat in seats} == {first_id, second_id}
        assert all(len(seat["publishers"]) == 1 and len(seat["subscribers"]) == 1 for seat in seats)

        # One leaves; the other sees its stream and its connection go.
        first.evaluate("session.disconnect()")
        destroyed = wait_for(second, "window.log.find(e => e.event === 'streamDestroyed')")
        assert destroyed["reason"] == "disconnect"
        gone = wait_for(second, "window.log.find(e => e.event === 'connectionDestroyed')")
        assert gone == {"event": "connectionDestroyed", "id": first_id, "reason": "disconnect"}
        assert not second.evaluate("window.log.some(e => e.event === 'exception')"), (
            second.evaluate("JSON.stringify(window.log)")
        )
