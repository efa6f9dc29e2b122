"""The one comparison with `OPENVIDU_SECRET`, in constant time.

The REST API (HTTP Basic) and the signaling `joinRoom` (its `secret` param) both prove
a caller holds the secret; both ask here, so neither leaks by timing how much matched.
"""

from __future__ import annotations

import hmac

from rooms.app_settings import app_settings


def is_server_secret(candidate: str) -> bool:
    return hmac.compare_digest(candidate.encode("utf-8"), app_settings.SECRET.encode("utf-8"))
