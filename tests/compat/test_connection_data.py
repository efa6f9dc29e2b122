"""OpenVidu apps' own parsing of connection data, in openvidu-browser@2.32.2 (npm) and Chromium.

Two pages join with the data of one case (neither part, the client's only, the server's
only, both) the way OpenVidu's tutorials do: the application server creates the
connection (with or without `data`), the page calls `session.connect(token[, {clientData}])`.
Each page parses the other's `connection.data` as those apps do, sees its video, and
REST lists two publishers. Then the events each page sees when the other leaves, is
evicted, or reconnects its socket.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import chromium
from tests.compat.steps import plays, rest, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.compat]

# kind -> (server data per page, client data per page, what each page parses of the other)
CASES: dict[str, tuple[tuple[str | None, str | None], tuple[str | None, str | None], Any]] = {
    "neither": ((None, None), (None, None), (None, None)),
    "client": (
        (None, None),
        ("Alice", "Zoë 李"),
        ({"clientData": "Zoë 李"}, {"clientData": "Alice"}),
    ),
    "server": (
        ('{"name":"Alice"}', '{"name":"Łukasz"}'),
        (None, None),
        ({"name": "Łukasz"}, {"name": "Alice"}),
    ),
    "both": (
        ('{"name":"Alice"}', '{"name":"Łukasz"}'),
        ("Alice", "Zoë 李"),
        (
            {"client": {"clientData": "Zoë 李"}, "server": {"name": "Łukasz"}},
            {"client": {"clientData": "Alice"}, "server": {"name": "Alice"}},
        ),
    ),
}


def _token(server: Any, session: str, data: str | None) -> str:
    body = {} if data is None else {"data": data}
    token: str = rest(server, "POST", f"sessions/{session}/connection", body)["token"]
    return token


def _join(page: Any, token: str, client_data: str | None, kind: str) -> dict[str, str]:
    argument = "null" if client_data is None else json.dumps(client_data)
    joined: dict[str, str] = page.evaluate(f"joinAs({json.dumps(token)}, {argument}, '{kind}')")
    return joined


def _call(server: Any, app_url: str, browser: Any, kind: str) -> tuple[Any, Any, list[str]]:
    session = f"data-{kind}"
    rest(server, "POST", "sessions", {"customSessionId": session})
    server_data, client_data, _ = CASES[kind]
    pages, ids = [browser.new_page(), browser.new_page()], []
    for page, server_part, client_part in zip(pages, server_data, client_data, strict=True):
        page.goto(app_url)
        ids.append(_join(page, _token(server, session, server_part), client_part, kind)["id"])
    return pages[0], pages[1], ids


def _events(page: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = page.evaluate("window.log")
    return events


@pytest.mark.parametrize("kind", list(CASES))
def test_apps_parse_the_data_of_each_case(media_server, app_url, kind):
    _, _, (first_sees, second_sees) = CASES[kind]
    with chromium() as browser:
        first, second, (first_id, second_id) = _call(media_server, app_url, browser, kind)
        for page, other_id, expected in (
            (first, second_id, first_sees),
            (second, first_id, second_sees),
        ):
            parsed = wait_for(page, "window.parsed.length > 0 && window.parsed")
            assert parsed == [{"id": other_id, "value": expected}]
            plays(page)
            assert not [e for e in _events(page) if e["event"] in ("parseError", "exception")]
        seats = rest(media_server, "GET", f"sessions/data-{kind}")["connections"]["content"]
        assert sorted(len(seat["publishers"]) for seat in seats) == [1, 1]


def _order(events: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    return [event for event in events if event["event"] in names]


def test_the_event_order_of_a_leave(media_server, app_url):
    with chromium() as browser:
        first, second, (first_id, _) = _call(media_server, app_url, browser, "both")
        plays(second)
        first.evaluate("session.disconnect()")
        wait_for(second, "window.log.some(e => e.event === 'connectionDestroyed')")
        seen = _order(_events(second), "streamDestroyed", "connectionDestroyed")
        assert [(e["event"], e["reason"]) for e in seen] == [
            ("streamDestroyed", "disconnect"),
            ("connectionDestroyed", "disconnect"),
        ]
        assert seen[1]["id"] == first_id
        assert _order(_events(first), "sessionDisconnected") == [
            {"event": "sessionDisconnected", "reason": "disconnect"}
        ]


def test_the_event_order_of_an_eviction(media_server, app_url):
    with chromium() as browser:
        first, second, (first_id, _) = _call(media_server, app_url, browser, "server")
        plays(second)
        rest(media_server, "DELETE", f"sessions/data-server/connection/{first_id}")
        wait_for(first, "window.log.some(e => e.event === 'sessionDisconnected')")
        wait_for(second, "window.log.some(e => e.event === 'connectionDestroyed')")
        assert _order(_events(first), "sessionDisconnected") == [
            {"event": "sessionDisconnected", "reason": "forceDisconnectByServer"}
        ]
        seen = _order(_events(second), "streamDestroyed", "connectionDestroyed")
        assert [(e["event"], e["reason"]) for e in seen] == [
            ("streamDestroyed", "forceDisconnectByServer"),
            ("connectionDestroyed", "forceDisconnectByServer"),
        ]


def test_a_reconnected_socket_keeps_the_call(media_server, app_url):
    with chromium() as browser:
        first, second, (first_id, second_id) = _call(media_server, app_url, browser, "client")
        plays(second)
        # openvidu-browser's own reconnection: the socket closes, a new one sends `connect`.
        first.evaluate("OV.jsonRpcClient.reconnect()")
        wait_for(first, "window.log.some(e => e.event === 'reconnected')")
        assert [e["event"] for e in _order(_events(first), "reconnecting", "reconnected")] == [
            "reconnecting",
            "reconnected",
        ]
        # Nobody left: the other page saw nothing go, and still watches a playing video.
        assert not _order(_events(second), "streamDestroyed", "connectionDestroyed")
        assert not _order(_events(first), "sessionDisconnected", "connectionDestroyed")
        plays(second)
        seats = rest(media_server, "GET", "sessions/data-client")["connections"]["content"]
        assert {seat["connectionId"] for seat in seats} == {first_id, second_id}
