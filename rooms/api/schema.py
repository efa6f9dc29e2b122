"""The OpenAPI schema of the REST API: what drf-spectacular cannot guess by itself.

HTTP Basic security, the JSON types of our strict fields, OpenVidu's error body for
every status a route can answer, and the routes that are plain Django views (the
recordings, whose views are async, and `config/openvidu-publicurl`, plain text).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from rooms.api.fields import WITHOUT_NUL
from rooms.api.representations import LAYOUTS, OUTPUT_MODES
from rooms.api.requests import RESOLUTION

RECORDING_NAME = r"^[a-zA-Z0-9_~-]*$"

SECURITY_SCHEME = "OpenViduSecret"


class ErrorBody(serializers.Serializer):  # type: ignore[type-arg]
    """OpenVidu's error body (rooms.api.errors.error_body)."""

    timestamp = serializers.IntegerField(help_text="milliseconds since the epoch")
    status = serializers.IntegerField()
    error = serializers.CharField(help_text="the status's phrase")
    message = serializers.CharField(help_text="what was wrong, naming the field")
    path = serializers.CharField()


_MEANINGS = {
    400: "A body or parameter is wrong: the message names it",
    401: "Wrong or missing HTTP Basic credentials (OPENVIDUAPP and the OPENVIDU_SECRET)",
    404: "Not found",
    405: "Method not allowed",
    406: "The session has no participant to act on",
    409: "Conflict with the current state",
    415: "The body is not JSON",
    422: "A value of the right type out of its range",
    429: "Too many failed authentications from this address",
    501: "Not available on this server (recording disabled, IP cameras)",
}


def errors(*statuses: int, **meanings: str) -> dict[int, OpenApiResponse]:
    """The error responses of a route: 401 always, then the route's own statuses."""
    answers = {}
    for status in (401, 405, 429, *statuses):
        meaning = meanings.get(f"e{status}", _MEANINGS[status])
        answers[status] = OpenApiResponse(ErrorBody, description=meaning)
    return answers


def object_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


class OpenViduSecretScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "rooms.api.auth.OpenViduSecretAuthentication"
    name = SECURITY_SCHEME

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "user OPENVIDUAPP, password the OPENVIDU_SECRET",
        }


class EnumFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "rooms.api.fields.EnumField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.target.allowed)}


class StrictBooleanFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "rooms.api.fields.StrictBooleanField"

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        return dict(build_basic_type(OpenApiTypes.BOOL) or {})


_RECORDING_ID = {
    "name": "recording_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_OBJECT = {"type": "object", "additionalProperties": True}


def _answer(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str, ok: dict[int, dict[str, Any]], *statuses: int, **extra: Any
) -> dict[str, Any]:
    responses: dict[str, Any] = {str(code): answer for code, answer in ok.items()}
    for status in (401, 405, 501, *statuses):
        responses[str(status)] = _answer(_MEANINGS[status], _ERROR_REF)
    return {
        "summary": summary,
        "tags": ["recordings"],
        "security": [{SECURITY_SCHEME: []}],
        "responses": responses,
        **extra,
    }


def _recording_paths(prefix: str) -> dict[str, Any]:
    recording = _answer("OpenVidu's Recording object", _OBJECT)
    start_body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["session"],
                    "properties": {
                        "session": {"type": "string", "minLength": 1, "maxLength": 100},
                        "name": {"type": "string", "pattern": RECORDING_NAME, "maxLength": 200},
                        "outputMode": {"type": "string", "enum": list(OUTPUT_MODES)},
                        "hasAudio": {"type": "boolean"},
                        "hasVideo": {"type": "boolean"},
                        "recordingLayout": {"type": "string", "enum": list(LAYOUTS)},
                        "customLayout": {"type": "string", "pattern": WITHOUT_NUL},
                        "resolution": {"type": "string", "pattern": RESOLUTION},
                        "frameRate": {"type": "integer", "minimum": 1, "maximum": 120},
                        "shmSize": {"type": "integer", "minimum": 134217728},
                        "ignoreFailedStreams": {"type": "boolean"},
                    },
                }
            }
        },
    }
    return {
        f"{prefix}recordings/start": {
            "post": _operation(
                "Start the recording of a session",
                {200: recording},
                400,
                404,
                406,
                409,
                422,
                operationId="recordings_start",
                requestBody=start_body,
            )
        },
        f"{prefix}recordings/stop/{{recording_id}}": {
            "post": _operation(
                "Stop a recording",
                {200: recording},
                404,
                406,
                operationId="recordings_stop",
                parameters=[_RECORDING_ID],
            )
        },
        f"{prefix}recordings/{{recording_id}}": {
            "get": _operation(
                "Retrieve a recording",
                {200: recording},
                404,
                operationId="recordings_retrieve",
                parameters=[_RECORDING_ID],
            ),
            "delete": _operation(
                "Delete a recording and its files",
                {204: _answer("Deleted")},
                404,
                409,
                operationId="recordings_destroy",
                parameters=[_RECORDING_ID],
            ),
        },
        f"{prefix}recordings": {
            "get": _operation(
                "Retrieve all recordings",
                {200: _answer("`{count, items}` of Recording objects", _OBJECT)},
                operationId="recordings_list",
            )
        },
        f"{prefix}config/openvidu-publicurl": {
            "get": {
                "summary": "The public URL, as plain text (no authentication)",
                "operationId": "config_publicurl_retrieve",
                "tags": ["config"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "The public URL with a trailing slash",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "405": _answer(_MEANINGS[405]),
                },
            }
        },
    }


def add_plain_views(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular's postprocessing hook: the routes that are not DRF views."""
    result.setdefault("paths", {}).update(_recording_paths("/openvidu/api/"))
    return result
