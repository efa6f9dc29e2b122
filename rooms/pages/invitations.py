"""What an invitation link's page can tell from the seat an application made.

An application that invites someone through the REST API often names them in the
connection's `data` (the seat's server data): plain text ("Ivy Liu") or JSON with a
name ({"name": "Ivy Liu"}, as the room pages write it). The invitation page pre-fills
its name field with that, so the person need not type what the application knew.
"""

from __future__ import annotations

import json

from rooms import seat_data

# JSON keys that name a person, as applications commonly write them.
NAME_KEYS = ("name", "displayName", "clientData", "username")


def invited_name(server_data: str) -> str:
    """The name the seat's server data gives its person, tidied; "" if it names nobody."""
    text = server_data.strip()
    if not text:
        return ""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        candidate = text
    else:
        if not isinstance(parsed, dict):
            return ""
        names = (parsed.get(key) for key in NAME_KEYS)
        candidate = next((name for name in names if isinstance(name, str) and name.strip()), "")
    # Data longer than a name is not one; a name the page could not send is no help.
    try:
        return seat_data.clean_display_name(candidate)
    except seat_data.InvalidDisplayName:
        return ""
