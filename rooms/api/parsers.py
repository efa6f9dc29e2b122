"""The JSON body parser of the REST API, with a size limit and objects only."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

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
        data = super().parse(BytesIO(body), media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object")
        return data
