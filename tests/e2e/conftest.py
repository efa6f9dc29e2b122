"""A live Daphne serving the pages and a real Chromium, for the browser tests."""

from __future__ import annotations

import secrets
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser import MEDIA_ENVIRONMENT, chromium
from tests.live_server import LiveServer, attach_log, database_url, live_server

# The live server's settings for a test that records: `parametrize("site", [RECORDING])`.
RECORDING = {"OPENVIDU_RECORDING": "true"}

# How long a person would wait for something to appear before calling it broken.
DEADLINE_MS = 20_000
# Playwright's `expect` waits 5 s by default: too short on a loaded machine (a recording
# that stops there may take longer), and a person waits as long for either.
expect.set_options(timeout=DEADLINE_MS)

# Every page remembers the peer connections and the camera and microphone tracks it made,
# so a test can check that leaving released all of them.
TRACK_WHAT_PAGES_OPEN = """
(() => {
  window.openedPeers = [];
  window.openedTracks = [];
  const Native = window.RTCPeerConnection;
  if (Native) {
    window.RTCPeerConnection = class extends Native {
      constructor(...args) { super(...args); window.openedPeers.push(this); }
    };
  }
  const devices = navigator.mediaDevices;
  if (devices) {
    for (const name of ["getUserMedia", "getDisplayMedia"]) {
      const native = devices[name]?.bind(devices);
      if (!native) continue;
      devices[name] = async (...args) => {
        const stream = await native(...args);
        window.openedTracks.push(...stream.getTracks());
        return stream;
      };
    }
  }
})();
"""


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test's own ORM calls run while Playwright's event loop exists.

    Playwright's sync API keeps an asyncio loop in this thread, so Django takes every
    ORM call (the test's, and the database flush after it) for one made from async
    code. Nothing here is async: the loop only drives the browser between calls.
    Autouse, so it is set up first and undone last, after the flush.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per module: starting it is slow, and each test gets fresh contexts."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def site(
    request: pytest.FixtureRequest, transactional_db: None, tmp_path: Path
) -> Iterator[LiveServer]:
    """Daphne on the test database, serving the static files from the finders (DEBUG).

    `transactional_db`: the server is another process and sees committed rows only; see
    tests/compat/conftest.py. A test turns recording on with
    `@pytest.mark.parametrize("site", [RECORDING], indirect=True)`.
    """
    settings: dict[str, str] = getattr(request, "param", {})
    if settings.get("OPENVIDU_RECORDING") == "true":
        settings = {**settings, "OPENVIDU_RECORDING_PATH": str(tmp_path / "recordings")}
    with live_server(
        database=database_url(connection.settings_dict),
        secret=secrets.token_urlsafe(24),
        debug=True,
        extra_env={**MEDIA_ENVIRONMENT, **settings},
    ) as server:
        yield server


@pytest.fixture
def new_page(browser: Any, site: LiveServer) -> Iterator[Any]:
    """Pages of their own (separate cookies, like two people's browsers), all closed after."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=site.url, viewport={"width": 1100, "height": 700})
        context.set_default_timeout(DEADLINE_MS)
        context.add_init_script(TRACK_WHAT_PAGES_OPEN)
        contexts.append(context)
        page = context.new_page()
        # Messages of the page's console, printed with a failing test's output.
        page.on(
            "console", lambda message: print(f"[{len(contexts)}] {message.type}: {message.text}")
        )
        page.on("pageerror", lambda error: print(f"[{len(contexts)}] page error: {error}"))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and print(f"[{len(contexts)}] HTTP {response.status} {response.url}")
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Only for the call: at teardown the server has stopped and its log is closed.
    if report.when == "call":
        attach_log(item, report)
    return report
