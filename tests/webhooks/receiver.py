"""A real HTTP receiver on loopback that records every webhook request it gets.

It can answer with an error for a while (`fail_next`), or hold every request without
answering until released (`hold`/`release`), to play a broken or a slow application.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._failures: list[int] = []
        self._changed = threading.Condition()
        self._open = threading.Event()
        self._open.set()
        self.waiting = 0  # requests held right now
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._changed:
                    receiver.waiting += 1
                    receiver._changed.notify_all()
                receiver._open.wait(30)
                with receiver._changed:
                    receiver.waiting -= 1
                    status = receiver._failures.pop(0) if receiver._failures else 200
                    receiver.requests.append(Received(dict(self.headers), body, status))
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/openvidu-webhook"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def close(self) -> None:
        self._open.set()
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._changed:
            self._failures.extend([status] * count)

    def stop_failing(self) -> None:
        with self._changed:
            self._failures.clear()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def delivered(self) -> list[dict[str, Any]]:
        """The events the receiver accepted (answered 200), in arrival order."""
        return [request.event for request in self.requests if request.answered == 200]

    def wait_for(self, check: Any, timeout: float = 15) -> None:
        """Until check(self) is true; fails with what arrived if it never is."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    names = [request.event.get("event") for request in self.requests]
                    raise AssertionError(f"the receiver got only {names}")
                self._changed.wait(remaining)

    def wait_for_events(self, count: int, timeout: float = 15) -> list[dict[str, Any]]:
        self.wait_for(lambda receiver: len(receiver.delivered()) >= count, timeout)
        return self.delivered()
