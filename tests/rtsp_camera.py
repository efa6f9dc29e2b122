"""An RTSP camera for the IPCAM tests: FFmpeg encodes, a small RTSP server serves it.

FFmpeg's own RTSP server only receives (`-rtsp_flags listen` takes a stream pushed to
it); a camera is pulled. So FFmpeg (Debian's) writes RTP of a solid colour to a local
UDP port with its SDP, and this server answers OPTIONS, DESCRIBE, SETUP (RTP over the
RTSP connection, `interleaved`, or over UDP to the client's ports), PLAY and TEARDOWN,
relaying FFmpeg's packets to every playing client, as a camera does.

`RtspCamera.stop()` drops it (connections closed, FFmpeg killed); `start(colour)`
brings it back on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import tempfile
from collections.abc import AsyncIterator
from typing import Any

from tests.camera_sources import ENCODERS, FFMPEG, free_port


class _RtpIn(asyncio.DatagramProtocol):
    def __init__(self, camera: RtspCamera) -> None:
        self.camera = camera

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.camera.relay(data)


class _Client:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.udp_to: tuple[str, int] | None = None
        self.playing = False


class RtspCamera:
    def __init__(self, *, allow_tcp: bool = True) -> None:
        self.port = free_port()
        self.url = f"rtsp://127.0.0.1:{self.port}/camera"
        self.allow_tcp = allow_tcp
        self._clients: set[_Client] = set()
        self._server: asyncio.Server | None = None
        self._ffmpeg: subprocess.Popen[bytes] | None = None
        self._rtp_in: list[asyncio.DatagramTransport] = []
        self._udp_out: asyncio.DatagramTransport | None = None
        self._sdp = ""
        self.sessions = 0  # PLAY requests served
        self.transports: list[str] = []  # "tcp" or "udp", per SETUP

    async def start(self, colour: str = "red") -> None:
        assert FFMPEG is not None
        loop = asyncio.get_running_loop()
        rtp_port = free_port()
        for port in (rtp_port, rtp_port + 1):  # RTP, and RTCP swallowed
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _RtpIn(self), local_addr=("127.0.0.1", port)
            )
            self._rtp_in.append(transport)
        self._udp_out, _ = await loop.create_datagram_endpoint(
            asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
        )
        sdp_path = os.path.join(tempfile.mkdtemp(prefix="rtsp-camera-"), "camera.sdp")
        self._ffmpeg = subprocess.Popen(
            [
                FFMPEG, "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", f"color=c={colour}:size=320x240:rate=15",
                *ENCODERS["h264"], "-pix_fmt", "yuv420p",
                "-f", "rtp", "-payload_type", "96", "-sdp_file", sdp_path,
                f"rtp://127.0.0.1:{rtp_port}",
            ],
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(200):
            if os.path.exists(sdp_path) and os.path.getsize(sdp_path) > 0:
                break
            await asyncio.sleep(0.05)
        with open(sdp_path) as file:
            self._sdp = file.read()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for client in list(self._clients):
            client.writer.close()
        self._clients.clear()
        for transport in self._rtp_in:
            transport.close()
        self._rtp_in.clear()
        if self._udp_out is not None:
            self._udp_out.close()
            self._udp_out = None
        if self._ffmpeg is not None:
            self._ffmpeg.kill()
            await asyncio.to_thread(self._ffmpeg.wait, 10)
            self._ffmpeg = None

    def relay(self, packet: bytes) -> None:
        for client in list(self._clients):
            if not client.playing:
                continue
            if client.udp_to is not None:
                if self._udp_out is not None:
                    self._udp_out.sendto(packet, client.udp_to)
            elif not client.writer.is_closing():
                client.writer.write(b"$\x00" + len(packet).to_bytes(2, "big") + packet)

    def _description(self) -> str:
        lines = []
        for line in self._sdp.splitlines():
            if line.startswith("m=video"):
                line = "m=video 0 RTP/AVP 96"
            elif line.startswith("c="):
                line = "c=IN IP4 0.0.0.0"
            lines.append(line)
            if line.startswith("m=video"):
                lines.append("a=control:track0")
        return "\r\n".join(lines) + "\r\n"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        client = _Client(writer)
        self._clients.add(client)
        peer = writer.get_extra_info("peername")
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                method = lines[0].split(" ")[0]
                headers = {
                    key.strip().lower(): value.strip()
                    for key, _, value in (line.partition(":") for line in lines[1:] if line)
                }
                length = int(headers.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                reply, body, status = self._answer(method, headers, client, peer)
                cseq = headers.get("cseq", "0")
                text = f"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\n" + "".join(
                    f"{name}: {value}\r\n" for name, value in reply.items()
                )
                if body:
                    text += f"Content-Length: {len(body.encode())}\r\n"
                writer.write((text + "\r\n" + body).encode())
                await writer.drain()
                if method == "TEARDOWN":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self._clients.discard(client)
            writer.close()

    def _answer(
        self, method: str, headers: dict[str, str], client: _Client, peer: Any
    ) -> tuple[dict[str, str], str, str]:
        session = {"Session": "12345678;timeout=60"}
        if method == "OPTIONS":
            return {"Public": "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"}, "", "200 OK"
        if method == "DESCRIBE":
            base = {"Content-Base": self.url + "/", "Content-Type": "application/sdp"}
            return base, self._description(), "200 OK"
        if method == "SETUP":
            transport = headers.get("transport", "")
            if "TCP" in transport.upper():
                if not self.allow_tcp:
                    return {}, "", "461 Unsupported Transport"
                self.transports.append("tcp")
                return {**session, "Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"}, "", "200 OK"
            ports = transport.split("client_port=")[1].split(";")[0].split("-")
            client.udp_to = (peer[0], int(ports[0]))
            self.transports.append("udp")
            assert self._udp_out is not None
            server_port = self._udp_out.get_extra_info("sockname")[1]
            reply = f"RTP/AVP;unicast;client_port={ports[0]}-{ports[1]};server_port={server_port}-{server_port + 1}"
            return {**session, "Transport": reply}, "", "200 OK"
        if method == "PLAY":
            client.playing = True
            self.sessions += 1
            return {**session, "Range": "npt=0.000-"}, "", "200 OK"
        if method == "TEARDOWN":
            return session, "", "200 OK"
        return {}, "", "405 Method Not Allowed"


@contextlib.asynccontextmanager
async def rtsp_camera(colour: str = "red", *, allow_tcp: bool = True) -> AsyncIterator[RtspCamera]:
    camera = RtspCamera(allow_tcp=allow_tcp)
    await camera.start(colour)
    try:
        yield camera
    finally:
        await camera.stop()
