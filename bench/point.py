"""One measured point: one server, P publishers, S subscribers each, for a fixed window.

The server starts afresh for every point (clean memory, no state left by the previous
load), the workers set up every peer, the load runs through a warm-up, then the window
is measured: the server's CPU time and memory from /proc, the generator's CPU apart,
and every frame sent and received. Everything is stopped before the function returns,
on every way out.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Literal

from bench import janus, load, matching, ours, procstat

ServerName = Literal["passthrough", "frames", "reencode", "janus"]
SERVERS: tuple[ServerName, ...] = ("passthrough", "frames", "reencode", "janus")
READY_TIMEOUT = 180.0
REPORT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Timing:
    warmup: float
    measure: float
    drain: float = 1.0  # after the window, so frames sent in it have arrived
    subscribers_per_worker: int = 25
    # CPUs of the server and of the load generator, apart (None: wherever the OS likes).
    server_cores: list[int] | None = None
    generator_cores: list[int] | None = None
    # Subscribers count frames from SRTP headers (bench.header_counter): cheaper per stream.
    count_headers: bool = False


@dataclass
class PointResult:
    server: ServerName
    publishers: int
    subscribers: int  # per publisher
    streams: int  # forwarded streams: publishers x subscribers
    window_s: float
    server_cpu_percent: float  # of one core, over the window
    server_system_percent: float  # the kernel's share of it
    cpu_per_stream_percent: float
    delivered_percent: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    server_rss_mb: float
    generator_cpu_percent: float  # all load-generator processes, of one core
    machine_cpu_percent: float  # the whole machine, of all cores
    others_cpu_percent: float  # everything else on the machine, of one core
    udp_drops_server: int  # datagrams the kernel dropped at the server's sockets
    udp_drops_generator: int  # ... at the load generator's (subscribers, publishers)
    send_fps: float  # what the publishers achieved (30 wanted)
    setup_s: float  # from the first worker's start to every subscriber ready
    failed_subscribers: int
    peers_not_connected: int  # publishers and subscribers not "connected" when reported
    unidentified_frames: int
    payload_mismatches: int
    errors: list[str]
    server_complaints: list[str]  # the server log's last warnings and errors
    attempt: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Worker:
    def __init__(self, plan: load.PublisherPlan | load.SubscriberPlan) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=load.run_worker, args=(plan, child), daemon=True
        )
        self.process.start()
        child.close()

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def stop(self, timeout: float = 20) -> None:
        with contextlib.suppress(OSError):
            self.conn.send("stop")
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def _collect(workers: list[Worker], kind: str, timeout: float) -> list[Any]:
    """One `kind` message from each worker, in order; an error or a timeout raises."""
    answers: dict[int, Any] = {}
    deadline = time.monotonic() + timeout
    pending = {worker.conn: index for index, worker in enumerate(workers)}
    while pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{len(pending)} workers did not answer {kind!r} in time")
        for conn in wait(list(pending), remaining):
            assert isinstance(conn, Connection)
            try:
                tag, body = conn.recv()
            except EOFError:
                raise RuntimeError("a load-generator worker died") from None
            if tag == "error":
                raise RuntimeError(f"a load-generator worker failed:\n{body}")
            if tag == kind:
                answers[pending.pop(conn)] = body
    return [answers[index] for index in range(len(workers))]


@contextlib.contextmanager
def _workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        yield started
    finally:
        for worker in started:
            worker.stop()


@dataclass
class _Started:
    pid: int
    port: int
    log: Callable[[], str]
    tokens_for: Callable[[int], tuple[list[str], list[str]]] | None  # ours only


@contextlib.contextmanager
def _server(
    name: ServerName, publishers: int, database: ours.MigratedDatabase, cores: list[int] | None
) -> Iterator[_Started]:
    """A fresh server of that name."""
    if name == "janus":
        with janus.janus_server(publishers, cores) as server:
            yield _Started(server.pid, server.port, server.log, None)
    else:
        with ours.our_server(database, name, cores) as our:
            yield _Started(
                our.pid,
                our.port,
                our.log,
                lambda subscribers: ours.create_tokens(our, publishers, subscribers),
            )


def _complaints(log: str, lines: int = 20) -> list[str]:
    """The server's last warnings and errors: evidence when a point goes wrong."""
    marks = ("WARNING", "ERROR", "CRITICAL", "Traceback", "[WARN]", "[ERR]")
    return [line[:300] for line in log.splitlines() if any(m in line for m in marks)][-lines:]


