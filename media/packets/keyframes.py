"""Whether an RTP packet's payload starts a picture a decoder can begin with.

A subscriber that joins, or that lost packets on purpose, starts again at such a
packet; everything before it is useless to a decoder that has no reference picture.
"""

from __future__ import annotations

_H264_IDR, _H264_SPS, _H264_STAP_A, _H264_FU_A = 5, 7, 24, 28


def starts_keyframe(codec_name: str, payload: bytes) -> bool:
    name = codec_name.lower()
    if name == "vp8":
        return _vp8_starts_keyframe(payload)
    if name == "h264":
        return _h264_starts_keyframe(payload)
    return False


def _vp8_starts_keyframe(payload: bytes) -> bool:
    # RFC 7741 4.2: the payload descriptor; a picture starts where S=1 and PID=0.
    if len(payload) < 1:
        return False
    first = payload[0]
    if not first & 0x10 or first & 0x07:
        return False
    position = 1
    if first & 0x80:  # X: an extension byte follows
        if len(payload) < 2:
            return False
        extension = payload[1]
        position = 2
        if extension & 0x80:  # I: a picture id, 7 or 15 bits
            if len(payload) <= position:
                return False
            position += 2 if payload[position] & 0x80 else 1
        if extension & 0x40:  # L: TL0PICIDX
            position += 1
        if extension & 0x30:  # T or K: TID/Y/KEYIDX
            position += 1
    # RFC 6386 9.1: bit 0 of the frame tag is 0 for a key frame.
    return len(payload) > position and payload[position] & 0x01 == 0


def _h264_starts_keyframe(payload: bytes) -> bool:
    # RFC 6184 5.4: a single NAL unit, an aggregate (STAP-A) or a fragment (FU-A).
    if len(payload) < 2:
        return False
    kind = payload[0] & 0x1F
    if kind in (_H264_SPS, _H264_IDR):
        return True
    if kind == _H264_FU_A:
        # The first fragment (S bit) of an IDR slice.
        return bool(payload[1] & 0x80) and payload[1] & 0x1F == _H264_IDR
    if kind == _H264_STAP_A:
        position = 1
        while position + 2 < len(payload):
            size = int.from_bytes(payload[position : position + 2], "big")
            if payload[position + 2] & 0x1F in (_H264_SPS, _H264_IDR):
                return True
            position += 2 + size
    return False
