"""Debian's Chromium inside a test's namespace, publishing a canvas to our engine.

Playwright starts Chromium through a small wrapper that enters the namespace first
(`nsenter -n`), so the browser's ICE sees only that namespace's network. The page is
about:blank: RTCPeerConnection needs no secure context, and a canvas stands in for a
camera. Signaling is done by the test: the page's offer goes to `MediaEngine.publish`.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from media.engine import MediaEngine
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_browser
from tests.netns import Namespace

_PUBLISH = """
async (configuration) => {
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  const context = canvas.getContext("2d");
  let hue = 0;
  setInterval(() => {
    hue = (hue + 7) % 360;
    context.fillStyle = `hsl(${hue}, 80%, 50%)`;
    context.fillRect(0, 0, 320, 240);
  }, 33);
  const pc = new RTCPeerConnection(configuration);
  window.pc = pc;
  pc.addTransceiver(canvas.captureStream(30).getVideoTracks()[0], { direction: "sendonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") resolve();
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    });
  });
  return pc.localDescription.sdp;
}
"""

_SELECTED_PAIR = """
async () => {
  const stats = await pc.getStats();
  for (const report of stats.values()) {
    if (report.type === "candidate-pair" && report.state === "succeeded" && report.nominated) {
      const local = stats.get(report.localCandidateId);
      const remote = stats.get(report.remoteCandidateId);
      return { local: local.candidateType, protocol: local.protocol, remote: remote.candidateType,
               remoteProtocol: remote.protocol, remotePort: remote.port, relayProtocol: local.relayProtocol || null };
    }
  }
  return null;
}
"""


@contextlib.asynccontextmanager
async def chromium_in(namespace: Namespace) -> AsyncIterator[Any]:
    """A Playwright page of a Chromium whose network is `namespace`'s."""
    from playwright.async_api import async_playwright

    require_browser()
    with tempfile.TemporaryDirectory() as folder:
        wrapper = Path(folder) / "chromium-in-namespace"
        wrapper.write_text(
            f'#!/bin/sh\nexec nsenter -t {namespace.pid} -n {CHROMIUM} "$@"\n', encoding="utf-8"
        )
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(wrapper), args=CHROMIUM_ARGS, env=dict(os.environ)
            )
            try:
                page = await browser.new_page()
                await page.goto("about:blank")
                yield page
            finally:
                await browser.close()


async def publish_from_page(
    page: Any, engine: MediaEngine, room: str, connection_id: str, configuration: dict[str, Any]
) -> str:
    offer = await page.evaluate(_PUBLISH, configuration)
    answer = await engine.publish(room, "VP8", connection_id, offer)
    await page.evaluate("(sdp) => pc.setRemoteDescription({ type: 'answer', sdp })", answer)
    return answer


async def selected_pair(page: Any) -> dict[str, Any] | None:
    pair: dict[str, Any] | None = await page.evaluate(_SELECTED_PAIR)
    return pair
