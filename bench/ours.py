"""Our server under test: Daphne in its own process, driven as a deployed client drives it.

The server runs `openvidu_site.asgi` in a plain `python -m daphne` subprocess on a
migrated SQLite file of its own, with the media settings the network rule asks for
(host candidates on 127.0.0.1, no ICE servers) and MEDIA_FORWARDING chosen per run.
Clients use the real protocol: REST with HTTP Basic `OPENVIDUAPP:<secret>` for the
session and the tokens, then the JSON-RPC WebSocket at `/openvidu` for joinRoom,
publishVideo and receiveVideoFrom (the client offers in both directions).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.channel import JsonChannel
from bench.janus import pinned
from bench.websocket import WebSocket
from tests.live_server import LiveServer, live_server

BASE_DIR = Path(__file__).resolve().parent.parent
SESSION_ID = "bench"
# Variables of the calling shell that must not reach the server (see tests/live_server.py).
_DROPPED = (
    "DATABASE_URL",
    "REDIS_URL",
    "OPENVIDU_SECRET_FILE",
    "OPENVIDU_PUBLICURL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


# The tests' live server (Daphne in a subprocess on a port handed over as a socket).
OurServer = LiveServer


def _database_url(path: Path) -> str:
    # The embedded default's options: wait for locks, take the write lock at BEGIN.
    return f"sqlite:///{quote(str(path))}?timeout=20&transaction_mode=IMMEDIATE"


def _settings(folder: Path, forwarding: str) -> dict[str, str]:
    """The server's settings beside the live server's own (secrets, public URL, port)."""
    return {
        "VAR_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
        "MEDIA_FORWARDING": forwarding,
        "MEDIA_HOST_ADDRESSES": "127.0.0.1",
        "MEDIA_ICE_SERVERS": "[]",
    }


class MigratedDatabase:
    """One migrated SQLite file, copied for each server start: fresh state, no re-migration."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.sqlite3"
        environment = {key: value for key, value in os.environ.items() if key not in _DROPPED}
        environment.update(_settings(folder, "passthrough"))
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "openvidu_site.settings",
                "DATABASE_URL": _database_url(self.path),
            }
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            stdin=subprocess.DEVNULL,
        )


@contextlib.contextmanager
def our_server(
    database: MigratedDatabase,
    forwarding: str,
    cores: list[int] | None = None,
    startup_timeout: float = 30,
) -> Iterator[OurServer]:
    """Daphne serving the site on 127.0.0.1 (on `cores`, when given) until the block ends;
    stopped on every way out."""
    with tempfile.TemporaryDirectory(prefix="bench-server-") as temp:
        folder = Path(temp)
        shutil.copyfile(database.path, folder / "db.sqlite3")
        with live_server(
            database=_database_url(folder / "db.sqlite3"),
            secret=secrets.token_urlsafe(16),
            # The bench drops the shell's REDIS_URL: the embedded in-memory layer.
            extra_env={**_settings(folder, forwarding), "REDIS_URL": ""},
            startup_timeout=startup_timeout,
            command_prefix=pinned(cores),
        ) as server:
            yield server


# REST: the application server's part, done once per run by the coordinator.


def _rest(server: OurServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    credentials = base64.b64encode(f"OPENVIDUAPP:{server.secret}".encode()).decode()
    request = urllib.request.Request(
        server.url + "/openvidu/api/" + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def create_tokens(
    server: OurServer, publishers: int, subscribers: int
) -> tuple[list[str], list[str]]:
    """A session, then one token per participant: (publisher tokens, subscriber tokens)."""
    _rest(server, "sessions", {"customSessionId": SESSION_ID})

    def token(role: str) -> str:
        connection = _rest(server, f"sessions/{SESSION_ID}/connection", {"role": role})
        return str(connection["token"])

    return [token("PUBLISHER") for _ in range(publishers)], [
        token("SUBSCRIBER") for _ in range(subscribers)
    ]


# JSON-RPC: the browser's part, done by the load generator.


class RpcFailure(Exception):
    pass


def _key(message: dict[str, Any]) -> Any:
    return None if "method" in message else message.get("id")


class OpenViduClient:
    """One participant's signaling socket, as openvidu-browser uses it."""

    def __init__(self, channel: JsonChannel) -> None:
        self._channel = channel
        self._next_id = 0

    @classmethod
    async def connect(cls, port: int) -> OpenViduClient:
        socket_ = await WebSocket.connect("127.0.0.1", port, f"/openvidu?sessionId={SESSION_ID}")
        return cls(JsonChannel(socket_, _key))

    async def call(self, method: str, timeout: float = 30, **params: Any) -> Any:
        request_id = self._next_id
        self._next_id += 1
        frame = {"jsonrpc": "2.0", "method": method, "params": params, "id": request_id}
        answer = await self._channel.request(frame, request_id, timeout)
        if "error" in answer:
            raise RpcFailure(f"{method}: {answer['error']}")
        return answer["result"]

    async def join(self, token: str, name: str) -> None:
        await self.call(
            "joinRoom",
            token=token,
            session=SESSION_ID,
            platform="bench (aiortc)",
            sdkVersion="2.32.2",
            metadata=json.dumps({"clientData": name}),
            secret="",
            recorder=False,
        )

    async def publish(self, offer: str) -> tuple[str, str]:
        """Publish video only: (stream id, SDP answer)."""
        result = await self.call(
            "publishVideo",
            sdpOffer=offer,
            doLoopback=False,
            hasAudio=False,
            hasVideo=True,
            audioActive=False,
            videoActive=True,
            typeOfVideo="CAMERA",
            frameRate=30,
            videoDimensions=json.dumps({"width": 640, "height": 480}),
        )
        return str(result["id"]), str(result["sdpAnswer"])

    async def subscribe(self, stream_id: str, offer: str) -> str:
        result = await self.call("receiveVideoFrom", sender=stream_id, sdpOffer=offer)
        return str(result["sdpAnswer"])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.call("leaveRoom", timeout=5)
        await self._channel.close()
