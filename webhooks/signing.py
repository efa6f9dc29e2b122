"""The signature each webhook request carries, so a receiver can tell it came from us.

    X-Rooms-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with OPENVIDU_SECRET>

A receiver recomputes it over the bytes it received (before parsing the JSON) and
compares in constant time; `verify` does exactly that for Python receivers.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Rooms-Signature"
PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(body: bytes, signature: str, secret: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature)
