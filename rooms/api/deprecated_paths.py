"""OpenVidu's pre-2.16 REST paths, answered as openvidu-server 2.32 answers them.

openvidu-server 2.32 keeps the old paths (on by default, `SUPPORT_DEPRECATED_API`) by
rewriting them to the new ones before routing: `/api/sessions` is served by
`/openvidu/api/sessions`, `/config` by `/openvidu/api/config`, and so on, with the
same authentication and the same bodies. This middleware does the same, so apps and
client libraries written for OpenVidu 2.15 and earlier keep working. It must come
before every other middleware, so that all of them see the new path.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rooms.app_settings import app_settings

# Old prefix -> new prefix. A prefix without a trailing slash matches itself and what
# follows a "/" (so "/config" and "/config/openvidu-version", never "/configure").
# openvidu-server also rewrites /info, a WebSocket of its dashboard this server lacks.
OLD_PREFIXES = (
    ("/api/", "/openvidu/api/"),
    ("/config", "/openvidu/api/config"),
    ("/cdr", "/openvidu/cdr"),
    ("/recordings/", "/openvidu/recordings/"),
    ("/layouts/custom/", "/openvidu/layouts/"),
    ("/accept-certificate", "/openvidu/accept-certificate"),
)


def new_path(path: str) -> str | None:
    """The path openvidu-server 2.32 serves an old path with, or None if it is not old."""
    for old, new in OLD_PREFIXES:
        if old.endswith("/"):
            if path.startswith(old):
                return new + path[len(old) :]
        elif path == old or path.startswith(old + "/"):
            return new + path[len(old) :]
    return None


class DeprecatedPathsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if app_settings.SUPPORT_DEPRECATED_API:
            rewritten = new_path(request.path_info)
            if rewritten is not None:
                script_name = request.path[: len(request.path) - len(request.path_info)]
                request.path_info = rewritten
                request.path = script_name + rewritten
        return self.get_response(request)
