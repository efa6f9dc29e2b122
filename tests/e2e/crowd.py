"""Many people in a room at little cost, for the layout tests.

One Chromium page holds them all: each guest is a `Session` of the site's own browser
client with a seat from the room's token endpoint, as a real page's would be. The first
few publish a small canvas picture (a colour and their name), the others join with no
camera, as people with their camera off do; either way they are tiles on everyone's
stage. Nothing here goes beyond loopback: the page runs in the test's namespace.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

# Guests that publish a picture: enough for the pictures in the docs, few enough that
# the SFU and this 2-core machine do not spend the test encoding video.
PUBLISHING = 3

ADD_GUESTS = """
async ({ names, publishing }) => {
  const script = document.querySelector('script[type="module"][src*="page/main.js"]').src;
  const { Session } = await import(script.replace("page/main.js", "client.js"));
  const config = JSON.parse(document.getElementById("room-config").textContent);
  window.crowd ??= [];
  for (const name of names) {
    const response = await fetch(config.tokenUrl, {
      method: "POST",
      headers: { "X-CSRFToken": config.csrfToken },
      body: new URLSearchParams({ name }),
    });
    const seat = await response.json();
    if (!seat.token) throw new Error(`no seat for ${name}: ${JSON.stringify(seat)}`);
    const session = new Session({ subscribeTo: () => false });
    await session.connect(seat.token, { clientData: JSON.stringify({ clientData: name }) });
    if (window.crowd.length < publishing) {
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 180;
      const hue = (window.crowd.length * 67) % 360;
      const draw = () => {
        const context = canvas.getContext("2d");
        context.fillStyle = `hsl(${hue} 45% 35%)`;
        context.fillRect(0, 0, 320, 180);
        context.fillStyle = "#fff";
        context.font = "bold 28px sans-serif";
        context.fillText(name, 20, 100 + 10 * Math.sin(performance.now() / 500));
      };
      draw();
      setInterval(draw, 200);
      await session.publish(canvas.captureStream(5), { audioActive: false });
    }
    window.crowd.push(session);
  }
}
"""


def crowd_page(new_context: Any, room: str) -> Any:
    """A page on the room's join screen whose own camera preview is stopped."""
    page = new_context().new_page()
    page.goto(f"/rooms/{room}/")
    expect(page.get_by_role("heading", name=f"Join “{room}”")).to_be_visible()
    # The join screen's preview is not needed: its camera would only cost CPU.
    page.wait_for_function("() => document.querySelector('#preview-video').srcObject !== null")
    page.evaluate(
        """() => {
            const video = document.querySelector('#preview-video');
            for (const track of video.srcObject?.getTracks() ?? []) track.stop();
        }"""
    )
    return page


def add_guests(page: Any, first: int, count: int) -> None:
    """Seat guests "Guest <first>" to "Guest <first + count - 1>" in the room."""
    names = [f"Guest {number}" for number in range(first, first + count)]
    page.evaluate(ADD_GUESTS, {"names": names, "publishing": PUBLISHING})
