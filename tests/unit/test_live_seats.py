"""rooms.live.seats: media and rows together, without a socket, with a fake MediaHome."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from rooms import participation
from rooms.live import seats
from rooms.live.media import MediaError
from rooms.models import Connection, Stream, Subscription
from rooms.participation import NotAllowed, Seat

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PROPERTIES = {
    "has_audio": True,
    "has_video": True,
    "audio_active": True,
    "video_active": True,
    "type_of_video": "CAMERA",
    "frame_rate": 30,
    "video_dimensions": "",
}


class FakeMedia:
    """Records what the room's media was asked; fails `publish`/`subscribe` on demand."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.fail = False

    async def publish(self, connection_id: str, video_codec: str, offer: str) -> str:
        self.calls.append(("publish", connection_id, video_codec))
        if self.fail:
            raise MediaError("no")
        return "answer"

    async def republish(self, connection_id: str, video_codec: str, offer: str) -> str:
        self.calls.append(("republish", connection_id))
        return "answer again"

    async def subscribe(self, subscriber_id: str, publisher_id: str, offer: str) -> str:
        self.calls.append(("subscribe", subscriber_id, publisher_id))
        if self.fail:
            raise MediaError("no")
        return "answer"

    async def add_ice_candidate(self, *args: Any) -> None:
        self.calls.append(("candidate", *args))

    async def unsubscribe(self, subscriber_id: str, publisher_id: str) -> bool:
        self.calls.append(("unsubscribe", subscriber_id, publisher_id))
        return True

    async def unpublish(self, connection_id: str) -> bool:
        self.calls.append(("unpublish", connection_id))
        return True

    async def leave(self, connection_id: str) -> None:
        self.calls.append(("leave", connection_id))

    async def close(self) -> None:
        self.calls.append(("close",))

    def observe(self, observer: Any) -> None: ...

    def unobserve(self, observer: Any) -> None: ...

    def publishers(self) -> list[str]:
        return []


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> FakeMedia:
    fake = FakeMedia()
    monkeypatch.setattr(seats, "media_home", lambda room_pk: fake)
    return fake


@pytest.fixture
def seat_of(connection_factory):
    async def make(role: str = "PUBLISHER", room=None) -> Seat:
        connection = await sync_to_async(connection_factory)(room, active=True, role=role)
        return await sync_to_async(
            lambda: Seat.of(Connection.objects.select_related("room").get(pk=connection.pk))
        )()

    return make


async def _open_streams() -> int:
    return await Stream.objects.filter(closed_at__isnull=True).acount()


async def test_a_publisher_publishes_media_then_its_row(media, seat_of):
    seat = await seat_of()
    published = await seats.publish(seat, "offer", PROPERTIES)
    assert published.answer == "answer"
    assert published.stream.connection_id == seat.connection_id
    assert media.calls == [("publish", seat.connection_id, "VP8")]
    assert await _open_streams() == 1


async def test_a_subscriber_cannot_publish_and_its_media_is_never_asked(media, seat_of):
    seat = await seat_of("SUBSCRIBER")
    with pytest.raises(NotAllowed, match="a SUBSCRIBER cannot publish"):
        await seats.publish(seat, "offer", PROPERTIES)
    assert media.calls == []


async def test_a_media_failure_publishes_no_row(media, seat_of):
    media.fail = True
    seat = await seat_of()
    with pytest.raises(MediaError):
        await seats.publish(seat, "offer", PROPERTIES)
    assert await _open_streams() == 0


async def test_a_refused_row_undoes_the_publication(media, seat_of):
    seat = await seat_of()
    await seats.publish(seat, "offer", PROPERTIES)
    with pytest.raises(participation.ParticipationError, match="already publishing"):
        await seats.publish(seat, "offer", PROPERTIES)
    assert media.calls[-1] == ("unpublish", seat.connection_id)
    assert await _open_streams() == 1


async def test_subscribing_records_the_subscription(media, seat_of):
    publisher = await seat_of()
    stream = (await seats.publish(publisher, "offer", PROPERTIES)).stream
    viewer = await seat_of(room=await sync_to_async(_room_of)(publisher))
    found = await seats.find_stream(viewer, stream.stream_id)
    assert await seats.subscribe(viewer, found, "offer") == "answer"
    assert await Subscription.objects.filter(closed_at__isnull=True).acount() == 1
    assert await seats.unsubscribe(viewer, publisher.connection_id)
    assert await Subscription.objects.filter(closed_at__isnull=True).acount() == 0


async def test_no_one_subscribes_to_its_own_stream(media, seat_of):
    seat = await seat_of()
    stream = (await seats.publish(seat, "offer", PROPERTIES)).stream
    with pytest.raises(seats.OwnStream):
        await seats.subscribe(seat, stream, "offer")
    assert [call[0] for call in media.calls] == ["publish"]


async def test_an_unknown_stream_is_not_found(media, seat_of):
    seat = await seat_of()
    with pytest.raises(seats.NoSuchStream):
        await seats.find_stream(seat, "str_CAM_nope_con_nope")
    with pytest.raises(seats.NoSuchStream):
        await seats.unpublish(seat)


async def test_a_failed_subscription_records_nothing(media, seat_of):
    publisher = await seat_of()
    stream = (await seats.publish(publisher, "offer", PROPERTIES)).stream
    viewer = await seat_of(room=await sync_to_async(_room_of)(publisher))
    media.fail = True
    with pytest.raises(MediaError):
        await seats.subscribe(viewer, stream, "offer")
    assert await Subscription.objects.acount() == 0


async def test_resubscribing_replaces_the_peer(media, seat_of):
    publisher = await seat_of()
    stream = (await seats.publish(publisher, "offer", PROPERTIES)).stream
    viewer = await seat_of(room=await sync_to_async(_room_of)(publisher))
    await seats.resubscribe(viewer, stream, "offer")
    assert media.calls[-2:] == [
        ("unsubscribe", viewer.connection_id, publisher.connection_id),
        ("subscribe", viewer.connection_id, publisher.connection_id),
    ]


async def test_ending_a_seat_closes_media_then_the_row_once(media, seat_of):
    seat = await seat_of()
    assert await seats.end(seat, "disconnect")
    assert media.calls == [("leave", seat.connection_id)]
    assert not await seats.end(seat, "disconnect")
    connection = await Connection.objects.aget(connection_id=seat.connection_id)
    assert (connection.status, connection.close_reason) == ("closed", "disconnect")


def _room_of(seat: Seat):
    return Connection.objects.get(connection_id=seat.connection_id).room
