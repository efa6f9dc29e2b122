"""STUN/TURN URI checks and TURN REST credentials."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from media import ice_servers


@pytest.mark.parametrize(
    ("uri", "scheme"),
    [
        ("stun:stun.example.test", "stun"),
        ("stuns:203.0.113.7:5349", "stuns"),
        ("turn:turn.example.test:3478?transport=udp", "turn"),
        ("turns:[2001:db8::1]:443?transport=tcp", "turns"),
    ],
)
def test_it_accepts_rfc_uris(uri, scheme):
    assert ice_servers.check_uri(uri) == scheme


@pytest.mark.parametrize(
    "uri",
    [
        "stun.example.test",
        "http://x.test",
        "stun:x.test?transport=udp",
        "turn:x.test?transport=sctp",
        "turn::3478",
        "turn:bad_host!:3478",
        "turn:x.test:0",
        "turn:x.test:http",
        "turn:2001:db8::1:3478",
    ],
)
def test_it_refuses_what_browsers_would_refuse(uri):
    with pytest.raises(ice_servers.InvalidIceServer):
        ice_servers.check_uri(uri)


def test_turn_rest_credentials_are_coturns_format():
    username, credential = ice_servers.turn_rest_credentials("secret", now=1_000_000)
    expiry, _, suffix = username.partition(":")
    assert int(expiry) == 1_000_000 + ice_servers.TURN_CREDENTIAL_LIFETIME
    assert len(suffix) == 8
    expected = base64.b64encode(
        hmac.new(b"secret", username.encode(), hashlib.sha1).digest()
    ).decode()
    assert credential == expected
