"""Request bodies of the REST API: OpenVidu's names in, the domain's properties out.

A JSON `null` means the same as a missing field, as it does in OpenVidu.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rest_framework import serializers

from media import ice_servers
from rooms.api.fields import (
    EnumField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
)
from rooms.models import Connection, Room
from rooms.services import ConnectionProperties, RoomProperties

F = TypeVar("F", bound=serializers.Field)  # type: ignore[type-arg]

# Server data is repeated in every participantJoined event and every REST listing.
MAX_DATA_LENGTH = 10_000
# Each side from 100 to 1999, as OpenVidu checks a resolution.
RESOLUTION = r"^([1-9][0-9]{2}|1[0-9]{3})x([1-9][0-9]{2}|1[0-9]{3})$"
RECORDING_OUTPUT_MODES = ["COMPOSED", "COMPOSED_QUICK_START", "INDIVIDUAL"]
RECORDING_LAYOUTS = [
    "BEST_FIT",
    "PICTURE_IN_PICTURE",
    "VERTICAL_PRESENTATION",
    "HORIZONTAL_PRESENTATION",
    "CUSTOM",
]


def optional(field_class: type[F], *args: Any, **kwargs: Any) -> F:
    """A field that may be missing or null, both meaning "use the default"."""
    return field_class(*args, required=False, allow_null=True, **kwargs)


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """The entries that were given: not null, and not an empty list."""
    return {key: value for key, value in values.items() if value is not None and value != []}


class _Body(serializers.Serializer):  # type: ignore[type-arg]
    def validated(self) -> dict[str, Any]:
        """The validated fields that were given and not null."""
        self.is_valid(raise_exception=True)
        return {key: value for key, value in self.validated_data.items() if value is not None}


class RecordingPropertiesBody(_Body):
    name = optional(
        StrictCharField,
        allow_blank=True,
        max_length=200,
        pattern=r"^[a-zA-Z0-9_~-]*$",
        pattern_message="must be made of a-z, A-Z, 0-9, '_', '-' and '~'",
    )
    outputMode = optional(EnumField, RECORDING_OUTPUT_MODES)
    recordingLayout = optional(EnumField, RECORDING_LAYOUTS)
    customLayout = optional(StrictCharField, allow_blank=True, max_length=500)
    resolution = optional(
        StrictCharField,
        max_length=9,
        pattern=RESOLUTION,
        pattern_message="must be WIDTHxHEIGHT, each side from 100 to 1999",
    )
    frameRate = optional(StrictIntegerField, min_value=1, max_value=120)
    hasAudio = optional(StrictBooleanField)
    hasVideo = optional(StrictBooleanField)
    shmSize = optional(StrictIntegerField, min_value=134217728)
    ignoreFailedStreams = optional(StrictBooleanField)
    mediaNode = optional(StrictCharField, max_length=100)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("hasAudio") is False and attrs.get("hasVideo") is False:
            raise serializers.ValidationError("hasAudio and hasVideo cannot both be false")
        return attrs


class MediaNodeBody(_Body):
    """`{"id": ...}`: accepted as OpenVidu CE does, one media node being this process."""

    id = StrictCharField(max_length=100)


class SessionBody(_Body):
    mediaMode = optional(EnumField, Room.MediaMode.values)
    recordingMode = optional(EnumField, Room.RecordingMode.values)
    customSessionId = optional(
        StrictCharField,
        allow_blank=True,
        max_length=100,
        pattern=r"^[a-zA-Z0-9_-]*$",
        pattern_message="must be 1 to 100 characters of a-z, A-Z, 0-9, '_' and '-'",
    )
    forcedVideoCodec = optional(EnumField, Room.VideoCodec.values)
    allowTranscoding = optional(StrictBooleanField)
    defaultRecordingProperties = optional(RecordingPropertiesBody)
    mediaNode = optional(MediaNodeBody)

    def properties(self) -> RoomProperties:
        data = self.validated()
        recording = _present(data.get("defaultRecordingProperties", {}))
        return RoomProperties(
            session_id=data.get("customSessionId") or None,
            media_mode=data.get("mediaMode", Room.MediaMode.ROUTED),
            recording_mode=data.get("recordingMode", Room.RecordingMode.MANUAL),
            forced_video_codec=data.get("forcedVideoCodec", Room.VideoCodec.MEDIA_SERVER_PREFERRED),
            allow_transcoding=data.get("allowTranscoding", False),
            default_recording_properties=recording,
            media_node_id=data.get("mediaNode", {}).get("id", ""),
        )


class IceServerBody(_Body):
    url = StrictCharField(max_length=2048)
    username = optional(StrictCharField, allow_blank=True, max_length=512)
    credential = optional(StrictCharField, allow_blank=True, max_length=512)
    staticAuthSecret = optional(StrictCharField, allow_blank=True, max_length=512)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            scheme = ice_servers.check_uri(attrs["url"])
        except ice_servers.InvalidIceServer as error:
            raise serializers.ValidationError({"url": str(error)}) from None
        has_credentials = bool(attrs.get("username") or attrs.get("credential"))
        if scheme in ice_servers.STUN_SCHEMES:
            if has_credentials or attrs.get("staticAuthSecret"):
                raise serializers.ValidationError("a STUN server takes no credentials")
        elif attrs.get("staticAuthSecret"):
            if has_credentials:
                raise serializers.ValidationError(
                    "give either staticAuthSecret or username and credential, not both"
                )
        elif not (attrs.get("username") and attrs.get("credential")):
            raise serializers.ValidationError("a TURN server needs a username and a credential")
        return attrs

    @staticmethod
    def to_ice_server(attrs: dict[str, Any]) -> dict[str, str]:
        """The stored form: url, and username and credential when there are any."""
        server = {"url": attrs["url"]}
        if attrs.get("staticAuthSecret"):
            server["username"], server["credential"] = ice_servers.turn_rest_credentials(
                attrs["staticAuthSecret"]
            )
        else:
            for key in ("username", "credential"):
                if attrs.get(key):
                    server[key] = attrs[key]
        return server


class KurentoOptionsBody(_Body):
    videoMaxRecvBandwidth = optional(StrictIntegerField, min_value=0)
    videoMinRecvBandwidth = optional(StrictIntegerField, min_value=0)
    videoMaxSendBandwidth = optional(StrictIntegerField, min_value=0)
    videoMinSendBandwidth = optional(StrictIntegerField, min_value=0)
    allowedFilters = optional(
        serializers.ListField, child=StrictCharField(max_length=200), max_length=50
    )


class ConnectionBody(_Body):
    type = optional(EnumField, Connection.Type.values)
    # The metaclass takes declared fields off the class, so `.data` stays the serializer's.
    data = optional(  # type: ignore[assignment]
        StrictCharField, allow_blank=True, max_length=MAX_DATA_LENGTH, trim_whitespace=False
    )
    record = optional(StrictBooleanField)
    role = optional(EnumField, Connection.Role.values)
    kurentoOptions = optional(KurentoOptionsBody)
    customIceServers = optional(serializers.ListField, child=IceServerBody(), max_length=20)
    rtspUri = optional(StrictCharField, max_length=2048)
    adaptativeBitrate = optional(StrictBooleanField)
    onlyPlayWithSubscribers = optional(StrictBooleanField)
    networkCache = optional(StrictIntegerField, min_value=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("type") == Connection.Type.IPCAM:
            uri = attrs.get("rtspUri")
            if not uri:
                raise serializers.ValidationError(
                    {"rtspUri": "is required for an IPCAM connection"}
                )
            if not uri.startswith(
                ("rtsp://", "rtsps://", "rtmp://", "rtmps://", "http://", "https://", "file://")
            ):
                raise serializers.ValidationError(
                    {"rtspUri": "must be an rtsp(s)://, rtmp(s)://, http(s):// or file:// URI"}
                )
        return attrs

    def properties(self) -> ConnectionProperties:
        data = self.validated()
        kurento = data.get("kurentoOptions")
        servers = [
            IceServerBody.to_ice_server(server) for server in data.get("customIceServers", [])
        ]
        is_ipcam = data.get("type") == Connection.Type.IPCAM
        return ConnectionProperties(
            type=data.get("type", Connection.Type.WEBRTC),
            role=data.get("role", Connection.Role.PUBLISHER),
            record=data.get("record", True),
            server_data=data.get("data", ""),
            kurento_options=None if kurento is None else _present(kurento),
            custom_ice_servers=servers,
            rtsp_uri=data.get("rtspUri", ""),
            adaptative_bitrate=data.get("adaptativeBitrate", True) if is_ipcam else None,
            only_play_with_subscribers=data.get("onlyPlayWithSubscribers", True)
            if is_ipcam
            else None,
            network_cache=data.get("networkCache", 2000) if is_ipcam else None,
        )


class TokenBody(ConnectionBody):
    """The deprecated `POST tokens`: a WebRTC connection body that names its session."""

    session = StrictCharField(max_length=100)


class SignalBody(_Body):
    session = StrictCharField(max_length=100)
    to = optional(serializers.ListField, child=StrictCharField(max_length=64), max_length=1000)
    type = optional(StrictCharField, allow_blank=True, max_length=200)
    # The metaclass takes declared fields off the class, so `.data` stays the serializer's.
    data = optional(  # type: ignore[assignment]
        StrictCharField, allow_blank=True, max_length=MAX_DATA_LENGTH, trim_whitespace=False
    )
