"""`python -m bench`: our SFU (pass-through and re-encoding) and Janus under the same load.

Run it through `make bench` (or `tests/private-network .venv/bin/python -m bench`): every
WebRTC peer must live in the private network namespace (docs/development.md). For each number of
subscribers per publisher, each server is measured in turn (interleaved, so a change in
the machine's state affects all three alike). A point below 99% delivered is measured
once more (the machine may be shared: a burst of someone else's work should not end a
curve); a server's curve stops when the second attempt is also below 99%, and no new
point starts after the time cap. Figures go to the terminal and to
bench/results/<timestamp>.json; docs/performance.md explains them. Benchmarks assert
nothing: they print figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import janus, ours, procstat, profile, report
from bench.point import SERVERS, PointResult, ServerName, Timing, run_point
from bench.targets import DELIVERY_FLOOR, targets

RESULTS = Path(__file__).resolve().parent / "results"
FULL_SUBSCRIBERS = (1, 5, 10, 20, 40, 80, 120, 160)
QUICK_SUBSCRIBERS = (1, 5, 20)
PROFILE_MAX_SUBSCRIBERS = 80
ATTEMPTS = 2
# Between points the bench runs nothing: what keeps the machine busy is someone else's.
# Wait a little for a quieter moment, within a budget for the whole run.
QUIET_PERCENT = 60.0
QUIET_WAIT_PER_POINT = 20.0
QUIET_WAIT_BUDGET = 120.0


def _numbers(text: str) -> list[int]:
    return [int(item) for item in text.split(",") if item.strip()]


def _servers(text: str) -> list[ServerName]:
    names = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown servers {unknown}; choose from {SERVERS}")
    return [name for name in SERVERS if name in names]


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run: S=1,5,20, short windows")
    parser.add_argument("--subscribers", type=_numbers, help="S values, e.g. 1,5,10,20")
    parser.add_argument("--publishers", type=_numbers, help="P values (default 1,2; quick: 1)")
    parser.add_argument("--servers", type=_servers, default=list(SERVERS))
    parser.add_argument("--warmup", type=float, help="seconds of load before measuring")
    parser.add_argument("--measure", type=float, help="seconds measured per point")
    parser.add_argument("--max-minutes", type=float, help="start no point after this")
    parser.add_argument("--subscribers-per-worker", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profile")
    parser.add_argument(
        "--count-headers",
        action="store_true",
        help="subscribers count frames from SRTP's clear headers and check one frame in 8 "
        "(bench/header_counter.py): a cheaper load generator, for hundreds of streams",
    )
    parser.add_argument(
        "--no-pin",
        action="store_true",
        help="let the server and the load generator share every CPU (default: server on "
        "CPU 0, load generator on the others)",
    )
    arguments = parser.parse_args(argv)
    quick = arguments.quick
    arguments.subscribers = arguments.subscribers or list(
        QUICK_SUBSCRIBERS if quick else FULL_SUBSCRIBERS
    )
    arguments.publishers = arguments.publishers or ([1] if quick else [1, 2])
    arguments.warmup = arguments.warmup if arguments.warmup is not None else (2 if quick else 4)
    arguments.measure = arguments.measure if arguments.measure is not None else (5 if quick else 12)
    arguments.max_minutes = arguments.max_minutes or (6 if quick else 18)
    return arguments


def _timing(arguments: argparse.Namespace) -> Timing:
    # The server gets one CPU of its own, the load generator the others: "streams per
    # core" is then measured, not inferred, and the generator cannot take the server's CPU.
    cpus = sorted(os.sched_getaffinity(0))
    pin = not arguments.no_pin and len(cpus) >= 2
    return Timing(
        warmup=arguments.warmup,
        measure=arguments.measure,
        subscribers_per_worker=arguments.subscribers_per_worker,
        server_cores=cpus[:1] if pin else None,
        generator_cores=cpus[1:] if pin else None,
        count_headers=arguments.count_headers,
    )


class Run:
    """The points measured so far, the failures, and the profile: what the report shows."""

    def __init__(self, arguments: argparse.Namespace, servers: list[ServerName]) -> None:
        self.arguments = arguments
        self.servers = servers
        self.timing = _timing(arguments)
        self.stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.started = time.monotonic()
        self.deadline = self.started + 60 * arguments.max_minutes
        self.results: list[PointResult] = []
        self.failures: list[dict[str, Any]] = []
        self.profile: profile.Profile | None = None
        self.profile_point: PointResult | None = None
        self.interrupted = False
        self.waited = 0.0

    def _wait_for_quiet(self) -> None:
        until = time.monotonic() + min(QUIET_WAIT_PER_POINT, QUIET_WAIT_BUDGET - self.waited)
        while time.monotonic() < until:
            started = time.monotonic()
            quiet = procstat.busy_percent(1.0) < QUIET_PERCENT
            self.waited += time.monotonic() - started
            if quiet:
                return

    def _point(self, name: ServerName, publishers: int, subscribers: int, database: Any) -> bool:
        """Measure a point (twice if it delivers too little); whether the curve goes on."""
        for attempt in range(1, ATTEMPTS + 1):
            self._wait_for_quiet()
            print(f"-- {name}: P={publishers} S={subscribers} (attempt {attempt})", flush=True)
            try:
                result = run_point(name, publishers, subscribers, self.timing, database)
            except Exception as error:
                failure = {"server": name, "P": publishers, "S": subscribers}
                self.failures.append({**failure, "error": str(error)[-2000:]})
                print(f"   failed: {str(error)[-500:]}", flush=True)
                continue
            result.attempt = attempt
            self.results.append(result)
            print("   " + report.text_table([result]).splitlines()[-1], flush=True)
            if result.delivered_percent >= DELIVERY_FLOOR:
                return True
        return False

    def curves(self, database: ours.MigratedDatabase) -> None:
        for publishers in self.arguments.publishers:
            active = list(self.servers)
            for subscribers in self.arguments.subscribers:
                for name in list(active):
                    if time.monotonic() > self.deadline:
                        print(f"time cap of {self.arguments.max_minutes} min reached")
                        return
                    if not self._point(name, publishers, subscribers, database):
                        active.remove(name)
                if not active:
                    break

    def profile_passthrough(self, database: ours.MigratedDatabase) -> None:
        """py-spy on the server during one more pass-through point, apart from the curve
        (the sampling costs the server a little, so those figures stay out of the table)."""
        delivering = [
            r.subscribers
            for r in self.results
            if r.server == "passthrough"
            and r.publishers == 1
            and r.delivered_percent >= DELIVERY_FLOOR
        ]
        subscribers = min(max(delivering, default=1), PROFILE_MAX_SUBSCRIBERS)
        RESULTS.mkdir(parents=True, exist_ok=True)
        raw = RESULTS / f"{self.stamp}-profile.txt"
        print(f"-- profile: passthrough P=1 S={subscribers} under py-spy", flush=True)

        def profiled(pid: int, seconds: float) -> None:
            self.profile = profile.record(pid, seconds, raw)

        self.profile_point = run_point(
            "passthrough", 1, subscribers, self.timing, database, during_window=profiled
        )

    def document(self, argv: list[str]) -> dict[str, Any]:
        run: dict[str, Any] = {
            "command": "python -m bench " + " ".join(argv),
            "started_utc": self.stamp,
            "minutes": round((time.monotonic() - self.started) / 60, 1),
            "interrupted": self.interrupted,
            "timing": {"warmup_s": self.timing.warmup, "measure_s": self.timing.measure},
            "cpus": {"server": self.timing.server_cores, "generator": self.timing.generator_cores},
            "failures": self.failures,
            "waited_for_a_quiet_machine_s": round(self.waited, 1),
            "targets": targets(self.results),
        }
        if self.profile is not None:
            run["profile"] = {
                "point": self.profile_point.as_dict() if self.profile_point else None,
                "busy_samples": self.profile.samples,
                "idle_samples": self.profile.idle_samples,
                "error": self.profile.error,
                "top_self": self.profile.top(25),
                "top_total": self.profile.top_total(25),
            }
        return run


def _print_summary(run: Run, document: dict[str, Any], path: Path) -> None:
    print()
    print(report.text_table(run.results))
    print()
    found = document["targets"]
    print("reencode/passthrough CPU per stream:", found["reencode_over_passthrough_cpu_per_stream"])
    print("passthrough/janus CPU per stream:", found["passthrough_over_janus_cpu_per_stream"])
    print("passthrough capacity:", found["passthrough_capacity"])
    print("marginal CPU per added stream:", found["marginal_cpu_per_stream"])
    if run.profile is not None:
        if run.profile.error:
            print(f"profile: {run.profile.error}")
        else:
            print(
                f"\nprofile of the server process: {run.profile.samples} busy samples"
                f" ({run.profile.idle_samples} idle left out); top functions by self time"
            )
            for entry in run.profile.top(15):
                print(
                    f"  {entry['self_percent']:5.1f}% self {entry['total_percent']:5.1f}% total"
                    f"  {entry['function']}"
                )
    for failure in run.failures:
        print(f"failed point {failure['server']} P={failure['P']} S={failure['S']}")
    print(f"\nresults: {path}")


def main(argv: list[str]) -> int:
    arguments = _arguments(argv)
    if os.environ.get("ROOMS_PRIVATE_NETWORK") != "1":
        print(
            "bench: WebRTC peers run only in the private network namespace; use `make bench`"
            " or `tests/private-network .venv/bin/python -m bench`",
            file=sys.stderr,
        )
        return 2
    servers: list[ServerName] = arguments.servers
    if "janus" in servers:
        if janus.janus_installed():
            janus.prepare_network()
        else:
            print("bench: /usr/bin/janus is missing (apt-get install janus): Janus skipped")
            servers = [name for name in servers if name != "janus"]
    run = Run(arguments, servers)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as temp:
            database = ours.MigratedDatabase(Path(temp))
            run.curves(database)
            if not arguments.no_profile and "passthrough" in servers:
                run.profile_passthrough(database)
    except KeyboardInterrupt:
        run.interrupted = True
        print("\ninterrupted: every server and worker has been stopped", file=sys.stderr)
    finally:
        # Whatever happened, what was measured is kept.
        document = run.document(argv)
        path = RESULTS / f"{run.stamp}.json"
        report.write_json(path, document, run.results)
        (RESULTS / f"{run.stamp}.md").write_text(report.markdown_table(run.results) + "\n")
    _print_summary(run, document, path)
    return 130 if run.interrupted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
