"""Every use of aiortc's private internals, in one place (aiortc is pinned: pyproject.toml).

Pass-through forwarding needs three things aiortc has no public API for: the encoded
frames a receiver reassembles (before its decoder), sending a PLI upstream, and hearing
a subscriber's PLI/FIR. Each function here names the internal it touches, and
tests/media/test_aiortc_internals.py covers each one, so an upgrade that moves them
fails loudly instead of silently decoding again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.codecs import is_rtx
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcdtlstransport import State as DtlsState
from aiortc.rtcrtpparameters import RTCRtpCodecParameters, RTCRtpSendParameters
from aiortc.rtp import HeaderExtensions, HeaderExtensionsMap, RtcpSrPacket, RtpPacket, unwrap_rtx

logger = logging.getLogger(__name__)

# RTCRtpReceiver keeps these behind name mangling.
_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
_RECEIVER_STARTED = "_RTCRtpReceiver__started"
_RTX_SSRC = "_RTCRtpReceiver__rtx_ssrc"

EncodedFrameHandler = Callable[[RTCRtpCodecParameters, JitterFrame], None]


class EncodedFrameTap:
    """Stands in for a receiver's decoder queue: complete encoded frames come here.

    `_handle_rtp_packet` (on the event loop) puts `(codec, frame)` into the decoder
    queue; the decoder thread `get`s from it. Our `get` answers None at once, which is
    the decoder thread's signal to stop before it ever creates a decoder, and our `put`
    hands every frame to the forwarder on the event loop, without a thread hop.
    """

    def __init__(self, on_frame: EncodedFrameHandler) -> None:
        self._on_frame = on_frame
        self.frames = 0

    def put(self, item: tuple[RTCRtpCodecParameters, JitterFrame] | None) -> None:
        if item is None:
            return
        self.frames += 1
        codec, frame = item
        try:
            self._on_frame(codec, frame)
        except Exception:
            # A forwarding bug must not break the receiver's RTP handling.
            logger.exception("forwarding an encoded frame failed")

    def get(self, *args: Any, **kwargs: Any) -> None:
        return None


def tap_encoded_frames(receiver: RTCRtpReceiver, on_frame: EncodedFrameHandler) -> EncodedFrameTap:
    """Take a receiver's encoded frames instead of decoding them (before it starts)."""
    if getattr(receiver, _RECEIVER_STARTED):
        raise RuntimeError("the receiver has started: its decoder queue is in use")
    if not hasattr(receiver, _DECODER_QUEUE):
        raise RuntimeError("this aiortc has no RTCRtpReceiver decoder queue to tap")
    tap = EncodedFrameTap(on_frame)
    setattr(receiver, _DECODER_QUEUE, tap)
    return tap


def lower_audio_latency(receiver: RTCRtpReceiver) -> None:
    """Let audio frames leave the jitter buffer as soon as they are whole.

    aiortc holds four Opus frames (about 80 ms) before the first leaves, to feed its
    decoder smoothly; a forwarded frame has no decoder to feed, and the subscriber's
    own jitter buffer absorbs the network's jitter.
    """
    buffer = getattr(receiver, _JITTER_BUFFER)
    assert isinstance(buffer, JitterBuffer)
    buffer._prefetch = 0


def request_keyframe(receiver: RTCRtpReceiver) -> asyncio.Task[None] | None:
    """Send a PLI to the publisher behind this receiver; None when it has sent nothing yet."""
    # Chrome sends RTX padding early, so the first source may be the retransmission
    # stream; a PLI must name the media SSRC or the publisher ignores it.
    retransmissions = getattr(receiver, _RTX_SSRC, {})
    media = [
        source.source
        for source in receiver.getSynchronizationSources()
        if source.source not in retransmissions
    ]
    if not media:
        return None
    return asyncio.ensure_future(receiver._send_rtcp_pli(media[0]))


