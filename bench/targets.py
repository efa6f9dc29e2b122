"""How a run compares with issue 4's targets; docs/performance.md discusses them."""

from __future__ import annotations

from typing import Any

from bench.point import SERVERS, PointResult

DELIVERY_FLOOR = 99.0


def _delivering(result: PointResult) -> bool:
    return result.delivered_percent >= DELIVERY_FLOOR


def _ratios(
    by_load: dict[tuple[int, int, str], PointResult], numerator: str, denominator: str
) -> list[dict[str, Any]]:
    """CPU per stream of one server over another's, at each load both were measured at.

    `both_delivered` says whether both delivered 99%: a saturated server's CPU per
    stream is capped by the core it has, so a ratio against it understates the gap.
    """
    ratios = []
    for (p, s, server), top in sorted(by_load.items()):
        bottom = by_load.get((p, s, denominator))
        if server != numerator or bottom is None or not bottom.cpu_per_stream_percent:
            continue
        ratios.append(
            {
                "P": p,
                "S": s,
                "ratio": round(top.cpu_per_stream_percent / bottom.cpu_per_stream_percent, 2),
                "both_delivered": _delivering(top) and _delivering(bottom),
            }
        )
    return ratios


def _marginal(results: list[PointResult]) -> dict[str, Any]:
    """The cost of one more stream: the slope between the smallest and the largest load
    (P=1) a server delivered 99% at, which leaves out the fixed cost of receiving."""
    marginal: dict[str, Any] = {}
    for server in SERVERS:
        curve = sorted(
            (r for r in results if r.server == server and r.publishers == 1 and _delivering(r)),
            key=lambda r: r.streams,
        )
        if len(curve) >= 2 and curve[-1].streams > curve[0].streams:
            first, last = curve[0], curve[-1]
            marginal[server] = {
                "from_streams": first.streams,
                "to_streams": last.streams,
                "percent_per_stream": round(
                    (last.server_cpu_percent - first.server_cpu_percent)
                    / (last.streams - first.streams),
                    3,
                ),
            }
    return marginal


def _capacity(results: list[PointResult]) -> dict[str, Any] | None:
    """The largest pass-through load delivered at 99%, and what a straight line through
    it gives per core: an extrapolation, not a measure."""
    delivering = [r for r in results if r.server == "passthrough" and _delivering(r)]
    best = max(delivering, key=lambda r: (r.streams, -r.server_cpu_percent), default=None)
    if best is None or best.server_cpu_percent <= 0:
        return None
    return {
        "max_streams_with_99_percent": best.streams,
        "P": best.publishers,
        "S": best.subscribers,
        "server_cpu_percent": best.server_cpu_percent,
        "extrapolated_streams_per_core": round(100 * best.streams / best.server_cpu_percent),
    }


def targets(results: list[PointResult]) -> dict[str, Any]:
    # A retried load keeps its last attempt.
    by_load: dict[tuple[int, int, str], PointResult] = {
        (r.publishers, r.subscribers, r.server): r for r in results
    }
    return {
        "reencode_over_passthrough_cpu_per_stream": _ratios(by_load, "reencode", "passthrough"),
        "passthrough_over_janus_cpu_per_stream": _ratios(by_load, "passthrough", "janus"),
        "marginal_cpu_per_stream": _marginal(results),
        "passthrough_capacity": _capacity(results),
    }
