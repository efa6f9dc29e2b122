"""The people-facing pages: the home page, a room's page, and invitation links.

A room is opened by name from the home page and lives at /rooms/<name>/. The page asks
`rooms.pages.tokens` for a seat when the person presses Join. An application that made
its room through the REST API sends people to /join?token=<its token> instead.

Who may create and join page rooms is the adapter's decision (rooms.adapter); an
invitation link carries a seat its application already decided on.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from rooms import hooks, seat_data, services
from rooms.internal import room_names
from rooms.models import Connection, Room
from rooms.pages import decisions
from rooms.pages.forms import RoomNameForm
from rooms.pages.invitations import invited_name
from rooms.reasons import Reason

# How many of their rooms the home page lists for a logged-in user.
OWNED_ROOMS_SHOWN = 20


def _owned_rooms(request: HttpRequest) -> list[dict[str, Any]]:
    """The rooms a user owns, each name once with its latest state, newest first."""
    if not request.user.is_authenticated:
        return []
    # A name's history has many rows; its newest (highest pk) says how the room is now.
    newest = (
        Room.objects.filter(owner=request.user, origin=Room.Origin.PAGES)
        .values("session_id")
        .annotate(newest=Max("pk"))
        .order_by("-newest")
        .values_list("newest", flat=True)[:OWNED_ROOMS_SHOWN]
    )
    rooms = (
        Room.objects.filter(pk__in=list(newest))
        .annotate(
            present=Count("connections", filter=Q(connections__status=Connection.Status.ACTIVE))
        )
        .order_by("-pk")
    )
    return [
        {
            "name": room.session_id,
            "is_open": room.is_open,
            "is_public": room.is_public,
            "present": room.present,
            "url": reverse("room", args=[room.session_id]),
        }
        for room in rooms
    ]


def _home(request: HttpRequest, form: RoomNameForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "rooms/home.html",
        {"form": form, "owned_rooms": _owned_rooms(request)},
        status=status,
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _home(request, RoomNameForm())


@require_POST
def open_room(request: HttpRequest) -> HttpResponse:
    """Go to the room with the typed name, creating it if it never existed."""
    form = RoomNameForm(request.POST)
    if not form.is_valid():
        return _home(request, form, status=400)
    name: str = form.cleaned_data["name"]
    latest = services.latest_room(name)
    if latest is None:
        if not decisions.may_create(request, name):
            return _refuse_creation(request, name)
        owner = request.user if request.user.is_authenticated else None
        # Privacy needs someone to log in as: an anonymous creator's room is public.
        private = bool(form.cleaned_data["private"]) and owner is not None
        try:
            latest = services.create_page_room(name, owner=owner, is_public=not private)
        except services.RoomExists as race:
            latest = race.room
    if latest.origin != Room.Origin.PAGES:
        form.add_error("name", f"The name “{name}” is taken by an application's room.")
        return _home(request, form, status=400)
    return redirect("room", name=name)


def _error(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "rooms/error.html", {"title": title, "message": message}, status=status)


def _refuse_creation(request: HttpRequest, name: str) -> HttpResponse:
    if not request.user.is_authenticated:
        # Logging in may be what it takes: the adapter decides again afterwards.
        return redirect_to_login(reverse("room", args=[name]))
    return _error(
        request,
        "You cannot create rooms here",
        f"There is no room called “{name}”, and your account may not create one.",
        403,
    )


def _page_config(request: HttpRequest, **values: Any) -> dict[str, Any]:
    """What the room page's script needs, passed as JSON (json_script)."""
    user = request.user
    default_name = ""
    if user.is_authenticated:
        default_name = user.get_full_name() or user.get_username()
    return {
        "csrfToken": get_token(request),
        "displayName": default_name,
        "homeUrl": reverse("home"),
        # One limit for the name field and the names the page shows (rooms.seat_data).
        "maxNameLength": seat_data.MAX_NAME_LENGTH,
        **values,
    }


@require_safe
def room(request: HttpRequest, name: str) -> HttpResponse:
    slug = room_names.slugify(name)
    if slug != name:
        if slug:
            return redirect("room", name=slug)
        return _error(request, "No such room", "That is not the name of a room.", 404)
    latest = services.latest_room(name)
    if latest is None:
        return render(
            request,
            "rooms/missing.html",
            {
                "name": name,
                "form": RoomNameForm(initial={"name": name}),
                "can_create": decisions.may_create(request, name),
                "login_url": redirect_to_login(request.get_full_path())["Location"],
            },
            status=404,
        )
    if latest.origin != Room.Origin.PAGES:
        return _error(
            request,
            "This room belongs to an application",
            "Join it with the invitation link that application gave you.",
            404,
        )
    if not decisions.may_join(request, latest):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _error(
            request,
            "You cannot join this room",
            "Your account may not join this room. Ask its owner if you think it should.",
            403,
        )
    is_owner = request.user.is_authenticated and latest.owner_id == request.user.pk
    config = _page_config(
        request,
        mode="name",
        room=name,
        roomUrl=request.build_absolute_uri(reverse("room", args=[name])),
        tokenUrl=reverse("room-token", args=[name]),
        isOwner=is_owner,
        # A private room's waiting room (rooms.pages.waiting): the owner lets people in
        # from the call; someone who stops waiting withdraws their request there.
        waitingUrl=None if latest.is_public else reverse("room-waiting", args=[name]),
        # The owner's Start/Stop recording button; everyone sees whether it records.
        recordingUrl=hooks.recording_state().control_url(name) if is_owner else None,
    )
    return render(
        request,
        "rooms/room.html",
        {
            "room_name": name,
            "is_public": latest.is_public,
            "is_owner": is_owner,
            "can_record": config["recordingUrl"] is not None,
            "config": config,
        },
    )


@require_safe
def join_invitation(request: HttpRequest) -> HttpResponse:
    """The room page for a token an application made: the token is the invitation."""
    token = request.GET.get("token", "")
    if not token:
        return _error(request, "No invitation", "This link has no invitation in it.", 400)
    connection = Connection.objects.select_related("room").filter(token=token).first()
    if connection is None:
        return _error(
            request,
            "This invitation link is not valid",
            "Check that you copied the whole link, or ask for a new one.",
            404,
        )
    if connection.status != Connection.Status.PENDING:
        withdrawn = connection.close_reason == Reason.TOKEN_REVOKED
        return _error(
            request,
            "This invitation was withdrawn"
            if withdrawn
            else "This invitation link has already been used",
            "Each invitation lets one person in, once. Ask for a new one.",
            410,
        )
    if connection.room.closed_at is not None:
        return _error(
            request,
            "This room has closed",
            "The room this link invites to is closed. Ask for a new invitation.",
            410,
        )
    config = _page_config(
        request,
        mode="invitation",
        room=connection.room.session_id,
        invitation=token,
        isOwner=False,
        # The application's data for the seat often names the person it invites.
        invitedName=invited_name(connection.server_data),
    )
    return render(
        request,
        "rooms/room.html",
        {"room_name": connection.room.session_id, "invitation": True, "config": config},
    )
