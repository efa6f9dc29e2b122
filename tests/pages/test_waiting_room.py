"""The waiting room of private rooms: no seat before the owner admits, enforced server-side."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from rooms import admissions, services
from rooms.models import Admission, Connection
from tests.pages.conftest import page_config

pytestmark = pytest.mark.django_db


def _seat(client, room="board", name="Mia"):
    return client.post(f"/rooms/{room}/token", {"name": name})


def _waiting(client, room="board"):
    return client.get(f"/rooms/{room}/waiting")


def _decide(client, admission_id, action, room="board"):
    return client.post(
        f"/rooms/{room}/waiting",
        json.dumps({"id": admission_id, "action": action}),
        content_type="application/json",
    )


def test_a_person_waits_without_a_seat_until_the_owner_admits(
    owner_client, member_client, owner, page_room
):
    room = page_room("board", owner=owner, is_public=False)
    asked = _seat(member_client)
    assert asked.status_code == 202
    assert asked.json()["waiting"] is True
    assert "token" not in asked.json()
    assert not Connection.objects.filter(room=room).exists()
    # Asking again is the same request, not a second one.
    assert _seat(member_client, name="Mia Rossi").status_code == 202
    listed = _waiting(owner_client).json()["waiting"]
    assert [(person["name"], person["user"]) for person in listed] == [("Mia Rossi", "mia")]
    decided = _decide(owner_client, listed[0]["id"], "admit")
    assert decided.json() == {"id": listed[0]["id"], "state": "admitted"}
    seat = _seat(member_client, name="Mia Rossi")
    assert seat.status_code == 200
    assert seat.json()["role"] == "PUBLISHER"
    assert Connection.objects.get(connection_id=seat.json()["connectionId"]).room == room
    # Admitted people are no longer listed, and a rejoin needs no second answer.
    assert _waiting(owner_client).json() == {"waiting": []}
    assert _seat(member_client).status_code == 200


def test_a_refused_person_gets_no_seat(owner_client, member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    (person,) = _waiting(owner_client).json()["waiting"]
    assert _decide(owner_client, person["id"], "refuse").json()["state"] == "refused"
    refused = _seat(member_client)
    assert refused.status_code == 403
    assert refused.json() == {"error": "The room's owner did not let you in.", "refused": True}
    assert not Connection.objects.exists()


def test_the_owner_and_public_rooms_do_not_wait(owner_client, member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    assert _seat(owner_client).status_code == 200
    page_room("open", owner=owner)
    assert _seat(member_client, room="open").status_code == 200
    assert not Admission.objects.exists()


def test_only_the_owner_sees_and_answers_the_waiting_room(
    member_client, client, owner, page_room, django_user_model
):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    admission = Admission.objects.get()
    other = Client()
    other.force_login(django_user_model.objects.create_user("eve", password="pw-eve-1"))
    for stranger in (member_client, client, other):
        assert _waiting(stranger).status_code == 403
        assert _decide(stranger, admission.pk, "admit").status_code == 403
    admission.refresh_from_db()
    assert admission.state == Admission.State.WAITING
    assert _seat(member_client).status_code == 202


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1]",
        b'{"id": 1}',
        b'{"id": "1", "action": "admit"}',
        b'{"id": true, "action": "admit"}',
        b'{"id": 1, "action": "kick"}',
        b'{"id": 99999999999999999999, "action": "admit"}',
        b'{"id": 1, "action": "admit", "pad": "' + b"x" * 2000 + b'"}',
    ],
)
def test_a_bad_decision_is_400(owner_client, owner, page_room, body):
    page_room("board", owner=owner, is_public=False)
    response = owner_client.post("/rooms/board/waiting", body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_request_of_another_room_or_none_is_404(owner_client, member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    page_room("other", owner=owner, is_public=False)
    _seat(member_client, room="other")
    elsewhere = Admission.objects.get()
    assert _decide(owner_client, elsewhere.pk, "admit").status_code == 404
    assert _decide(owner_client, elsewhere.pk + 1, "admit").status_code == 404
    assert _waiting(owner_client, room="nowhere").status_code == 404
    assert owner_client.put("/rooms/board/waiting").status_code == 405


def test_deciding_needs_the_csrf_token(owner, member_client, page_room):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post(
        "/rooms/board/waiting",
        json.dumps({"id": Admission.objects.get().pk, "action": "admit"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Admission.objects.get().state == Admission.State.WAITING


def test_a_closed_room_is_not_reopened_by_someone_waiting(owner, member_client, page_room):
    room = page_room("board", owner=owner, is_public=False)
    services.close_room(room)
    response = _seat(member_client)
    assert response.status_code == 202
    assert "Nobody is in the room" in response.json()["message"]
    assert services.find_open_room("board") is None


def test_a_reopened_room_starts_with_an_empty_waiting_room(
    owner_client, member_client, owner, page_room
):
    room = page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    admissions.decide(room, Admission.objects.get().pk, admit=True)
    services.close_room(room)
    assert _seat(owner_client).status_code == 200  # the owner reopens it
    # The answer was for the room that closed: Mia asks again, and the old row goes.
    assert _seat(member_client).status_code == 202
    reopened = services.find_open_room("board")
    assert reopened is not None
    assert [a.room_id for a in Admission.objects.all()] == [reopened.pk]


def test_people_who_stopped_asking_are_not_listed(owner_client, member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    Admission.objects.update(
        seen_at=timezone.now() - admissions.STILL_WAITING - timedelta(seconds=1)
    )
    assert _waiting(owner_client).json() == {"waiting": []}


def test_the_waiting_room_is_bounded(owner_client, owner, page_room, django_user_model):
    room = page_room("board", owner=owner, is_public=False)
    for index in range(admissions.MAX_WAITING):
        user: User = django_user_model.objects.create_user(f"guest{index}")
        admissions.ask(room, user, f"Guest {index}")
    late = Client()
    late.force_login(django_user_model.objects.create_user("late"))
    response = _seat(late, name="Late")
    assert response.status_code == 429
    assert Admission.objects.count() == admissions.MAX_WAITING
    assert len(_waiting(owner_client).json()["waiting"]) == admissions.MAX_WAITING


def test_the_owners_page_has_the_waiting_room_url(owner_client, member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    assert page_config(owner_client.get("/rooms/board/"))["waitingUrl"] == "/rooms/board/waiting"
    # The others withdraw their request there when they stop waiting.
    assert page_config(member_client.get("/rooms/board/"))["waitingUrl"] == "/rooms/board/waiting"
    page_room("open", owner=owner)
    assert page_config(owner_client.get("/rooms/open/"))["waitingUrl"] is None


def test_the_admin_lists_the_waiting_rooms_read_only(member_client, owner, page_room):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    staff = Client()
    staff.force_login(User.objects.create_superuser("op", "op@example.test", "pw"))
    listing = staff.get("/admin/rooms/admission/")
    assert listing.status_code == 200
    assert "Mia" in listing.content.decode()
    assert staff.get("/admin/rooms/admission/add/").status_code == 403


def test_someone_who_stops_waiting_withdraws_their_request(
    owner_client, member_client, client, owner, page_room
):
    page_room("board", owner=owner, is_public=False)
    _seat(member_client)
    assert client.delete("/rooms/board/waiting").status_code == 403
    assert member_client.delete("/rooms/board/waiting").status_code == 204
    assert _waiting(owner_client).json() == {"waiting": []}
    assert member_client.delete("/rooms/board/waiting").status_code == 404
    # An answer already given is not withdrawn.
    _seat(member_client)
    admission = Admission.objects.get()
    _decide(owner_client, admission.pk, "refuse")
    assert member_client.delete("/rooms/board/waiting").status_code == 404
    assert _seat(member_client).status_code == 403
