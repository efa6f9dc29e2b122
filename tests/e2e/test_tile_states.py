"""What a tile says about its person: microphone off, speaking, connection quality, and
"Reconnecting…" while the media path to them is broken, then not once it is back.

The path is broken for real: an nftables rule in the test's namespace drops the UDP of
one subscription (the port Chromium's ICE uses for it), as a network that stops
carrying it would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import netns
from tests.e2e.people import join, open_room_from_home, tile, wait_until_video_plays

pytestmark = pytest.mark.e2e

# The local UDP port of the candidate pair that carries the subscription to `name`.
SUBSCRIPTION_PORT = """
async (name) => {
  const session = window.roomsCall.session;
  const connection = [...session.remoteConnections.values()].find((c) => c.serverData.includes(`"${name}"`));
  const report = await session.peerConnectionOf(connection.stream).getStats();
  const pair = [...report.values()].find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
  return report.get(pair.localCandidateId).port;
}
"""

TABLE = "wt17tiles"


def test_a_tile_shows_muted_speaking_quality_and_reconnecting(new_page):
    reason = netns.available()
    if reason:
        pytest.skip(reason)
    ada, bo = new_page(), new_page()
    open_room_from_home(ada, "Tiles", "tiles")
    join(ada, "Ada")
    bo.goto("/rooms/tiles/")
    join(bo, "Bo")
    wait_until_video_plays(ada, "Bo")
    bo_tile = tile(ada, "Bo")

    # The fake microphone beeps: Bo speaks, then is muted.
    expect(bo_tile.locator(".tile-speaking")).to_be_visible()
    expect(bo_tile.locator(".tile-mic-off")).to_be_hidden()
    bo.get_by_role("button", name="Microphone").click()
    expect(bo_tile.locator(".tile-mic-off")).to_be_visible()
    expect(bo_tile.locator(".tile-speaking")).to_be_hidden()
    expect(bo_tile.locator(".tile-signal")).to_be_visible()
    expect(bo_tile.locator(".tile-quality")).to_have_text(re.compile("connection$"))

    port = ada.evaluate(SUBSCRIPTION_PORT, "Bo")
    netns.nft(
        f"table inet {TABLE} {{\n  chain in {{ type filter hook input priority 0;"
        f" udp dport {port} drop; }}\n}}\n"
    )
    try:
        expect(bo_tile.locator(".tile-reconnecting")).to_be_visible()
        expect(bo_tile).to_have_attribute("data-reconnecting", "true")
        expect(bo_tile.locator(".tile-quality")).to_have_text("reconnecting")
        # Only Bo's tile: Ada's own publication is untouched.
        expect(ada.locator("figure.tile.local")).not_to_have_attribute("data-reconnecting", "true")
    finally:
        netns.run(["nft", "delete", "table", "inet", TABLE])
    # The path is back (ICE recovers it, or the client renegotiates it): so is the video.
    expect(bo_tile).to_have_attribute("data-reconnecting", "false", timeout=45_000)
    expect(bo_tile.locator(".tile-reconnecting")).to_be_hidden()
    ada.evaluate("() => { window.firstTimes = {}; }")
    wait_until_video_plays(ada, "Bo")
