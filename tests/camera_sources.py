"""Cameras for the IPCAM tests: FFmpeg (Debian's `ffmpeg`) serving a known picture.

`http_camera` is FFmpeg's own HTTP server (`-listen 1`, one client at a time, as many
cameras): MPEG-TS of a solid colour, H.264 or VP8... (`codec`). `kill()` and
`start_again(colour)` drop the camera and bring it back on the same port.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="needs Debian's ffmpeg")

ENCODERS = {
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15"],
    "mpeg4": ["-c:v", "mpeg4", "-g", "15", "-q:v", "3"],
}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


class FfmpegCamera:
    def __init__(self, url: str, output: list[str], colour: str, codec: str) -> None:
        self.url, self.output, self.codec = url, output, codec
        self.process: subprocess.Popen[bytes] | None = None
        self.start_again(colour)

    def start_again(self, colour: str) -> None:
        assert FFMPEG is not None
        self.kill()
        self.process = subprocess.Popen(
            [
                FFMPEG, "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", f"color=c={colour}:size=320x240:rate=15",
                *ENCODERS[self.codec], "-pix_fmt", "yuv420p", *self.output,
            ],
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_listening()

    def _wait_listening(self) -> None:
        """Until FFmpeg listens; asking `ss`, since a test connection would be its one client."""
        port = self.url.split(":")[2].split("/")[0]
        for _ in range(200):
            listed = subprocess.run(
                ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
            )
            if listed.stdout.strip():
                return
            assert self.process is not None
            assert self.process.poll() is None, "ffmpeg ended"
            time.sleep(0.05)
        raise TimeoutError(f"ffmpeg does not listen on {self.url}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


@contextlib.contextmanager
def http_camera(colour: str = "red", codec: str = "h264") -> Iterator[FfmpegCamera]:
    url = f"http://127.0.0.1:{free_port()}/camera.ts"
    camera = FfmpegCamera(url, ["-f", "mpegts", "-listen", "1", url], colour, codec)
    try:
        yield camera
    finally:
        camera.kill()
