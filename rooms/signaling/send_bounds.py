"""Bounds on what Daphne holds for one signaling socket, and quiet sends after close.

Daphne hands each frame the application sends to autobahn, which writes it to the
Twisted transport at once: when the client stops reading, the frames pile up in the
transport's buffer without limit (about 58 MB for one client in a test). Daphne has no
setting for this, so `install` wraps its WebSocket protocol's `serverSend`: past
MAX_PENDING_BYTES or MAX_PENDING_WRITES not yet taken by the kernel, the socket is
closed with a reason (logged, and in the close frame for a client that reads again)
and then aborted, which drops the buffer: the memory comes back.

The other way is bounded too: Daphne queues every frame a client sends for the
application without limit, so a client that sends faster than the server answers
(or never reads the answers, which stalls them) is closed the same way past
MAX_QUEUED_BYTES or MAX_QUEUED_FRAMES waiting for the application.

A message over Daphne's size limit (1 MiB) made autobahn close the socket with no
answer; here its bytes are dropped as they come and the client gets the JSON-RPC error
any oversized frame gets (-32600), on a socket that stays open.

A frame sent after the socket closed (a notification racing a client that went away)
raises autobahn's `Disconnected` inside the application; it is dropped here instead,
as nobody can receive it.

These are Daphne internals (daphne==4.2.3, pinned): tests/signaling/test_send_bounds.py
covers each one.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from rooms.signaling import jsonrpc

logger = logging.getLogger(__name__)

# An SDP answer is a few KiB and a notification less: a client that lets this much
# wait unread is not reading.
MAX_PENDING_BYTES = 2 * 1024 * 1024
MAX_PENDING_WRITES = 2000
# What waits for the application: openvidu-browser sends a burst of ICE candidates at
# most, each well under a KiB.
MAX_QUEUED_BYTES = 4 * 1024 * 1024
MAX_QUEUED_FRAMES = 500
CLOSE_CODE = 1008  # policy violation
CLOSE_REASON = "The client does not read: its outgoing queue is full"
FLOOD_REASON = "The client sends faster than the server can answer"


def queued(application_queue: Any) -> tuple[int, int]:
    """Bytes and frames waiting in Daphne's queue for the application."""
    frames = application_queue.qsize()
    if frames < 8:  # the usual case: counting the bytes is not worth it
        return 0, frames
    size = 0
    for message in application_queue._queue:
        size += len(message.get("text") or message.get("bytes") or b"")
    return size, frames


def _cut(protocol: Any, reason: str, size: int, count: int) -> None:
    logger.warning(
        "closing the socket of %s: %s (%d bytes in %d frames or writes)",
        protocol.client_addr,
        reason,
        size,
        count,
    )
    protocol.sendClose(code=CLOSE_CODE, reason=reason)
    # The close frame would wait behind what the client does not read; aborting frees
    # the buffers now. Daphne then tells the application it disconnected.
    protocol.transport.abortConnection()


def pending(transport: Any) -> tuple[int, int]:
    """Bytes and writes a Twisted transport holds that the kernel has not taken yet."""
    data = getattr(transport, "dataBuffer", b"")
    offset = getattr(transport, "offset", 0)
    queued = getattr(transport, "_tempDataLen", 0)
    writes = len(getattr(transport, "_tempDataBuffer", ()))
    return len(data) - offset + queued, writes


def install() -> None:
    """Wrap Daphne's WebSocket protocol, once; nothing to do under another server."""
    if "daphne.ws_protocol" not in sys.modules:
        return  # uvicorn and others wait for the socket to drain on each send
    from daphne.ws_protocol import WebSocketProtocol

    if getattr(WebSocketProtocol.serverSend, "bounded", False):
        return
    original_send = WebSocketProtocol.serverSend
    original_receive = WebSocketProtocol.onMessage
    original_begin = WebSocketProtocol.onMessageBegin
    original_frame_data = WebSocketProtocol.onMessageFrameData
    original_frame_end = WebSocketProtocol.onMessageFrameEnd
    original_end = WebSocketProtocol.onMessageEnd
    WebSocketProtocol._oversized = False

    def server_send(self: Any, content: Any, binary: bool = False) -> None:
        if self.state not in (self.STATE_CONNECTING, self.STATE_OPEN):
            logger.debug("dropped a frame for the closed socket of %s", self.client_addr)
            return
        original_send(self, content, binary)
        size, writes = pending(self.transport)
        if size > MAX_PENDING_BYTES or writes > MAX_PENDING_WRITES:
            _cut(self, CLOSE_REASON, size, writes)

    def on_message(self: Any, payload: bytes, is_binary: bool) -> None:
        if self.muted or self.state != self.STATE_OPEN:
            return
        original_receive(self, payload, is_binary)
        size, frames = queued(self.application_queue)
        if size > MAX_QUEUED_BYTES or frames > MAX_QUEUED_FRAMES:
            self.muted = True  # Daphne's own flag: nothing more goes to the application
            # What waits unhandled is dropped now (its memory with it), and the
            # application hears of the disconnection next, which Daphne, muted, won't say.
            while not self.application_queue.empty():
                self.application_queue.get_nowait()
            self.application_queue.put_nowait({"type": "websocket.disconnect", "code": CLOSE_CODE})
            _cut(self, FLOOD_REASON, size, frames)

    def max_message_size_exceeded(self: Any, size: int, limit: int, reason: str) -> None:
        if not self._oversized:
            logger.info("dropping a message over %d bytes from %s", limit, self.client_addr)
        self._oversized = True

    def on_message_begin(self: Any, is_binary: bool) -> None:
        self._oversized = False
        original_begin(self, is_binary)

    def on_message_frame_data(self: Any, payload: bytes) -> None:
        if not self._oversized:
            original_frame_data(self, payload)

    def on_message_frame_end(self: Any) -> None:
        if self._oversized:
            self.frame_data = None
            return
        original_frame_end(self)

    def on_message_end(self: Any) -> None:
        if not self._oversized:
            original_end(self)
            return
        self._oversized, self.message_data = False, None
        refusal = jsonrpc.RpcError(
            jsonrpc.INVALID_REQUEST,
            f"The message is larger than {self.factory.server_class.websocket_max_message_size} bytes",
        )
        server_send(self, json.dumps(jsonrpc.error(None, refusal), separators=(",", ":")))

    server_send.bounded = True  # type: ignore[attr-defined]
    WebSocketProtocol.serverSend = server_send
    WebSocketProtocol.onMessage = on_message
    WebSocketProtocol._max_message_size_exceeded = max_message_size_exceeded
    WebSocketProtocol.onMessageBegin = on_message_begin
    WebSocketProtocol.onMessageFrameData = on_message_frame_data
    WebSocketProtocol.onMessageFrameEnd = on_message_frame_end
    WebSocketProtocol.onMessageEnd = on_message_end
