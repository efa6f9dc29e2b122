"""An experiment, not the product: video frames leave aiortc's jitter buffer at their marker bit.

aiortc's `JitterBuffer` releases a frame only when the first packet of the NEXT frame
arrives, so every frame waits one frame interval (33 ms at 30 fps) in each aiortc hop;
Janus forwards packets as they come. This file changes that rule for any Python process
that starts with this folder on its path (sitecustomize runs at startup): a video frame
is released as soon as the packet with the RTP marker bit (the frame's last, RFC 7741)
arrives and the packets before it are all there. docs/performance.md has the figures:

    PYTHONPATH=bench/experiments/marker_bit make bench BENCH_ARGS="--servers passthrough"

The fix it suggests belongs in media/ (a jitter buffer with this rule on the publisher's
receiver); the benchmark only measures what it would gain.
"""

from __future__ import annotations

from aiortc import jitterbuffer


def _remove_frame(
    self: jitterbuffer.JitterBuffer, sequence_number: int
) -> jitterbuffer.JitterFrame | None:
    # aiortc 1.16's _remove_frame, plus the marker-bit rule at the end of the loop.
    frame = None
    frames = 0
    packets = []
    remove = 0
    timestamp = None
    for count in range(self.capacity):
        packet = self._packets[(self._origin + count) % self._capacity]  # type: ignore[operator]
        if packet is None:
            break
        if timestamp is None:
            timestamp = packet.timestamp
        elif packet.timestamp != timestamp:
            if frame is None:
                data = b"".join([x._data for x in packets])  # type: ignore[attr-defined]
                frame = jitterbuffer.JitterFrame(data=data, timestamp=timestamp)
                remove = count
            frames += 1
            if frames >= self._prefetch:
                self.remove(remove)
                return frame
            packets = []
            timestamp = packet.timestamp
        packets.append(packet)
        if self._is_video and self._prefetch == 0 and packet.marker:
            self.remove(count + 1)
            data = b"".join([x._data for x in packets])  # type: ignore[attr-defined]
            return jitterbuffer.JitterFrame(data=data, timestamp=timestamp)
    return None


jitterbuffer.JitterBuffer._remove_frame = _remove_frame  # type: ignore[method-assign]
