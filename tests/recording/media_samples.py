"""Encoded samples for recording tests: pictures of one colour, and Opus audio."""

from __future__ import annotations

import fractions

import av
import numpy as np


def vp8_colour(
    count: int, rgb: tuple[int, int, int], width: int = 640, height: int = 480
) -> list[bytes]:
    context = av.CodecContext.create("libvpx", "w")
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base = fractions.Fraction(1, 30)
    context.gop_size = 30
    context.bit_rate = 500_000
    context.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    picture = np.zeros((height, width, 3), dtype=np.uint8)
    picture[:, :] = rgb
    out: list[bytes] = []
    for index in range(count):
        frame = av.VideoFrame.from_ndarray(picture, format="rgb24").reformat(format="yuv420p")
        frame.pts = index
        out.extend(bytes(packet) for packet in context.encode(frame))
    out.extend(bytes(packet) for packet in context.encode(None))
    return out


def opus_tone(count: int, hertz: float = 440.0) -> list[bytes]:
    """`count` 20 ms Opus frames of a sine tone (stereo, 48 kHz)."""
    context = av.CodecContext.create("libopus", "w")
    context.sample_rate, context.layout, context.format = 48000, "stereo", "s16"
    context.time_base = fractions.Fraction(1, 48000)
    out: list[bytes] = []
    for index in range(count):
        t = (np.arange(960) + index * 960) / 48000
        tone = (np.sin(2 * np.pi * hertz * t) * 8000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(
            np.repeat(tone, 2).reshape(1, -1), format="s16", layout="stereo"
        )
        frame.sample_rate = 48000
        frame.pts = index * 960
        out.extend(bytes(packet) for packet in context.encode(frame))
    return out


def mean_rgb(array: np.ndarray) -> tuple[float, float, float]:
    values = array.reshape(-1, 3).mean(axis=0)
    return float(values[0]), float(values[1]), float(values[2])
