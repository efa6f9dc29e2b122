"""From raw records to figures: which frame each received frame was, and how late.

Inputs are what the workers recorded with time.monotonic (one clock for the whole
machine): per publisher the send time of its nth frame; per subscriber, per frame it
received, the RTP timestamp (mapped to start at 0), the arrival time of the frame's
last packet and a CRC of the payload. `bench.frames` explains how a timestamp names a
frame.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass
from typing import Any

from bench.frames import LOOP_FRAMES, index_from_step, pts_of

# Re-encoding rounds timestamps by a tick or two (90 kHz); frames are 3000+ ticks apart.
TOLERANCE = 3
# Adjacent pairs that propose offsets, and received frames that vote on them.
_ANCHOR_PAIRS = 20
_SCORED_FRAMES = 60


@dataclass
class Delivery:
    expected: int = 0  # frames sent in the window, times the subscribers of each
    delivered: int = 0  # of those, frames a subscriber received whole (each counted once)
    unidentified: int = 0  # received frames no publisher frame matched
    payload_mismatches: int = 0  # matched frames whose payload differs (verbatim servers):
    # not counted as delivered
    latencies: list[float] | None = None

    @property
    def share(self) -> float:
        return self.delivered / self.expected if self.expected else 0.0

    def percentile(self, fraction: float) -> float | None:
        if not self.latencies:
            return None
        if len(self.latencies) == 1:
            return self.latencies[0]
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[round(fraction * 100) - 1]


def _nearest(pts: list[int], value: int) -> int | None:
    """The number of the frame whose pts is within TOLERANCE of `value`, if any."""
    place = bisect.bisect_left(pts, value - TOLERANCE)
    if place < len(pts) and abs(pts[place] - value) <= TOLERANCE:
        return place
    return None


def _offset(
    timestamps: list[int], arrivals: list[float], sent: list[float], pts: list[int]
) -> int | None:
    """The subscriber's timestamp offset: its timestamp minus the publisher's pts.

    Each adjacent pair proposes offsets (its index, give or take the rounding); the
    offset that names the most received frames wins.
    """
    candidates: set[int] = set()
    for i in range(len(timestamps) - 1):
        index = index_from_step(timestamps[i + 1] - timestamps[i])
        if index is None:
            continue
        # The latest frame with that loop index sent before it arrived: a loop lasts
        # ten seconds, far longer than any delay worth measuring.
        latest = bisect.bisect_right(sent, arrivals[i]) - 1
        for guess in range(index - TOLERANCE, index + TOLERANCE + 1):
            number = latest - (latest - guess) % LOOP_FRAMES
            if number >= 0:
                candidates.add(timestamps[i] - pts[number])
        if len(candidates) >= _ANCHOR_PAIRS * (2 * TOLERANCE + 1):
            break
    if not candidates:
        return None
    step = max(1, len(timestamps) // _SCORED_FRAMES)
    scored = timestamps[::step]

    def score(offset: int) -> int:
        return sum(_nearest(pts, timestamp - offset) is not None for timestamp in scored)

    return max(sorted(candidates), key=score)


def match(
    sent: list[list[float]],
    crcs: list[list[int]],
    subscribers: list[dict[str, Any]],
    window: tuple[float, float],
    verbatim: bool,
) -> Delivery:
    """Delivery and latency over the frames sent within `window` (monotonic seconds)."""
    start, end = window
    in_window = [
        [number for number, time in enumerate(times) if start <= time < end] for times in sent
    ]
    pts = [[pts_of(number) for number in range(len(times))] for times in sent]
    result = Delivery(latencies=[])
    assert result.latencies is not None
    for subscriber in subscribers:
        publisher = subscriber["publisher"]
        wanted = set(in_window[publisher])
        result.expected += len(wanted)
        received = subscriber.get("frames")
        if not received or not received["timestamps"]:
            continue
        times = sent[publisher]
        timestamps, arrivals = received["timestamps"], received["arrivals"]
        offset = _offset(timestamps, arrivals, times, pts[publisher])
        if offset is None:
            result.unidentified += len(timestamps)
            continue
        seen: set[int] = set()
        for timestamp, arrival, payload_crc in zip(
            timestamps, arrivals, received["crcs"], strict=True
        ):
            number = _nearest(pts[publisher], timestamp - offset)
            if number is None:
                result.unidentified += 1
                continue
            if number not in wanted or number in seen:
                continue
            # -1: a frame counted from its headers whose payload was not decrypted.
            checked = payload_crc >= 0
            if verbatim and checked and payload_crc != crcs[publisher][number % LOOP_FRAMES]:
                # A frame that lost packets on the way (aiortc can hand over a frame
                # whose first packets never came): it arrived, but not whole.
                result.payload_mismatches += 1
                continue
            seen.add(number)
            result.latencies.append(arrival - times[number])
        result.delivered += len(seen)
    return result
