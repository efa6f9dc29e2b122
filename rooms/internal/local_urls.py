"""Where the site is served and reached: the defaults that follow HOST and PORT.

The bundled site's settings use them at start, and `manage.py serve --host/--port`
again for the address it was given, so tokens name the port the server really listens
on. They live in the app, beside the command, so the command needs no site package.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def local_url(host: str, port: int) -> str:
    """http://HOST:PORT, with an IPv6 address in brackets."""
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def default_allowed_hosts(host: str, public_url: str) -> list[str]:
    public_host = urlsplit(public_url).hostname or "localhost"
    return sorted({"localhost", "127.0.0.1", "[::1]", host, public_host})
