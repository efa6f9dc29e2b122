"""Serializer fields that take JSON types as they are, without DRF's coercions.

DRF would turn `"true"` into True and `12` into `"12"`. OpenVidu's clients always send
proper JSON types, so anything else is a caller's mistake that deserves a 400 naming
the field, not a guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers


class StrictBooleanField(serializers.Field):  # type: ignore[type-arg]
    default_error_messages = {"invalid": "must be true or false"}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> bool:
        return bool(value)


# Text that a database can store: PostgreSQL refuses NUL in a string.
WITHOUT_NUL = r"^[^\x00]*$"


class StrictCharField(serializers.CharField):
    """A string; `pattern` (a regular expression) narrows it, and is shown in the schema."""

    default_error_messages = {"invalid": "must be a string"}

    def __init__(
        self, *, pattern: str = WITHOUT_NUL, pattern_message: str = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.validators.append(
            RegexValidator(pattern, message=pattern_message or "must not contain NUL characters")
        )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "must be a whole number"}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class EnumField(serializers.Field):  # type: ignore[type-arg]
    """A string that must be one of OpenVidu's enum names, exactly."""

    default_error_messages = {"invalid": "must be one of {allowed}"}

    def __init__(self, choices: Iterable[str], **kwargs: Any) -> None:
        self.allowed = list(choices)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.allowed:
            self.fail("invalid", allowed=", ".join(self.allowed))
        return data

    def to_representation(self, value: Any) -> str:
        return str(value)
