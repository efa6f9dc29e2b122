"""Real Chromium for browser tests: Debian's build, driven by Playwright, fake camera.

Only inside the private network namespace (tests/private-network): there Chromium and
the server's aiortc can reach nothing but loopback, so no public STUN server is ever
contacted, whatever a page asks for (docs/development.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    # Plain host candidates instead of mDNS names, which aioice would resolve by multicast.
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

# The server under test gathers ICE candidates on loopback, the only interface there is.
MEDIA_ENVIRONMENT = {"MEDIA_HOST_ADDRESSES": "127.0.0.1", "MEDIA_ICE_SERVERS": "[]"}


def require_browser() -> None:
    """Fail (not skip) when the browser is missing: `make test` installs it."""
    if os.environ.get("ROOMS_PRIVATE_NETWORK") != "1":
        pytest.skip(
            "browser tests run only in the private network namespace (tests/private-network)"
        )
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it")


@contextmanager
def chromium(
    fake_video: Path | None = None,
    fake_cameras: int | None = None,
    *,
    answer_device_prompts: bool = True,
    **launch: Any,
) -> Iterator[Any]:
    """A Playwright Browser on Debian's Chromium, closed on every way out.

    `fake_cameras`: how many fake cameras it has ("fake_device_0", "fake_device_1", ...);
    it always has three fake microphones and three fake speakers.
    `answer_device_prompts=False` leaves out the fake "Allow" to camera and microphone
    prompts: a page then gets what a person who pressed "Block" gets (NotAllowedError).
    """
    from playwright.sync_api import sync_playwright

    require_browser()
    args = list(CHROMIUM_ARGS)
    if fake_cameras is not None:
        args[args.index("--use-fake-device-for-media-stream")] = (
            f"--use-fake-device-for-media-stream=device-count={fake_cameras}"
        )
    if not answer_device_prompts:
        args.remove("--use-fake-ui-for-media-stream")
    if fake_video is not None:
        args.append(f"--use-file-for-fake-video-capture={fake_video}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args, **launch)
        try:
            yield browser
        finally:
            browser.close()
