"""JSON-RPC over a real TCP WebSocket to a live server, as openvidu-browser talks to it.

tests/signaling/rpc.py drives the consumer in-process; the deployment tests need the
real process (Daphne, its channel layer, its database) and a socket that can stay open
for minutes or be cut by a crash. Only the standard library and bench/websocket.py:
.ci/join_over_websocket.py uses it too, from a venv without the test tools.
"""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from bench.websocket import WebSocket, WebSocketClosed


class Server(Protocol):
    """Where a live server answers: tests.live_server.LiveServer is one."""

    url: str
    port: int
    secret: str


def rest(server: Server, method: str, path: str, body: Any = None) -> Any:
    """Call the server's REST API with its secret; the decoded JSON answer (or None)."""
    credentials = base64.b64encode(f"OPENVIDUAPP:{server.secret}".encode()).decode()
    request = urllib.request.Request(
        server.url + "/openvidu/api/" + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else None


def invite(server: Server, session_id: str, **connection: Any) -> str:
    """A token for a new seat in the room (opened if it is not), as an app server gets one."""
    try:
        rest(server, "POST", "sessions", {"customSessionId": session_id})
    except urllib.error.HTTPError as error:
        if error.code != 409:
            raise
    token: str = rest(server, "POST", f"sessions/{session_id}/connection", connection)["token"]
    return token


class RpcFailure(Exception):
    pass


class LiveRpc:
    def __init__(self, socket: WebSocket) -> None:
        self.socket = socket
        self._next_id = 0
        self.notifications: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, server: Server, session_id: str = "x") -> LiveRpc:
        socket = await WebSocket.connect(
            "127.0.0.1", server.port, f"/openvidu?sessionId={session_id}"
        )
        return cls(socket)

    async def call(self, method: str, timeout: float = 15, **params: Any) -> Any:
        request_id = self._next_id
        self._next_id += 1
        frame = {"jsonrpc": "2.0", "method": method, "params": params, "id": request_id}
        await self.socket.send(json.dumps(frame))
        async with asyncio.timeout(timeout):
            while True:
                answer = json.loads(await self.socket.recv())
                if "method" in answer and "id" not in answer:
                    self.notifications.append(answer)
                    continue
                if answer.get("id") != request_id:
                    continue
                if "error" in answer:
                    raise RpcFailure(answer["error"])
                return answer["result"]

    async def notification(self, method: str, timeout: float = 15) -> dict[str, Any]:
        """The params of the next notification `method`, read while it has not come."""
        async with asyncio.timeout(timeout):
            while True:
                for frame in self.notifications:
                    if frame["method"] == method:
                        self.notifications.remove(frame)
                        params: dict[str, Any] = frame["params"]
                        return params
                answer = json.loads(await self.socket.recv())
                if "method" in answer and "id" not in answer:
                    self.notifications.append(answer)

    async def join(self, token: str, session_id: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "joinRoom",
            token=token,
            session=session_id,
            platform="deployment test",
            sdkVersion="2.32.2",
            metadata=json.dumps({"clientData": name}),
            secret="",
            recorder=False,
            stt=False,
        )
        return result

    async def close(self) -> None:
        await self.socket.close()


__all__ = ["LiveRpc", "RpcFailure", "Server", "WebSocketClosed", "invite", "rest"]
