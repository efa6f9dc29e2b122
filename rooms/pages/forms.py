"""The forms of the room pages: a room name to open, a seat to ask for."""

from __future__ import annotations

from typing import Any

from django import forms

from rooms import seat_data
from rooms.internal import room_names


class RoomNameForm(forms.Form):
    """The home page's form: type a room name to create it or to go to it."""

    name = forms.CharField(
        label="Room name",
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "e.g. weekly-standup", "autofocus": True}
        ),
    )
    private = forms.BooleanField(
        label="Private: people log in and wait until you let them in", required=False
    )

    def clean_name(self) -> str:
        slug = room_names.slugify(self.cleaned_data["name"])
        if not slug:
            raise forms.ValidationError("Use at least one letter or digit in the name.")
        return slug


class SeatRequestForm(forms.Form):
    """The room page asks for a token: a camera seat with a name, or a screen-share seat."""

    KIND_CAMERA = "camera"
    KIND_SCREEN = "screen"

    kind = forms.ChoiceField(
        choices=[(KIND_CAMERA, "camera"), (KIND_SCREEN, "screen")], required=False
    )
    name = forms.CharField(max_length=200, required=False, strip=False)
    screen_of = forms.CharField(max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["kind"] = cleaned.get("kind") or self.KIND_CAMERA
        if cleaned["kind"] == self.KIND_CAMERA:
            try:
                cleaned["name"] = seat_data.clean_display_name(cleaned.get("name") or "")
            except seat_data.InvalidDisplayName as error:
                self.add_error("name", str(error))
        elif not cleaned.get("screen_of"):
            self.add_error("screen_of", "Say which of your seats shares its screen.")
        return cleaned
