"""Fixtures of the compatibility tests: live servers on the test database (with and
without the media engine) and the web server of the openvidu-browser app page."""

from __future__ import annotations

import http.server
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.browser import MEDIA_ENVIRONMENT
from tests.live_server import LiveServer, database_url, live_server

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "node_modules/openvidu-browser/static/js/openvidu-browser-2.32.2.min.js"
PAGE = HERE / "pages/openvidu-browser.html"


@pytest.fixture
def daphne_server(transactional_db: None) -> Iterator[LiveServer]:
    """Daphne serving the site on the test database, with a secret of its own.

    `transactional_db` because the server is another process: it sees only committed
    rows, and the rows it writes must be flushed after the test, not rolled back.
    Depending on it also stops the server before the flush (or the drop of a PostgreSQL
    test database), which an open connection of the server would block.
    """
    # Not the development secret: proves the server took OPENVIDU_SECRET from its environment.
    secret = secrets.token_urlsafe(24)
    with live_server(database=database_url(connection.settings_dict), secret=secret) as server:
        yield server


@pytest.fixture
def live_server_url(daphne_server: LiveServer) -> str:
    return daphne_server.url


@pytest.fixture
def media_server(transactional_db: None) -> Iterator[LiveServer]:
    """The site with the media engine, for openvidu-browser pages in Chromium."""
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
