"""A publishing aiortc peer run inside a test's namespace: `python -m tests.netclient JSON`.

JSON gives `iceServers` ([{urls, username, credential}]) and `relay` (iceTransportPolicy
'relay'). It prints its offer as one JSON line, reads the answer as one line, then sends
pre-encoded VP8 until its standard input closes, and prints its connection states.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.rtcconfiguration import RTCIceTransportPolicy

from tests.peers import EncodedVideoTrack, encode_vp8


async def main(options: dict[str, object]) -> None:
    servers = [RTCIceServer(**server) for server in options.get("iceServers", [])]  # type: ignore[attr-defined]
    policy = RTCIceTransportPolicy.RELAY if options.get("relay") else RTCIceTransportPolicy.ALL
    pc = RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=policy))

    @pc.on("connectionstatechange")
    def on_state() -> None:
        print(json.dumps({"state": pc.connectionState}), flush=True)

    pc.addTransceiver(EncodedVideoTrack(encode_vp8(90), loop=True), direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    print(json.dumps({"offer": pc.localDescription.sdp}), flush=True)
    loop = asyncio.get_running_loop()
    answer = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["answer"], type="answer"))
    await loop.run_in_executor(None, sys.stdin.read)  # until the test closes our stdin
    await pc.close()


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
