"""The room page's recording button: its owner starts and stops recording the room.

POST /rooms/<name>/recording with the session cookie, the CSRF token and a JSON body
`{"action": "start" | "stop"}` answers `{recording: true|false, id, name}`, or
`{error}` with a status that says why: 403 (not the room's owner), 404 (no such page
room), 400 (not a known action), 501 (recording is off), and the recording runtime's
own refusals (406 nobody in the room, 409 already recording, ...).

An async view, as the REST API's (`recordings.api`): starting and stopping wait for the
media engine and the composer, and must not hold Django's one sync thread meanwhile.
"""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from django.http import HttpRequest, JsonResponse

from recordings import service
from recordings.app_settings import app_settings as recording_settings
from recordings.properties import InvalidProperties
from recordings.runtime import runtime
from recordings.service import RecordingRefused
from rooms import services
from rooms.internal import room_names
from rooms.models import Room

ACTIONS = ("start", "stop")
MAX_BODY_BYTES = 1000


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _action_of(request: HttpRequest) -> str | None:
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    action = body.get("action") if isinstance(body, dict) else None
    return action if action in ACTIONS else None


async def room_recording(request: HttpRequest, name: str) -> JsonResponse:
    if request.method != "POST":
        response = _refuse(405, "Only POST.")
        response["Allow"] = "POST"
        return response
    if not room_names.is_room_name(name):
        return _refuse(404, f"There is no room called “{name[:100]}”.")
    room: Room | None = await database_sync_to_async(services.latest_room)(name)
    if room is None or room.origin != Room.Origin.PAGES:
        return _refuse(404, f"There is no room called “{name}”.")
    user = await request.auser()
    if not user.is_authenticated or room.owner_id != user.pk:
        return _refuse(403, "Only the room's owner can start and stop recording.")
    action = _action_of(request)
    if action is None:
        return _refuse(400, 'Say {"action": "start"} or {"action": "stop"}.')
    if not recording_settings.RECORDING:
        return _refuse(501, "Recording is turned off on this server.")
    try:
        if action == "start":
            recording = await runtime.start(room.session_id, {})
            return JsonResponse(
                {"recording": True, "id": recording.recording_id, "name": recording.name}
            )
        active = await database_sync_to_async(service.active_recording_of)(room.pk)
        if active is None:
            return _refuse(409, "This room is not being recorded.")
        recording = await runtime.stop(active[0])
        return JsonResponse(
            {"recording": False, "id": recording.recording_id, "name": recording.name}
        )
    except (InvalidProperties, RecordingRefused) as refusal:
        return _refuse(refusal.status, refusal.message)
