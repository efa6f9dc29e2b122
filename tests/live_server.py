"""A real server for tests that need one: Daphne in a subprocess, on a port of its own.

The compatibility tests (and the browser tests after them) talk to the server the way
deployed clients do, over TCP, so they cannot use Django's in-process test client. The
server runs on the test database, which pytest-django has created and which the test
process can inspect through the ORM afterwards.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlencode

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ASGI_APPLICATION = "openvidu_site.asgi:application"
# Answers without authentication, and with the public URL the server was given.
READY_PATH = "/openvidu/api/config/openvidu-publicurl"

# The site's own settings: the server gets exactly the values the test chose, never
# the ones of the shell that happens to run pytest (a developer's .env, the Makefile's PORT).
_SITE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "OPENVIDU_SECRET",
    "OPENVIDU_SECRET_FILE",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "OPENVIDU_PUBLICURL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "HOST",
    "PORT",
    "DEBUG",
)
# A proxy would send 127.0.0.1 traffic elsewhere; urllib and axios both honour these.
PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)
_SCHEMES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgres",
}


class LiveServerError(Exception):
    """The server did not start, or stopped on its own; the message carries its log."""


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """DATABASE_URL for the database a Django connection uses, OPTIONS included.

    Read it after pytest-django has set up the test database: `settings_dict` then names
    the test database (a file for SQLite, `test_<name>` for PostgreSQL), not the real one.
    """
    engine = settings_dict["ENGINE"]
    scheme = _SCHEMES.get(engine)
    if scheme is None:
        raise LiveServerError(f"no DATABASE_URL scheme for the database engine {engine}")
    # dj-database-url turns the query string back into OPTIONS: SQLite's busy timeout
    # and IMMEDIATE transactions matter as soon as two processes share the file.
    options = {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if isinstance(value, str | int | bool)
    }
    query = f"?{urlencode(options)}" if options else ""
    if scheme == "sqlite":
        path = Path(settings_dict["NAME"]).resolve()
        return f"sqlite:///{quote(str(path))}{query}"
    credentials = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    at = f"{credentials}@" if credentials else ""
    return f"{scheme}://{at}{host}{port}/{quote(settings_dict['NAME'], safe='')}{query}"


@dataclass
class LiveServer:
    url: str
    port: int
    secret: str
    process: subprocess.Popen[bytes]
    _log: IO[bytes] = field(repr=False)
    killed: bool = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """Stop the server as a crash or an out-of-memory kill would: SIGKILL, no cleanup."""
        self.killed = True
        self.process.kill()
        self.process.wait(10)

    def log(self) -> str:
        """Everything the server printed so far (Django's log and Daphne's access log)."""
        # pread, not seek and read: the server shares this file's offset, and a seek
        # would make its next lines overwrite the first ones.
        descriptor = self._log.fileno()
        text = os.pread(descriptor, os.fstat(descriptor).st_size, 0)
        return text.decode("utf-8", errors="replace")


def _listening_socket(port: int = 0) -> socket.socket:
    # Bound here and handed over, not a port number picked and freed: no other process
    # can take the port between the choice and Daphne's bind.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A server started again on its predecessor's port must not wait for TIME_WAIT.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    # Room for a benchmark's burst of sockets.
    listener.listen(512)
    return listener


def server_environment(
    *, port: int, database: str, secret: str, debug: bool, extra: Mapping[str, str]
) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in _SITE_VARIABLES and key not in PROXY_VARIABLES
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "openvidu_site.settings",
            "DATABASE_URL": database,
            "OPENVIDU_SECRET": secret,
            "OPENVIDU_PUBLICURL": f"http://127.0.0.1:{port}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "DEBUG": "true" if debug else "false",
            # The ASGI application refuses the development key when DEBUG is off.
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PYTHONUNBUFFERED": "1",
            # Its own node name, kept when it is started again on the same port.
            "ROOMS_NODE_ID": f"live-server-{port}",
        }
    )
    # The PostgreSQL/Redis pass must reach the server too, or events would stay in memory.
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        environment["REDIS_URL"] = redis_url
    environment.update(extra)
    return environment


def _wait_until_ready(server: LiveServer, deadline: float) -> None:
    # No proxies, whatever the environment says: the server is on the loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        code = server.process.poll()
        if code is not None:
            raise LiveServerError(
                f"the server exited with code {code} before answering\n{server.log()}"
            )
        try:
            with opener.open(server.url + READY_PATH, timeout=1) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            # Any HTTP answer, even an error, means Django is serving.
            return
        except OSError as error:
            last_problem = repr(error)
        time.sleep(0.05)
    raise LiveServerError(
        f"the server did not answer {server.url}{READY_PATH} in time ({last_problem})\n"
        f"{server.log()}"
    )


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


@contextmanager
def live_server(
    *,
    database: str,
    secret: str,
    debug: bool = False,
    extra_env: Mapping[str, str] | None = None,
    startup_timeout: float = 30,
    stop_timeout: float = 10,
    port: int = 0,
    command_prefix: Sequence[str] = (),
) -> Iterator[LiveServer]:
    """Serve the site on http://127.0.0.1:<free port> until the block ends.

    `database` is a DATABASE_URL (see `database_url`). The server is stopped on every
    way out of the block, and a server that stopped on its own (not by `kill`) fails
    the block with its log. `port` serves on a given port: a restart on the same one.
    `command_prefix` runs Daphne under another command (the benchmark's `taskset`).
    """
    listener = _listening_socket(port)
    port = listener.getsockname()[1]
    environment = server_environment(
        port=port, database=database, secret=secret, debug=debug, extra=extra_env or {}
    )
    command = [
        *command_prefix,
        sys.executable,
        "-m",
        "daphne",
        "--fd",
        str(listener.fileno()),
        "--access-log",
        "-",
        ASGI_APPLICATION,
    ]
    with tempfile.TemporaryFile(prefix="live-server-", suffix=".log") as log:
        try:
            process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
        finally:
            # Daphne owns the socket now; a copy left open here would keep the port
            # accepting connections after Daphne is gone.
            listener.close()
        server = LiveServer(
            url=f"http://127.0.0.1:{port}", port=port, secret=secret, process=process, _log=log
        )
        try:
            _wait_until_ready(server, time.monotonic() + startup_timeout)
            yield server
            code = process.poll()
            if code is not None and not server.killed:
                raise LiveServerError(
                    f"the server exited with code {code} while in use\n{server.log()}"
                )
        finally:
            _stop(process, stop_timeout)


class RestartableServer:
    """A live server that can be killed (SIGKILL) and started again on the same port.

    Enter it in an ExitStack that outlives the test: every server started is stopped
    when the stack closes.
    """

    def __init__(self, stack: ExitStack, *, database: str, secret: str, **options: Any) -> None:
        self._stack = stack
        self._options = {"database": database, "secret": secret, **options}
        self.server = self._start(port=0)
        self.url, self.port, self.secret = self.server.url, self.server.port, secret

    def _start(self, port: int) -> LiveServer:
        return self._stack.enter_context(live_server(port=port, **self._options))

    def kill(self) -> None:
        self.server.kill()

    def start_again(self) -> None:
        self.server = self._start(port=self.port)

    def log(self) -> str:
        return self.server.log()


def attach_log(item: pytest.Item, report: pytest.TestReport) -> None:
    """Add the log of every live server a failed test used to the test's report.

    Call it from a `pytest_runtest_makereport` hook wrapper; pytest then prints the log
    under the failure, next to the captured output.
    """
    # After the call only: at teardown the server, and its log file, are already gone.
    if not report.failed or report.when != "call":
        return
    funcargs: dict[str, Any] = getattr(item, "funcargs", {})
    for name, value in funcargs.items():
        if isinstance(value, LiveServer | RestartableServer):
            report.sections.append((f"live server log ({name})", value.log()))
