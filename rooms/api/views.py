"""OpenVidu 2's REST API: thin views that validate, call `rooms.services` and render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rooms import hooks, participation, services
from rooms.api import representations, requests
from rooms.api.errors import Conflict, NotAcceptable
from rooms.api.schema import errors, object_response
from rooms.app_settings import app_settings
from rooms.live import cameras
from rooms.live.media import CameraUnavailable, MediaError
from rooms.models import Connection, Room, Stream, Subscription
from rooms.openvidu_version import OPENVIDU_VERSION

_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")
# Spring's spellings; an empty value means the default, as its defaultValue makes it.
_FLAG_VALUES = ["", *_TRUE, *_FALSE]
_PENDING = OpenApiParameter(
    "pendingConnections",
    str,
    enum=_FLAG_VALUES,
    description="Also list connections whose token is not used yet",
)
_STATS = OpenApiParameter(
    "webRtcStats",
    str,
    enum=_FLAG_VALUES,
    description="Accepted for compatibility; stats are not collected yet",
)


def _flag(request: Request, name: str, default: bool = False) -> bool:
    """A boolean query parameter, read as OpenVidu (Spring) reads one."""
    value = request.query_params.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE + _FALSE:
        raise ValidationError({name: "must be true or false"})
    return value in _TRUE


def _with_details(connections: QuerySet[Connection]) -> QuerySet[Connection]:
    return connections.select_related("room").prefetch_related(
        "streams",
        Prefetch("subscriptions", queryset=Subscription.objects.select_related("stream")),
    )


def _room_or_404(session_id: str) -> Room:
    room = services.find_open_room(session_id)
    if room is None:
        raise NotFound(f"Session {session_id} not found")
    return room


def _room_connections(room: Room, *, include_pending: bool) -> list[Connection]:
    return list(_with_details(services.room_connections(room, include_pending=include_pending)))


def _connection_or_404(room: Room, connection_id: str) -> Connection:
    connection = (
        _with_details(services.room_connections(room)).filter(connection_id=connection_id).first()
    )
    if connection is None:
        raise NotFound(f"Connection {connection_id} not found in session {room.session_id}")
    return connection


class SessionsView(APIView):
    @extend_schema(
        request=requests.SessionBody,
        summary="Initialize a session",
        operation_id="sessions_create",
        responses={200: object_response("OpenVidu's Session object"), **errors(400, 409, 415)},
    )
    def post(self, request: Request) -> Response:
        properties = requests.SessionBody(data=request.data).properties()
        try:
            room = services.create_room(properties)
        except services.RoomExists as taken:
            # OpenVidu answers 409 with no body; the node client then fetches the session.
            raise Conflict(str(taken)) from None
        return Response(representations.session_json(room, []))

    @extend_schema(
        parameters=[_PENDING, _STATS],
        summary="Retrieve all sessions",
        operation_id="sessions_list",
        responses={
            200: object_response("`{numberOfElements, content}` of Session objects"),
            **errors(400),
        },
    )
    def get(self, request: Request) -> Response:
        include_pending = _flag(request, "pendingConnections")
        _flag(request, "webRtcStats")
        rooms = list(
            hooks.recording_state().annotate(services.open_rooms()).order_by("created_at", "pk")
        )
        by_room: dict[int, list[Connection]] = {room.pk: [] for room in rooms}
        statuses = [Connection.Status.ACTIVE] + (
            [Connection.Status.PENDING] if include_pending else []
        )
        # One query for every room's connections instead of one per room.
        for connection in _with_details(
            Connection.objects.filter(room__in=rooms, status__in=statuses)
        ):
            by_room[connection.room_id].append(connection)
        content = [representations.session_json(room, by_room[room.pk]) for room in rooms]
        return Response({"numberOfElements": len(content), "content": content})


class SessionDetailView(APIView):
    @extend_schema(
        parameters=[_PENDING, _STATS],
        summary="Retrieve a session",
        operation_id="sessions_retrieve",
        responses={200: object_response("OpenVidu's Session object"), **errors(400, 404)},
    )
    def get(self, request: Request, session_id: str) -> Response:
        include_pending = _flag(request, "pendingConnections")
        _flag(request, "webRtcStats")
        room = _room_or_404(session_id)
        connections = _room_connections(room, include_pending=include_pending)
        return Response(representations.session_json(room, connections))

    @extend_schema(summary="Close a session", responses={204: None, **errors(404)})
    def delete(self, request: Request, session_id: str) -> Response:
        room = _room_or_404(session_id)
        services.close_room(room)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _open_camera(room: Room, properties: services.ConnectionProperties) -> Connection:
    """openvidu-server's publishIpcam: the camera is opened (within
    MEDIA_IPCAM_OPEN_TIMEOUT) and published before the answer; a URI that cannot be
    opened is a 400 that says what FFmpeg said."""
    codec = "H264" if room.forced_video_codec == Room.VideoCodec.H264 else "VP8"
    try:
        # The camera's media lives on the event loop; this view waits for it in its thread.
        opened = async_to_sync(cameras.open_camera)(room.pk, codec, properties)
    except CameraUnavailable as failure:
        raise ValidationError({"rtspUri": str(failure)}) from None
    except MediaError as failure:
        raise ValidationError({"rtspUri": f"cannot publish the camera: {failure}"}) from None
    except services.RoomIsClosed:
        raise NotFound(f"Session {room.session_id} not found") from None
    return _connection_or_404(room, opened.connection_id)


class ConnectionsView(APIView):
    @extend_schema(
        request=requests.ConnectionBody,
        summary="Create a connection",
        responses={
            200: object_response("OpenVidu's Connection object"),
            **errors(400, 404, 415),
        },
    )
    def post(self, request: Request, session_id: str) -> Response:
        room = _room_or_404(session_id)
        properties = requests.ConnectionBody(data=request.data).properties()
        if properties.type == Connection.Type.IPCAM:
            return Response(representations.connection_json(_open_camera(room, properties)))
        try:
            connection = services.create_connection(room, properties)
        except services.RoomIsClosed:
            raise NotFound(f"Session {session_id} not found") from None
        return Response(representations.connection_json(connection))

    @extend_schema(
        parameters=[_PENDING, _STATS],
        summary="List the connections of a session",
        operation_id="sessions_connection_list",
        responses={
            200: object_response("`{numberOfElements, content}` of Connection objects"),
            **errors(400, 404),
        },
    )
    def get(self, request: Request, session_id: str) -> Response:
        # Unlike the session endpoints, this one lists pending connections by default.
        include_pending = _flag(request, "pendingConnections", default=True)
        _flag(request, "webRtcStats")
        room = _room_or_404(session_id)
        connections = _room_connections(room, include_pending=include_pending)
        return Response(representations.connections_page(connections))


class ConnectionDetailView(APIView):
    def _find(self, session_id: str, connection_id: str) -> Connection:
        room = services.find_open_room(session_id)
        if room is None:
            # OpenVidu answers 400 here, not 404: the session is part of the request.
            raise ValidationError(f"Session {session_id} not found")
        return _connection_or_404(room, connection_id)

    @extend_schema(
        parameters=[_STATS],
        summary="Retrieve a connection",
        operation_id="sessions_connection_retrieve",
        responses={200: object_response("OpenVidu's Connection object"), **errors(400, 404)},
    )
    def get(self, request: Request, session_id: str, connection_id: str) -> Response:
        _flag(request, "webRtcStats")
        return Response(representations.connection_json(self._find(session_id, connection_id)))

    @extend_schema(
        summary="Revoke a pending connection or evict an active one",
        responses={204: None, **errors(400, 404)},
    )
    def delete(self, request: Request, session_id: str, connection_id: str) -> Response:
        services.destroy_connection(self._find(session_id, connection_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StreamDetailView(APIView):
    @extend_schema(
        summary="Force the unpublishing of a stream", responses={204: None, **errors(400, 404)}
    )
    def delete(self, request: Request, session_id: str, stream_id: str) -> Response:
        room = services.find_open_room(session_id)
        if room is None:
            raise ValidationError(f"Session {session_id} not found")
        stream = (
            Stream.objects.filter(
                stream_id=stream_id, connection__room=room, closed_at__isnull=True
            )
            .select_related("connection")
            .first()
        )
        if stream is None:
            raise NotFound(f"Stream {stream_id} not found in session {session_id}")
        if stream.connection.type == Connection.Type.IPCAM:
            raise MethodNotAllowed(
                "DELETE", "An IP camera's stream cannot be unpublished: remove its connection"
            )
        services.unpublish_stream(stream)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignalView(APIView):
    @extend_schema(
        request=requests.SignalBody,
        summary="Send a signal to participants",
        responses={200: None, **errors(400, 404, 406, 415)},
    )
    def post(self, request: Request) -> Response:
        body = requests.SignalBody(data=request.data)
        data = body.validated()
        session_id = data["session"]
        room = services.find_open_room(session_id)
        if room is None:
            raise NotFound(f"Session {session_id} not found")
        if not room.connections.filter(status=Connection.Status.ACTIVE).exists():
            raise NotAcceptable(f"Session {session_id} has no participants to signal")
        try:
            participation.signal(
                None, room.pk, data.get("to", []), data.get("type"), data.get("data")
            )
        except participation.ParticipationError as failure:
            raise NotAcceptable(
                f'"to" array has no valid connection identifiers: {failure}'
            ) from None
        return Response(status=status.HTTP_200_OK)


class TokensView(APIView):
    @extend_schema(
        request=requests.TokenBody,
        summary="Create a token (deprecated)",
        responses={200: object_response("OpenVidu's Token object"), **errors(400, 404, 415)},
    )
    def post(self, request: Request) -> Response:
        body = requests.TokenBody(data=request.data)
        # OpenVidu ignores `record` here: a token's connection is always recorded.
        properties = replace(body.properties(), record=True)
        session_id = body.validated_data["session"]
        if properties.type != Connection.Type.WEBRTC:
            raise ValidationError({"type": "tokens are only for WEBRTC connections"})
        room = services.find_open_room(session_id)
        if room is None:
            raise NotFound(f"Session {session_id} not found")
        try:
            connection = services.create_connection(room, properties)
        except services.RoomIsClosed:
            raise NotFound(f"Session {session_id} not found") from None
        return Response(representations.token_json(connection))


class ConfigView(APIView):
    @extend_schema(
        summary="The server's configuration",
        responses={200: object_response("OpenVidu's configuration keys"), **errors()},
    )
    def get(self, request: Request) -> Response:
        return Response(server_config())


class ConfigValueView(APIView):
    """One value of the configuration, as a bare JSON value (OpenVidu's sub-routes)."""

    key = ""

    @extend_schema(
        summary="One value of the server's configuration",
        responses={
            200: OpenApiResponse(OpenApiTypes.ANY, description="a bare JSON value"),
            **errors(),
        },
    )
    def get(self, request: Request) -> Response:
        return Response(server_config()[self.key])


@csrf_exempt  # no session, no state: any method but GET and HEAD is a 405, not a 403
def public_url(request: HttpRequest) -> HttpResponse:
    """The public URL with a trailing slash, as plain text; needs no authentication."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(app_settings.PUBLICURL + "/", content_type="text/plain; charset=utf-8")


def server_config() -> dict[str, Any]:
    """The keys OpenVidu 2.32 CE reports, with this server's values."""
    parts = urlsplit(app_settings.PUBLICURL)
    config: dict[str, Any] = {
        "VERSION": OPENVIDU_VERSION,
        "DOMAIN_OR_PUBLIC_IP": parts.hostname,
        "HTTPS_PORT": parts.port or (443 if parts.scheme == "https" else 80),
        "OPENVIDU_PUBLICURL": app_settings.PUBLICURL,
        "OPENVIDU_CDR": False,
        "OPENVIDU_STREAMS_VIDEO_MAX_RECV_BANDWIDTH": 1000,
        "OPENVIDU_STREAMS_VIDEO_MIN_RECV_BANDWIDTH": 300,
        "OPENVIDU_STREAMS_VIDEO_MAX_SEND_BANDWIDTH": 1000,
        "OPENVIDU_STREAMS_VIDEO_MIN_SEND_BANDWIDTH": 300,
        "OPENVIDU_STREAMS_FORCED_VIDEO_CODEC": Room.VideoCodec.MEDIA_SERVER_PREFERRED.value,
        "OPENVIDU_STREAMS_ALLOW_TRANSCODING": False,
        "OPENVIDU_WEBRTC_SIMULCAST": False,
        "OPENVIDU_SESSIONS_GARBAGE_INTERVAL": 900,
        "OPENVIDU_SESSIONS_GARBAGE_THRESHOLD": 3600,
        # Off unless an optional app (recordings, webhooks) reports its own entries.
        "OPENVIDU_RECORDING": False,
        "OPENVIDU_WEBHOOK": False,
    }
    for section in hooks.config_sections():
        config.update(section())
    return config


# Browsers open this page to accept a self-signed certificate, then go back to the app.
_ACCEPT_CERTIFICATE_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Certificate accepted</title></head>
<body></body>
<script>window.history.back()</script>
</html>
"""


def accept_certificate(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_ACCEPT_CERTIFICATE_PAGE, content_type="text/html; charset=utf-8")
