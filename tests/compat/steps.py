"""Steps the compatibility tests share: the REST API with the server's secret, and
waiting on a page of the openvidu-browser app (tests/compat/pages)."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from tests.live_server import LiveServer


def rest(server: LiveServer, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
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


def wait_for(page: Any, expression: str, timeout: float = 20) -> Any:
    """Poll a page until `expression` is truthy: a deadline, not a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(100)
    log = page.evaluate("JSON.stringify(window.log)")
    raise AssertionError(f"timed out waiting for {expression}; page log: {log}")


def plays(page: Any) -> None:
    first = wait_for(
        page,
        "(() => { const v = remoteVideo(); return v && v.width > 0 && v.time > 0 ? v : null })()",
    )
    page.wait_for_function(f"remoteVideo() && remoteVideo().time > {first['time']}", timeout=10_000)
