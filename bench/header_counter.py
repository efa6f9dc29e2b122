"""A cheaper subscriber for the load generator: frames counted from SRTP's clear headers.

SRTP encrypts an RTP packet's payload, not its header: sequence number, timestamp and
marker bit can be read from the datagram as it came. This counter takes each SRTP
datagram from aioice before it is queued for aiortc and reads only those for nearly
every packet: a frame is whole when its packets, from the one after the previous
frame's marker to its own marker, all arrived. One frame in `SAMPLE_EVERY` is decrypted and
depacketized, and its CRC checked against the publisher's, so a server that changed
payloads would still show (`crcs` holds -1 for a frame not checked).

No RTP packet reaches aiortc's receiver: no jitter buffer, no statistics, no NACKs and
no receiver reports are made (the SRTP authentication tag of an unchecked packet is not
verified either); a lost packet makes its frame not delivered. That is the point: at hundreds of streams the full aiortc receiver costs more per
stream than the server it measures. Reads aiortc 1.16's `RTCDtlsTransport._rx_srtp` and
aioice's `Connection.data_received`, like `FrameCounter` reads the jitter buffer.
"""

from __future__ import annotations

import asyncio
import struct
import time
from array import array
from typing import Any

import pylibsrtp
from aiortc import RTCDtlsTransport
from aiortc.codecs import depayload
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket, is_rtcp

from bench.frames import ReceivedFrames, crc

SAMPLE_EVERY = 8
_HEADER = struct.Struct("!HL")  # after the first two bytes: sequence number, timestamp
_VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=0)


class HeaderFrameCounter:
    def __init__(self, transport: RTCDtlsTransport) -> None:
        # Signed: -1 marks a frame whose payload was not decrypted.
        self.received = ReceivedFrames(crcs=array("q"))
        self.first_frame: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._first_ts: int | None = None
        self._ts: int | None = None
        self._count = 0
        self._start_seq: int | None = None  # the frame's first sequence number, if known
        self._last_marker: int | None = None
        self._frames = 0
        self._sampled: list[tuple[int, bytes]] | None = None
        # aioice's Connection queues each datagram for RTCIceTransport, whose reader
        # hands it to the DTLS transport; SRTP packets stop here instead, before the
        # queue. `_rx_srtp` is the DTLS transport's receive session once the handshake
        # is done (DTLS, STUN and RTCP go on as before).
        connection = transport.transport._connection
        original = connection.data_received

        def data_received(data: bytes, component: int) -> None:
            session = transport._rx_srtp
            if session is not None and 127 < data[0] < 192 and not is_rtcp(data):
                self.packet(data, session)
            else:
                original(data, component)

        connection.data_received = data_received  # type: ignore[method-assign]

    def packet(self, data: bytes, session: Any) -> None:
        if len(data) < 12:
            return
        seq, ts = _HEADER.unpack_from(data, 2)
        if ts != self._ts:
            self._ts = ts
            self._count = 0
            self._start_seq = (
                (self._last_marker + 1) & 0xFFFF if self._last_marker is not None else None
            )
            self._frames += 1
            self._sampled = [] if self._frames % SAMPLE_EVERY == 0 else None
        self._count += 1
        if self._sampled is not None:
            try:
                plain = RtpPacket.parse(session.unprotect(data))
                self._sampled.append((seq, plain.payload))
            except (pylibsrtp.Error, ValueError):
                self._sampled = None
        if not data[1] & 0x80:
            return
        start, self._last_marker = self._start_seq, seq
        if start is None or self._count != ((seq - start) & 0xFFFF) + 1:
            return  # its first packets were lost, or came before we counted
        arrival = time.monotonic()
        if self._first_ts is None:
            self._first_ts = ts
        checked = -1
        if self._sampled is not None and len(self._sampled) == self._count:
            ordered = sorted(self._sampled, key=lambda item: (item[0] - start) & 0xFFFF)
            checked = crc(b"".join(depayload(_VP8, payload) for _, payload in ordered))
        self.received.timestamps.append((ts - self._first_ts) & 0xFFFFFFFF)
        self.received.arrivals.append(arrival)
        self.received.crcs.append(checked)
        if not self.first_frame.done():
            self.first_frame.set_result(None)

    def export(self) -> dict[str, Any]:
        return {
            "timestamps": self.received.timestamps.tolist(),
            "arrivals": self.received.arrivals.tolist(),
            "crcs": self.received.crcs.tolist(),
        }
