"""The recordings app's part of OpenVidu's `GET /openvidu/api/config`, and its folder.

The rooms app answers `config` and adds what each optional app registers
(`rooms.hooks.add_config`), so it reports recording as OpenVidu does without knowing
this app.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from recordings.api import guard_secret
from recordings.app_settings import app_settings
from rooms.openvidu_version import OPENVIDU_VERSION


def as_folder(path: object) -> str:
    """openvidu-server reports folders with a trailing slash."""
    text = str(path)
    return text if text.endswith("/") else text + "/"


def section() -> dict[str, Any]:
    """The config entries of recording: its settings only when it is on, as openvidu-server."""
    entries: dict[str, Any] = {"OPENVIDU_RECORDING": app_settings.RECORDING}
    if app_settings.RECORDING:
        entries.update(
            {
                "OPENVIDU_RECORDING_VERSION": OPENVIDU_VERSION,
                "OPENVIDU_RECORDING_PATH": as_folder(app_settings.RECORDING_PATH),
                "OPENVIDU_RECORDING_PUBLIC_ACCESS": app_settings.RECORDING_PUBLIC_ACCESS,
                "OPENVIDU_RECORDING_NOTIFICATION": app_settings.RECORDING_NOTIFICATION,
                "OPENVIDU_RECORDING_CUSTOM_LAYOUT": as_folder(app_settings.RECORDING_CUSTOM_LAYOUT),
                "OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT": app_settings.RECORDING_AUTOSTOP_TIMEOUT,
            }
        )
    return entries


@csrf_exempt
def recording_path(request: HttpRequest) -> HttpResponse:
    """`GET config/openvidu-recording-path`: the folder, whether recording is on or not."""
    refused = guard_secret(request, ("GET",))
    if refused is not None:
        return refused
    return JsonResponse(as_folder(app_settings.RECORDING_PATH), safe=False)
