"""The browser client's protocol logic (rooms/static/rooms/*.js), tested under Node.

`*.test.mjs` here run with Node's own test runner against a fake WebSocket: what the
client sends, how it reads notifications, how it reconnects. Media needs a real
browser; tests/e2e covers it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENT_TESTS = Path(__file__).resolve().parent
# Node runs the client's files, which have no package.json, as ES modules by detecting
# their syntax: unflagged since Node 20.19 and 22.12.
MINIMUM_NODE = (20, 19)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the client tests need Node.js 20.19 or newer")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    match = re.match(r"v(\d+)\.(\d+)", version)
    if match is None or (int(match[1]), int(match[2])) < MINIMUM_NODE:
        pytest.fail(f"Node.js {version.strip()} is too old for the client tests (need 20.19+)")
    return node


def test_the_client_passes_its_node_tests():
    finished = subprocess.run(
        [_node(), "--test", "--test-reporter=spec", str(CLIENT_TESTS)],
        cwd=CLIENT_TESTS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
