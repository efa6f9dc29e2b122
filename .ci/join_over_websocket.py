"""A participant joins a room of a running server over the WebSocket, as a browser would.

Run by .ci/fresh-clone with the fresh venv's Python, which holds only the main
dependencies: the REST calls use urllib, the socket bench/websocket.py (stdlib only).
Usage: python .ci/join_over_websocket.py http://127.0.0.1:PORT SECRET
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.websocket import WebSocket


def rest(base: str, secret: str, method: str, path: str, body: Any = None) -> Any:
    credentials = base64.b64encode(f"OPENVIDUAPP:{secret}".encode()).decode()
    request = urllib.request.Request(
        f"{base}/openvidu/api/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


async def join(base: str, secret: str) -> None:
    rest(base, secret, "POST", "sessions", {"customSessionId": "fresh-clone"})
    connection = rest(base, secret, "POST", "sessions/fresh-clone/connection", {"data": "from CI"})
    token = connection["token"]
    parts = urlsplit(base)
    assert token.startswith(f"ws://{parts.netloc}?"), f"the token names another server: {token}"
    socket = await WebSocket.connect(
        parts.hostname or "127.0.0.1", parts.port or 80, "/openvidu?sessionId=fresh-clone"
    )
    try:
        request = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "joinRoom",
            "params": {
                "token": token,
                "session": "fresh-clone",
                "platform": "CI",
                "sdkVersion": "2.32.2",
                "metadata": json.dumps({"clientData": "CI"}),
                "secret": "",
                "recorder": False,
                "stt": False,
            },
        }
        await socket.send(json.dumps(request))
        answer = json.loads(await asyncio.wait_for(socket.recv(), 15))
        if "result" not in answer:
            raise SystemExit(f"joinRoom failed: {answer}")
        seen = rest(base, secret, "GET", f"sessions/fresh-clone/connection/{connection['id']}")
        if seen["status"] != "active":
            raise SystemExit(f"the participant is not active after joinRoom: {seen}")
        await socket.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "leaveRoom"}))
        await asyncio.wait_for(socket.recv(), 15)
    finally:
        await socket.close()
    print(f"joined {answer['result']['session']} as {answer['result']['id']} over the WebSocket")


if __name__ == "__main__":
    asyncio.run(join(sys.argv[1], sys.argv[2]))
