"""OpenVidu's identifier formats."""

from __future__ import annotations

import re

from rooms.internal import identifiers


def test_ids_have_openvidus_shapes():
    assert re.fullmatch(r"ses_[A-Z][A-Za-z0-9]{9}", identifiers.new_session_id())
    assert re.fullmatch(r"con_[A-Z][A-Za-z0-9]{9}", identifiers.new_connection_id())
    assert re.fullmatch(r"tok_[A-Z][A-Za-z0-9]{15}", identifiers.new_token_key())
    assert re.fullmatch(
        r"str_CAM_[A-Z][A-Za-z0-9]{3}_con_A123456789",
        identifiers.new_stream_id("con_A123456789", "CAMERA"),
    )
    assert identifiers.new_stream_id("con_A", "SCREEN").startswith("str_SCR_")
    assert identifiers.new_stream_id("con_A", "CAMERA", audio_only=True).startswith("str_MIC_")


def test_ids_do_not_repeat():
    assert len({identifiers.new_token_key() for _ in range(10_000)}) == 10_000


def test_the_token_url_follows_the_public_url():
    assert (
        identifiers.token_url("https://a.test", "s", "tok_X")
        == "wss://a.test?sessionId=s&token=tok_X"
    )
    assert (
        identifiers.token_url("http://a.test:8000", "s", "tok_X")
        == "ws://a.test:8000?sessionId=s&token=tok_X"
    )
