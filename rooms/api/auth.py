"""HTTP Basic with OpenVidu's fixed user name and the server's secret."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.request import Request

from rooms.api.auth_throttle import AuthenticationFailureThrottle, TooManyFailures
from rooms.server_secret import is_server_secret

OPENVIDU_USER = "OPENVIDUAPP"


class OpenViduApplication:
    """The application server holding the secret: the only caller of the REST API."""

    is_authenticated = True
    is_anonymous = False
    username = OPENVIDU_USER

    def __str__(self) -> str:
        return OPENVIDU_USER


def secret_matches(authorization: bytes) -> bool | None:
    """True or False for a Basic header, None when there is no Basic header at all."""
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != b"basic":
        return None
    try:
        user, _, password = base64.b64decode(parts[1], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # Compare both parts every time so a wrong user costs as long as a wrong secret.
    right_user = hmac.compare_digest(user.encode("utf-8"), OPENVIDU_USER.encode("utf-8"))
    right_secret = is_server_secret(password)
    return right_user and right_secret


def check_secret(request: Any) -> bool | None:
    """secret_matches for a request, counting failures per address (auth_throttle).

    Raises TooManyFailures while the address is over its failures, before the secret is
    even compared.
    """
    authorization = request.META.get("HTTP_AUTHORIZATION", "").encode("latin-1")
    if not authorization:
        return None
    throttle = AuthenticationFailureThrottle()
    throttle.refuse_if_locked(request)
    verdict = secret_matches(authorization)
    if verdict is False:
        throttle.record_failure(request)
    return verdict


class OpenViduSecretAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[OpenViduApplication, None] | None:
        try:
            verdict = check_secret(request)
        except TooManyFailures as locked:
            raise Throttled(
                wait=locked.wait, detail="Too many failed authentications from this address"
            ) from None
        if verdict is None:
            return None
        if not verdict:
            raise AuthenticationFailed(
                "Wrong user or secret: use OPENVIDUAPP and the OPENVIDU_SECRET"
            )
        return OpenViduApplication(), None

    def authenticate_header(self, request: Request) -> str:
        return 'Basic realm="OpenVidu"'
