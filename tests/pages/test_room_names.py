"""Typed room names become ids: the charset of OpenVidu's custom session ids, lowercased."""

from __future__ import annotations

import pytest

from rooms.internal import identifiers, room_names


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Weekly stand-up!", "weekly-stand-up"),
        ("  Café  Crème ", "cafe-creme"),
        ("team_a", "team_a"),
        ("a -- b", "a-b"),
        ("--edge--", "edge"),
        ("Ünïcödé/ROOM?x=1", "unicode-room-x-1"),
    ],
)
def test_it_slugifies_a_typed_name(typed, name):
    assert room_names.slugify(typed) == name
    assert identifiers.CUSTOM_SESSION_ID.match(name)


@pytest.mark.parametrize("typed", ["", "   ", "!!!", "日本語", "__"])
def test_a_name_without_letters_or_digits_becomes_empty(typed):
    assert room_names.slugify(typed) == ""


def test_a_long_name_is_cut_without_a_trailing_dash():
    name = room_names.slugify("word " * 40)
    assert len(name) <= room_names.MAX_LENGTH
    assert not name.endswith("-")


def test_only_names_in_their_final_form_are_room_names():
    assert room_names.is_room_name("weekly-standup")
    assert not room_names.is_room_name("Weekly-Standup")
    assert not room_names.is_room_name("a b")
    assert not room_names.is_room_name("")
