"""A small WebSocket client (RFC 6455) on asyncio streams: text messages in and out.

The benchmark talks to two servers over WebSockets (our `/openvidu` JSON-RPC and Janus's
`janus-protocol`), and the project installs no client library for it. This one does what
those two need and nothing more: one handshake, masked text frames out, text frames in
(fragmented or not), pongs to the server's pings (Daphne drops a socket that does not
answer), and a close handshake.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import struct

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_CONTINUATION, _TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
# Larger than any SDP or JSON-RPC answer we expect; a bigger frame means a broken peer.
_MAX_MESSAGE = 4 * 1024 * 1024


class WebSocketClosed(Exception):
    """The server closed the socket (or the connection dropped)."""


def _mask(data: bytes, key: bytes) -> bytes:
    # XOR as one big integer: far faster in Python than a byte loop.
    repeated = (key * (len(data) // 4 + 1))[: len(data)]
    masked = int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")
    return masked.to_bytes(len(data), "big")


class WebSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._send_lock = asyncio.Lock()
        self.closed = False

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        path: str,
        *,
        subprotocol: str | None = None,
        timeout: float = 10,
    ) -> WebSocket:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        try:
            key = base64.b64encode(os.urandom(16)).decode()
            lines = [
                f"GET {path} HTTP/1.1",
                f"Host: {host}:{port}",
                "Upgrade: websocket",
                "Connection: Upgrade",
                f"Sec-WebSocket-Key: {key}",
                "Sec-WebSocket-Version: 13",
                f"Origin: http://{host}:{port}",
            ]
            if subprotocol:
                lines.append(f"Sec-WebSocket-Protocol: {subprotocol}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
            status, *headers = head.decode("latin-1").split("\r\n")
            if " 101 " not in status + " ":
                raise WebSocketClosed(f"handshake refused: {status}")
            fields = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in headers if line)
            }
            expected = base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()
            if fields.get("sec-websocket-accept") != expected:
                raise WebSocketClosed("handshake answered with a wrong Sec-WebSocket-Accept")
        except BaseException:
            writer.close()
            raise
        return cls(reader, writer)

    async def _write_frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        key = os.urandom(4)
        async with self._send_lock:
            # A client must mask every frame (RFC 6455 5.3).
            self._writer.write(header + key + _mask(payload, key))
            await self._writer.drain()

    async def send(self, text: str) -> None:
        if self.closed:
            raise WebSocketClosed("the socket is closed")
        try:
            await self._write_frame(_TEXT, text.encode())
        except (ConnectionError, RuntimeError) as error:
            self.closed = True
            raise WebSocketClosed(str(error)) from error

    async def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = await self._reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self._reader.readexactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self._reader.readexactly(8))
        if length > _MAX_MESSAGE:
            raise WebSocketClosed(f"a {length}-byte frame is more than this client accepts")
        key = await self._reader.readexactly(4) if second & 0x80 else b""
        payload = await self._reader.readexactly(length)
        if key:
            payload = _mask(payload, key)
        return bool(first & 0x80), first & 0x0F, payload

    async def recv(self) -> str:
        """The next text message; pings are answered on the way."""
        parts: list[bytes] = []
        try:
            while True:
                final, opcode, payload = await self._read_frame()
                if opcode == _PING:
                    await self._write_frame(_PONG, payload)
                    continue
                if opcode == _PONG:
                    continue
                if opcode == _CLOSE:
                    self.closed = True
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await self._write_frame(_CLOSE, payload[:2])
                    raise WebSocketClosed("closed by the server")
                if opcode in (_TEXT, _BINARY, _CONTINUATION):
                    parts.append(payload)
                    if sum(map(len, parts)) > _MAX_MESSAGE:
                        raise WebSocketClosed("a message larger than this client accepts")
                    if final:
                        return b"".join(parts).decode()
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.closed = True
            raise WebSocketClosed(str(error) or "connection lost") from error

    async def close(self) -> None:
        """Say goodbye (briefly) and drop the connection; safe to call twice."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._write_frame(_CLOSE, struct.pack("!H", 1000)), 1)
        self._writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._writer.wait_closed(), 1)
