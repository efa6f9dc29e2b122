"""A participant joins a room of a running server over the WebSocket, as a browser would.

Run by .ci/fresh-clone with the fresh venv's Python, which holds only the main
dependencies: tests/deployment/live_rpc.py needs the standard library only.
Usage: python .ci/join_over_websocket.py http://127.0.0.1:PORT SECRET
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.deployment.live_rpc import LiveRpc, invite, rest


@dataclass
class Server:
    url: str
    port: int
    secret: str


async def join(server: Server) -> None:
    token = invite(server, "fresh-clone", data="from CI")
    host = urlsplit(server.url).netloc
    if not token.startswith(f"ws://{host}?"):
        raise SystemExit(f"the token names another server: {token}")
    client = await LiveRpc.open(server, "fresh-clone")
    try:
        joined = await client.join(token, "fresh-clone", "CI")
        seen = rest(server, "GET", f"sessions/fresh-clone/connection/{joined['id']}")
        if seen["status"] != "active":
            raise SystemExit(f"the participant is not active after joinRoom: {seen}")
        await client.call("leaveRoom")
    finally:
        await client.close()
    print(f"joined {joined['session']} as {joined['id']} over the WebSocket")


if __name__ == "__main__":
    url, secret = sys.argv[1], sys.argv[2]
    asyncio.run(join(Server(url=url, port=urlsplit(url).port or 80, secret=secret)))
