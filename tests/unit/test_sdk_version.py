"""The browser client's sdkVersion is the OpenVidu release the server answers as.

client.js is a static ES module with no build step, so it writes the version itself;
this test keeps the two in step.
"""

from __future__ import annotations

import re
from pathlib import Path

from rooms.openvidu_version import OPENVIDU_VERSION

CLIENT = Path(__file__).resolve().parents[2] / "rooms/static/rooms/client.js"


def test_the_client_sends_the_servers_openvidu_version():
    found = re.search(r'^export const SDK_VERSION = "([^"]+)";$', CLIENT.read_text(), re.M)
    assert found is not None
    assert found.group(1) == OPENVIDU_VERSION
