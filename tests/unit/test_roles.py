"""Role rules of rooms.participation: who may publish, who may force others."""

from __future__ import annotations

import pytest

from rooms import participation
from rooms.participation import NotAllowed, Seat


def _seat(role: str) -> Seat:
    return Seat(
        connection_id="con_A",
        room_pk=1,
        session_id="s",
        role=role,
        record=True,
        created_at=0,
        active_at=0,
        client_data="",
        server_data="",
        custom_ice_servers=[],
        video_codec="VP8",
    )


@pytest.mark.parametrize("role", ["PUBLISHER", "MODERATOR"])
def test_publishers_and_moderators_may_publish(role):
    participation.require_publisher(_seat(role))


def test_a_subscriber_may_not_publish():
    with pytest.raises(NotAllowed, match="a SUBSCRIBER cannot publish"):
        participation.require_publisher(_seat("SUBSCRIBER"))


@pytest.mark.parametrize("role", ["SUBSCRIBER", "PUBLISHER"])
@pytest.mark.parametrize("action", [participation.FORCE_DISCONNECT, participation.FORCE_UNPUBLISH])
def test_only_a_moderator_forces_others(role, action):
    with pytest.raises(NotAllowed, match=f"Only a MODERATOR can {action}"):
        participation.require_moderator(_seat(role), action)
    participation.require_moderator(_seat("MODERATOR"), action)


@pytest.mark.django_db
def test_the_rows_refuse_a_subscribers_stream_too():
    with pytest.raises(NotAllowed):
        participation.publish(_seat("SUBSCRIBER"), {})


@pytest.mark.django_db
def test_the_rows_refuse_a_publisher_forcing_a_stream_out():
    with pytest.raises(NotAllowed):
        participation.unpublish(_seat("PUBLISHER"), "forceUnpublishByUser", "str_X")