def on_keyframe_request(sender: RTCRtpSender, callback: Callable[[], None]) -> None:
    """Call `callback` when the subscriber behind this sender sends a PLI or a FIR.

    The sender handles both by calling its `_send_keyframe`, which only flags its
    encoder; a pass-through sender has no encoder, so the request must go upstream.
    """
    original = sender._send_keyframe

    def send_keyframe() -> None:
        original()
        callback()

    sender._send_keyframe = send_keyframe  # type: ignore[method-assign]


# Packet forwarding (media/packets/): the publisher's RTP packets after SRTP, and each
# subscriber's sender written to directly.

_CODECS = "_RTCRtpReceiver__codecs"
_SENDER_MID = "_RTCRtpSender__mid"
_SENDER_EXTENSIONS = "_RTCRtpSender__rtp_header_extensions_map"
_EXTENSION_IDS = "_HeaderExtensionsMap__ids"
_SENDER_REPORT_FIELDS = {
    "ntp": "_RTCRtpSender__ntp_timestamp",
    "rtp": "_RTCRtpSender__rtp_timestamp",
    "packets": "_RTCRtpSender__packet_count",
    "octets": "_RTCRtpSender__octet_count",
}

# May return an awaitable (the sends it started), awaited before aiortc's own handling.
RtpPacketHandler = Callable[[RTCRtpCodecParameters, RtpPacket], Awaitable[None] | None]
SenderReportHandler = Callable[[RtcpSrPacket], None]


def tap_rtp_packets(receiver: RTCRtpReceiver, on_packet: RtpPacketHandler) -> None:
    """Call `on_packet(codec, packet)` for each media RTP packet the receiver gets, first.

    `RTCDtlsTransport` decrypts and parses a datagram and awaits the receiver's
    `_handle_rtp_packet`; ours hands the packet on before aiortc's own handling (its
    statistics for receiver reports, its NACKs upstream, and the jitter buffer the
    recorders' frames come from), so nothing the subscribers get waits for a frame to be
    whole. A retransmission (RTX) is unwrapped to the packet it repairs, as aiortc does.
    """
    original = receiver._handle_rtp_packet
    codecs: dict[int, RTCRtpCodecParameters] = getattr(receiver, _CODECS)
    retransmissions: dict[int, int] = getattr(receiver, _RTX_SSRC)

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        codec = codecs.get(packet.payload_type)
        if codec is not None and receiver._enabled:
            media: RtpPacket | None = packet
            if is_rtx(codec):
                media, codec = _unwrap(packet, codec, codecs, retransmissions)
            if media is not None and codec is not None:
                try:
                    sending = on_packet(codec, media)
                    if sending is not None:
                        await sending
                except Exception:
                    # A forwarding bug must not break the receiver's RTP handling.
                    logger.exception("forwarding an RTP packet failed")
        await original(packet, arrival_time_ms)

    receiver._handle_rtp_packet = handle_rtp_packet  # type: ignore[method-assign]


def _unwrap(
    packet: RtpPacket,
    codec: RTCRtpCodecParameters,
    codecs: dict[int, RTCRtpCodecParameters],
    retransmissions: dict[int, int],
) -> tuple[RtpPacket | None, RTCRtpCodecParameters | None]:
    original_ssrc = retransmissions.get(packet.ssrc)
    apt = codec.parameters.get("apt")
    if original_ssrc is None or len(packet.payload) < 2 or apt not in codecs:
        # RTX padding (no payload) and strangers repair nothing.
        return None, None
    return unwrap_rtx(packet, payload_type=apt, ssrc=original_ssrc), codecs[apt]


def on_sender_report(receiver: RTCRtpReceiver, callback: SenderReportHandler) -> None:
    """Call `callback` with each RTCP sender report the publisher sends this receiver."""
    original = receiver._handle_rtcp_packet

    async def handle_rtcp_packet(packet: Any) -> None:
        if isinstance(packet, RtcpSrPacket):
            try:
                callback(packet)
            except Exception:
                logger.exception("reading a sender report failed")
        await original(packet)

    receiver._handle_rtcp_packet = handle_rtcp_packet  # type: ignore[method-assign]


