"""What the room pages write in a seat's server data: who sits there, as JSON.

Participants see each other's metadata as OpenVidu writes it: "<clientData>%/%<serverData>"
when both parts are set, otherwise the one part that is set, or "". The client's part is
whatever a browser sent, so pages trust only the server's part, which they find after the
last "%/%". Three rules make that split safe:

- page seats always carry server data (`rooms.pages.decisions` refuses an adapter's empty
  server data) and the page client always sends client data, so a page seat's
  metadata always has the separator;
- the server's part never contains a "%": the JSON written here escapes it as
  \\u0025, which every JSON parser reads back as "%";
- in a room the pages serve, a seat without server data may not put "%/%" in its
  client data (`participation.join` refuses it), so no client text is ever read as
  server data. Metadata without a separator is the client's and shows as a guest.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

MAX_NAME_LENGTH = 40
METADATA_SEPARATOR = "%/%"


class InvalidDisplayName(ValueError):
    pass


def clean_display_name(raw: str) -> str:
    """A display name with its whitespace tidied; InvalidDisplayName says what is wrong."""
    name = " ".join(raw.split())
    if not name:
        raise InvalidDisplayName("Type the name the others will see.")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidDisplayName(f"A name has at most {MAX_NAME_LENGTH} characters.")
    # Control and format characters (bidi overrides among them) can disguise a name.
    if any(unicodedata.category(character) in ("Cc", "Cf") for character in name):
        raise InvalidDisplayName("A name cannot contain control characters.")
    return name


def encode(data: Mapping[str, Any]) -> str:
    """Server data as compact JSON with no "%" in it (see above); for adapters too."""
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return encoded.replace("%", "\\u0025")


def name_in(data: Any) -> str | None:
    """The display name in server data written here ({"name": ...}), or None."""
    if not isinstance(data, str) or not data:
        return None
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError:
        return None
    name = parsed.get("name") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) and name else None


def server_data(name: str, *, screen_of: str | None = None) -> str:
    """The server data of a page seat: its display name, and for a screen share the
    connection id of the camera seat it belongs to."""
    data: dict[str, str] = {"name": name}
    if screen_of is not None:
        data["screenOf"] = screen_of
    return encode(data)
