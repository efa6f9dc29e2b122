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
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

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
