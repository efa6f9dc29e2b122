"""A sampling profile of the server process under load, with py-spy.

py-spy reads the running Daphne's Python stacks from outside (ptrace; we are root), in
`--nonblocking` mode so it never pauses the server it measures. Its raw output is one
line per distinct stack ("frame;frame;... count"); the summary counts, per function,
the samples where it was on top (self) and anywhere on the stack (total). Samples whose
top frame is the event loop waiting in epoll are idle time that py-spy's non-blocking
mode does not always recognise: they are counted apart, and percentages are of the busy
samples.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
_IDLE = {"EpollSelector.select (selectors.py)"}


@dataclass
class Profile:
    samples: int = 0  # busy ones
    idle_samples: int = 0
    self_counts: Counter[str] = field(default_factory=Counter)
    total_counts: Counter[str] = field(default_factory=Counter)
    error: str | None = None

    def top(self, count: int = 15) -> list[dict[str, object]]:
        return [
            {
                "function": name,
                "self_percent": round(100 * samples / self.samples, 1),
                "total_percent": round(100 * self.total_counts[name] / self.samples, 1),
            }
            for name, samples in self.self_counts.most_common(count)
        ]

    def top_total(self, count: int = 15) -> list[dict[str, object]]:
        return [
            {"function": name, "total_percent": round(100 * samples / self.samples, 1)}
            for name, samples in self.total_counts.most_common(count)
        ]


def py_spy() -> str | None:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _function(frame: str) -> str:
    """`name (path/to/module.py:123)` -> `name (module.py)`: lines apart, same function."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    # Keep the package-relative part of the path: site-packages/aiortc/x.py -> aiortc/x.py.
    for marker in ("site-packages/", "python3.11/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match['name']} ({path})"


def parse(raw: str) -> Profile:
    profile = Profile()
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        # Leading process/thread entries are not frames.
        frames = [
            _function(frame)
            for frame in stack.split(";")
            if not frame.startswith(("process ", "thread "))
        ]
        if not frames:
            continue
        if frames[-1] in _IDLE:
            profile.idle_samples += count
            continue
        profile.samples += count
        profile.self_counts[frames[-1]] += count
        for name in set(frames):
            profile.total_counts[name] += count
    return profile


def record(pid: int, seconds: float, output: Path) -> Profile:
    """Sample `pid` for `seconds`; the parsed profile (or one that says why there is none)."""
    executable = py_spy()
    if executable is None:
        return Profile(error="py-spy is not installed (pip install '.[bench]')")
    command = [
        executable,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        "200",
        "--nonblocking",
        "--format",
        "raw",
        "--output",
        str(output),
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if finished.returncode != 0 or not output.exists():
        return Profile(error=f"py-spy failed ({finished.returncode}): {finished.stderr[-500:]}")
    return parse(output.read_text())
