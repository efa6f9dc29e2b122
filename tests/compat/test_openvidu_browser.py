"""The unmodified openvidu-browser@2.32.2 (npm) in two Chromium pages against our server."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import MEDIA_ENVIRONMENT, chromium
from tests.live_server import LiveServer, database_url, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.compat]

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "node_modules/openvidu-browser/static/js/openvidu-browser-2.32.2.min.js"
PAGE = HERE / "pages/openvidu-browser.html"


@pytest.fixture
def media_server(transactional_db: None) -> Iterator[LiveServer]:
    from django.db import connection

    with live_server(
        database=database_url(connection.settings_dict),
        secret="compat-secret",
        extra_env=MEDIA_ENVIRONMENT,
    ) as server:
        yield server


class _AppHandler(http.server.BaseHTTPRequestHandler):
    """Serves the app's page and the library, as an OpenVidu app's own web server would."""

    files = {"/": (PAGE, "text/html"), "/openvidu-browser.min.js": (BUNDLE, "text/javascript")}

    def do_GET(self) -> None:
        found = self.files.get(self.path)
        if found is None:
            self.send_error(404)
            return
        body = found[0].read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", found[1])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def app_url() -> Iterator[str]:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: `make test` runs npm ci in tests/compat")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AppHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _rest(server: LiveServer, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    import base64

    request = urllib.request.Request(
        server.url + "/openvidu/api/" + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": "Basic "
            + base64.b64encode(f"OPENVIDUAPP:{server.secret}".encode()).decode(),
            "Content-Type": "application/json",
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def _wait_for(page: Any, expression: str, timeout: float = 20) -> Any:
    """Poll a page until `expression` is truthy: a deadline, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(100)
    log = page.evaluate("JSON.stringify(window.log)")
    raise AssertionError(f"timed out waiting for {expression}; page log: {log}")


def _plays(page: Any) -> None:
    first = _wait_for(
        page,
        "(() => { const v = remoteVideo(); return v && v.width > 0 && v.time > 0 ? v : null })()",
    )
    page.wait_for_function(f"remoteVideo() && remoteVideo().time > {first['time']}", timeout=10_000)


def test_two_openvidu_browser_pages_see_and_signal_each_other(media_server, app_url):
    _rest(media_server, "POST", "sessions", {"customSessionId": "compat-call"})
    tokens = [
        _rest(media_server, "POST", "sessions/compat-call/connection", {"data": name})["token"]
        for name in ("srv-A", "srv-B")
    ]
    with chromium() as browser:
        first, second = browser.new_page(), browser.new_page()
        for page in (first, second):
            page.goto(app_url)
        first_id = first.evaluate(f"joinAndPublish({json.dumps(tokens[0])}, 'Alice')")
        second_id = second.evaluate(f"joinAndPublish({json.dumps(tokens[1])}, 'Bob')")

        # Each sees the other's stream created and playing.
        _wait_for(first, "window.log.some(e => e.event === 'streamCreated')")
        _wait_for(second, "window.log.some(e => e.event === 'streamCreated')")
        created = second.evaluate("window.log.find(e => e.event === 'streamCreated')")
        assert created["data"] == '{"clientData":"Alice"}%/%srv-A'
        _plays(first)
        _plays(second)

        # A signal from one reaches the other, with its sender.
        first.evaluate("session.signal({ data: 'hello from Alice', type: 'chat' })")
        signal = _wait_for(second, "window.signals[0]")
        assert signal == {"data": "hello from Alice", "from": first_id}

        # The server's view agrees: two active connections, each publishing and subscribed.
        seats = _rest(media_server, "GET", "sessions/compat-call")["connections"]["content"]
        assert {seat["connectionId"] for seat in seats} == {first_id, second_id}
        assert all(len(seat["publishers"]) == 1 and len(seat["subscribers"]) == 1 for seat in seats)

        # One leaves; the other sees its stream and its connection go.
        first.evaluate("session.disconnect()")
        destroyed = _wait_for(second, "window.log.find(e => e.event === 'streamDestroyed')")
        assert destroyed["reason"] == "disconnect"
        gone = _wait_for(second, "window.log.find(e => e.event === 'connectionDestroyed')")
        assert gone == {"event": "connectionDestroyed", "id": first_id, "reason": "disconnect"}
        assert not second.evaluate("window.log.some(e => e.event === 'exception')"), (
            second.evaluate("JSON.stringify(window.log)")
        )
