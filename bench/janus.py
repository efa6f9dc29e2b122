"""Janus (Debian's `janus` package) as the reference SFU: its process and its API.

The benchmark starts Janus with configuration files of its own, written into a
temporary folder: ICE on loopback only and no STUN server, the WebSockets transport on
127.0.0.1, the videoroom plugin alone (plugin and transport folders hold links to just
those two libraries, so nothing else loads), no event handlers, no loggers, and one room
that forces VP8. Its API is driven over the `janus-protocol` WebSocket: sessions and
handles, `join` as publisher and `publish` with our offer; subscribers `join` with the
feed, get Janus's offer (Janus offers to subscribers) and `start` with our answer.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.channel import JsonChannel
from bench.websocket import WebSocket

JANUS = "/usr/bin/janus"
LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")
ROOM = 1234
# Janus never gathers ICE candidates on a loopback interface, and the private namespace
# has nothing else: the bench gives it a veth pair inside that namespace, with an
# address of the benchmarking range (RFC 2544). Traffic to it stays in the namespace.
ICE_INTERFACE = "bench0"
ICE_ADDRESS = "198.18.0.1"
SUBPROTOCOL = "janus-protocol"
_transactions = itertools.count()


def _free_port() -> int:
    # Janus binds its own port; a short race with another process is acceptable here.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_configs(folder: Path, port: int, publishers: int) -> None:
    plugins, transports = folder / "plugins", folder / "transports"
    for sub in (plugins, transports, folder / "events", folder / "loggers"):
        sub.mkdir()
    # Only these two libraries are visible to Janus: nothing else can load.
    (plugins / "libjanus_videoroom.so").symlink_to(LIBRARIES / "plugins/libjanus_videoroom.so")
    (transports / "libjanus_websockets.so").symlink_to(
        LIBRARIES / "transports/libjanus_websockets.so"
    )
    (folder / "janus.jcfg").write_text(
        f"""general: {{
    configs_folder = "{folder}"
    plugins_folder = "{plugins}"
    transports_folder = "{transports}"
    events_folder = "{folder / "events"}"
    loggers_folder = "{folder / "loggers"}"
    debug_level = 3
    session_timeout = 0
    server_name = "bench"
}}
media: {{
    ipv6 = false
}}
nat: {{
    nice_debug = false
    ignore_mdns = true
    ice_enforce_list = "{ICE_ADDRESS}"
}}
plugins: {{
}}
transports: {{
}}
events: {{
    broadcast = false
}}
"""
    )
    (folder / "janus.transport.websockets.jcfg").write_text(
        f"""general: {{
    json = "compact"
    ws = true
    ws_port = {port}
    ws_ip = "127.0.0.1"
    wss = false
}}
admin: {{
    admin_ws = false
    admin_wss = false
}}
"""
    )
    # bitrate 0: no REMB cap (the pre-encoded publisher ignores REMB anyway);
    # fir_freq 0: no periodic keyframe requests, as on our server.
    (folder / "janus.plugin.videoroom.jcfg").write_text(
        f"""general: {{
}}
room-{ROOM}: {{
    description = "bench"
    publishers = {max(publishers, 1)}
    bitrate = 0
    fir_freq = 0
    audiocodec = "opus"
    videocodec = "vp8"
    record = false
    notify_joining = false
}}
"""
    )


@dataclass
class JanusServer:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""


def _wait_for_port(server: JanusServer, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"janus exited with {server.process.returncode}\n{server.log()}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", server.port), 0.5),
        ):
            return
        time.sleep(0.1)
    raise RuntimeError(f"janus did not listen on {server.port} in time\n{server.log()}")


@contextlib.contextmanager
def janus_server(
    publishers: int, cores: list[int] | None = None, startup_timeout: float = 20
) -> Iterator[JanusServer]:
    """Janus on 127.0.0.1 (on `cores`, when given) until the block ends; stopped on every
    way out."""
    with tempfile.TemporaryDirectory(prefix="bench-janus-") as temp:
        folder = Path(temp)
        port = _free_port()
        _write_configs(folder, port, publishers)
        log_path = folder / "janus.log"
        command = [
            *pinned(cores),
            JANUS,
            "--config",
            str(folder / "janus.jcfg"),
            "--configs-folder",
            str(folder),
            "--disable-colors",
            "--disable-stdout",
            "--log-file",
            str(log_path),
        ]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        server = JanusServer(port, process, log_path)
        try:
            _wait_for_port(server, time.monotonic() + startup_timeout)
            yield server
        finally:
            stop_process(process)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


class JanusError(Exception):
    pass


def _key(message: dict[str, Any]) -> Any:
    # Janus acks a plugin message at once and answers it later with the same
    # transaction: wait for the answer, not the ack.
    return None if message.get("janus") == "ack" else message.get("transaction")


class JanusSession:
    """One Janus session on its own socket, with the handles of one peer."""

    def __init__(self, channel: JsonChannel, session_id: int) -> None:
        self._channel = channel
        self.session_id = session_id

    @classmethod
    async def open(cls, port: int) -> JanusSession:
        socket_ = await WebSocket.connect("127.0.0.1", port, "/", subprotocol=SUBPROTOCOL)
        channel = JsonChannel(socket_, _key)
        try:
            answer = await cls._request(channel, {"janus": "create"})
            return cls(channel, int(answer["data"]["id"]))
        except BaseException:
            await channel.close()
            raise

    @staticmethod
    async def _request(
        channel: JsonChannel, message: dict[str, Any], timeout: float = 20
    ) -> dict[str, Any]:
        transaction = f"t{next(_transactions)}"
        answer: dict[str, Any] = await channel.request(
            {**message, "transaction": transaction}, transaction, timeout
        )
        if answer.get("janus") == "error":
            raise JanusError(str(answer.get("error")))
        data = answer.get("plugindata", {}).get("data", {})
        if "error" in data:
            raise JanusError(f"{data.get('error_code')}: {data['error']}")
        return answer

    async def attach(self) -> int:
        answer = await self._request(
            self._channel,
            {"janus": "attach", "plugin": "janus.plugin.videoroom", "session_id": self.session_id},
        )
        return int(answer["data"]["id"])

    async def message(
        self, handle: int, body: dict[str, Any], jsep: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "janus": "message",
            "session_id": self.session_id,
            "handle_id": handle,
            "body": body,
        }
        if jsep is not None:
            request["jsep"] = jsep
        return await self._request(self._channel, request)

    async def publish(self, offer: str, display: str) -> tuple[int, str]:
        """Join the room as a publisher and publish `offer`: (feed id, SDP answer)."""
        handle = await self.attach()
        joined = await self.message(
            handle, {"request": "join", "ptype": "publisher", "room": ROOM, "display": display}
        )
        feed = int(joined["plugindata"]["data"]["id"])
        # aiortc puts every candidate in the SDP: nothing will be trickled.
        answer = await self.message(
            handle,
            {"request": "publish", "audio": False, "video": True},
            {"type": "offer", "sdp": offer, "trickle": False},
        )
        return feed, str(answer["jsep"]["sdp"])

    async def subscribe(self, feed: int) -> tuple[int, str]:
        """Join as a subscriber of `feed`: (handle, Janus's SDP offer)."""
        handle = await self.attach()
        attached = await self.message(
            handle,
            {"request": "join", "ptype": "subscriber", "room": ROOM, "streams": [{"feed": feed}]},
        )
        return handle, str(attached["jsep"]["sdp"])

    async def start(self, handle: int, answer: str) -> None:
        await self.message(
            handle,
            {"request": "start", "room": ROOM},
            {"type": "answer", "sdp": answer, "trickle": False},
        )

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._request(
                self._channel, {"janus": "destroy", "session_id": self.session_id}, timeout=2
            )
        await self._channel.close()


def pinned(cores: list[int] | None) -> list[str]:
    """A command prefix that runs a program, every thread of it, on `cores` only."""
    return ["taskset", "--cpu-list", ",".join(map(str, cores))] if cores else []


def janus_installed() -> bool:
    return os.access(JANUS, os.X_OK)


def prepare_network() -> None:
    """Give Janus a non-loopback address, only ever inside the private namespace."""
    # Names from the kernel of this namespace (sysfs may still show the host's).
    interfaces = {name for _, name in socket.if_nameindex()}
    if ICE_INTERFACE in interfaces:
        return
    if os.environ.get("ROOMS_PRIVATE_NETWORK") != "1" or interfaces != {"lo"}:
        # Anywhere else this would change a real network: refuse.
        raise RuntimeError("the Janus interface is made only inside tests/private-network")
    peer = ICE_INTERFACE[:-1] + "1"
    for command in (
        ["ip", "link", "add", ICE_INTERFACE, "type", "veth", "peer", "name", peer],
        ["ip", "addr", "add", f"{ICE_ADDRESS}/32", "dev", ICE_INTERFACE],
        ["ip", "link", "set", peer, "up"],
        ["ip", "link", "set", ICE_INTERFACE, "up"],
    ):
        subprocess.run(command, check=True, capture_output=True)
