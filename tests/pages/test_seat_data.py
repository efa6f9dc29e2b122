"""The server data the pages give a seat: a display name that cannot be forged."""

from __future__ import annotations

import json

import pytest

from rooms import seat_data


def test_a_name_is_tidied():
    assert seat_data.clean_display_name("  Ana   María \n") == "Ana María"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Type the name"),
        ("   ", "Type the name"),
        ("x" * 41, "at most 40"),
        ("Ana\u202eevil", "control characters"),
        ("Ana\x00", "control characters"),
    ],
)
def test_it_refuses_names_with_a_reason(raw, message):
    with pytest.raises(seat_data.InvalidDisplayName, match=message):
        seat_data.clean_display_name(raw)


def test_the_server_data_never_contains_a_percent_sign_yet_reads_back():
    data = seat_data.server_data("100% Ana %/% Admin", screen_of="con_X")
    assert "%" not in data
    assert json.loads(data) == {"name": "100% Ana %/% Admin", "screenOf": "con_X"}


def test_a_camera_seat_has_only_a_name():
    assert json.loads(seat_data.server_data("Ana")) == {"name": "Ana"}
