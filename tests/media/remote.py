"""The test's side of tests/netclient.py: a publisher in another namespace, and its media."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from media.engine import MediaEngine
from tests.netns import Namespace

ROOT = Path(__file__).resolve().parents[2]


class RemotePublisher:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.answer = ""

    async def line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if not raw:
            raise RuntimeError("the remote publisher ended")
        parsed: dict[str, Any] = json.loads(raw)
        return parsed

    async def close(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def publish_from(
    namespace: Namespace,
    engine: MediaEngine,
    room: str,
    connection_id: str,
    options: dict[str, Any],
) -> RemotePublisher:
    """Start the publisher inside `namespace` and answer its offer with `engine`."""
    process = await asyncio.create_subprocess_exec(
        *namespace.command([sys.executable, "-m", "tests.netclient", json.dumps(options)]),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    remote = RemotePublisher(process)
    try:
        offer = (await remote.line())["offer"]
        remote.answer = await engine.publish(room, "VP8", connection_id, offer)
        assert process.stdin is not None
        process.stdin.write(json.dumps({"answer": remote.answer}).encode() + b"\n")
        await process.stdin.drain()
    except BaseException:
        await remote.close()
        raise
    return remote


async def frames_arrive(engine: MediaEngine, room: str, connection_id: str, count: int) -> int:
    """Wait (60 s at most) until the server has received `count` video frames of a publisher."""

    async def wait() -> int:
        while True:
            publication = engine.room(room).publications[connection_id]
            forwarder = publication.forwarders.get("video")
            if forwarder is not None and forwarder.frames >= count:
                return forwarder.frames
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(wait(), 60)
