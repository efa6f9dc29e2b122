"""OpenVidu's error body, `{timestamp, status, error, message, path}`, for every API error."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Any

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_body(status: int, message: str, path: str) -> dict[str, Any]:
    return {
        "timestamp": int(time.time() * 1000),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": path,
    }


def _first_message(detail: Any, field: str | None = None) -> str:
    """One readable sentence out of DRF's nested error details."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = None if key == "non_field_errors" else str(key)
            return _first_message(value, name if field is None else f"{field}.{name}")
        return "Invalid body"
    if isinstance(detail, list):
        return _first_message(detail[0], field) if detail else "Invalid body"
    text = str(detail)
    return f"{field}: {text}" if field else text


def openvidu_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    path = request.path if request is not None else ""
    if isinstance(exc, exceptions.APIException):
        message = _first_message(exc.detail)
    elif isinstance(exc, Http404):
        message = str(exc) or "Not found"
    else:
        message = HTTPStatus(response.status_code).phrase
    response.data = error_body(response.status_code, message, path)
    return response


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Conflict"


class NotAcceptable(exceptions.APIException):
    status_code = 406
    default_detail = "Not acceptable"


class NotImplementedYet(exceptions.APIException):
    status_code = 501
    default_detail = "Not implemented"
