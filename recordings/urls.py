from __future__ import annotations

from django.urls import path

from recordings import api, config, page_controls

# Under /openvidu/api/ (no trailing slashes, as OpenVidu's clients call them).
api_urlpatterns = [
    path("recordings/start", api.start, name="recording-start"),
    path("recordings/stop/<str:recording_id>", api.stop, name="recording-stop"),
    path("recordings/<str:recording_id>", api.detail, name="recording"),
    path("recordings", api.listing, name="recordings"),
    path("config/openvidu-recording-path", config.recording_path, name="config-recording-path"),
]

# Under /openvidu/: the files, as OpenVidu serves them.
file_urlpatterns = [
    path(
        "recordings/<str:recording_id>/<str:file_name>", api.recording_file, name="recording-file"
    ),
]

# Beside the room pages (`rooms.page_urls`), under the same prefix: the owner's
# Start/Stop button of the room page.
page_urlpatterns = [
    path("rooms/<str:name>/recording", page_controls.room_recording, name="room-recording"),
]
