"""The JSON body parser of the REST API, with a size limit and objects only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from rooms.internal import bounded_json

# No OpenVidu body comes near this; a larger one is a mistake or an attack.
MAX_BODY_BYTES = 256 * 1024


class LimitedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        body = stream.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise ParseError(f"The body is larger than {MAX_BODY_BYTES} bytes")
        if not body.strip():
            return {}
        try:
            data = bounded_json.loads(body)
        except bounded_json.InvalidJson as error:
            raise ParseError(f"The body is {error}") from None
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object")
        return data