class SenderView:
    """What a subscriber's `RTCRtpSender` was negotiated with, read once it has started.

    `RTCPeerConnection` calls the sender's `send(parameters)` when the answer is made;
    ours notes the parameters. aiortc keeps the rest (the mid, the header-extension
    ids) in private attributes, read here after that call.
    """

    def __init__(self, sender: RTCRtpSender) -> None:
        self.sender = sender
        self.ready = False
        self.ssrc: int = sender._ssrc
        self.rtx_ssrc: int = sender._rtx_ssrc
        self.payload_type = 0
        self.rtx_payload_type: int | None = None
        self.mid: str | None = None
        self.extension_ids = HeaderExtensions()
        self.extension_key: tuple[Any, ...] = ()
        self._pair: Any = None
        self._address: tuple[str, int] = ("", 0)
        original = sender.send

        async def send(parameters: RTCRtpSendParameters) -> None:
            await original(parameters)
            self._configure(parameters)

        sender.send = send  # type: ignore[method-assign]

    def _configure(self, parameters: RTCRtpSendParameters) -> None:
        codec = parameters.codecs[0]
        self.payload_type = codec.payloadType or 0
        for other in parameters.codecs:
            if is_rtx(other) and other.parameters.get("apt") == codec.payloadType:
                self.rtx_payload_type = other.payloadType
                break
        self.mid = getattr(self.sender, _SENDER_MID)
        extensions: HeaderExtensionsMap = getattr(self.sender, _SENDER_EXTENSIONS)
        self.extension_ids = getattr(extensions, _EXTENSION_IDS)
        ids = self.extension_ids
        # Subscribers with the same ids and mid get the same header extensions.
        self.extension_key = (ids.mid, self.mid, ids.abs_send_time, ids.audio_level)
        self.ready = True

    def send_rtp(self, data: bytes) -> Awaitable[None]:
        """SRTP-protect `data` for this subscriber and send it (RTP or RTCP), aiortc's way."""
        return self.sender.transport._send_rtp(data)

    def connected(self) -> bool:
        return self.ready and self.sender.transport._state is DtlsState.CONNECTED

    def route(self) -> tuple[Any, Any, tuple[str, int]] | None:
        """(SRTP session, socket transport, address) of the subscriber, or None.

        Sending is `transport.sendto(session.protect(data), address)`; the transport's
        `get_write_buffer_size()` tells what is waiting (see `pending_bytes`).

        The chain aiortc and aioice take for each packet (RTCDtlsTransport._send_rtp ->
        RTCIceTransport._send -> Connection.sendto -> the nominated pair's protocol),
        looked up once: `_nominated[1]` is the RTP component's pair, and its
        `remote_addr` parses the address again each time it is read.
        """
        dtls = self.sender.transport
        if dtls._state is not DtlsState.CONNECTED:
            return None
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None:
            return None
        if pair is not self._pair:
            self._pair = pair
            self._address = pair.remote_addr
        return dtls._tx_srtp, pair.protocol.transport, self._address

    def pending_bytes(self) -> int:
        """Bytes waiting in the subscriber's socket transport (asyncio keeps what the
        kernel refused, EAGAIN, in a buffer of its own): where a subscriber too slow
        for us shows first."""
        route = self.route()
        if route is None:
            return 0
        return int(route[1].get_write_buffer_size())

    def report(self, ntp: int, rtp: int, packets: int, octets: int) -> None:
        """What the sender's next RTCP sender report says (aiortc's sender sends it)."""
        sender = self.sender
        setattr(sender, _SENDER_REPORT_FIELDS["ntp"], ntp)
        setattr(sender, _SENDER_REPORT_FIELDS["rtp"], rtp)
        setattr(sender, _SENDER_REPORT_FIELDS["packets"], packets)
        setattr(sender, _SENDER_REPORT_FIELDS["octets"], octets)


def on_nack(sender: RTCRtpSender, callback: Callable[[int], Coroutine[Any, Any, None]]) -> None:
    """Answer a subscriber's NACKs with `callback(sequence_number)`.

    The sender handles a generic NACK by awaiting its `_retransmit` for each sequence
    number, from a history of what it packetized itself; a forwarding sender has none.
    """
    sender._retransmit = callback  # type: ignore[method-assign,assignment]
