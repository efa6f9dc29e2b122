"""Recordings in the admin: the list, the player, and the room actions."""

from __future__ import annotations

import pytest

from recordings.models import Recording
from rooms import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def operator(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("op", "op@example.test", "pw-long-enough")
    )
    return client


def test_a_ready_recording_has_a_player_and_a_download(operator, settings):
    room = services.create_room(services.RoomProperties(session_id="shown"))
    recording = Recording.objects.create(
        recording_id="shown",
        room=room,
        session_id="shown",
        name="shown",
        status="ready",
        duration=75.0,
        size=2_500_000,
        file_name="shown.mp4",
    )
    directory = settings.OPENVIDU_RECORDING_PATH / "shown"
    directory.mkdir(parents=True)
    (directory / "shown.mp4").write_bytes(b"\x00" * 100)
    listing = operator.get("/admin/recordings/recording/").content.decode()
    assert "1:15" in listing
    assert "2.5 MB" in listing
    page = operator.get(f"/admin/recordings/recording/{recording.pk}/change/").content.decode()
    assert '<video src="/openvidu/recordings/shown/shown.mp4"' in page


def test_starting_from_the_admin_explains_a_refusal(operator):
    room = services.create_room(services.RoomProperties(session_id="empty-room"))
    response = operator.post(
        "/admin/rooms/room/",
        {"action": "start_recording", "_selected_action": [room.pk]},
        follow=True,
    )
    assert "has no connected participants" in response.content.decode()
