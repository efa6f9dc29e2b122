"""Another camera, microphone or speaker during the call, from the settings dialog: the
published track is replaced (its label changes) while the other person's decoder goes
on counting frames and packets, and a muted microphone stays muted.

Chromium's fake devices: two cameras here ("fake_device_0", "fake_device_1"), three
microphones ("Fake Default Audio Input", "Fake Audio Input 1", "Fake Audio Input 2")
and three speakers ("Fake Default Audio Output", "Fake Audio Output 1", ...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import chromium
from tests.e2e.conftest import DEADLINE_MS
from tests.e2e.people import join, open_room_from_home, tile, wait_until_video_plays

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]

# What the other side has received of `name`: decoded video frames and audio packets.
RECEIVED = """
async (name) => {
  const session = window.roomsCall.session;
  const connection = [...session.remoteConnections.values()].find((c) => c.serverData.includes(`"${name}"`));
  const report = await session.peerConnectionOf(connection.stream).getStats();
  const received = { frames: 0, packets: 0 };
  for (const stats of report.values()) {
    if (stats.type !== "inbound-rtp") continue;
    if (stats.kind === "video") received.frames = stats.framesDecoded;
    else received.packets = stats.packetsReceived;
  }
  return received;
}
"""

# The label of the track our publication sends, by kind.
SENT_LABEL = """
(kind) => {
  const session = window.roomsCall.session;
  const sender = session.peerConnectionOf(session.publisher).getSenders().find((s) => s.track?.kind === kind);
  return sender.track.label;
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(fake_cameras=2) as launched:
        yield launched


def wait_for_more(page: Any, name: str, what: str, than: int) -> None:
    # A function, not an expression: the page's CSP forbids evaluating strings.
    page.wait_for_function(
        f"async ([name, what, than]) => (await ({RECEIVED})(name))[what] > than",
        arg=[name, what, than],
        timeout=DEADLINE_MS,
        polling=250,
    )


def test_switching_camera_microphone_and_speaker_mid_call(new_page):
    ana, ben = new_page(), new_page()
    open_room_from_home(ana, "Devices", "devices")
    join(ana, "Ana")
    ben.goto("/rooms/devices/")
    join(ben, "Ben")
    wait_until_video_plays(ben, "Ana")
    assert ana.evaluate(SENT_LABEL, "video") == "fake_device_0"
    # Ben's tile of Ana grades her connection from getStats, and says the figures.
    quality = tile(ben, "Ana")
    expect(quality).to_have_attribute("data-quality", re.compile("^(good|fair|poor)$"))
    expect(quality.locator(".tile-signal")).to_have_attribute(
        "title", re.compile(r"% lost, \d+ ms round trip, \d+ frames/s")
    )
    expect(quality.locator(".tile-quality")).to_have_text(re.compile("connection$"))

    ana.get_by_role("button", name="Settings").click()
    dialog = ana.get_by_role("dialog", name="Camera, microphone and speaker")
    expect(dialog).to_be_visible()
    camera = dialog.get_by_label("Camera", exact=True)
    expect(camera.locator("option:checked")).to_have_text("fake_device_0")
    # The dialog shows the camera's picture and the microphone's level (the fake one beeps).
    ana.wait_for_function("() => document.querySelector('#settings-video').videoWidth > 0")
    ana.wait_for_function(
        "() => document.querySelector('#settings-level').value > 0.05", polling=100
    )

    if os.environ.get("ROOMS_SCREENSHOTS"):
        ana.screenshot(path=str(BASE_DIR / os.environ["ROOMS_SCREENSHOTS"] / "call-settings.png"))

    before = ben.evaluate(RECEIVED, "Ana")
    camera.select_option(label="fake_device_1")
    expect(dialog.get_by_role("status")).to_have_text("Camera switched.")
    assert ana.evaluate(SENT_LABEL, "video") == "fake_device_1"
    # No renegotiation: Ben's decoder goes on, frames keep arriving from the new camera.
    switched = ben.evaluate(RECEIVED, "Ana")
    assert switched["frames"] >= before["frames"]
    wait_for_more(ben, "Ana", "frames", switched["frames"] + 30)
    expect(camera.locator("option:checked")).to_have_text("fake_device_1")

    # A muted microphone switched stays muted; unmuted, the new one is heard.
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_be_hidden()
    microphone_button = ana.get_by_role("button", name="Microphone")
    microphone_button.click()
    expect(microphone_button).to_have_attribute("aria-pressed", "false")
    ana.get_by_role("button", name="Settings").click()
    microphone = dialog.get_by_label("Microphone", exact=True)
    microphone.select_option(label="Fake Audio Input 1")
    expect(dialog.get_by_role("status")).to_have_text("Microphone switched.")
    assert ana.evaluate(SENT_LABEL, "audio") == "Fake Audio Input 1"
    assert (
        ana.evaluate("window.roomsCall.session.publisher.mediaStream.getAudioTracks()[0].enabled")
        is False
    )
    expect(microphone_button).to_have_attribute("aria-pressed", "false")
    dialog.get_by_role("button", name="Done").click()
    microphone_button.click()
    expect(microphone_button).to_have_attribute("aria-pressed", "true")
    heard = ben.evaluate(RECEIVED, "Ana")
    wait_for_more(ben, "Ana", "packets", heard["packets"] + 50)
    wait_for_more(ben, "Ana", "frames", heard["frames"] + 30)

    # The speaker: every tile of someone else plays on the chosen output.
    ana.get_by_role("button", name="Settings").click()
    speaker = dialog.get_by_label("Speaker", exact=True)
    speaker.select_option(label="Fake Audio Output 1")
    expect(dialog.get_by_role("status")).to_have_text("Speaker changed.")
    chosen = speaker.input_value()
    assert chosen
    assert ana.evaluate("document.querySelector('figure.tile:not(.local) video').sinkId") == chosen
    ana.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The tracks the call let go of are stopped: only the ones being sent are live.
    live = ana.evaluate(
        "window.openedTracks.filter((t) => t.readyState === 'live').map((t) => t.label).sort()"
    )
    assert live == ["Fake Audio Input 1", "fake_device_1"]
