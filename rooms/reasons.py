"""Every reason OpenVidu gives for something ending, under one name each.

openvidu-server's `EndReason`: participants see these in notifications, webhooks carry
them, and the history stores them. A `StrEnum`, so a member is the wire string itself.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # A participant's own doing.
    UNSUBSCRIBE = "unsubscribe"
    UNPUBLISH = "unpublish"
    DISCONNECT = "disconnect"
    # A moderator's (signaling) or the application server's (REST).
    FORCE_UNPUBLISH_BY_USER = "forceUnpublishByUser"
    FORCE_UNPUBLISH_BY_SERVER = "forceUnpublishByServer"
    FORCE_DISCONNECT_BY_USER = "forceDisconnectByUser"
    FORCE_DISCONNECT_BY_SERVER = "forceDisconnectByServer"
    SESSION_CLOSED_BY_SERVER = "sessionClosedByServer"
    RECORDING_STOPPED_BY_SERVER = "recordingStoppedByServer"
    # The room's own rules.
    LAST_PARTICIPANT_LEFT = "lastParticipantLeft"
    AUTOMATIC_STOP = "automaticStop"
    # This server's rule for a seat whose token was deleted before it joined.
    TOKEN_REVOKED = "tokenRevoked"
    # Failures.
    NETWORK_DISCONNECT = "networkDisconnect"
    MEDIA_SERVER_DISCONNECT = "mediaServerDisconnect"
    MEDIA_SERVER_RECONNECTED = "mediaServerReconnected"
    NODE_CRASHED = "nodeCrashed"
    OPENVIDU_SERVER_STOPPED = "openviduServerStopped"
