"""The load generator: worker processes full of aiortc peers, apart from the server.

A worker runs one asyncio loop with either the publishers or a share of the
subscribers, and talks to the coordinator over a pipe:
  worker -> ("ready", info)           every peer is set up (or has failed, said in info)
  coordinator -> "report"             worker -> ("report", records)
  coordinator -> "stop"               the worker closes every peer and socket, and exits
A worker also stops when the pipe closes (the coordinator is gone) or on Ctrl-C, and
every peer, socket and session is closed on every way out.

Publishers send the pre-encoded sequences of `bench.frames`; subscribers count frames
with `FrameCounter` (no decoding). Every RTCPeerConnection has iceServers=[]: nothing
but the servers on this machine is ever contacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Literal

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from bench import frames
from bench.header_counter import HeaderFrameCounter
from bench.janus import JanusError, JanusSession
from bench.ours import OpenViduClient

ServerKind = Literal["ours", "janus"]
CONNECT_TIMEOUT = 30.0
FIRST_FRAME_TIMEOUT = 30.0


@dataclass(frozen=True)
class Target:
    kind: ServerKind
    port: int


@dataclass(frozen=True)
class PublisherPlan:
    target: Target
    seeds: list[int]
    tokens: list[str] = field(default_factory=list)  # ours only
    cores: list[int] | None = None


@dataclass(frozen=True)
class SubscriberPlan:
    target: Target
    # Per subscriber: what it watches (our stream id or Janus feed id) and which
    # publisher that is; for ours also its token.
    streams: list[str]
    publishers: list[int]
    tokens: list[str] = field(default_factory=list)
    join_concurrency: int = 4
    cores: list[int] | None = None
    # Count frames from SRTP's clear headers (bench.header_counter), not aiortc's receiver.
    count_headers: bool = False


def peer() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


async def _connected(pc: RTCPeerConnection, timeout: float = CONNECT_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while pc.connectionState != "connected":
        if pc.connectionState in ("failed", "closed") or time.monotonic() > deadline:
            raise RuntimeError(f"the peer connection is {pc.connectionState}")
        await asyncio.sleep(0.05)


class Closer:
    """Everything a worker opened: closed together, each close bounded in time.

    Together, not one by one: a hundred peers closing in turn would take long, and the
    server is stopped after each point anyway, so the order does not matter.
    """

    def __init__(self) -> None:
        self._closes: list[Callable[[], Awaitable[Any]]] = []

    def add(self, close: Callable[[], Awaitable[Any]]) -> None:
        self._closes.append(close)

    async def close_all(self) -> None:
        closes, self._closes = self._closes, []

        async def bounded(close: Callable[[], Awaitable[Any]]) -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(close(), 10)

        await asyncio.gather(*(bounded(close) for close in closes))


def _send(conn: Connection, message: tuple[str, Any]) -> None:
    # The coordinator may be gone (Ctrl-C): then there is nobody to tell.
    with contextlib.suppress(OSError):
        conn.send(message)


async def _next_command(conn: Connection) -> str:
    # Poll rather than block a thread in recv: the loop stays free, and nothing is
    # left waiting in an executor when the worker stops.
    while True:
        if conn.poll():
            try:
                command = conn.recv()
            except EOFError:
                return "stop"
            return str(command)
        await asyncio.sleep(0.1)


# Publishers.


async def _publish_one(
    target: Target, seed: int, token: str | None, closer: Closer
) -> tuple[str, frames.PacedSequenceTrack, RTCPeerConnection]:
    track = frames.PacedSequenceTrack(frames.encode_sequence(seed))
    pc = peer()
    closer.add(pc.close)
    pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    if target.kind == "ours":
        assert token is not None
        client = await OpenViduClient.connect(target.port)
        closer.add(client.close)
        await client.join(token, f"publisher-{seed}")
        stream, answer = await client.publish(pc.localDescription.sdp)
    else:
        session = await JanusSession.open(target.port)
        closer.add(session.close)
        feed, answer = await session.publish(pc.localDescription.sdp, f"publisher-{seed}")
        stream = str(feed)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    await _connected(pc)
    return stream, track, pc


async def _run_publishers(plan: PublisherPlan, conn: Connection) -> None:
    closer = Closer()
    try:
        published = [
            await _publish_one(
                plan.target, seed, plan.tokens[index] if plan.tokens else None, closer
            )
            for index, seed in enumerate(plan.seeds)
        ]
        # Janus lists a feed for subscribers once its media flows.
        await asyncio.sleep(0.5)
        _send(
            conn,
            (
                "ready",
                {
                    "streams": [stream for stream, _, _ in published],
                    "crcs": [
                        [frames.crc(data) for data in track.frames] for _, track, _ in published
                    ],
                },
            ),
        )
        while (command := await _next_command(conn)) != "stop":
            if command == "report":
                sent = [track.sent.tolist() for _, track, _ in published]
                states = [pc.connectionState for _, _, pc in published]
                _send(conn, ("report", {"sent": sent, "states": states}))
    except Exception:
        _send(conn, ("error", traceback.format_exc()))
    finally:
        await closer.close_all()


# Subscribers.


@dataclass
class Subscriber:
    publisher: int
    pc: RTCPeerConnection | None = None
    counter: frames.FrameCounter | HeaderFrameCounter | None = None
    error: str | None = None

    @property
    def state(self) -> str:
        return self.pc.connectionState if self.pc is not None else "none"


def _counter(transceiver: Any, headers: bool) -> frames.FrameCounter | HeaderFrameCounter:
    if headers:
        return HeaderFrameCounter(transceiver.receiver.transport)
    return frames.FrameCounter(transceiver.receiver)


async def _subscribe_ours(
    target: Target,
    stream: str,
    token: str,
    name: str,
    subscriber: Subscriber,
    closer: Closer,
    headers: bool,
) -> None:
    client = await OpenViduClient.connect(target.port)
    closer.add(client.close)
    await client.join(token, name)
    subscriber.pc = pc = peer()
    closer.add(pc.close)
    transceiver = pc.addTransceiver("video", direction="recvonly")
    subscriber.counter = _counter(transceiver, headers)
    await pc.setLocalDescription(await pc.createOffer())
    answer = await client.subscribe(stream, pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))


async def _subscribe_janus(
    target: Target, feed: str, subscriber: Subscriber, closer: Closer, headers: bool
) -> None:
    session = await JanusSession.open(target.port)
    closer.add(session.close)
    for attempt in range(20):
        try:
            handle, offer = await session.subscribe(int(feed))
            break
        except JanusError as error:
            # 428: the feed is not listed yet (its media has just started).
            if "428" not in str(error) or attempt == 19:
                raise
            await asyncio.sleep(0.25)
    subscriber.pc = pc = peer()
    closer.add(pc.close)
    # Janus offers: the receiver exists once the offer is read, and starts only when
    # the answer is set, so it is tapped in between.
    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
    (transceiver,) = pc.getTransceivers()
    subscriber.counter = _counter(transceiver, headers)
    await pc.setLocalDescription(await pc.createAnswer())
    await session.start(handle, pc.localDescription.sdp)


async def _subscribe(
    plan: SubscriberPlan, index: int, gate: asyncio.Semaphore, closer: Closer
) -> Subscriber:
    subscriber = Subscriber(plan.publishers[index])
    try:
        async with gate:
            if plan.target.kind == "ours":
                await _subscribe_ours(
                    plan.target,
                    plan.streams[index],
                    plan.tokens[index],
                    f"sub-{index}",
                    subscriber,
                    closer,
                    plan.count_headers,
                )
            else:
                await _subscribe_janus(
                    plan.target, plan.streams[index], subscriber, closer, plan.count_headers
                )
        assert subscriber.counter is not None
        await asyncio.wait_for(subscriber.counter.first_frame, FIRST_FRAME_TIMEOUT)
    except Exception as error:
        subscriber.error = f"{type(error).__name__}: {error}"
    return subscriber


async def _run_subscribers(plan: SubscriberPlan, conn: Connection) -> None:
    closer = Closer()
    try:
        gate = asyncio.Semaphore(plan.join_concurrency)
        subscribers = await asyncio.gather(
            *(_subscribe(plan, index, gate, closer) for index in range(len(plan.streams)))
        )
        errors = [s.error for s in subscribers if s.error]
        _send(conn, ("ready", {"subscribers": len(subscribers), "errors": errors}))
        while (command := await _next_command(conn)) != "stop":
            if command == "report":
                _send(
                    conn,
                    (
                        "report",
                        {
                            "subscribers": [
                                {
                                    "publisher": s.publisher,
                                    "state": s.state,
                                    "error": s.error,
                                    "frames": s.counter.export() if s.counter else None,
                                }
                                for s in subscribers
                            ]
                        },
                    ),
                )
    except Exception:
        _send(conn, ("error", traceback.format_exc()))
    finally:
        await closer.close_all()


def run_worker(plan: PublisherPlan | SubscriberPlan, conn: Connection) -> None:
    """The entry point of a worker process."""
    if plan.cores:
        # Before any thread starts: threads inherit the main thread's CPUs.
        os.sched_setaffinity(0, plan.cores)
    try:
        if isinstance(plan, PublisherPlan):
            asyncio.run(_run_publishers(plan, conn))
        else:
            asyncio.run(_run_subscribers(plan, conn))
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches the whole process group; the coordinator reports it
    finally:
        conn.close()
