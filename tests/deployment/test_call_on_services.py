"""Two participants in a real call on PostgreSQL and Redis, for half a minute.

aiortc peers in the browsers' place publish a colour each and receive the other's,
through the live server's SFU, while both keep pinging as openvidu-browser does.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection as db_connection
from django.db import connections

from rooms.models import Connection
from tests.deployment.live_rpc import LiveRpc, invite
from tests.peers import AudioStreamTrack, ColourTrack, client_peer, mean_rgb, publish, receive

pytestmark = [pytest.mark.services, pytest.mark.webrtc, pytest.mark.django_db(transaction=True)]

CALL_SECONDS = 30
PING_SECONDS = 5
RED, BLUE = (220, 30, 30), (30, 30, 220)


class Participant:
    def __init__(self, rpc: LiveRpc, colour: tuple[int, int, int]) -> None:
        self.rpc = rpc
        self.colour = colour
        self.peers: list[Any] = []
        self.received = 0
        self.last_frame: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def publish(self) -> str:
        pc = client_peer()
        self.peers.append(pc)

        async def answer_for(offer: str) -> str:
            result = await self.rpc.call(
                "publishVideo",
                sdpOffer=offer,
                doLoopback=False,
                hasAudio=True,
                hasVideo=True,
                audioActive=True,
                videoActive=True,
                typeOfVideo="CAMERA",
                frameRate=30,
                videoDimensions='{"width":640,"height":480}',
            )
            self.stream_id = result["id"]
            answer: str = result["sdpAnswer"]
            return answer

        await publish(pc, [ColourTrack(self.colour), AudioStreamTrack()], answer_for)
        return self.stream_id

    async def subscribe(self, stream_id: str) -> None:
        pc = client_peer()
        self.peers.append(pc)

        async def answer_for(offer: str) -> str:
            result = await self.rpc.call("receiveVideoFrom", sender=stream_id, sdpOffer=offer)
            answer: str = result["sdpAnswer"]
            return answer

        tracks = await receive(pc, ["audio", "video"], answer_for)
        self._reader = asyncio.create_task(self._read(tracks["video"]))

    async def _read(self, track: Any) -> None:
        # Read everything, as a browser's <video> does: an unread track only queues up.
        while True:
            self.last_frame = await track.recv()
            self.received += 1

    async def frames_after(self, count: int, timeout: float = 20) -> None:
        """Wait until `count` more frames have arrived: media still flows."""
        target = self.received + count
        async with asyncio.timeout(timeout):
            while self.received < target:
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        for pc in self.peers:
            await pc.close()
        await self.rpc.close()


def _close_to(rgb: tuple[float, float, float], expected: tuple[int, int, int]) -> bool:
    return all(abs(got - want) < 40 for got, want in zip(rgb, expected, strict=True))


@pytest.mark.asyncio
async def test_two_peers_hold_a_call_for_half_a_minute(production_server):
    assert db_connection.vendor == "postgresql"
    people: list[Participant] = []
    try:
        alice = Participant(await LiveRpc.open(production_server, "call"), RED)
        people.append(alice)
        bob = Participant(await LiveRpc.open(production_server, "call"), BLUE)
        people.append(bob)
        alice_seat = await alice.rpc.join(
            await sync_to_async(invite)(production_server, "call"), "call", "Alice"
        )
        await alice.rpc.call("ping", interval=PING_SECONDS * 1000)
        alice_stream = await alice.publish()
        bob_seat = await bob.rpc.join(
            await sync_to_async(invite)(production_server, "call"), "call", "Bob"
        )
        await bob.rpc.call("ping", interval=PING_SECONDS * 1000)
        assert [peer["id"] for peer in bob_seat["value"]] == [alice_seat["id"]]
        bob_stream = await bob.publish()
        published = await alice.rpc.notification("participantPublished")
        assert published["streams"][0]["id"] == bob_stream
        await bob.subscribe(alice_stream)
        await alice.subscribe(bob_stream)

        loop = asyncio.get_running_loop()
        until = loop.time() + CALL_SECONDS
        while loop.time() < until:
            for person in people:
                await person.rpc.call("ping")
                await person.frames_after(1)
            await asyncio.sleep(PING_SECONDS)

        for person in people:
            await person.frames_after(30)
        assert _close_to(mean_rgb(alice.last_frame), BLUE)
        assert _close_to(mean_rgb(bob.last_frame), RED)
        statuses = await sync_to_async(
            lambda: set(
                Connection.objects.filter(room__session_id="call").values_list("status", flat=True)
            )
        )()
        assert statuses == {"active"}
        for person in people:
            await person.rpc.call("leaveRoom")
    finally:
        for person in people:
            await person.close()
        await sync_to_async(connections.close_all)()
    log = production_server.log()
    assert "Traceback" not in log
