from __future__ import annotations

from django.urls import path

from recordings import api

# Under /openvidu/api/ (no trailing slashes, as OpenVidu's clients call them).
api_urlpatterns = [
    path("recordings/start", api.start, name="recording-start"),
    path("recordings/stop/<str:recording_id>", api.stop, name="recording-stop"),
    path("recordings/<str:recording_id>", api.detail, name="recording"),
    path("recordings", api.listing, name="recordings"),
]

# Under /openvidu/: the files, as OpenVidu serves them.
file_urlpatterns = [
    path(
        "recordings/<str:recording_id>/<str:file_name>", api.recording_file, name="recording-file"
    ),
]