def run_point(
    name: ServerName,
    publishers: int,
    subscribers: int,
    timing: Timing,
    database: ours.MigratedDatabase,
    during_window: Callable[[int, float], None] | None = None,
) -> PointResult:
    """Measure one point. `during_window(server_pid, seconds)`, when given, runs in the
    window instead of a sleep (the profiler uses it)."""
    total = publishers * subscribers
    setup_started = time.monotonic()
    with (
        _server(name, publishers, database, timing.server_cores) as server,
        _workers() as workers,
    ):
        pid = server.pid
        target = load.Target("janus" if name == "janus" else "ours", server.port)
        publisher_tokens, subscriber_tokens = (
            server.tokens_for(total) if server.tokens_for else ([], [])
        )
        workers.append(
            Worker(
                load.PublisherPlan(
                    target,
                    list(range(publishers)),
                    publisher_tokens,
                    cores=timing.generator_cores,
                )
            )
        )
        (published,) = _collect(workers, "ready", READY_TIMEOUT)
        streams: list[str] = published["streams"]
        # Subscriber i watches publisher i mod P; workers take consecutive slices.
        watched = [index % publishers for index in range(total)]
        count = math.ceil(total / timing.subscribers_per_worker)
        for share in range(count):
            part = slice(share * total // count, (share + 1) * total // count)
            workers.append(
                Worker(
                    load.SubscriberPlan(
                        target,
                        streams=[streams[p] for p in watched[part]],
                        publishers=watched[part],
                        tokens=subscriber_tokens[part] if subscriber_tokens else [],
                        cores=timing.generator_cores,
                        count_headers=timing.count_headers,
                    )
                )
            )
        ready = _collect(workers[1:], "ready", READY_TIMEOUT)
        errors = [error for answer in ready for error in answer["errors"]]
        setup = time.monotonic() - setup_started
        time.sleep(timing.warmup)

        generator_pids = [worker.pid for worker in workers]
        before = procstat.sample(pid, generator_pids)
        if during_window is not None:
            during_window(pid, timing.measure)
        else:
            time.sleep(timing.measure)
        after = procstat.sample(pid, generator_pids)
        rss = procstat.rss_bytes(pid)
        time.sleep(timing.drain)

        for worker in workers:
            worker.conn.send("report")
        reports = _collect(workers, "report", REPORT_TIMEOUT)
        complaints = _complaints(server.log())

    sent: list[list[float]] = reports[0]["sent"]
    received = [s for report in reports[1:] for s in report["subscribers"]]
    states = list(reports[0]["states"]) + [s["state"] for s in received]
    window = (before.wall, after.wall)
    delivery = matching.match(
        sent, published["crcs"], received, window, verbatim=name != "reencode"
    )
    usage = procstat.usage(before, after)
    sent_in_window = sum(1 for times in sent for t in times if window[0] <= t < window[1])
    p50, p95 = delivery.percentile(0.50), delivery.percentile(0.95)
    return PointResult(
        server=name,
        publishers=publishers,
        subscribers=subscribers,
        streams=total,
        window_s=round(usage.seconds, 2),
        server_cpu_percent=round(usage.server_percent, 2),
        server_system_percent=round(usage.server_system_percent, 2),
        cpu_per_stream_percent=round(usage.server_percent / total, 3),
        delivered_percent=round(100 * delivery.share, 2),
        latency_p50_ms=None if p50 is None else round(1000 * p50, 1),
        latency_p95_ms=None if p95 is None else round(1000 * p95, 1),
        server_rss_mb=round(rss / 2**20, 1),
        generator_cpu_percent=round(usage.generator_percent, 1),
        machine_cpu_percent=round(usage.machine_percent, 1),
        others_cpu_percent=round(
            max(
                0.0,
                usage.machine_percent * (os.cpu_count() or 1)
                - usage.server_percent
                - usage.generator_percent,
            ),
            1,
        ),
        udp_drops_server=usage.server_drops,
        udp_drops_generator=usage.generator_drops,
        send_fps=round(sent_in_window / publishers / usage.seconds, 1),
        setup_s=round(setup, 1),
        failed_subscribers=len(errors),
        peers_not_connected=sum(state != "connected" for state in states),
        unidentified_frames=delivery.unidentified,
        payload_mismatches=delivery.payload_mismatches,
        errors=errors[:5],
        server_complaints=complaints,
    )
