"""OpenVidu's signaling endpoint, `/openvidu`: JSON-RPC frames in, calls and notifications out.

The consumer is thin: it reads a frame's params, calls `rooms.live.seats` (anything
that needs the room's media and its rows together) or `rooms.participation` (rows
only), and turns their answers and exceptions into JSON-RPC results and error codes.
What other participants do reaches it as channel-layer events of the room's group,
which it turns into OpenVidu notifications for its own client.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from media import ice
from rooms import events, hidden_seats, hooks, participation, services
from rooms.live import filters as live_filters
from rooms.live import seats
from rooms.live.media import MediaError, UnsupportedFilter
from rooms.models import Stream
from rooms.participation import NotAllowed, ParticipationError, Seat
from rooms.reasons import Reason
from rooms.server_secret import is_server_secret
from rooms.signaling import jsonrpc, wire
from rooms.signaling.jsonrpc import RpcError
from rooms.signaling.params import Params
from rooms.signaling.rpc_sessions import RpcSession, registry

logger = logging.getLogger(__name__)

MAX_CLIENT_DATA = 10_000
MISSED_PINGS = 3
DEFAULT_PING_INTERVAL = 5.0
_BEFORE_JOIN = {"joinRoom", "ping", "connect", "closeSession"}
_STREAM_PROPERTIES = {
    "audioActive": "audio_active",
    "videoActive": "video_active",
    "videoDimensions": "video_dimensions",
}

Handler = Callable[["OpenViduConsumer", Params], Awaitable[Any]]
METHODS: dict[str, Handler] = {}


Event = TypeVar("Event")
EventHandler = Callable[["OpenViduConsumer", Event], Awaitable[None]]


def receives(
    schema: type[Event],
) -> Callable[[EventHandler[Event]], Callable[[OpenViduConsumer, dict[str, Any]], Awaitable[None]]]:
    """A handler of the room group's events gets them checked against their schema."""

    def wrap(
        handler: EventHandler[Event],
    ) -> Callable[[OpenViduConsumer, dict[str, Any]], Awaitable[None]]:
        @functools.wraps(handler)
        async def handle(consumer: OpenViduConsumer, raw: dict[str, Any]) -> None:
            try:
                event = events.checked(raw, schema)
            except events.MalformedEvent:
                logger.exception("dropped a malformed room event")
                return
            await handler(consumer, event)

        return handle

    return wrap


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


async def _evict_after_grace(seat: Seat) -> None:
    await seats.end(seat, Reason.NETWORK_DISCONNECT)


class OpenViduConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    rpc: RpcSession
    _watchdog: asyncio.Task[None] | None = None
    _last_ping: float | None = None
    _ping_interval = DEFAULT_PING_INTERVAL

    @property
    def seat(self) -> Seat | None:
        return self.rpc.seat

    async def connect(self) -> None:
        self.rpc = registry.open(self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        seat = self.seat
        if seat is not None:
            await self.channel_layer.group_discard(seat.channel_group, self.channel_name)
        # A session another socket took over with `connect` is not ours to end.
        if self.rpc.channel_name == self.channel_name:
            registry.detach(self.rpc, _evict_after_grace)

    # Frames from the client.

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        request_id: Any = None
        try:
            if text_data is None:
                raise RpcError(jsonrpc.INVALID_REQUEST, "Frames must be text (JSON)")
            try:
                request = jsonrpc.parse(text_data)
            except RpcError as failure:
                if isinstance(failure.data, dict):
                    request_id = failure.data.get("id")
                raise
            request_id = request.id
            value = await self._dispatch(request)
            if request_id is not None:
                await self._send(jsonrpc.result(request_id, value, self.rpc.id))
        except RpcError as failure:
            await self._send(jsonrpc.error(request_id, failure))
        except Exception:
            logger.exception("signaling request failed")
            await self._send(
                jsonrpc.error(request_id, RpcError(jsonrpc.GENERIC, "Internal server error"))
            )

    async def _dispatch(self, request: jsonrpc.Request) -> Any:
        handler = METHODS.get(request.method)
        if handler is None:
            raise RpcError(jsonrpc.METHOD_NOT_FOUND, f"Unknown method '{request.method}'")
        if self.seat is None and request.method not in _BEFORE_JOIN:
            raise RpcError(jsonrpc.TRANSPORT_REQUEST, f"'{request.method}' needs joinRoom first")
        return await handler(self, Params(request.method, request.params))

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, separators=(",", ":")))

    async def notify(self, name: str, params: dict[str, Any]) -> None:
        await self._send(jsonrpc.notification(name, params))

    def _seat(self) -> Seat:
        seat = self.seat
        if seat is None:  # _dispatch has checked; this guards handlers called directly
            raise RpcError(jsonrpc.TRANSPORT_REQUEST, "joinRoom first")
        return seat

    # The ping watchdog: a client that stops pinging has lost its network.

    def _note_ping(self, interval_ms: Any) -> None:
        self._last_ping = time.monotonic()
        if (
            isinstance(interval_ms, int | float)
            and not isinstance(interval_ms, bool)
            and interval_ms > 0
        ):
            self._ping_interval = min(float(interval_ms) / 1000, 60.0)
        if self._watchdog is None:
            self._watchdog = asyncio.create_task(self._watch_pings())

    async def _watch_pings(self) -> None:
        while True:
            await asyncio.sleep(self._ping_interval)
            assert self._last_ping is not None
            if time.monotonic() - self._last_ping > MISSED_PINGS * self._ping_interval:
                logger.info("RPC session %s missed %d pings", self.rpc.id, MISSED_PINGS)
                seat = await self._give_up_seat()
                registry.drop(self.rpc)
                if seat is not None:
                    await seats.end(seat, Reason.NETWORK_DISCONNECT)
                await self.close(code=4000)
                return

    # Events of the room's group, turned into notifications for this client.

    def _is_me(self, connection_id: str) -> bool:
        return self.seat is not None and self.seat.connection_id == connection_id

    def _hidden(self, connection_id: str) -> bool:
        """Another's recorder seat: this client hears nothing of it."""
        return hidden_seats.is_recorder(connection_id) and not self._is_me(connection_id)

    @receives(events.ParticipantJoined)
    async def rooms_participant_joined(self, event: events.ParticipantJoined) -> None:
        if (
            self.seat is None
            or self._is_me(event["connection_id"])
            or self._hidden(event["connection_id"])
        ):
            return
        await self.notify(
            "participantJoined",
            {
                "id": event["connection_id"],
                "createdAt": event["created_at"],
                "metadata": wire.metadata(event["client_data"], event["server_data"]),
            },
        )

    @receives(events.ParticipantPublished)
    async def rooms_participant_published(self, event: events.ParticipantPublished) -> None:
        if self.seat is None or self._is_me(event["connection_id"]):
            return
        await self.notify(
            "participantPublished",
            {"id": event["connection_id"], "streams": [wire.stream(event["stream"])]},
        )

    @receives(events.StreamUnpublished)
    async def rooms_stream_unpublished(self, event: events.StreamUnpublished) -> None:
        seat = self.seat
        if seat is None:
            return
        owner = event["connection_id"]
        if owner == seat.connection_id:
            await seats.stop_publishing_media(seat)
            # A publisher that unpublished itself knows; one that was forced is told.
            if not event["reason"].startswith("forceUnpublish"):
                return
        else:
            await seats.stop_hearing(seat, owner)
        await self.notify(
            "participantUnpublished", {"connectionId": owner, "reason": event["reason"]}
        )

    @receives(events.ParticipantLeft)
    async def rooms_participant_left(self, event: events.ParticipantLeft) -> None:
        seat = self.seat
        if (
            seat is None
            or self._is_me(event["connection_id"])
            or self._hidden(event["connection_id"])
        ):
            return
        await seats.stop_hearing(seat, event["connection_id"])
        await self.notify(
            "participantLeft", {"connectionId": event["connection_id"], "reason": event["reason"]}
        )

    @receives(events.ConnectionEvicted)
    async def rooms_connection_evicted(self, event: events.ConnectionEvicted) -> None:
        seat = self.seat
        if seat is None:
            return
        evicted, reason = event["connection_id"], event["reason"]
        if self._hidden(evicted):
            return
        await self.notify(
            "participantEvicted", {"connectionId": hidden_seats.wire_id(evicted), "reason": reason}
        )
        if evicted == seat.connection_id:
            await self._lose_seat(seat)
        else:
            # openvidu-browser destroys a remote connection on participantLeft only.
            await seats.stop_hearing(seat, evicted)
            await self.notify("participantLeft", {"connectionId": evicted, "reason": reason})

    @receives(events.RoomClosed)
    async def rooms_room_closed(self, event: events.RoomClosed) -> None:
        """openvidu-server closes a session by evicting its participants one by one: each
        is told of the evictions before its own (participantEvicted, then participantLeft)
        and then of its own."""
        seat = self.seat
        if seat is None:
            return
        reason = event["reason"]
        for evicted in event["evicted"]:
            if evicted == seat.connection_id:
                break
            if self._hidden(evicted):
                continue
            await seats.stop_hearing(seat, evicted)
            await self.notify("participantEvicted", {"connectionId": evicted, "reason": reason})
            await self.notify("participantLeft", {"connectionId": evicted, "reason": reason})
        await self.notify(
            "participantEvicted",
            {"connectionId": hidden_seats.wire_id(seat.connection_id), "reason": reason},
        )
        await self._lose_seat(seat)

    @receives(events.Signal)
    async def rooms_signal(self, event: events.Signal) -> None:
        seat = self.seat
        if seat is None or seat.connection_id not in event["to"]:
            return
        # As openvidu-server: `data` and `type` only when the message had them.
        params: dict[str, Any] = {}
        if event["data"] is not None:
            params["data"] = event["data"]
        if event["signal_type"] is not None:
            params["type"] = event["signal_type"]
        if event["sender"] is not None:
            params["from"] = event["sender"]
        await self.notify("sendMessage", params)

    @receives(events.StreamPropertyChanged)
    async def rooms_stream_property_changed(self, event: events.StreamPropertyChanged) -> None:
        # As openvidu-server: everyone but who made the change (it has its answer), so the
        # owner hears of a filter a moderator put on its stream.
        if self.seat is None or self._is_me(event["changed_by"]):
            return
        await self.notify(
            "streamPropertyChanged",
            {
                "connectionId": event["connection_id"],
                "streamId": event["stream_id"],
                "property": event["property"],
                # A filter is an object on the wire; the other properties are strings.
                "newValue": json.loads(event["new_value"])
                if event["property"] == "filter"
                else event["new_value"],
                "reason": event["reason"],
            },
        )

    def _told_of_recordings(self, roles: list[str]) -> bool:
        """Whether this seat's role is one the recording's event names (the recordings
        app's OPENVIDU_RECORDING_NOTIFICATION)."""
        return self.seat is not None and self.seat.role in roles

    @receives(events.RecordingStarted)
    async def rooms_recording_started(self, event: events.RecordingStarted) -> None:
        if self._told_of_recordings(event["roles"]):
            await self.notify(
                "recordingStarted", {"id": event["recording_id"], "name": event["name"]}
            )

    @receives(events.RecordingStopped)
    async def rooms_recording_stopped(self, event: events.RecordingStopped) -> None:
        if self._told_of_recordings(event["roles"]):
            await self.notify(
                "recordingStopped",
                {"id": event["recording_id"], "name": event["name"], "reason": event["reason"]},
            )

    async def rooms_rpc_session_moved(self, event: dict[str, Any]) -> None:
        """Another socket took this RPC session over with `connect`: this one is stale."""
        seat = self.seat
        if seat is not None:
            # The seat goes on with the other socket; this one must stop hearing its room.
            await self.channel_layer.group_discard(seat.channel_group, self.channel_name)
        if self._watchdog is not None:
            # Its pings watch the other socket now: this one's watchdog must not end the seat.
            self._watchdog.cancel()
            self._watchdog = None
        self.rpc = registry.open(self.channel_name)
        await self.close(code=4001)

    async def _lose_seat(self, seat: Seat) -> None:
        """The seat was closed elsewhere (eviction, room closed): drop its media here."""
        await self._give_up_seat()
        await seats.drop_media(seat)

    async def _give_up_seat(self) -> Seat | None:
        """This socket stops holding its seat and hearing its room; returns the seat."""
        seat, self.rpc.seat = self.seat, None
        if seat is not None:
            await self.channel_layer.group_discard(seat.channel_group, self.channel_name)
        return seat


