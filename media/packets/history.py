"""The publisher's recent packets, kept to answer subscribers' NACKs without asking it."""

from __future__ import annotations

from aiortc.rtp import RtpPacket

# About five seconds of a 1 Mbit/s video stream (~100 packets/s, ~1.2 KB each): longer
# than any retransmission a receiver still waits for, and bounded (about 1 MB: aiortc keeps
# a depacketized copy of each payload beside it, for the recorders' jitter buffer).
HISTORY_PACKETS = 512


class History:
    def __init__(self, size: int = HISTORY_PACKETS) -> None:
        self._slots: list[RtpPacket | None] = [None] * size
        self._size = size

    def add(self, packet: RtpPacket) -> None:
        self._slots[packet.sequence_number % self._size] = packet

    def get(self, seq: int) -> RtpPacket | None:
        packet = self._slots[seq % self._size]
        if packet is None or packet.sequence_number != seq:
            return None
        return packet

    def clear(self) -> None:
        self._slots = [None] * self._size
