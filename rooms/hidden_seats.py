"""Recorder seats: participants the others never see, as OpenVidu's RECORDER.

OpenVidu's custom recording layouts join with the server secret and `recorder: true`;
the seat they get is named `RECORDER` on the wire, subscribes to everyone, and is left
out of what others hear (participantJoined/Left/Evicted, joinRoom's `value`), of the
REST API's connection lists and of the room's history (OpenVidu's CDR skips it too).

Connection ids are unique across rooms in the database, and a room may have more than
one recorder at a time, so the row carries `RECORDER_<random>` and only the wire says
`RECORDER`.
"""

from __future__ import annotations

import secrets
import string

RECORDER = "RECORDER"
_PREFIX = f"{RECORDER}_"


def new_recorder_id() -> str:
    return _PREFIX + "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(12)
    )


def is_recorder(connection_id: str) -> bool:
    return connection_id.startswith(_PREFIX)


def wire_id(connection_id: str) -> str:
    """The id the seat itself is told: `RECORDER` for a recorder, else its own."""
    return RECORDER if is_recorder(connection_id) else connection_id
