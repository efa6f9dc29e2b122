"""The SFU of this process: one peer connection per published stream and per subscription.

A room's media lives in one process, its home node (docs/architecture.md): the engine
keeps the peer connections of the rooms this process serves. Who is in a room and what they
may do is decided by `rooms.services` and the signaling consumer before they call here;
the engine only moves media and answers SDP.

Connections are named by OpenVidu's connection ids: a connection publishes at most one
stream (openvidu-browser's model), and a subscription is (subscriber, publisher).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from aiortc import RTCPeerConnection, RTCRtpReceiver, RTCSessionDescription, sdp
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecCapability
from aiortc.sdp import candidate_from_sdp

from media import app_settings, ice
from media.forwarding import Forwarder, make_forwarder

logger = logging.getLogger(__name__)


# How long a subscriber's old track lives after its video source was replaced.
SOURCE_SWITCH_SECONDS = 1.0


class MediaError(Exception):
    """A media request that cannot be served; the message is meant for the client."""


@dataclass
class Publication:
    connection_id: str
    pc: RTCPeerConnection
    forwarders: dict[str, Forwarder] = field(default_factory=dict)


@dataclass
class SubscriberPeer:
    """One subscriber's receiving peer connection for one publisher (the row is
    rooms.models.Subscription)."""

    subscriber_id: str
    publisher_id: str
    pc: RTCPeerConnection
    tracks: list[MediaStreamTrack] = field(default_factory=list)


@dataclass
class RoomMedia:
    video_codec: str
    publications: dict[str, Publication] = field(default_factory=dict)
    subscriptions: dict[tuple[str, str], SubscriberPeer] = field(default_factory=dict)
    # A filtered publisher's video comes from another publication (media/filters.py):
    # publisher id -> the id of that publication, which is also the filter's subscriber id.
    video_sources: dict[str, str] = field(default_factory=dict)

    def video_forwarder(self, publisher_id: str, subscriber_id: str) -> Forwarder | None:
        source = self.video_sources.get(publisher_id)
        if source is not None and source != subscriber_id and source in self.publications:
            return self.publications[source].forwarders.get("video")
        publication = self.publications.get(publisher_id)
        return None if publication is None else publication.forwarders.get("video")


def _codec_preferences(kind: str, video_codec: str) -> list[RTCRtpCodecCapability]:
    """The codecs a room allows: one video codec (and its RTX), Opus for audio."""
    wanted = "video/" + video_codec if kind == "video" else "audio/opus"
    capabilities = RTCRtpReceiver.getCapabilities(kind)
    assert capabilities is not None
    return [
        codec
        for codec in capabilities.codecs
        if codec.mimeType.lower() in (wanted.lower(), f"{kind}/rtx")
    ]


def _offered_kinds(offer: str, video_codec: str) -> list[str]:
    """The media lines of an offer, in order, so transceivers can be made to match them.

    Transceivers made before setRemoteDescription carry the room's codec preferences
    into the negotiation; aiortc fixes the codecs of a line when it reads the offer.
    An offer without the room's codec is refused here with words, not left to fail
    inside aiortc: forwarding without transcoding needs one codec on both sides.
    """
    try:
        description = sdp.SessionDescription.parse(offer)
    except Exception as error:
        raise MediaError(f"the SDP offer cannot be read: {error}") from error
    kinds = []
    for media in description.media:
        if media.kind not in ("audio", "video"):
            continue
        offered = {codec.name.lower() for codec in media.rtp.codecs}
        wanted = video_codec.lower() if media.kind == "video" else "opus"
        if wanted not in offered:
            listed = ", ".join(sorted(offered)) or "none"
            raise MediaError(
                f"this room sends {media.kind} as {wanted.upper()} only, and the offer has "
                f"no {wanted.upper()} (it offers: {listed})"
            )
        kinds.append(media.kind)
    if not kinds:
        raise MediaError("the SDP offer has no audio or video")
    return kinds


def _receiver_of(pc: RTCPeerConnection, track: MediaStreamTrack) -> RTCRtpReceiver:
    for transceiver in pc.getTransceivers():
        if transceiver.receiver.track is track:
            return transceiver.receiver
    raise MediaError(f"no receiver for the {track.kind} track")


class PublicationObserver(Protocol):
    def publication_added(
        self, connection_id: str, forwarders: dict[str, Forwarder], video_codec: str
    ) -> None: ...

    def publication_removed(self, connection_id: str) -> None: ...


class MediaEngine:
    def __init__(self) -> None:
        self._observers: dict[str, set[PublicationObserver]] = {}
        self._rooms: dict[str, RoomMedia] = {}
        self._open_peers: set[RTCPeerConnection] = set()
        # SDP handling of one room runs one step at a time, so a subscription never
        # sees a publication half made or half closed.
        self._locks: dict[str, asyncio.Lock] = {}

    @property
    def open_peer_connections(self) -> int:
        """The gauge tests and operators watch: it returns to zero when rooms empty."""
        return len(self._open_peers)

    def room(self, room_key: str, video_codec: str = "VP8") -> RoomMedia:
        if room_key not in self._rooms:
            self._rooms[room_key] = RoomMedia(video_codec=video_codec)
        return self._rooms[room_key]

    def _lock(self, room_key: str) -> asyncio.Lock:
        return self._locks.setdefault(room_key, asyncio.Lock())

    def _forwarder(self, pc: RTCPeerConnection, track: MediaStreamTrack) -> Forwarder:
        return make_forwarder(app_settings.get("MEDIA_FORWARDING"), track, _receiver_of(pc, track))

    def _new_peer(self, label: str) -> RTCPeerConnection:
        pc = RTCPeerConnection(ice.rtc_configuration())
        self._open_peers.add(pc)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            logger.debug("%s: %s", label, pc.connectionState)

        return pc

    async def _close_peer(self, pc: RTCPeerConnection) -> None:
        try:
            await pc.close()
        except Exception:
            logger.exception("closing a peer connection failed")
        finally:
            self._open_peers.discard(pc)

    async def publish(
        self,
        room_key: str,
        video_codec: str,
        connection_id: str,
        offer: str,
        *,
        announce: bool = True,
    ) -> str:
        """Receive a participant's stream; returns the SDP answer. `announce=False` keeps it
        from the observers (a filter's output, which stands in for another's video)."""
        async with self._lock(room_key):
            room = self.room(room_key, video_codec)
            if connection_id in room.publications:
                raise MediaError(f"{connection_id} is already publishing")
            pc = self._new_peer(f"publisher {connection_id}")
            publication = Publication(connection_id, pc)

            @pc.on("track")
            def on_track(track: MediaStreamTrack) -> None:
                publication.forwarders[track.kind] = self._forwarder(pc, track)

            try:
                await self._negotiate_publication(pc, room, offer)
                answer = await self._answer(pc)
            except Exception as error:
                await self._close_publication(publication)
                raise MediaError(f"cannot publish: {error}") from error
            room.publications[connection_id] = publication
            if announce:
                for observer in tuple(self._observers.get(room_key, ())):
                    observer.publication_added(
                        connection_id, publication.forwarders, room.video_codec
                    )
            return answer

    def observe(self, room_key: str, observer: PublicationObserver) -> None:
        """Tell `observer` of every publication of the room, present and to come (recorders)."""
        self._observers.setdefault(room_key, set()).add(observer)
        room = self._rooms.get(room_key)
        if room is not None:
            for connection_id, publication in room.publications.items():
                observer.publication_added(connection_id, publication.forwarders, room.video_codec)

    def unobserve(self, room_key: str, observer: PublicationObserver) -> None:
        observers = self._observers.get(room_key)
        if observers is not None:
            observers.discard(observer)
            if not observers:
                del self._observers[room_key]

    def watchers(self, room_key: str, publisher_id: str) -> int:
        """Who receives a publication: its subscribers, and the room's recorders (an IP
        camera with onlyPlayWithSubscribers pulls only while this is above zero)."""
        room = self._rooms.get(room_key)
        subscribers = (
            0 if room is None else sum(1 for _, p in room.subscriptions if p == publisher_id)
        )
        return subscribers + len(self._observers.get(room_key, ()))

    def replace_video_source(self, room_key: str, publisher_id: str, source_id: str | None) -> None:
        """Send `source_id`'s video to `publisher_id`'s subscribers in place of its own
        (None: its own again), to the current subscribers at once and to later ones."""
        room = self._rooms.get(room_key)
        if room is None:
            return
        if source_id is None:
            room.video_sources.pop(publisher_id, None)
        else:
            room.video_sources[publisher_id] = source_id
        for (subscriber_id, target), subscription in room.subscriptions.items():
            if target != publisher_id or subscriber_id == source_id:
                continue
            forwarder = room.video_forwarder(publisher_id, subscriber_id)
            for transceiver in subscription.pc.getTransceivers():
                old = transceiver.sender.track
                if transceiver.kind != "video" or old is None or forwarder is None:
                    continue
                new = forwarder.subscribe()
                transceiver.sender.replaceTrack(new)
                forwarder.watch(transceiver.sender, new)
                subscription.tracks = [new if t is old else t for t in subscription.tracks]
                # The sender is awaiting the old track: its next frame lets it go on to
                # the new one. Stopping the old track now would end the sender instead.
                asyncio.get_running_loop().call_later(SOURCE_SWITCH_SECONDS, old.stop)

    def publishers(self, room_key: str) -> list[str]:
        room = self._rooms.get(room_key)
        return list(room.publications) if room is not None else []

    async def republish(
        self, room_key: str, video_codec: str, connection_id: str, offer: str
    ) -> str:
        """Replace a publisher's peer (its ICE failed); its subscribers keep receiving."""
        async with self._lock(room_key):
            room = self.room(room_key, video_codec)
            old = room.publications.get(connection_id)
            if old is None:
                raise MediaError(f"{connection_id} is not publishing")
            pc = self._new_peer(f"publisher {connection_id} (reconnected)")
            publication = Publication(connection_id, pc, dict(old.forwarders))

            @pc.on("track")
            def on_track(track: MediaStreamTrack) -> None:
                forwarder = publication.forwarders.get(track.kind)
                if forwarder is None:
                    publication.forwarders[track.kind] = self._forwarder(pc, track)
                else:
                    forwarder.replace_source(track, _receiver_of(pc, track))

            try:
                await self._negotiate_publication(pc, room, offer)
                answer = await self._answer(pc)
            except Exception as error:
                await self._close_peer(pc)
                raise MediaError(f"cannot publish again: {error}") from error
            room.publications[connection_id] = publication
            await self._close_peer(old.pc)
            return answer

    async def _negotiate_publication(
        self, pc: RTCPeerConnection, room: RoomMedia, offer: str
    ) -> None:
        for kind in _offered_kinds(offer, room.video_codec):
            transceiver = pc.addTransceiver(kind, direction="recvonly")
            transceiver.setCodecPreferences(_codec_preferences(kind, room.video_codec))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))

    async def subscribe(
        self, room_key: str, subscriber_id: str, publisher_id: str, offer: str
    ) -> str:
        """Send a publisher's stream to a subscriber that offered; returns the SDP answer."""
        async with self._lock(room_key):
            room = self._rooms.get(room_key)
            publication = room.publications.get(publisher_id) if room else None
            if room is None or publication is None:
                raise MediaError(f"{publisher_id} publishes nothing here")
            key = (subscriber_id, publisher_id)
            if key in room.subscriptions:
                raise MediaError(f"{subscriber_id} already receives {publisher_id}")
            pc = self._new_peer(f"subscriber {subscriber_id} <- {publisher_id}")
            subscription = SubscriberPeer(subscriber_id, publisher_id, pc)
            try:
                for kind in _offered_kinds(offer, room.video_codec):
                    forwarder = (
                        room.video_forwarder(publisher_id, subscriber_id)
                        if kind == "video"
                        else publication.forwarders.get(kind)
                    )
                    if forwarder is None:
                        # The publisher sends no such media: answer the line as inactive.
                        transceiver = pc.addTransceiver(kind, direction="inactive")
                    else:
                        track = forwarder.subscribe()
                        subscription.tracks.append(track)
                        transceiver = pc.addTransceiver(track, direction="sendonly")
                        forwarder.watch(transceiver.sender, track)
                    transceiver.setCodecPreferences(_codec_preferences(kind, room.video_codec))
                await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
                answer = await self._answer(pc)
            except Exception as error:
                await self._close_subscription(subscription)
                raise MediaError(f"cannot subscribe: {error}") from error
            room.subscriptions[key] = subscription
            return answer

    async def _answer(self, pc: RTCPeerConnection) -> str:
        # aiortc gathers every candidate in setLocalDescription: the answer carries them,
        # and the sockets behind them are bound in the port range.
        with ice.server_sockets():
            await pc.setLocalDescription(await pc.createAnswer())
        answer = pc.localDescription.sdp
        if "\na=candidate:" not in answer:
            # aioice logs a socket it cannot bind and goes on; a peer with no candidate
            # at all would only fail later, in silence, so it is refused now.
            reason = ice.why_no_candidates()
            logger.warning("refusing a peer: %s", reason)
            raise MediaError(reason)
        return ice.announce(answer)

    async def add_ice_candidate(
        self,
        room_key: str,
        connection_id: str,
        endpoint_id: str,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None:
        """A candidate trickled by the browser for its publication or one of its subscriptions."""
        room = self._rooms.get(room_key)
        if room is None:
            raise MediaError("no media in this room yet")
        if endpoint_id == connection_id:
            target = room.publications.get(connection_id)
        else:
            target = room.subscriptions.get((connection_id, endpoint_id))  # type: ignore[assignment]
        if target is None:
            raise MediaError(f"no endpoint {endpoint_id} for {connection_id}")
        if not candidate:
            # End of candidates: from now on aioice may report a failed check.
            await target.pc.addIceCandidate(None)
            return
        text = candidate.split(":", 1)[1] if candidate.startswith("candidate:") else candidate
        try:
            parsed = candidate_from_sdp(text)
        except (AssertionError, IndexError, ValueError) as error:
            # aiortc's parser asserts; a browser's garbage must not look like our bug.
            raise ValueError(f"cannot read the candidate {candidate!r}") from error
        parsed.sdpMid = sdp_mid
        parsed.sdpMLineIndex = sdp_mline_index
        await target.pc.addIceCandidate(parsed)

    async def unsubscribe(self, room_key: str, subscriber_id: str, publisher_id: str) -> bool:
        async with self._lock(room_key):
            room = self._rooms.get(room_key)
            subscription = (
                room.subscriptions.pop((subscriber_id, publisher_id), None) if room else None
            )
        if subscription is None:
            return False
        await self._close_subscription(subscription)
        return True

    async def unpublish(self, room_key: str, connection_id: str) -> bool:
        """Stop a publication and every subscription to it."""
        async with self._lock(room_key):
            room = self._rooms.get(room_key)
            if room is None or connection_id not in room.publications:
                return False
            publication = room.publications.pop(connection_id)
            room.video_sources.pop(connection_id, None)
            for observer in tuple(self._observers.get(room_key, ())):
                observer.publication_removed(connection_id)
            subscriptions = [
                room.subscriptions.pop(key)
                for key in list(room.subscriptions)
                if key[1] == connection_id
            ]
        for subscription in subscriptions:
            await self._close_subscription(subscription)
        await self._close_publication(publication)
        return True

    async def leave(self, room_key: str, connection_id: str) -> None:
        """Close everything a participant had: its publication and its subscriptions."""
        await self.unpublish(room_key, connection_id)
        async with self._lock(room_key):
            room = self._rooms.get(room_key)
            subscriptions = (
                [
                    room.subscriptions.pop(key)
                    for key in list(room.subscriptions)
                    if key[0] == connection_id
                ]
                if room
                else []
            )
        for subscription in subscriptions:
            await self._close_subscription(subscription)
        self._forget_if_empty(room_key)

    async def close_room(self, room_key: str) -> None:
        room = self._rooms.get(room_key)
        if room is None:
            return
        for connection_id in list(room.publications):
            await self.leave(room_key, connection_id)
        for subscriber_id, _ in list(room.subscriptions):
            await self.leave(room_key, subscriber_id)
        self._forget_if_empty(room_key)

    async def close(self) -> None:
        """Close every room: the process is stopping."""
        for room_key in list(self._rooms):
            await self.close_room(room_key)

    def _forget_if_empty(self, room_key: str) -> None:
        room = self._rooms.get(room_key)
        if room is not None and not room.publications and not room.subscriptions:
            del self._rooms[room_key]
            lock = self._locks.get(room_key)
            if lock is not None and not lock.locked():
                del self._locks[room_key]

    async def _close_subscription(self, subscription: SubscriberPeer) -> None:
        for track in subscription.tracks:
            track.stop()
        await self._close_peer(subscription.pc)

    async def _close_publication(self, publication: Publication) -> None:
        for forwarder in publication.forwarders.values():
            await forwarder.close()
        await self._close_peer(publication.pc)


_engine: MediaEngine | None = None


def get_engine() -> MediaEngine:
    """The engine of this process, made on first use inside the running event loop."""
    global _engine
    if _engine is None:
        _engine = MediaEngine()
    return _engine


async def reset_engine() -> None:
    """Close every peer and start afresh (tests, and the process's shutdown)."""
    global _engine
    if _engine is not None:
        with contextlib.suppress(Exception):
            await _engine.close()
    _engine = None
