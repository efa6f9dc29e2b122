"""What one signaling socket may make the server hold, measured on a live Daphne.

A client that sends requests and never reads the answers is cut off once its unread
answers pass the bound, and the server's memory comes back; 200 sockets that drop at
once, with answers still on their way, leave no traceback in the log.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import struct
import time

import pytest
from django.db import connection

from rooms.signaling import send_bounds
from tests.live_server import LiveServer, database_url, live_server

pytestmark = pytest.mark.django_db(transaction=True)

MB = 1024 * 1024


@pytest.fixture
def server():
    with live_server(database=database_url(connection.settings_dict), secret="bounds") as live:
        yield live


def _open_socket(port: int, receive_buffer: int | None = None) -> socket.socket:
    """A WebSocket client as small as it gets: the handshake, then raw frames."""
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        # A small window: the kernel takes little of what the client does not read.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    client.settimeout(30)
    client.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    client.sendall(
        (
            "GET /openvidu?sessionId=x HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += client.recv(1)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return client


def _frame(text: str) -> bytes:
    """A masked text frame, as a client must send it."""
    payload = text.encode()
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, length)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return header + mask + masked


def _read_frame(client: socket.socket) -> str:
    """One unmasked text frame from the server."""

    def exactly(count):
        data = b""
        while len(data) < count:
            chunk = client.recv(count - len(data))
            assert chunk, "the server closed the socket"
            data += chunk
        return data

    first, second = exactly(2)
    assert first & 0x0F == 0x1, f"not a text frame: opcode {first & 0x0F}"
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", exactly(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", exactly(8))[0]
    return exactly(length).decode()


def test_a_message_over_daphnes_limit_gets_a_json_rpc_error(server: LiveServer):
    client = _open_socket(server.port)
    huge = {"jsonrpc": "2.0", "id": 1, "method": "ping", "pad": "x" * (3 * MB)}
    client.sendall(_frame(json.dumps(huge)))
    answer = json.loads(_read_frame(client))
    assert answer["error"]["code"] == -32600
    assert "larger than" in answer["error"]["message"]
    # The socket stays open and the next frame is read as usual.
    client.sendall(_frame(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "ping"})))
    assert json.loads(_read_frame(client))["result"]["value"] == "pong"
    client.close()


def _close_frame() -> bytes:
    """A masked close frame with code 1000."""
    mask = os.urandom(4)
    payload = struct.pack("!H", 1000)
    return (
        struct.pack("!BB", 0x88, 0x80 | len(payload))
        + mask
        + bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    )


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _wait_for(condition, deadline_seconds=60):
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)


def test_a_client_that_does_not_read_is_cut_off_and_its_memory_comes_back(server: LiveServer):
    # Each request names a 200 KB method: its error answer repeats the name.
    request = _frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "m" * 200_000}))
    warm = _open_socket(server.port)
    warm.close()
    before = _rss(server.process.pid)
    client = _open_socket(server.port, receive_buffer=4096)
    sent = 0
    try:
        for _ in range(400):  # 80 MB of answers, unread
            client.sendall(request)
            sent += 1
    except OSError:
        pass  # cut off while still sending: what the test is after
    _wait_for(
        lambda: send_bounds.CLOSE_REASON in server.log() or send_bounds.FLOOD_REASON in server.log()
    )
    # The server aborted the connection: reading ends, whatever was buffered.
    with contextlib.suppress(OSError):  # a reset, or EOF: both mean it is closed
        while client.recv(1 << 20):
            pass
    client.close()
    grown = _rss(server.process.pid) - before
    print(f"RSS growth {grown / MB:.1f} MB after {sent} requests")
    assert grown < 32 * MB, f"the server grew by {grown / MB:.1f} MB after {sent} requests"
    # And it still serves everyone else.
    other = _open_socket(server.port)
    other.sendall(_frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"})))
    assert b"pong" in other.recv(4096)
    other.close()


def test_two_hundred_sockets_dropping_at_once_leave_no_traceback(server: LiveServer):
    sockets = [_open_socket(server.port) for _ in range(200)]
    ping = _frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
    close = _close_frame()
    for index, client in enumerate(sockets):
        # Half say goodbye (a close frame right behind their requests), half just drop
        # (RST): answers are on their way to both.
        client.sendall(ping * 5 + (close if index % 2 else b""))
    for client in sockets:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    _wait_for(lambda: server.log().count("WSDISCONNECT") >= 200)
    # One more request after the storm: everything before it has been handled.
    last = _open_socket(server.port)
    last.sendall(ping)
    assert b"pong" in last.recv(4096)
    last.close()
    log = server.log()
    assert "Traceback" not in log, log[-5000:]
    assert "Disconnected" not in log, log[-5000:]
