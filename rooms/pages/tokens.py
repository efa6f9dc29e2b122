"""The room page's token endpoint: a seat in a page room for the person at the browser.

POST /rooms/<name>/token, with the session cookie and the CSRF token, answers JSON:
`{token, connectionId, role, room, name}` or `{error}` with a status that says why.

Whether the person may join, and a camera seat's role, display name and server data,
are the adapter's answers (rooms.adapter; by default, the name the person typed). A
screen share is a second seat (a connection publishes one stream, as in
openvidu-browser); it may be asked for only by a browser that holds a camera seat in
that room, and it carries that seat's id in its server data so everyone shows the
screen as that person's: it takes that seat's name, not the adapter's answers.

In a private room, a person the adapter says must wait (everyone but the owner, by
default) gets 202 `{waiting: true, message}` instead of a seat until the owner admits
them (rooms.admissions), and 403 `{error, refused: true}` if the owner refused: no
token, so no joinRoom, before the owner said yes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from rooms import admissions, seat_data, services
from rooms.internal import room_names
from rooms.models import Admission, Connection, Room
from rooms.pages import decisions
from rooms.pages.forms import SeatRequestForm

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The seats this browser was given, newest last: proof that a screen share is its own.
SESSION_SEATS = "rooms.seats"
SEATS_REMEMBERED = 20


def _refuse(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _refuse_seat(room: Room, logged_in: bool) -> JsonResponse:
    if logged_in:
        return _refuse(403, "Your account may not join this room.")
    login = redirect_to_login(reverse("room", args=[room.session_id]))["Location"]
    if not room.is_public:
        return _refuse(403, "This room is private: log in to join it.", login=login)
    return _refuse(403, "Log in to join this room.", login=login)


def _first_error(form: SeatRequestForm) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return "The request is not valid."


def _camera_seat(request: HttpRequest, room: Room, connection_id: str) -> Connection | None:
    """The active seat of this browser in this room that wants to share its screen."""
    if connection_id not in request.session.get(SESSION_SEATS, []):
        return None
    return Connection.objects.filter(
        connection_id=connection_id, room=room, status=Connection.Status.ACTIVE
    ).first()


def _name_of(connection: Connection) -> str:
    return seat_data.name_in(connection.server_data) or "Guest"


def _waiting(message: str) -> JsonResponse:
    return JsonResponse({"waiting": True, "message": message}, status=202)


def _admission_refusal(
    request: HttpRequest, room: Room, user: User | None, name: str
) -> JsonResponse | None:
    """None if this person may take a seat now; else the waiting room's answer."""
    if not decisions.must_wait(request, room):
        return None
    if user is None:
        # The owner's answer is kept per user: someone anonymous cannot wait.
        return _refuse_seat(room, logged_in=False)
    try:
        admission = admissions.ask(room, user, name)
    except admissions.TooManyWaiting:
        return _refuse(429, "Too many people are waiting to join this room. Try again later.")
    if admission.state == Admission.State.ADMITTED:
        return None
    if admission.state == Admission.State.REFUSED:
        return _refuse(403, "The room's owner did not let you in.", refused=True)
    return _waiting("The room's owner has been asked to let you in. Please wait…")


def _remember(request: HttpRequest, connection_id: str) -> None:
    seats = [*request.session.get(SESSION_SEATS, []), connection_id][-SEATS_REMEMBERED:]
    request.session[SESSION_SEATS] = seats


@require_POST
def room_token(request: HttpRequest, name: str) -> JsonResponse:
    if not room_names.is_room_name(name):
        return _refuse(400, f"“{name[:100]}” is not a room name.")
    form = SeatRequestForm(request.POST)
    if not form.is_valid():
        return _refuse(400, _first_error(form))
    user = request.user if request.user.is_authenticated else None
    # Asked before a closed room is reopened for this person: someone refused must not
    # leave a reopened, empty room behind.
    latest = services.latest_room(name)
    if (
        latest is not None
        and latest.closed_at is not None
        and latest.origin == Room.Origin.PAGES
        and not decisions.may_join(request, latest)
    ):
        return _refuse_seat(latest, user is not None)
    if (
        latest is not None
        and latest.closed_at is not None
        and latest.origin == Room.Origin.PAGES
        and form.cleaned_data["kind"] == SeatRequestForm.KIND_CAMERA
        and decisions.must_wait(request, latest)
    ):
        # Nobody is in to admit them: a waiting person does not reopen the room.
        return _waiting("Nobody is in the room yet. You will come in once its owner lets you in.")
    # A room can close between finding it and seating someone (its last participant
    # left): then it is reopened, once.
    for _attempt in range(2):
        try:
            room = services.page_room_to_join(name)
        except services.RoomNotFound:
            return _refuse(404, f"There is no room called “{name}”: create it on the home page.")
        except services.NotAPageRoom:
            return _refuse(
                404, "This room belongs to an application: join it with that application's link."
            )
        if not decisions.may_join(request, room):
            return _refuse_seat(room, user is not None)
        if form.cleaned_data["kind"] == SeatRequestForm.KIND_SCREEN:
            camera = _camera_seat(request, room, form.cleaned_data["screen_of"])
            if camera is None:
                return _refuse(403, "Join the room before sharing your screen.")
            display_name = _name_of(camera)
            role: str = Connection.Role.PUBLISHER
            data = seat_data.server_data(display_name, screen_of=camera.connection_id)
        else:
            seat = decisions.camera_seat(request, room, form.cleaned_data["name"])
            display_name, role, data = seat.display_name, seat.role, seat.server_data
            refusal = _admission_refusal(request, room, user, display_name)
            if refusal is not None:
                return refusal
        try:
            connection = services.create_connection(
                room, services.ConnectionProperties(role=role, server_data=data), user=user
            )
        except services.RoomIsClosed:
            continue
        break
    else:
        return _refuse(409, "The room closed while you were joining. Try again.")
    _remember(request, connection.connection_id)
    return JsonResponse(
        {
            "token": connection.token,
            "connectionId": connection.connection_id,
            "role": connection.role,
            "room": room.session_id,
            "name": display_name,
        }
    )
