"""The JSON OpenVidu's REST API returns, built from the domain's rows.

Field names, nulls and millisecond timestamps follow OpenVidu 2.32 exactly: the
openvidu-node-client and apps written against OpenVidu read them as they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rooms import history, hooks
from rooms.models import Connection, Room, Stream

# OpenVidu's recording options, which a session's defaultRecordingProperties hold too.
OUTPUT_MODES = ("COMPOSED", "COMPOSED_QUICK_START", "INDIVIDUAL")
LAYOUTS = (
    "BEST_FIT",
    "PICTURE_IN_PICTURE",
    "VERTICAL_PRESENTATION",
    "HORIZONTAL_PRESENTATION",
    "CUSTOM",
)
DEFAULT_RECORDING_PROPERTIES: dict[str, Any] = {
    "name": "",
    "hasAudio": True,
    "hasVideo": True,
    "outputMode": "COMPOSED",
    "recordingLayout": "BEST_FIT",
    "resolution": "1280x720",
    "frameRate": 25,
    "shmSize": 536870912,
    "customLayout": "",
    "ignoreFailedStreams": False,
}
_COMPOSED_ONLY = ("recordingLayout", "resolution", "frameRate", "shmSize")


def millis(moment: datetime | None) -> int | None:
    return None if moment is None else history.millis(moment)


def recording_properties(stored: dict[str, Any]) -> dict[str, Any]:
    """OpenVidu shows only the properties that mean something for the output mode."""
    merged = {**DEFAULT_RECORDING_PROPERTIES, **stored}
    shown = {key: merged[key] for key in ("name", "hasAudio", "hasVideo", "outputMode")}
    if merged["outputMode"] == "INDIVIDUAL":
        shown["ignoreFailedStreams"] = merged["ignoreFailedStreams"]
    elif merged["hasVideo"]:
        shown.update({key: merged[key] for key in _COMPOSED_ONLY})
        if merged["recordingLayout"] == "CUSTOM":
            shown["customLayout"] = merged["customLayout"]
    if merged.get("mediaNode"):
        shown["mediaNode"] = merged["mediaNode"]
    return shown


def stream_media_options(stream: Stream) -> dict[str, Any]:
    """openvidu-server names a track's state only for the tracks a stream has."""
    options: dict[str, Any] = {"hasAudio": stream.has_audio}
    if stream.has_audio:
        options["audioActive"] = stream.audio_active
    options["hasVideo"] = stream.has_video
    if stream.has_video:
        options.update(
            {
                "videoActive": stream.video_active,
                "typeOfVideo": stream.type_of_video,
                "frameRate": stream.frame_rate,
                "videoDimensions": stream.video_dimensions or None,
            }
        )
    options["filter"] = stream.filter
    return options


def connection_json(connection: Connection) -> dict[str, Any]:
    pending = connection.is_pending
    is_ipcam = connection.type == Connection.Type.IPCAM
    publishers: list[dict[str, Any]] | None = None
    subscribers: list[dict[str, Any]] | None = None
    if not pending:
        # Prefetched by the views; filtered here so one query serves a whole listing.
        publishers = [
            {
                "createdAt": millis(stream.created_at),
                "streamId": stream.stream_id,
                "mediaOptions": stream_media_options(stream),
            }
            for stream in connection.streams.all()
            if stream.closed_at is None
        ]
        subscribers = [
            {"createdAt": millis(sub.created_at), "streamId": sub.stream.stream_id}
            for sub in connection.subscriptions.all()
            if sub.closed_at is None
        ]
    return {
        "id": connection.connection_id,
        "object": "connection",
        "status": connection.status,
        "connectionId": connection.connection_id,
        "sessionId": connection.room.session_id,
        "createdAt": millis(connection.created_at),
        "type": connection.type,
        "record": connection.record,
        "role": None if is_ipcam else connection.role,
        "kurentoOptions": None if is_ipcam else connection.kurento_options,
        "customIceServers": connection.custom_ice_servers,
        "rtspUri": connection.rtsp_uri if is_ipcam else None,
        "adaptativeBitrate": connection.adaptative_bitrate,
        "onlyPlayWithSubscribers": connection.only_play_with_subscribers,
        "networkCache": connection.network_cache,
        "serverData": connection.server_data,
        "token": connection.token,
        "activeAt": millis(connection.active_at),
        "location": None if pending else connection.location or "unknown",
        "ip": None if pending else connection.ip,
        "platform": None if pending else connection.platform,
        "clientData": None if pending else connection.client_data,
        "publishers": publishers,
        "subscribers": subscribers,
    }


def connections_page(connections: list[Connection]) -> dict[str, Any]:
    return {
        "numberOfElements": len(connections),
        "content": [connection_json(connection) for connection in connections],
    }


def is_recording(room: Room) -> bool:
    """Whether the room is being recorded (whatever app keeps recordings, `rooms.hooks`)."""
    return hooks.recording_state().is_recording(room)


def session_json(room: Room, connections: list[Connection]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": room.session_id,
        "object": "session",
        # Deprecated by OpenVidu but still what the node client reads.
        "sessionId": room.session_id,
        "createdAt": millis(room.created_at),
        "recording": is_recording(room),
        "broadcasting": False,
        "mediaMode": room.media_mode,
        "recordingMode": room.recording_mode,
        "defaultRecordingProperties": recording_properties(room.default_recording_properties),
        "customSessionId": room.custom_session_id,
    }
    if room.media_node_id:
        body["mediaNode"] = {"id": room.media_node_id}
    body.update(
        {
            "forcedVideoCodec": room.forced_video_codec,
            "allowTranscoding": room.allow_transcoding,
            "connections": connections_page(connections),
        }
    )
    return body


def token_json(connection: Connection) -> dict[str, Any]:
    """The deprecated `POST tokens` answer: a Token, not a Connection."""
    body: dict[str, Any] = {
        "id": connection.token,
        "token": connection.token,
        "createdAt": millis(connection.created_at),
        "connectionId": connection.connection_id,
        "session": connection.room.session_id,
        "data": connection.server_data,
        "role": connection.role,
    }
    if connection.kurento_options is not None:
        body["kurentoOptions"] = connection.kurento_options
    return body
