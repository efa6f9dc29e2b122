"""What a COMPOSED recording of two 640x480 streams costs: the composer process's CPU.

`python -m bench.composed_recording [--seconds 20]` feeds the composer process (the one
a recording starts, media/recording/composer.py) two pre-encoded 640x480 30 fps VP8
streams and one Opus stream at real-time pace, as the server does during a call, and
reads the composer's CPU time from /proc. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from bench.frames import encode_sequence
from bench.procstat import cpu_seconds, rss_bytes
from media.recording import composer


def _opus_frames(count: int) -> list[bytes]:
    import fractions

    import av
    import numpy as np

    context = av.CodecContext.create("libopus", "w")
    context.sample_rate, context.layout, context.format = 48000, "stereo", "s16"
    context.time_base = fractions.Fraction(1, 48000)
    frames: list[bytes] = []
    for index in range(count):
        samples = (np.sin(np.arange(960 * 2) / 20 + index) * 6000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="stereo")
        frame.sample_rate, frame.pts = 48000, index * 960
        frames.extend(bytes(packet) for packet in context.encode(frame))
    return frames


def measure(seconds: float, resolution: tuple[int, int], frame_rate: int) -> dict[str, float]:
    first, second = encode_sequence(0)[:90], encode_sequence(1)[:90]
    audio = _opus_frames(50)
    with tempfile.TemporaryDirectory() as folder:
        settings = composer.ComposeSettings(
            path=str(Path(folder) / "bench.mp4"),
            thumbnail=str(Path(folder) / "bench.jpg"),
            width=resolution[0],
            height=resolution[1],
            frame_rate=frame_rate,
            has_audio=True,
            has_video=True,
        )
        context = multiprocessing.get_context("spawn")
        inbox, outbox = context.Queue(maxsize=1200), context.Queue()
        process = context.Process(target=composer.run, args=(settings, inbox, outbox), daemon=True)
        process.start()
        try:
            assert process.pid is not None
            time.sleep(1.0)  # let the process import and open its file before measuring
            cpu_before, started = cpu_seconds(process.pid), time.monotonic()
            sent = 0
            while (elapsed := time.monotonic() - started) < seconds:
                at = sent / 30
                if at > elapsed:
                    time.sleep(at - elapsed)
                inbox.put(("video", at, "a", "vp8", first[sent % len(first)]))
                inbox.put(("video", at, "b", "vp8", second[sent % len(second)]))
                if sent % 3 != 2:  # 20 ms Opus frames: two per three 30 fps video frames
                    inbox.put(("audio", at, "a", audio[sent % len(audio)]))
                sent += 1
            inbox.put(("stop", sent / 30))
            outcome = outbox.get(timeout=120)
            wall = time.monotonic() - started
            cpu = cpu_seconds(process.pid) if process.is_alive() else float("nan")
            rss = rss_bytes(process.pid) / 1e6 if process.is_alive() else float("nan")
            process.join(30)
        finally:
            if process.is_alive():
                process.kill()
        size = Path(settings.path).stat().st_size
    return {
        "seconds_recorded": sent / 30,
        "composer_cpu_percent_of_a_core": 100 * (cpu - cpu_before) / wall,
        "composer_rss_mb": rss,
        "caught_up_in_s_after_stop": wall - seconds,
        "file_mb": size / 1e6,
        "frames_written": float(outcome[1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores; two 640x480 30 fps VP8 streams + Opus, {args.seconds:.0f} s each run"
    )
    rows = []
    for resolution, frame_rate in (((1280, 720), 25), ((640, 480), 25)):
        figures = measure(args.seconds, resolution, frame_rate)
        rows.append({"output": f"{resolution[0]}x{resolution[1]}@{frame_rate}", **figures})
        print(
            f"  COMPOSED to {rows[-1]['output']:>12}: composer {figures['composer_cpu_percent_of_a_core']:5.1f} % of a core, "
            f"RSS {figures['composer_rss_mb']:.0f} MB, file {figures['file_mb']:.1f} MB"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
