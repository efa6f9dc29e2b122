"""STUN and TURN servers handed to participants: URI checks and TURN REST credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
import string
import time

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)
STUN_SCHEMES = ("stun", "stuns")
TURN_SCHEMES = ("turn", "turns")
# A day, as coturn's `use-auth-secret` examples and OpenVidu use.
TURN_CREDENTIAL_LIFETIME = 24 * 3600


class InvalidIceServer(ValueError):
    pass


def check_uri(uri: str) -> str:
    """Check a `stun:`/`turn:` URI (RFC 7064, 7065) and return its scheme."""
    scheme, colon, rest = uri.partition(":")
    if not colon:
        raise InvalidIceServer(f"{uri!r} is not a STUN or TURN URI: it has no ':'")
    if scheme not in STUN_SCHEMES + TURN_SCHEMES:
        raise InvalidIceServer(f"the scheme {scheme!r} is not one of stun, stuns, turn, turns")
    address, question, query = rest.partition("?")
    if question:
        if scheme in STUN_SCHEMES:
            raise InvalidIceServer("a STUN URI cannot have a query")
        if query not in ("transport=udp", "transport=tcp"):
            raise InvalidIceServer(
                "the only query a TURN URI takes is ?transport=udp or ?transport=tcp"
            )
    host, port = _split_host_port(address)
    if not host:
        raise InvalidIceServer(f"{uri!r} has no host")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOSTNAME.match(host):
            raise InvalidIceServer(f"{host!r} is neither an IP address nor a host name") from None
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise InvalidIceServer(f"the port {port!r} is not a number from 1 to 65535")
    return scheme


def _split_host_port(address: str) -> tuple[str, str | None]:
    if address.startswith("["):
        host, bracket, tail = address[1:].partition("]")
        if not bracket or (tail and not tail.startswith(":")):
            raise InvalidIceServer(f"{address!r} is not a valid [IPv6]:port address")
        return host, tail[1:] if tail else None
    if address.count(":") > 1:
        raise InvalidIceServer(f"write the IPv6 address in {address!r} in brackets")
    host, colon, port = address.partition(":")
    return host, port if colon else None


def turn_rest_credentials(static_auth_secret: str, *, now: float | None = None) -> tuple[str, str]:
    """A time-limited username and password for a TURN server run with `use-auth-secret`."""
    expires = int(now if now is not None else time.time()) + TURN_CREDENTIAL_LIFETIME
    suffix = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))
    username = f"{expires}:{suffix}"
    digest = hmac.new(static_auth_secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()
