"""A JSON-RPC client over Channels' WebsocketCommunicator, as openvidu-browser talks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.testing import WebsocketCommunicator

from openvidu_site.asgi import application


class RpcFailure(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message: str = str(error.get("message"))


class RpcClient:
    def __init__(self, path: str = "/openvidu?sessionId=x") -> None:
        self.communicator = WebsocketCommunicator(application, path)
        self._next_id = 0
        self.notifications: list[dict[str, Any]] = []
        self._responses: dict[Any, dict[str, Any]] = {}
        self.connected = False

    async def connect(self) -> RpcClient:
        connected, _ = await self.communicator.connect()
        assert connected
        self.connected = True
        return self

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def _read(self, timeout: float) -> dict[str, Any]:
        frame = json.loads(await self.communicator.receive_from(timeout))
        if "method" in frame and "id" not in frame:
            self.notifications.append(frame)
        return frame

    async def response(self, request_id: Any, timeout: float = 10) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while request_id not in self._responses:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no response to request {request_id}")
            frame = await self._read(remaining)
            if "method" not in frame:
                self._responses[frame.get("id")] = frame
        return self._responses.pop(request_id)

    async def call(self, method: str, /, **params: Any) -> Any:
        """The result, or RpcFailure carrying the JSON-RPC error."""
        request_id = self._next_id
        self._next_id += 1
        await self.send_raw(
            json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": request_id})
        )
        frame = await self.response(request_id)
        if "error" in frame:
            raise RpcFailure(frame["error"])
        return frame["result"]

    async def notification(self, method: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        """The params of the first notification `method` whose params contain `match`."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for frame in self.notifications:
                if frame["method"] == method and all(
                    frame["params"].get(k) == v for k, v in match.items()
                ):
                    self.notifications.remove(frame)
                    return frame["params"]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [frame["method"] for frame in self.notifications]
                raise TimeoutError(f"no {method} {match} notification; saw {seen}")
            frame = await self._read(remaining)
            if "method" not in frame:
                self._responses[frame.get("id")] = frame

    async def no_notification(self, method: str, wait: float = 0.3) -> None:
        """Nothing called `method` arrives within `wait` seconds (a bounded check, not a timing one).

        receive_nothing, not a receive with a timeout: a timed-out receive cancels the app.
        """
        while True:
            for frame in self.notifications:
                if frame["method"] == method:
                    raise AssertionError(f"unexpected {method}: {frame['params']}")
            if await self.communicator.receive_nothing(wait):
                return
            frame = await self._read(5)
            if "method" not in frame:
                self._responses[frame.get("id")] = frame

    async def close(self) -> None:
        if self.connected:
            self.connected = False
            await self.communicator.disconnect()
