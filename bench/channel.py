"""JSON messages over a WebSocket, with answers matched to their requests.

Both servers answer asynchronously and interleave unsolicited messages (OpenVidu's
notifications, Janus's events and acks). One reader task per socket routes each message:
to the request waiting for it (by a key the protocol defines: JSON-RPC `id`, Janus
`transaction`), or nowhere (notifications are read and dropped, so the server's send
buffer never fills).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Hashable
from typing import Any

from bench.websocket import WebSocket, WebSocketClosed

KeyOf = Callable[[dict[str, Any]], Hashable | None]


class JsonChannel:
    def __init__(self, socket: WebSocket, key_of: KeyOf) -> None:
        self._socket = socket
        self._key_of = key_of
        self._waiting: dict[Hashable, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read(), name="json-channel-reader")

    async def _read(self) -> None:
        try:
            while True:
                message = json.loads(await self._socket.recv())
                if not isinstance(message, dict):
                    continue
                key = self._key_of(message)
                future = self._waiting.pop(key, None) if key is not None else None
                if future is not None and not future.done():
                    future.set_result(message)
        except (WebSocketClosed, json.JSONDecodeError) as error:
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(WebSocketClosed(f"no answer: {error}"))
            self._waiting.clear()

    async def request(self, message: dict[str, Any], key: Hashable, timeout: float) -> Any:
        """Send `message`; the first message whose key is `key`, or TimeoutError."""
        if self._reader.done():
            raise WebSocketClosed("the socket is closed")
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        try:
            await self._socket.send(json.dumps(message))
            return await asyncio.wait_for(future, timeout)
        finally:
            self._waiting.pop(key, None)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader
        await self._socket.close()
