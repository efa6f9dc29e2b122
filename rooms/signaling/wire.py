"""The domain's participants and streams in OpenVidu's JSON-RPC shapes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rooms import hidden_seats
from rooms.app_settings import app_settings
from rooms.openvidu_version import OPENVIDU_VERSION
from rooms.participation import Peer, Seat, StreamInfo
from rooms.seat_data import METADATA_SEPARATOR

COTURN_PORT = 3478  # openvidu-server's default COTURN_PORT


def metadata(client_data: str | None, server_data: str | None) -> str:
    """A connection's data as participants see it, by openvidu-server's rule.

    The separator appears only when both parts are set: apps that do
    `JSON.parse(connection.data)` with one part empty must get that part alone, and
    "client%/%" or "%/%server" is what no openvidu-server ever sends.
    """
    client, server = client_data or "", server_data or ""
    if client and server:
        return f"{client}{METADATA_SEPARATOR}{server}"
    return client or server


def stream(info: StreamInfo | dict[str, Any]) -> dict[str, Any]:
    """A published stream as joinRoom's `value[].streams` and participantPublished carry it.

    openvidu-server's JSON-RPC layer leaves out null members, so a stream published
    without a frameRate has none here.
    """
    data = info.as_event() if isinstance(info, StreamInfo) else info
    body = {
        "id": data["stream_id"],
        "createdAt": data["created_at"],
        "hasAudio": data["has_audio"],
        "hasVideo": data["has_video"],
        "audioActive": data["audio_active"],
        "videoActive": data["video_active"],
        "typeOfVideo": data["type_of_video"],
        "frameRate": data["frame_rate"],
        "videoDimensions": data["video_dimensions"],
        "filter": data.get("filter") or {},
    }
    if body["frameRate"] is None:
        del body["frameRate"]
    return body


def peer(other: Peer) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": other.connection_id,
        "createdAt": other.created_at,
        "metadata": metadata(other.client_data, other.server_data),
    }
    if other.streams:
        body["streams"] = [stream(info) for info in other.streams]
    return body


def join_result(seat: Seat, peers: list[Peer], ice_servers: list[dict[str, str]]) -> dict[str, Any]:
    """openvidu-server's joinRoom answer (CE, Kurento): no `life` (a Pro field), and
    `customIceServers` only when there are some; `createdAt` is when the seat was taken."""
    result: dict[str, Any] = {
        "id": hidden_seats.wire_id(seat.connection_id),
        "finalUserId": hidden_seats.wire_id(seat.connection_id),
        "createdAt": seat.active_at,
        "metadata": metadata(seat.client_data, seat.server_data),
        "value": [peer(other) for other in peers],
        "session": seat.session_id,
        "sessionId": None,  # replaced by the RPC session id when the result is framed
        "version": OPENVIDU_VERSION,
        "mediaServer": "kurento",
        "videoSimulcast": False,
        "record": seat.record,
        "role": seat.role,
        # OpenVidu names its TURN server here; with no TURN credentials in the answer
        # openvidu-browser never uses it, so the public host and Coturn's port do.
        "coturnIp": coturn_host(),
        "coturnPort": COTURN_PORT,
    }
    if ice_servers:
        result["customIceServers"] = ice_servers
    return result


def coturn_host() -> str:
    return urlsplit(app_settings.PUBLICURL).hostname or "localhost"
