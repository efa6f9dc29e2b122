"""A room's history told in words, for the admin: who joined, published, left, when, why.

A shared screen on the room pages is a second seat of the same person (its server data
names the camera seat in `screenOf`). Told as it is stored, the person would join twice;
the timeline tells it as that person publishing a screen, and leaves the screen seat's
own joining and leaving out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rooms import seat_data
from rooms.models import RoomEvent


@dataclass(frozen=True)
class Entry:
    at: datetime
    event: str
    who: str
    what: str


def _duration(payload: dict[str, Any]) -> str:
    seconds = int(payload.get("duration") or 0)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _screen_of(payload: dict[str, Any]) -> str | None:
    """The camera seat a page's screen-share seat belongs to, from its server data."""
    data = payload.get("serverData")
    if not isinstance(data, str) or "screenOf" not in data:
        return None
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError:
        return None
    owner = parsed.get("screenOf") if isinstance(parsed, dict) else None
    return owner if isinstance(owner, str) and owner else None


def _describe(event: RoomEvent, names: dict[str, str], screens: dict[str, str]) -> str:
    payload = event.payload
    reason = payload.get("reason", "")
    match event.name:
        case RoomEvent.Name.SESSION_CREATED:
            return "the room opened"
        case RoomEvent.Name.SESSION_DESTROYED:
            return f"the room closed after {_duration(payload)} ({reason})"
        case RoomEvent.Name.PARTICIPANT_JOINED:
            where = " ".join(part for part in (payload.get("ip"), payload.get("platform")) if part)
            return f"joined from {where}" if where else "joined"
        case RoomEvent.Name.PARTICIPANT_LEFT:
            return f"left after {_duration(payload)} ({reason})"
        case RoomEvent.Name.WEBRTC_CONNECTION_CREATED | RoomEvent.Name.WEBRTC_CONNECTION_DESTROYED:
            media = "+".join(
                kind
                for kind, on in (
                    ("audio", payload.get("audioEnabled")),
                    ("video", payload.get("videoEnabled")),
                )
                if on
            )
            created = event.name == RoomEvent.Name.WEBRTC_CONNECTION_CREATED
            if payload.get("connection") == "INBOUND":
                source = payload.get("receivingFrom", "")
                verb = "started receiving" if created else "stopped receiving"
                if source in screens:
                    sharer = names.get(screens[source], screens[source])
                    text = f"{verb} the screen of {sharer} ({media or 'stream'})"
                else:
                    text = f"{verb} {names.get(source, source)}'s {media or 'stream'}"
            else:
                kind = payload.get("videoSource") or "audio"
                verb = "published" if created else "stopped publishing"
                text = f"{verb} {kind} ({media or 'no media'})"
            return text if created else f"{text} ({reason})"
        case RoomEvent.Name.RECORDING_STATUS_CHANGED:
            text = f"recording {payload.get('id')} is {payload.get('status')}"
            return f"{text} ({reason})" if reason else text
        case RoomEvent.Name.SIGNAL_SENT:
            recipients = payload.get("to") or []
            return f"sent a {payload.get('type') or 'plain'} signal to {len(recipients)}"
    return event.name


def entries(events: Iterable[RoomEvent]) -> list[Entry]:
    """The events in order, each with the participant's name when the pages gave one."""
    names: dict[str, str] = {}
    # Screen-share seat -> the camera seat it belongs to.
    screens: dict[str, str] = {}
    told = []
    for event in events:
        seat = event.connection_id
        if event.name == RoomEvent.Name.PARTICIPANT_JOINED:
            owner = _screen_of(event.payload)
            if owner is not None:
                screens[seat] = owner
                continue
            name = seat_data.name_in(event.payload.get("serverData"))
            if name:
                names[seat] = f"{name} ({seat})"
        if seat in screens:
            if event.name == RoomEvent.Name.PARTICIPANT_LEFT:
                continue
            # What the screen seat does, its person does.
            seat = screens[seat]
        who = names.get(seat, seat)
        if event.name == RoomEvent.Name.SIGNAL_SENT and not event.connection_id:
            who = "the server"
        told.append(Entry(event.at, event.name, who, _describe(event, names, screens)))
    return told
