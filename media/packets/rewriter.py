"""A subscriber's own sequence numbers and timestamps for the packets forwarded to it.

Each subscriber sees one continuous stream whatever happens upstream: the publisher's
numbers plus an offset, fixed while one stretch of packets is forwarded as it came
(an epoch), and chosen again when an epoch starts (a subscriber's first packet, its
first one after it lost packets on purpose, the first one from a new source after a
republish). A new epoch's first sequence number follows the last one sent, so the
subscriber sees no gap to NACK; its timestamp moves on by the wall-clock time since,
so it never goes backwards.
"""

from __future__ import annotations

import random

SEQ_MASK = 0xFFFF
TS_MASK = 0xFFFFFFFF
_HALF_SEQ = 0x8000


def seq_after(a: int, b: int) -> bool:
    """Whether sequence number `a` comes after `b` (RFC 3550 serial arithmetic)."""
    return 0 < (a - b) & SEQ_MASK < _HALF_SEQ


class Rewriter:
    def __init__(self, clock_rate: int) -> None:
        self.clock_rate = clock_rate
        self.source: object | None = None
        self.seq_offset = 0
        self.ts_offset = 0
        self.started = False
        # The publisher's sequence number that began the epoch: anything older belongs
        # to what this subscriber skipped.
        self._first_seq = 0
        self.last_seq: int | None = None
        self.last_ts = 0
        self.last_time = 0.0

    def start(self, seq: int, ts: int, source: object, now: float) -> None:
        """Begin an epoch at the publisher's packet (`seq`, `ts`) from `source`."""
        if self.last_seq is None:
            out_seq, out_ts = random.getrandbits(16), random.getrandbits(32)
        else:
            out_seq = (self.last_seq + 1) & SEQ_MASK
            if source is self.source:
                # Same stream: its own timestamps still tell the time between packets.
                out_ts = (ts + self.ts_offset) & TS_MASK
            else:
                elapsed = max(1, round((now - self.last_time) * self.clock_rate))
                out_ts = (self.last_ts + elapsed) & TS_MASK
        self.seq_offset = (out_seq - seq) & SEQ_MASK
        self.ts_offset = (out_ts - ts) & TS_MASK
        self._first_seq = seq
        self.source = source
        self.started = True

    def stop(self) -> None:
        """The epoch ends: nothing is sent until `start` is called again."""
        self.started = False

    def map(self, seq: int, ts: int, now: float) -> tuple[int, int] | None:
        """The subscriber's (seq, ts) for a publisher's packet of this epoch, else None."""
        if not self.started or (seq - self._first_seq) & SEQ_MASK >= _HALF_SEQ:
            return None
        out_seq = (seq + self.seq_offset) & SEQ_MASK
        out_ts = (ts + self.ts_offset) & TS_MASK
        if self.last_seq is None or seq_after(out_seq, self.last_seq):
            self.last_seq, self.last_ts, self.last_time = out_seq, out_ts, now
        return out_seq, out_ts

    def source_seq(self, out_seq: int) -> int | None:
        """The publisher's sequence number behind one the subscriber asks for (NACK)."""
        if not self.started:
            return None
        seq = (out_seq - self.seq_offset) & SEQ_MASK
        if (seq - self._first_seq) & SEQ_MASK >= _HALF_SEQ:
            return None
        return seq