# The methods of OpenVidu's signaling (docs/protocol.md).


@method("ping")
async def ping(consumer: OpenViduConsumer, params: Params) -> Any:
    consumer._note_ping(params.values.get("interval"))
    return {"value": "pong"}


@method("echo")
async def echo(consumer: OpenViduConsumer, params: Params) -> Any:
    return {}


@method("closeSession")
async def close_session(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = await consumer._give_up_seat()
    if seat is not None:
        await seats.end(seat, Reason.DISCONNECT)
    return "bye"


@method("connect")
async def reconnect(consumer: OpenViduConsumer, params: Params) -> Any:
    session_id = params.text("sessionId", max_length=100)
    previous = registry.get(session_id)
    if previous is None:
        raise RpcError(jsonrpc.RECONNECTION_ERROR, "reconnection error")
    if previous is not consumer.rpc and consumer.seat is not None:
        # One seat per socket: taking another session over would leave this one's seat
        # with no socket to end it, active for ever.
        raise RpcError(
            jsonrpc.EXISTING_USER_IN_ROOM,
            "This socket already holds a seat: leaveRoom before resuming another session",
        )
    if previous is not consumer.rpc:
        registry.drop(consumer.rpc)
        stale = registry.rebind(previous, consumer.channel_name)
        consumer.rpc = previous
        if stale is not None:
            await consumer.channel_layer.send(stale, {"type": "rooms.rpc_session_moved"})
        if previous.seat is not None:
            await consumer.channel_layer.group_add(
                previous.seat.channel_group, consumer.channel_name
            )
    return "reconnection successful"


def _client_ip(consumer: OpenViduConsumer) -> str:
    client = consumer.scope.get("client")
    return str(client[0]) if client else ""


@method("joinRoom")
async def join_room(consumer: OpenViduConsumer, params: Params) -> Any:
    if consumer.seat is not None:
        raise RpcError(jsonrpc.EXISTING_USER_IN_ROOM, "This RPC session has already joined a room")
    token = params.text("token", max_length=1024)
    session_id = params.text("session", max_length=100)
    platform = params.text("platform", "", max_length=512)
    client_data = params.text("metadata", "", max_length=MAX_CLIENT_DATA + 1)
    secret = params.text("secret", "", max_length=512)
    # As openvidu-server: `recorder` counts only with the server secret (OpenVidu's
    # recording layouts); with an ordinary token it is ignored.
    recorder = params.flag("recorder", False)
    if len(client_data) > MAX_CLIENT_DATA:
        raise RpcError(
            jsonrpc.USER_METADATA_FORMAT_INVALID,
            f"metadata is longer than {MAX_CLIENT_DATA} characters",
        )
    # As OpenVidu: the session first (202 when it is not open: never opened, or closed,
    # its tokens with it), then the token (401), then a close racing the join (203).
    if not await database_sync_to_async(participation.is_open)(session_id):
        raise RpcError(
            jsonrpc.ROOM_NOT_FOUND,
            f"Unable to join session. Session {session_id} cannot be found",
        )
    if secret and is_server_secret(secret):
        try:
            token = await database_sync_to_async(participation.mint_subscriber)(
                session_id, recorder=recorder
            )
        except services.RoomIsClosed as failure:
            raise RpcError(jsonrpc.ROOM_NOT_FOUND, str(failure)) from None
    group = await database_sync_to_async(participation.group_of_token)(token)
    if group is None:
        raise RpcError(jsonrpc.USER_UNAUTHORIZED, f"Token {token} is not valid")
    # Listen before joining, so nothing another participant does in between is missed.
    await consumer.channel_layer.group_add(group, consumer.channel_name)
    try:
        seat, peers = await database_sync_to_async(participation.join)(
            token, session_id, client_data=client_data, ip=_client_ip(consumer), platform=platform
        )
    except services.RoomError as failure:
        await consumer.channel_layer.group_discard(group, consumer.channel_name)
        if isinstance(failure, services.RoomIsClosed):
            code = jsonrpc.ROOM_CLOSED
        elif isinstance(failure, participation.AmbiguousMetadata):
            code = jsonrpc.USER_METADATA_FORMAT_INVALID
        else:
            code = jsonrpc.USER_UNAUTHORIZED
        raise RpcError(code, str(failure)) from None
    consumer.rpc.seat = seat
    result = wire.join_result(seat, peers, seat.custom_ice_servers or ice.browser_ice_servers())
    told = hooks.recording_state().notified_roles()
    if seat.recording is not None and consumer._told_of_recordings(told):
        result["recordingId"], result["recordingName"] = seat.recording
    return result


@method("leaveRoom")
async def leave_room(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    await consumer._give_up_seat()
    await seats.end(seat, Reason.DISCONNECT)
    return {}


def _dimensions(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 128:
        raise RpcError(
            jsonrpc.INVALID_PARAMS,
            'videoDimensions must be a JSON string like {"width":640,"height":480}',
        )
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        raise RpcError(jsonrpc.INVALID_PARAMS, "videoDimensions is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise RpcError(jsonrpc.INVALID_PARAMS, "videoDimensions must be a JSON object")
    return value


@method("publishVideo")
async def publish_video(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    try:
        participation.require_publisher(seat)
    except NotAllowed as refusal:
        raise RpcError(jsonrpc.USER_UNAUTHORIZED, str(refusal)) from None
    offer = params.text("sdpOffer", max_length=jsonrpc.MAX_FRAME_BYTES)
    type_of_video = params.text("typeOfVideo", "CAMERA", max_length=16)
    if type_of_video not in Stream.TypeOfVideo.values:
        raise RpcError(
            jsonrpc.INVALID_PARAMS,
            f"typeOfVideo must be one of {', '.join(Stream.TypeOfVideo.values)}",
        )
    # Kept as sent, as openvidu-server does: openvidu-browser sends -1 for "not set".
    frame_rate = params.number("frameRate", None)
    if frame_rate is not None and not -1 <= frame_rate <= 1000:
        raise RpcError(jsonrpc.INVALID_PARAMS, "frameRate must be -1 or frames per second")
    properties = {
        "has_audio": params.flag("hasAudio", True),
        "has_video": params.flag("hasVideo", True),
        "audio_active": params.flag("audioActive", True),
        "video_active": params.flag("videoActive", True),
        "type_of_video": type_of_video,
        "frame_rate": None if frame_rate is None else int(frame_rate),
        "video_dimensions": _dimensions(params.values.get("videoDimensions")),
    }
    try:
        published = await seats.publish(seat, offer, properties)
    except MediaError as failure:
        raise RpcError(jsonrpc.MEDIA_ERROR, str(failure)) from None
    stream = published.stream
    return {"sdpAnswer": published.answer, "id": stream.stream_id, "createdAt": stream.created_at}


@method("unpublishVideo")
async def unpublish_video(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    try:
        await seats.unpublish(seat)
    except seats.NoSuchStream as failure:
        raise RpcError(jsonrpc.USER_NOT_STREAMING, str(failure)) from None
    return {}


def _publisher_of(sender: str) -> str:
    """openvidu-browser names a stream `str_...`; older ones `<connectionId>_<streamId>`."""
    if sender.startswith("con_") and "_str_" in sender:
        return sender.split("_str_", 1)[0]
    return sender


@method("receiveVideoFrom")
async def receive_video_from(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    sender = params.text("sender", max_length=256)
    if "sdpOffer" not in params.values:
        raise RpcError(
            jsonrpc.INVALID_PARAMS,
            "receiveVideoFrom needs the client's sdpOffer (this server is mediaServer 'kurento')",
        )
    offer = params.text("sdpOffer", max_length=jsonrpc.MAX_FRAME_BYTES)
    stream_id = sender if sender.startswith("str_") else sender.split("_", 2)[-1]
    try:
        stream = await seats.find_stream(seat, stream_id)
    except seats.NoSuchStream:
        raise RpcError(
            jsonrpc.USER_NOT_STREAMING, f"Stream {sender} is not published in this session"
        ) from None
    try:
        answer = await seats.subscribe(seat, stream, offer)
    except seats.OwnStream as failure:
        raise RpcError(jsonrpc.INVALID_PARAMS, str(failure)) from None
    except MediaError as failure:
        raise RpcError(jsonrpc.MEDIA_ERROR, str(failure)) from None
    return {"sdpAnswer": answer}


@method("prepareReceiveVideoFrom")
async def prepare_receive_video_from(consumer: OpenViduConsumer, params: Params) -> Any:
    raise RpcError(
        jsonrpc.INVALID_PARAMS,
        "The server offers no SDP: this server is mediaServer 'kurento', the client offers",
    )


@method("unsubscribeFromVideo")
async def unsubscribe_from_video(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    sender = params.text("sender", max_length=256)
    publisher = _publisher_of(sender)
    if sender.startswith("str_"):
        try:
            publisher = (await seats.find_stream(seat, sender)).connection_id
        except seats.NoSuchStream:
            publisher = sender
    if not await seats.unsubscribe(seat, publisher):
        raise RpcError(jsonrpc.USER_NOT_STREAMING, f"Not subscribed to {sender}")
    return {}


@method("onIceCandidate")
async def on_ice_candidate(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    endpoint = params.text("endpointName", max_length=256)
    candidate = params.text("candidate", "", max_length=2048)
    sdp_mid = params.text("sdpMid", None, max_length=64)
    sdp_mline_index = params.integer("sdpMLineIndex", None)
    try:
        await seats.add_ice_candidate(
            seat, _publisher_of(endpoint), candidate, sdp_mid, sdp_mline_index
        )
    except MediaError as failure:
        raise RpcError(jsonrpc.MEDIA_ERROR, str(failure)) from None
    except ValueError as failure:
        raise RpcError(jsonrpc.INVALID_PARAMS, f"Invalid ICE candidate: {failure}") from None
    return {}


@method("sendMessage")
async def send_message(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    raw = params.text("message", max_length=jsonrpc.MAX_FRAME_BYTES)
    try:
        message = json.loads(raw)
    except json.JSONDecodeError:
        raise RpcError(jsonrpc.INVALID_PARAMS, "message must be a JSON string") from None
    if not isinstance(message, dict):
        raise RpcError(jsonrpc.INVALID_PARAMS, "message must be a JSON object")
    to = message.get("to") or []
    data = message.get("data")
    signal_type = message.get("type")
    if not isinstance(to, list) or not all(isinstance(item, str) for item in to):
        raise RpcError(jsonrpc.SIGNAL_TO_INVALID, "'to' must be an array of connection ids")
    if not isinstance(data, str | None) or not isinstance(signal_type, str | None):
        raise RpcError(jsonrpc.INVALID_PARAMS, "'data' and 'type' must be strings")
    try:
        await database_sync_to_async(participation.signal)(
            seat, seat.room_pk, to, signal_type, data
        )
    except ParticipationError as failure:
        raise RpcError(jsonrpc.SIGNAL_TO_INVALID, str(failure)) from None
    return {}


@method("streamPropertyChanged")
async def stream_property_changed(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    stream_id = params.text("streamId", max_length=256)
    name = params.text("property", max_length=64)
    reason = params.text("reason", "", max_length=64)
    field = _STREAM_PROPERTIES.get(name)
    if field is None:
        raise RpcError(
            jsonrpc.INVALID_PARAMS, f"property must be one of {', '.join(_STREAM_PROPERTIES)}"
        )
    raw = params.values.get("newValue")
    if field == "video_dimensions":
        value: Any = _dimensions(raw)
    elif isinstance(raw, bool):
        value = raw
    else:
        raise RpcError(jsonrpc.INVALID_PARAMS, f"newValue of {name} must be true or false")
    try:
        await database_sync_to_async(participation.change_stream)(
            seat,
            stream_id,
            field,
            value,
            property_name=name,
            wire_value=json.dumps(raw),
            reason=reason,
        )
    except ParticipationError as failure:
        raise RpcError(jsonrpc.USER_NOT_STREAMING, str(failure)) from None
    return {}


@method("videoData")
async def video_data(consumer: OpenViduConsumer, params: Params) -> Any:
    consumer._seat()
    for name in ("height", "width"):
        params.number(name, 0)
    for name in ("videoActive", "audioActive"):
        params.flag(name, True)
    return {}


@method("forceDisconnect")
async def force_disconnect(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    _require_moderator(seat, participation.FORCE_DISCONNECT)
    connection_id = params.text("connectionId", max_length=64)
    evicted = await database_sync_to_async(participation.evict)(seat, connection_id)
    if not evicted:
        raise RpcError(
            jsonrpc.USER_NOT_STREAMING, f"Connection {connection_id} is not in this session"
        )
    return {}


def _require_moderator(seat: Seat, action: str) -> None:
    try:
        participation.require_moderator(seat, action)
    except NotAllowed as refusal:
        raise RpcError(jsonrpc.USER_UNAUTHORIZED, str(refusal)) from None


@method("forceUnpublish")
async def force_unpublish(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    _require_moderator(seat, participation.FORCE_UNPUBLISH)
    stream_id = params.text("streamId", max_length=256)
    stopped = await database_sync_to_async(participation.unpublish)(
        seat, Reason.FORCE_UNPUBLISH_BY_USER, stream_id
    )
    if stopped is None:
        raise RpcError(
            jsonrpc.USER_NOT_STREAMING, f"Stream {stream_id} is not published in this session"
        )
    return {}


@method("reconnectStream")
async def reconnect_stream(consumer: OpenViduConsumer, params: Params) -> Any:
    """A client whose ICE failed renegotiates one peer: replace it with a fresh one."""
    seat = consumer._seat()
    stream_id = params.text("stream", max_length=256)
    own = await seats.own_stream(seat)
    if own is not None and own.stream_id == stream_id:
        offer = params.text("sdpString", None, max_length=jsonrpc.MAX_FRAME_BYTES) or params.text(
            "sdpOffer", max_length=jsonrpc.MAX_FRAME_BYTES
        )
        try:
            answer = await seats.republish(seat, offer)
        except MediaError as failure:
            raise RpcError(jsonrpc.MEDIA_ERROR, str(failure)) from None
        return {"sdpAnswer": answer, "id": own.stream_id, "createdAt": own.created_at}
    try:
        stream = await seats.find_stream(seat, stream_id)
    except seats.NoSuchStream as failure:
        raise RpcError(jsonrpc.USER_NOT_STREAMING, str(failure)) from None
    offer = params.text("sdpOffer", max_length=jsonrpc.MAX_FRAME_BYTES)
    try:
        answer = await seats.resubscribe(seat, stream, offer)
    except MediaError as failure:
        raise RpcError(jsonrpc.MEDIA_ERROR, str(failure)) from None
    return {"sdpAnswer": answer}


def _json_object(params: Params, name: str) -> dict[str, Any]:
    """openvidu-browser sends filter options and params as JSON strings."""
    raw = params.values.get(name, "{}")
    if isinstance(raw, str):
        if len(raw) > 10_000:
            raise RpcError(jsonrpc.FILTER_NOT_APPLIED, f"'{name}' is too long")
        try:
            raw = json.loads(raw or "{}")
        except json.JSONDecodeError as error:
            raise RpcError(
                jsonrpc.FILTER_NOT_APPLIED, f"'{name}' parameter is not a JSON object: {error}"
            ) from None
    if not isinstance(raw, dict):
        raise RpcError(jsonrpc.FILTER_NOT_APPLIED, f"'{name}' parameter is not a JSON object")
    return raw


async def _filtering(call: Awaitable[None]) -> Any:
    """A filter call, its refusals as openvidu-server's codes."""
    try:
        await call
    except live_filters.FilterAlreadyApplied as failure:
        raise RpcError(jsonrpc.EXISTING_FILTER_ALREADY_APPLIED, str(failure)) from None
    except (live_filters.FilterError, UnsupportedFilter) as failure:
        raise RpcError(jsonrpc.FILTER_NOT_APPLIED, str(failure)) from None
    except NotAllowed as failure:
        raise RpcError(jsonrpc.USER_UNAUTHORIZED, str(failure)) from None
    except seats.NoSuchStream as failure:
        raise RpcError(jsonrpc.USER_NOT_STREAMING, str(failure)) from None
    except MediaError as failure:
        raise RpcError(jsonrpc.FILTER_NOT_APPLIED, f"Filter not applied: {failure}") from None
    return {}


@method("applyFilter")
async def apply_filter(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    stream_id = params.text("streamId", max_length=256)
    filter_type = params.text("type", max_length=200)
    options = _json_object(params, "options")
    return await _filtering(live_filters.apply(seat, stream_id, filter_type, options))


@method("execFilterMethod")
async def exec_filter_method(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    stream_id = params.text("streamId", max_length=256)
    name = params.text("method", max_length=200)
    values = _json_object(params, "params")
    return await _filtering(live_filters.exec_method(seat, stream_id, name, values))


@method("removeFilter")
async def remove_filter(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    stream_id = params.text("streamId", max_length=256)
    return await _filtering(live_filters.remove(seat, stream_id))


@method("addFilterEventListener")
@method("removeFilterEventListener")
async def filter_event_listener(consumer: OpenViduConsumer, params: Params) -> Any:
    seat = consumer._seat()
    stream_id = params.text("streamId", max_length=256)
    params.text("eventType", max_length=200)
    return await _filtering(live_filters.listen(seat, stream_id))


async def close_everything() -> None:
    """Forget every RPC session and peer of this process (tests, shutdown)."""
    from rooms.live.cameras import stop_listening
    from rooms.live.media import close_all_media
    from rooms.signaling import node_seats

    await node_seats.stop()
    await stop_listening()
    await registry.close()
    await close_all_media()
