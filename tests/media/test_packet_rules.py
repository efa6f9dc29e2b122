"""Packet forwarding's rules without a network: keyframe starts, renumbering, history."""

from __future__ import annotations

import itertools

from aiortc.rtp import RtpPacket

from media.packets.history import History
from media.packets.keyframes import starts_keyframe
from media.packets.rewriter import Rewriter, seq_after


def test_vp8_keyframe_starts_are_recognised_through_the_payload_descriptor():
    assert starts_keyframe("VP8", b"\x10\x10\x02")  # S=1, PID=0, key frame
    assert not starts_keyframe("VP8", b"\x10\x11\x02")  # a delta frame
    assert not starts_keyframe("VP8", b"\x00\x10\x02")  # not a partition's start
    # X, I with a 15-bit picture id, L and T/K bytes before the VP8 header.
    assert starts_keyframe("VP8", b"\x90\xf0\x81\x23\x05\x40\x10")
    assert not starts_keyframe("VP8", b"\x90\xf0\x81\x23\x05\x40\x11")
    assert not starts_keyframe("VP8", b"")


def test_h264_keyframe_starts_are_recognised_in_each_packetization():
    assert starts_keyframe("H264", b"\x67\x42sps")  # SPS alone
    assert starts_keyframe("H264", b"\x65\x88idr")  # an IDR slice alone
    assert starts_keyframe("H264", b"\x78\x00\x03\x67\x42\x00\x00\x02\x68\xce")  # STAP-A
    assert starts_keyframe("H264", b"\x7c\x85rest")  # FU-A, start of an IDR
    assert not starts_keyframe("H264", b"\x7c\x05rest")  # FU-A, middle of it
    assert not starts_keyframe("H264", b"\x41\x9aslice")
    assert not starts_keyframe("opus", b"\x10\x10")


def test_a_rewriter_keeps_numbers_continuous_across_epochs_and_sources():
    rewriter = Rewriter(90000)
    first = object()
    rewriter.start(65530, 4_294_967_000, first, now=0.0)
    mapped = [
        rewriter.map(65530 + i & 0xFFFF, 4_294_967_000 + i * 3000 & 0xFFFFFFFF, i / 30)
        for i in range(10)
    ]
    assert all(m is not None for m in mapped)
    seqs = [m[0] for m in mapped if m]
    assert all(b == (a + 1) & 0xFFFF for a, b in itertools.pairwise(seqs))
    # An older packet than the epoch's first is not this subscriber's.
    assert rewriter.map(65529, 0, 1.0) is None
    # A new source with numbers of its own: carries on from the last one sent.
    last_seq, last_ts = rewriter.last_seq, rewriter.last_ts
    rewriter.start(100, 5, object(), now=10 / 30 + 1.0)
    out = rewriter.map(100, 5, 2.0)
    assert out is not None
    assert out[0] == (last_seq + 1) & 0xFFFF  # type: ignore[operator]
    assert seq_after(out[0], last_seq)  # type: ignore[arg-type]
    assert 0 < (out[1] - last_ts) & 0xFFFFFFFF <= 90000 + 3000
    # A NACK for a number sent in this epoch names the publisher's packet.
    assert rewriter.source_seq(out[0]) == 100
    assert rewriter.source_seq((out[0] - 5) & 0xFFFF) is None


def test_the_same_source_resumed_keeps_its_clock():
    rewriter = Rewriter(90000)
    source = object()
    rewriter.start(10, 1000, source, now=0.0)
    assert rewriter.map(10, 1000, 0.0) is not None
    _, ts_before = rewriter.map(11, 4000, 0.03) or (0, 0)
    rewriter.stop()
    assert rewriter.map(12, 7000, 0.06) is None
    rewriter.start(40, 91000, source, now=1.0)
    seq, ts = rewriter.map(40, 91000, 1.0) or (0, 0)
    assert (ts - ts_before) & 0xFFFFFFFF == 87000  # the publisher's own spacing
    assert seq == (rewriter.seq_offset + 40) & 0xFFFF


def test_the_history_is_bounded_and_answers_only_for_the_packet_it_holds():
    history = History(size=8)
    for seq in range(20):
        history.add(RtpPacket(sequence_number=seq))
    assert history.get(19) is not None
    assert history.get(11) is None  # overwritten by 19
    assert history.get(12) is not None
    history.clear()
    assert history.get(19) is None
