"""Room names people type, turned into the ids rooms have (OpenVidu's custom session ids).

As on Jitsi, "Weekly stand-up!" and "weekly-stand-up" are the same room: a name is
folded to ASCII, lowercased, and every run of other characters becomes one "-", which
leaves only OpenVidu's custom-id characters `[a-zA-Z0-9_-]`.
"""

from __future__ import annotations

import re
import unicodedata

from rooms.internal import identifiers

# Short enough to read in a link; well within the 100 characters an id may have.
MAX_LENGTH = 60

_OTHER_CHARACTERS = re.compile(r"[^a-z0-9_]+")


def slugify(text: str) -> str:
    """The room id for a typed name; "" when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _OTHER_CHARACTERS.sub("-", ascii_text.lower()).strip("-_")
    return slug[:MAX_LENGTH].rstrip("-_")


def is_room_name(name: str) -> bool:
    """True for a name as the pages make them: already in its slugified form."""
    return bool(identifiers.CUSTOM_SESSION_ID.match(name)) and slugify(name) == name
