"""OpenVidu's identifier formats, drawn from `secrets` so that none can be guessed."""

from __future__ import annotations

import re
import secrets
import string
from urllib.parse import urlsplit

_ALNUM = string.ascii_letters + string.digits

# OpenVidu accepts any non-empty run of these; we also cap the length so an id always
# fits the database column and a channel-layer group name.
CUSTOM_SESSION_ID = re.compile(r"^[a-zA-Z0-9_-]{1,100}$")
STREAM_ID_PREFIX = {"CAMERA": "CAM", "SCREEN": "SCR", "CUSTOM": "CUS", "IPCAM": "IPC"}


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _id(prefix: str, length: int) -> str:
    return f"{prefix}_{secrets.choice(string.ascii_uppercase)}{_random(_ALNUM, length)}"


def new_session_id() -> str:
    return _id("ses", 9)


def new_connection_id() -> str:
    return _id("con", 9)


def new_ipcam_id(uri: str) -> str:
    """openvidu-server's IP camera id: `ipc_IPCAM_<scheme>_<4 random>_<host>_<port><path>`,
    with `/ . :` made `_` and `-` dropped; cut to fit the column."""
    parts = urlsplit(uri)
    where = (parts.hostname or "") + (f":{parts.port}" if parts.port else "") + parts.path
    raw = f"IPCAM_{parts.scheme}_{_random(string.ascii_uppercase + string.digits, 4)}_{where}"
    cleaned = raw.replace("/", "_").replace("-", "").replace(".", "_").replace(":", "_")
    return ("ipc_" + re.sub(r"[^A-Za-z0-9_]", "", cleaned))[:64]


def new_token_key() -> str:
    return _id("tok", 15)


def new_stream_id(connection_id: str, type_of_video: str, *, audio_only: bool = False) -> str:
    kind = "MIC" if audio_only else STREAM_ID_PREFIX.get(type_of_video, "CUS")
    return (
        f"str_{kind}_{secrets.choice(string.ascii_uppercase)}{_random(_ALNUM, 3)}_{connection_id}"
    )


def websocket_base(public_url: str) -> str:
    """`ws[s]://host[:port]` of the public URL, as OpenVidu prefixes its tokens."""
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def token_url(public_url: str, session_id: str, token_key: str) -> str:
    return f"{websocket_base(public_url)}?sessionId={session_id}&token={token_key}"
