"""`manage.py serve --host/--port`: tokens and the public URL name where it serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.live_server import BASE_DIR, PROXY_VARIABLES, READY_PATH


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serve(port: int, tmp_path, **environment: str) -> Iterator[str]:
    """`manage.py serve` on the port; yields the public URL the server answers."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PROXY_VARIABLES
        and key not in ("OPENVIDU_PUBLICURL", "DATABASE_URL", "REDIS_URL", "HOST", "PORT")
    }
    env.update({"VAR_DIR": str(tmp_path), **environment})
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}{READY_PATH}", timeout=1) as answer:
                    yield answer.read().decode()
                    return
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
        print(output.decode(errors="replace"))


def test_the_public_url_follows_the_port_serve_was_given(tmp_path):
    port = _free_port()
    with _serve(port, tmp_path) as public_url:
        assert public_url.rstrip("/") == f"http://127.0.0.1:{port}"


def test_a_public_url_from_the_environment_stays(tmp_path):
    with _serve(_free_port(), tmp_path, OPENVIDU_PUBLICURL="https://rooms.example.test") as public:
        assert public.rstrip("/") == "https://rooms.example.test"


@pytest.mark.parametrize(
    ("host", "url"), [("127.0.0.1", "http://127.0.0.1:9"), ("::1", "http://[::1]:9")]
)
def test_local_urls_bracket_ipv6(host, url):
    from rooms.internal.local_urls import local_url

    assert local_url(host, 9) == url
