"""The owner's side of the waiting room: who asks to come in, and letting them in or not.

GET /rooms/<name>/waiting answers `{waiting: [{id, name, user}]}`, the people waiting
now; POST with JSON `{"id": <id>, "action": "admit" | "refuse"}` answers `{id, state}`.
Both need the session cookie of the room's owner (403 otherwise, and POST the CSRF
token too); 404 when there is no such page room or request, 400 for a body that is not
one of those. The room page of an owner asks every few seconds while in the call.

DELETE (with the CSRF token) is the person waiting: "Stop waiting" withdraws their own
request, so the owner does not admit someone who left; 204, or 404 if they had none.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from rooms import admissions, services
from rooms.internal import room_names
from rooms.models import Room

ACTIONS = {"admit": True, "refuse": False}
MAX_BODY_BYTES = 1000


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _decision_of(request: HttpRequest) -> tuple[int, bool] | None:
    if len(request.body) > MAX_BODY_BYTES:
        return None
    try:
        body: Any = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict):
        return None
    admission_id, action = body.get("id"), body.get("action")
    # bool is an int in Python: {"id": true} is not an id.
    if not isinstance(admission_id, int) or isinstance(admission_id, bool):
        return None
    if not 0 < admission_id < 2**63 or action not in ACTIONS:
        return None
    return admission_id, ACTIONS[action]


def room_waiting(request: HttpRequest, name: str) -> HttpResponse:
    if request.method not in ("GET", "POST", "DELETE"):
        response = _refuse(405, "Only GET, POST and DELETE.")
        response["Allow"] = "GET, POST, DELETE"
        return response
    if not room_names.is_room_name(name):
        return _refuse(404, f"There is no room called “{name[:100]}”.")
    room = services.latest_room(name)
    if room is None or room.origin != Room.Origin.PAGES:
        return _refuse(404, f"There is no room called “{name}”.")
    user = request.user
    if request.method == "DELETE":
        if not user.is_authenticated:
            return _refuse(403, "Log in first.")
        if room.is_open and admissions.withdraw(room, user):
            return HttpResponse(status=204)
        return _refuse(404, "You are not waiting to join this room.")
    if not user.is_authenticated or room.owner_id != user.pk:
        return _refuse(403, "Only the room's owner lets people in.")
    if request.method == "GET":
        people = admissions.waiting(room) if room.is_open else []
        return JsonResponse(
            {
                "waiting": [
                    {"id": person.pk, "name": person.name, "user": person.user.get_username()}
                    for person in people
                ]
            }
        )
    decision = _decision_of(request)
    if decision is None:
        return _refuse(400, 'Say {"id": <a request\'s id>, "action": "admit" or "refuse"}.')
    admission_id, admit = decision
    admission = admissions.decide(room, admission_id, admit=admit) if room.is_open else None
    if admission is None:
        return _refuse(404, "Nobody with that request is waiting to join this room.")
    return JsonResponse({"id": admission.pk, "state": admission.state})
