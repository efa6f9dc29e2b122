"""The figures of a run: a table for the terminal, the same table in Markdown, and JSON.

`python -m bench.report bench/results/<run>.json` prints a saved run's table in Markdown
again (docs/performance.md holds the latest one).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.point import SERVERS, PointResult

COLUMNS = (
    ("server", "server"),
    ("P", "publishers"),
    ("S", "subscribers"),
    ("streams", "streams"),
    ("try", "attempt"),
    ("CPU %", "server_cpu_percent"),
    ("of it sys %", "server_system_percent"),
    ("CPU %/stream", "cpu_per_stream_percent"),
    ("delivered %", "delivered_percent"),
    ("p50 ms", "latency_p50_ms"),
    ("p95 ms", "latency_p95_ms"),
    ("RSS MB", "server_rss_mb"),
    ("gen CPU %", "generator_cpu_percent"),
    ("others CPU %", "others_cpu_percent"),
    ("UDP drops srv", "udp_drops_server"),
    ("UDP drops gen", "udp_drops_generator"),
)
RATIOS = ("reencode/passthrough CPU", "passthrough/janus CPU")


def _ratio(numerator: PointResult | None, denominator: PointResult | None) -> str:
    if numerator is None or denominator is None or not denominator.cpu_per_stream_percent:
        return "-"
    return f"{numerator.cpu_per_stream_percent / denominator.cpu_per_stream_percent:.1f}x"


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def rows(results: Iterable[PointResult]) -> list[list[str]]:
    """One row per server and load, with the ratios of that load on the pass-through row."""
    results = list(results)
    by_load = {(r.publishers, r.subscribers, r.server): r for r in results}
    ordered = sorted(results, key=lambda r: (r.publishers, r.subscribers, SERVERS.index(r.server)))
    table = []
    for result in ordered:
        row = [_cell(getattr(result, field)) for _, field in COLUMNS]
        load = (result.publishers, result.subscribers)
        if result.server == "passthrough":
            row += [
                _ratio(by_load.get((*load, "reencode")), result),
                _ratio(result, by_load.get((*load, "janus"))),
            ]
        else:
            row += ["", ""]
        table.append(row)
    return table


def _headers() -> list[str]:
    return [title for title, _ in COLUMNS] + list(RATIOS)


def text_table(results: Iterable[PointResult]) -> str:
    table = [_headers(), *rows(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(results: Iterable[PointResult]) -> str:
    table = [_headers(), *rows(results)]
    lines = ["| " + " | ".join(row) + " |" for row in table]
    lines.insert(1, "|:---|" + "|".join("---:" for _ in table[0][1:]) + "|")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as meminfo:
            memory_kb = int(meminfo.readline().split()[1])
    except OSError:
        memory_kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kb / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def write_json(path: Path, run: dict[str, Any], results: Iterable[PointResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**run, "machine": machine(), "points": [r.as_dict() for r in results]}
    path.write_text(json.dumps(document, indent=2) + "\n")


def load(path: Path) -> list[PointResult]:
    document = json.loads(path.read_text())
    return [PointResult(**point) for point in document["points"]]


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(markdown_table(load(Path(name))))
