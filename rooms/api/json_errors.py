"""JSON errors for JSON requests, whatever part of Django refused them.

Django answers some refusals with an HTML page before any view runs: a CSRF failure
(403), a body over Django's own limits (400), an unknown URL (404), a crash (500).
An API client or the room page's script cannot read those. For requests to OpenVidu's
paths, to the room pages' JSON endpoints, and for requests that send or accept JSON,
this middleware refuses an oversized body before anything reads it (400, as the
parser does) and turns an HTML error into the JSON error body of the endpoint family:
OpenVidu's `{timestamp, status, error, message, path}` under /openvidu/, the room
pages' `{error}` elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from rooms.api.errors import error_body
from rooms.api.parsers import MAX_BODY_BYTES

OPENVIDU_PREFIX = "/openvidu/"
# The room pages' endpoints that answer JSON to the pages' scripts (rooms.page_urls).
JSON_PAGE_ENDPOINTS = {"room-token", "room-recording"}

GetResponse = Callable[[HttpRequest], Any]


def _is_json_request(request: HttpRequest) -> bool:
    if request.path.startswith(OPENVIDU_PREFIX):
        return True
    if request.content_type == "application/json":
        return True
    # Set once the URL is resolved, before CSRF is checked.
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in JSON_PAGE_ENDPOINTS:
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _json_error(request: HttpRequest, status: int, message: str) -> JsonResponse:
    if request.path.startswith(OPENVIDU_PREFIX):
        return JsonResponse(error_body(status, message, request.path), status=status)
    return JsonResponse({"error": message}, status=status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large(request: HttpRequest) -> JsonResponse | None:
    if _is_json_request(request) and _declared_length(request) > MAX_BODY_BYTES:
        # 400, as the API's parser answers a body over the limit that came without a length.
        return _json_error(request, 400, f"The body is larger than {MAX_BODY_BYTES} bytes")
    return None


def _as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if (
        response.status_code < 400
        or response.streaming
        or response.get("Content-Type", "").startswith("application/json")
        or not _is_json_request(request)
    ):
        return response
    status = response.status_code
    message = {
        403: "Forbidden: the CSRF check failed, or the request is not allowed",
        404: f"No endpoint at {request.path}",
    }.get(status, HTTPStatus(status).phrase)
    replaced = _json_error(request, status, message)
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in response:
            replaced[header] = response[header]
    return replaced


class JsonErrorsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        refused = _too_large(request)
        if refused is not None:
            return refused
        return _as_json(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        refused = _too_large(request)
        if refused is not None:
            return refused
        return _as_json(request, await self.get_response(request))
