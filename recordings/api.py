"""OpenVidu's recording endpoints and the recording files.

Async Django views, not DRF ones: starting and stopping wait for the media engine and
the composer (seconds, for a long composed recording), and must not hold the one
thread Django runs sync views and database calls in while they wait.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import shutil
from collections.abc import AsyncIterator
from typing import BinaryIO

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from recordings import files, service
from recordings.app_settings import app_settings
from recordings.models import Recording
from recordings.properties import InvalidProperties
from recordings.runtime import runtime
from recordings.service import RecordingRefused
from rooms.api.auth import check_secret
from rooms.api.auth_throttle import TooManyFailures
from rooms.api.errors import error_body
from rooms.api.parsers import MAX_BODY_BYTES
from rooms.internal import bounded_json

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _error(
    request: HttpRequest, status: int, message: str, path: str | None = None
) -> JsonResponse:
    return JsonResponse(error_body(status, message, path or request.path), status=status)


def _unauthorized(request: HttpRequest) -> HttpResponse | None:
    try:
        verdict = check_secret(request)
    except TooManyFailures as locked:
        response = _error(request, 429, "Too many failed authentications from this address")
        response["Retry-After"] = str(int(locked.wait))
        return response
    if verdict:
        return None
    response = _error(request, 401, "Wrong user or secret: use OPENVIDUAPP and the OPENVIDU_SECRET")
    response["WWW-Authenticate"] = 'Basic realm="OpenVidu"'
    return response


def guard_secret(request: HttpRequest, methods: tuple[str, ...]) -> HttpResponse | None:
    """The answer for a preflight, a wrong method or a wrong secret; None to go on."""
    if request.method == "OPTIONS":
        return HttpResponse(status=200)  # the CORS middleware answers the preflight's headers
    if request.method not in methods:
        response = _error(request, 405, f"Method {request.method} is not allowed here")
        response["Allow"] = ", ".join(methods)
        return response
    return _unauthorized(request)


def _guard(request: HttpRequest, methods: tuple[str, ...]) -> HttpResponse | None:
    refused = guard_secret(request, methods)
    if refused is not None:
        return refused
    if not app_settings.RECORDING:
        return _error(request, 501, "Recording is disabled (OPENVIDU_RECORDING=false)")
    return None


@csrf_exempt
async def start(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, ("POST",))
    if refused is not None:
        return refused
    if len(request.body) > MAX_BODY_BYTES:
        return _error(request, 400, f"The body is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = bounded_json.loads(request.body or b"{}")
    except bounded_json.InvalidJson as error:
        return _error(request, 400, f"The body is {error}")
    if not isinstance(body, dict):
        return _error(request, 400, "The body must be a JSON object")
    session_id = body.get("session")
    if session_id is not None and not isinstance(session_id, str):
        return _error(request, 400, 'Type error in parameter "session"')
    if not session_id:
        return _error(request, 400, '"session" parameter is mandatory')
    try:
        recording = await runtime.start(session_id, body)
    except InvalidProperties as invalid:
        # OpenVidu names /sessions as the path of these errors; clients may match on it.
        return _error(request, invalid.status, invalid.message, "/openvidu/api/sessions")
    except RecordingRefused as refusal:
        return _error(request, refusal.status, refusal.message)
    return JsonResponse(service.json_of(recording))


@csrf_exempt
async def stop(request: HttpRequest, recording_id: str) -> HttpResponse:
    refused = _guard(request, ("POST",))
    if refused is not None:
        return refused
    try:
        recording = await runtime.stop(recording_id)
    except RecordingRefused as refusal:
        return _error(request, refusal.status, refusal.message)
    return JsonResponse(service.json_of(recording))


@csrf_exempt
async def detail(request: HttpRequest, recording_id: str) -> HttpResponse:
    refused = _guard(request, ("GET", "DELETE"))
    if refused is not None:
        return refused
    recording = await database_sync_to_async(
        Recording.objects.filter(recording_id=recording_id).first
    )()
    if recording is None:
        return _error(request, 404, f"Recording {recording_id} not found")
    if request.method == "GET":
        return JsonResponse(service.json_of(recording))
    if recording.is_active:
        return _error(request, 409, f"Recording {recording_id} is in progress: stop it first")
    try:
        folder = service.directory_of(recording.recording_id)
    except ValueError:
        return _error(request, 404, f"Recording {recording_id} not found")
    await sync_to_async(shutil.rmtree, thread_sensitive=False)(folder, True)
    await database_sync_to_async(recording.delete)()
    return HttpResponse(status=204)


@csrf_exempt
async def listing(request: HttpRequest) -> HttpResponse:
    refused = _guard(request, ("GET",))
    if refused is not None:
        return refused
    recordings = await database_sync_to_async(lambda: list(Recording.objects.all()))()
    items = [service.json_of(recording) for recording in recordings]
    return JsonResponse({"count": len(items), "items": items})


async def recording_file(
    request: HttpRequest, recording_id: str, file_name: str
) -> HttpResponse | StreamingHttpResponse:
    """A file the recorder wrote for a recording, with byte ranges so a browser can seek."""
    if request.method not in ("GET", "HEAD"):
        return _error(request, 405, "Only GET and HEAD")
    if not app_settings.RECORDING_PUBLIC_ACCESS:
        refused = _unauthorized(request)
        # Operators logged in to the admin play recordings there without the secret.
        if refused is not None and not (await request.auser()).is_staff:
            return refused
    path = await database_sync_to_async(files.written_file)(recording_id, file_name)
    opened = None if path is None else await asyncio.to_thread(files.open_written, path)
    if opened is None:
        return _error(request, 404, f"No file {file_name} in recording {recording_id}")
    return _ranged_response(request, opened)


def _ranged_response(
    request: HttpRequest, opened: files.OpenedFile
) -> HttpResponse | StreamingHttpResponse:
    # A file object owns the descriptor from here: closed after the last chunk, or by
    # the garbage collector if the client goes away before.
    handle = open(opened.handle, "rb")  # noqa: SIM115
    size = opened.size
    content_type = mimetypes.guess_type(opened.name)[0] or "application/octet-stream"
    match = _RANGE.match(request.headers.get("Range", "").strip())
    status, first, last = 200, 0, size - 1
    if match is not None and (match[1] or match[2]):
        if match[1]:
            first = int(match[1])
            last = min(int(match[2]), size - 1) if match[2] else size - 1
        else:  # "bytes=-N": the last N bytes
            first = max(0, size - int(match[2]))
        if first >= size or first > last:
            handle.close()
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        status = 206
    length = last - first + 1
    if request.method == "GET":
        body: AsyncIterator[bytes] = _chunks(handle, first, length)
    else:
        handle.close()
        body = _nothing()
    response = StreamingHttpResponse(body, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""


async def _chunks(
    handle: BinaryIO, first: int, remaining: int, size: int = 256 * 1024
) -> AsyncIterator[bytes]:
    """The bytes of a range, read in a thread chunk by chunk: the loop never waits on the disk."""
    try:
        await asyncio.to_thread(handle.seek, first)
        while remaining > 0:
            data = await asyncio.to_thread(handle.read, min(size, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data
    finally:
        await asyncio.to_thread(handle.close)
